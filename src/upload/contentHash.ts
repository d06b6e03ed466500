import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hex SHA-256 of a file, read as a stream so large files are never held in memory. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024, signal });
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/**
 * A one-way fingerprint of the API key, stored in history so identical content is reused only under the same
 * account. 64 bits are plenty to tell a user's few keys apart and far too few to be worth attacking.
 */
export function keyFingerprint(apiKey: string): string {
  return createHash('sha256').update(`heygen-assets:${apiKey}`).digest('hex').slice(0, 16);
}
