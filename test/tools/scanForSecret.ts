// Issue 7 item 3: after a run with a known key, the key must not be stored anywhere the editor or
// the browser wrote: user data (settings, global/workspace state, logs), extensions, browser profile.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SecretHit {
  file: string;
  encoding: string;
  count: number;
}

function countOccurrences(haystack: Buffer, needle: Buffer): number {
  let count = 0;
  let from = 0;
  for (;;) {
    const index = haystack.indexOf(needle, from);
    if (index < 0) {
      return count;
    }
    count += 1;
    from = index + 1;
  }
}

function* walk(dir: string): Generator<string> {
  if (!fs.existsSync(dir)) {
    return;
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      yield* walk(full);
    } else if (entry.isFile()) {
      yield full;
    }
  }
}

/**
 * Every file under `dirs` holding the secret as UTF-8, UTF-16 (Chromium's local storage) or
 * base64. Files are read whole: these folders are small, and a streamed search could miss a
 * match split across chunks.
 */
export function scanForSecret(dirs: string[], secret: string): { files: number; hits: SecretHit[] } {
  const needles: Array<[string, Buffer]> = [
    ['utf-8', Buffer.from(secret, 'utf8')],
    ['utf-16le', Buffer.from(secret, 'utf16le')],
    ['base64', Buffer.from(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''), 'utf8')],
  ];
  const hits: SecretHit[] = [];
  let files = 0;
  for (const dir of dirs) {
    for (const file of walk(dir)) {
      files += 1;
      let content: Buffer;
      try {
        content = fs.readFileSync(file);
      } catch {
        continue; // Sockets, files removed while walking.
      }
      for (const [encoding, needle] of needles) {
        const count = countOccurrences(content, needle);
        if (count > 0) {
          hits.push({ file, encoding, count });
        }
      }
    }
  }
  return { files, hits };
}
