/**
 * Streams a rendered video from its presigned URL to a file through the one HTTP client's download
 * (core/http/download.ts): never held in memory whole, stopped past the size limit, under a total deadline. It is
 * written to `<target>.part` and renamed once complete, so a half-downloaded MP4 is never taken for the video. The
 * URL carries its own signature: no API key goes with it, and it is logged only without its query.
 */
import { rename, rm, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { HeyGenError } from '../base/heygenError';
import { silentLogger, type Logger } from '../base/logger';
import { withoutCredentials } from '../base/safeUrl';
import { formatSize } from '../base/sizes';
import { downloadToFile } from '../http/download';
import type { HttpSettings } from '../http/httpClient';

/** Far above any HeyGen render (4K minutes run to hundreds of MB), low enough to stop a server that never ends. */
export const DEFAULT_MAX_VIDEO_BYTES = 4 * 1024 * 1024 * 1024;

export interface VideoDownload {
  /** Presigned: logged only without its query. */
  url: string;
  target: string;
  maxBytes?: number;
  signal?: AbortSignal;
  log?: Logger;
}

/** Downloads `url` to `target` (its folder is made, an older file replaced); resolves with the bytes written. */
export async function downloadVideo(settings: HttpSettings, download: VideoDownload): Promise<number> {
  const log = download.log ?? silentLogger;
  const shown = withoutCredentials(download.url);
  const name = path.basename(download.target);
  let url: URL;
  try {
    url = new URL(download.url);
  } catch {
    throw new HeyGenError('protocol', l10n.t('"{0}" was not downloaded: HeyGen gave a video URL that is not a URL.', name));
  }
  const partial = `${download.target}.part`;
  const started = Date.now();
  await mkdir(path.dirname(download.target), { recursive: true });
  await rm(partial, { force: true });
  try {
    // `any` address: the URL is HeyGen's own answer (its storage, or the emulator's on this computer).
    const done = await downloadToFile(settings, {
      url,
      path: partial,
      maxBytes: download.maxBytes ?? DEFAULT_MAX_VIDEO_BYTES,
      addresses: 'any',
      signal: download.signal,
      accept: 'video/*',
      label: name,
      log,
    });
    await rename(partial, download.target);
    log.info(`Downloaded ${shown} (${formatSize(done.size)}) to ${download.target} in ${Date.now() - started} ms.`);
    return done.size;
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** The video URL was refused (expired or not signed for this request): a fresh one may work. */
export function isUrlRefused(error: unknown): boolean {
  return error instanceof HeyGenError && (error.status === 403 || error.status === 404 || error.status === 410);
}
