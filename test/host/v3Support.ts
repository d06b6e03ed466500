// The emulator's v3 side as host tests reach it (its control API over loopback HTTP), and files big enough to need
// HeyGen's direct upload, written in pieces.
import type { V3Behavior, V3StoredAsset } from '../emulator/heygenV3';
import { writeMediaFile } from '../tools/mediaFile';
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

/** A file of `size` bytes that sniffs as `kind`, written in pieces. */
export function writeMedia(file: string, kind: 'jpeg' | 'mp4', size: number): void {
  writeMediaFile(file, kind, size);
}
