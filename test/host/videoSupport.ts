// The emulator's video controls as the extension-host tests reach them (its /__emulator/* routes over loopback HTTP),
// and the extension's videos as the tests see them (its test API: renders, the Videos view's rows, watch ends).
import type * as vscode from 'vscode';
import type { RecordedRequest } from '../emulator/heygenEmulator';
import type { HeyGenAssetsApi } from '../../src/vscode/api';
import type { VideosTestApi } from '../../src/vscode/videos/registerVideos';
import { hostEnv } from './hostSupport';

async function control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`emulator /__emulator/${path} answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as T;
}

export const emulatorVideos = {
  /** Moves the emulator's clock (every video's schedule) forward. */
  advance: (ms: number): Promise<unknown> => control('POST', 'clock/advance', { ms }),
  failNext: (message: string, code?: string): Promise<unknown> => control('POST', 'videos/fail-next', { message, code }),
  legacy: (mode: 'serve' | 'missing' | 'gone'): Promise<unknown> => control('POST', 'videos/legacy', { mode }),
  sha256: async (videoId: string): Promise<string> => (await control<{ sha256: string }>('GET', `videos/sha256?video_id=${videoId}`)).sha256,
  requests: (path: string): Promise<RecordedRequest[]> => control('GET', `requests?path=${encodeURIComponent(path)}`),
  /** A studio avatar look that is ready, from the emulator's catalogue (asked as the extension would, with the key). */
  async lookId(): Promise<string> {
    const response = await fetch(`${hostEnv.emulatorOrigin}/v3/avatars/looks?avatar_type=studio_avatar&limit=1`, { headers: { 'x-api-key': hostEnv.apiKey } });
    const json = (await response.json()) as { data: Array<{ id: string }> };
    return json.data[0].id;
  },
};

export function videosOf(heygen: HeyGenAssetsApi): VideosTestApi {
  if (!heygen.videos) {
    throw new Error('the extension exposes no videos test API (is this an extension test run?)');
  }
  return heygen.videos;
}

/** Resolves when the watch of `videoId` ends, with how it ended. Subscribe before the end can happen. */
export function watchEnd(videos: VideosTestApi, videoId: string): Promise<string> {
  return new Promise((resolve) => {
    const subscription: vscode.Disposable = videos.onDidFinishWatch((end) => {
      if (end.videoId === videoId) {
        subscription.dispose();
        resolve(end.kind);
      }
    });
  });
}
