// The emulator's v3 side as host tests reach it (its control API over loopback HTTP), and files big enough to need
// HeyGen's direct upload, written in pieces.
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { V3Behavior, V3StoredAsset } from '../emulator/heygenV3';
import { hostEnv } from './hostSupport';

async function control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/v3/${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`emulator /__emulator/v3/${path} answered ${response.status}`);
  }
  return (await response.json()) as T;
}

export const emulatorV3 = {
  /** `heygen.apiBaseUrl` for the emulator's v3 routes. */
  get apiBaseUrl(): string {
    return hostEnv.emulatorOrigin;
  },
  assets: (): Promise<V3StoredAsset[]> => control('GET', 'assets'),
  requests: (): Promise<string[]> => control('GET', 'requests'),
  behave: (behavior: V3Behavior): Promise<unknown> => control('POST', 'behave', behavior),
};

/** A file of `size` bytes that starts like `kind` (so it sniffs as that type), the rest random, written 1 MB at a time. */
export function writeMedia(file: string, kind: 'jpeg' | 'mp4', size: number): void {
  const head = kind === 'jpeg' ? Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex') : Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, head);
    const piece = randomBytes(1024 * 1024);
    for (let written = head.length; written < size; ) {
      const n = Math.min(piece.length, size - written);
      fs.writeSync(fd, piece, 0, n);
      written += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}
