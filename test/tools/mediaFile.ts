/** Test media of any size: files that sniff as a given type, the rest random, written 1 MB at a time (never whole). */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

const HEADS = {
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  jpeg: Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
  // An ISO base media `ftyp` box (brand isom): MP4 video.
  mp4: Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'),
} as const;

export function writeMediaFile(path: string, kind: keyof typeof HEADS, size: number): string {
  const fd = openSync(path, 'w');
  try {
    const head = HEADS[kind];
    writeSync(fd, head);
    const piece = randomBytes(1024 * 1024);
    for (let written = head.length; written < size; ) {
      const n = Math.min(piece.length, size - written);
      writeSync(fd, piece, 0, n);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
  return path;
}
