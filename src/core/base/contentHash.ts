import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

const HASH_CHUNK_BYTES = 256 * 1024;

/**
 * Hex SHA-256 of a file, read in chunks into one reused buffer: large files are never held in memory, and no
 * garbage piles up for the next upload to pay for.
 */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  // Non-blocking: a file swapped for a named pipe since it was checked cannot hold a thread-pool thread here.
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    let position = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) {
        break;
      }
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await handle.close();
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
