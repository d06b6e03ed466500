/**
 * Streams a rendered video from its presigned URL to a file: never held in memory whole (undici's body is piped to
 * the file chunk by chunk), written to `<target>.part` and renamed once complete, so a half-downloaded MP4 is never
 * taken for the video. The URL carries its own signature: no API key goes with it. One function on purpose: it moves
 * to the shared HTTP client's streaming download when that lands.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as l10n from '@vscode/l10n';
import { errors as undiciErrors, request } from 'undici';
import { HeyGenError } from '../base/heygenError';
import { silentLogger, type Logger } from '../base/logger';
import { withoutCredentials } from '../base/safeUrl';
import { formatSize } from '../base/sizes';
import { dispatcherFor } from '../http/dispatchers';
import { isLoopbackHost } from '../http/endpointPolicy';
import { errorMessage } from '../base/errorMessage';
import { describeTransportFailure, errorCode, readCapped } from '../http/httpUpload';
import type { ProxySettings } from '../http/proxyPolicy';

/** Far above any HeyGen render (4K minutes run to hundreds of MB), low enough to stop a server that never ends. */
export const DEFAULT_MAX_VIDEO_BYTES = 8 * 1024 * 1024 * 1024;

export interface VideoDownload {
  /** Presigned: logged only without its query. */
  url: string;
  target: string;
  connectTimeoutMs: number;
  /** Longest silence while waiting for bytes; there is no total limit. */
  idleTimeoutMs: number;
  proxy?: ProxySettings;
  maxBytes?: number;
  signal?: AbortSignal;
  onProgress?(received: number, total: number | undefined): void;
  log?: Logger;
}

/** Downloads `url` to `target` (its folder is made); resolves with the bytes written. */
export async function downloadVideo(download: VideoDownload): Promise<number> {
  const log = download.log ?? silentLogger;
  const shown = withoutCredentials(download.url);
  const name = path.basename(download.target);
  const url = videoUrl(download.url, name);
  const maxBytes = download.maxBytes ?? DEFAULT_MAX_VIDEO_BYTES;
  const partial = `${download.target}.part`;
  const started = Date.now();
  let received = 0;
  try {
    await mkdir(path.dirname(download.target), { recursive: true });
    const response = await request(url, {
      method: 'GET',
      dispatcher: dispatcherFor(url, {
        connectTimeoutMs: download.connectTimeoutMs,
        idleTimeoutMs: download.idleTimeoutMs,
        proxy: download.proxy,
        purpose: 'download',
      }),
      signal: download.signal,
      maxRedirections: 0,
    });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const answer = (await readCapped(response.body)).slice(0, 200);
      log.warn(`GET ${shown} → HTTP ${response.statusCode}: ${answer}`);
      throw new HeyGenError(
        response.statusCode === 403 || response.statusCode === 404 ? 'auth' : response.statusCode >= 500 ? 'server' : 'protocol',
        l10n.t('"{0}" could not be downloaded: the video URL answered HTTP {1}.', name, response.statusCode),
        { status: response.statusCode },
      );
    }
    const length = Number(response.headers['content-length']);
    const total = Number.isFinite(length) && length >= 0 ? length : undefined;
    if (total !== undefined && total > maxBytes) {
      response.body.destroy();
      throw new HeyGenError('tooLarge', l10n.t('"{0}" was not downloaded: it is {1}, more than {2}.', name, formatSize(total), formatSize(maxBytes)));
    }
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (received > maxBytes) {
          callback(new HeyGenError('tooLarge', l10n.t('"{0}" was not downloaded: it is more than {1}.', name, formatSize(maxBytes))));
          return;
        }
        download.onProgress?.(received, total);
        callback(null, chunk);
      },
    });
    await pipeline(response.body, meter, createWriteStream(partial));
    if (total !== undefined && received !== total) {
      throw new HeyGenError('network', l10n.t('"{0}" was not downloaded whole: {1} of {2} arrived.', name, formatSize(received), formatSize(total)));
    }
    await rename(partial, download.target);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw downloadError(error, name, url, download);
  }
  log.info(`Downloaded ${shown} (${formatSize(received)}) to ${download.target} in ${Date.now() - started} ms.`);
  return received;
}

/** HTTPS, or plain HTTP on this computer (the emulator's storage host); nothing else is fetched. */
function videoUrl(raw: string, name: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) || url.username || url.password) {
    throw new HeyGenError('insecureEndpoint', l10n.t('"{0}" was not downloaded: HeyGen gave a video URL that is not https.', name));
  }
  return url;
}

function downloadError(error: unknown, name: string, url: URL, download: VideoDownload): HeyGenError {
  if (error instanceof HeyGenError) {
    return error;
  }
  const code = errorCode(error);
  if (download.signal?.aborted || error instanceof undiciErrors.RequestAbortedError || code === 'ABORT_ERR') {
    return new HeyGenError('cancelled', l10n.t('Downloading "{0}" was cancelled.', name), { cause: error });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new HeyGenError('timeout', l10n.t('Downloading "{0}" timed out: {1} did not answer in time.', name, url.host), { code, cause: error });
  }
  if (typeof (error as { path?: unknown }).path === 'string') {
    // A file system error (no space, no permission) carries the path: the sentence names the file, not the network.
    return new HeyGenError('invalidFile', l10n.t('"{0}" could not be written: {1}.', download.target, errorMessage(error)), { code, cause: error });
  }
  return new HeyGenError('network', l10n.t('Downloading "{0}" from {1} failed: {2}.', name, url.host, describeTransportFailure(error)), { code, cause: error });
}
