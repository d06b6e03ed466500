import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { errors as undiciErrors, request } from 'undici';
import { closeDispatchers, dispatcherFor } from './dispatchers';
import type { ProxySettings } from './proxyPolicy';
import { silentLogger, type Logger } from '../util/logger';
import { UploadError, interpretResponse } from './uploadErrors';
import type { UploadedAsset } from './uploadedAsset';

/**
 * Reads large enough that per-chunk overhead (promises, event-loop turns) stays well below the transfer time (measured
 * against curl: 128 KiB chunks cost ~10 % more time than 256 KiB), small enough that the two reused buffers add
 * about 5 % of a 10 MB file to the process.
 */
const READ_CHUNK_BYTES = 256 * 1024;
const RING_BUFFERS = 2;
/** HeyGen's answers are small; anything longer is cut, it only feeds an error message. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface PostFileRequest {
  url: URL;
  apiKey: string;
  path: string;
  /** Bytes expected; sent as Content-Length. */
  size: number;
  contentType: string;
  /** Display name for messages. */
  fileName: string;
  connectTimeoutMs: number;
  /** Longest silence allowed while sending or waiting for the answer; there is no limit on the total time. */
  idleTimeoutMs: number;
  /** Proxy settings; loopback and `noProxy` hosts are reached directly. */
  proxy?: ProxySettings;
  signal?: AbortSignal;
  onProgress?(sent: number, total: number): void;
  log?: Logger;
  /** Hash the bytes on their way out (default true); off when the caller hashed the file just before. */
  hash?: boolean;
}

export interface PostFileResult {
  asset: UploadedAsset;
  /** SHA-256 of the bytes actually sent; undefined when hashing was turned off. */
  sha256?: string;
  bytesSent: number;
}

/** Closes the pooled connections (tests and deactivation). */
export async function closeUploadAgents(): Promise<void> {
  await closeDispatchers();
}

/** Counts and hashes the bytes on their way to the socket. */
interface Meter {
  sent: number;
  readonly hash?: Hash;
}

/**
 * Yields the file's bytes from two reused buffers, so memory stays flat whatever the file size (fresh buffers per
 * chunk would pile up as garbage until the next GC: a 10 MB upload would grow the process by ~10 MB). While one
 * buffer is on the wire, the next chunk is read into the other. Reuse is safe because undici asks for the next chunk
 * only after the previous one is out of the socket's buffer: a chunk larger than the socket's high-water mark makes
 * the write report back-pressure, and undici then waits for 'drain'. The byte-exact SHA-256 checks in the unit tests
 * (sizes around chunk boundaries) would catch a buffer reused too early.
 */
async function* fileChunks(
  handle: FileHandle,
  size: number,
  meter: Meter,
  fileName: string,
  onChunk: (sent: number) => void,
): AsyncGenerator<Buffer> {
  const ring = Array.from({ length: RING_BUFFERS }, () => Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(1, size))));
  const readAt = (index: number, position: number): Promise<{ bytesRead: number }> =>
    handle.read(ring[index % RING_BUFFERS], 0, Math.min(READ_CHUNK_BYTES, size - position), position);
  // The next chunk is read from disk while the current one is on the wire.
  let pending: Promise<{ bytesRead: number }> | undefined = size > 0 ? readAt(0, 0) : undefined;
  let position = 0;
  try {
    for (let i = 0; pending; i++) {
      const { bytesRead } = await pending;
      pending = undefined;
      if (bytesRead === 0) {
        throw new UploadError('invalidFile', `"${fileName}" changed while uploading; upload it again once it is saved.`, { file: fileName });
      }
      const chunk = ring[i % RING_BUFFERS].subarray(0, bytesRead);
      position += bytesRead;
      if (position < size) {
        pending = readAt(i + 1, position);
      }
      meter.sent = position;
      meter.hash?.update(chunk);
      onChunk(position);
      yield chunk;
    }
  } finally {
    // Stopped early (abort, server error): a read still in flight must not surface as an unhandled rejection.
    pending?.catch(() => undefined);
  }
}

const NETWORK_DESCRIPTIONS: Readonly<Record<string, string>> = {
  ECONNRESET: 'the connection was reset',
  ECONNREFUSED: 'the connection was refused',
  EPIPE: 'the connection was closed while sending',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_SOCKET: 'the connection was closed unexpectedly',
  UND_ERR_CLOSED: 'the connection was closed unexpectedly',
};

export function errorCode(error: unknown): string | undefined {
  // undici wraps resets in a SocketError (UND_ERR_SOCKET); a system code deeper in the cause chain says more.
  let fallback: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code !== 'UND_ERR_SOCKET') {
        return code;
      }
      fallback ??= code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return fallback;
}

/** "15 s", "0.3 s". */
function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 || Number.isInteger(s) ? Math.round(s) : s.toFixed(1)} s`;
}

/** A short phrase for a transport failure ("the connection was reset"), for messages about any request. */
export function describeTransportFailure(error: unknown): string {
  const code = errorCode(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return 'the connection timed out';
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return 'the server stopped responding';
  }
  return (code && NETWORK_DESCRIPTIONS[code]) ?? (error instanceof Error ? error.message : String(error));
}

/** Maps a transport failure to an UploadError with a sentence a person can act on. */
export function transportError(error: unknown, req: Pick<PostFileRequest, 'fileName' | 'connectTimeoutMs' | 'idleTimeoutMs' | 'url'>, signal?: AbortSignal): UploadError {
  if (error instanceof UploadError) {
    return error;
  }
  const name = `"${req.fileName}"`;
  const code = errorCode(error);
  if (signal?.aborted || error instanceof undiciErrors.RequestAbortedError || code === 'ABORT_ERR') {
    return new UploadError('cancelled', `Uploading ${name} was cancelled.`, { file: req.fileName, cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new UploadError('timeout', `Uploading ${name} failed: could not connect to ${req.url.host} within ${seconds(req.connectTimeoutMs)}.`, {
      file: req.fileName, code, cause: error,
    });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new UploadError('timeout', `Uploading ${name} timed out: HeyGen did not respond for ${seconds(req.idleTimeoutMs)}.`, {
      file: req.fileName, code, cause: error,
    });
  }
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new UploadError('invalidFile', `${name} changed while uploading; upload it again once it is saved.`, {
      file: req.fileName, code, cause: error,
    });
  }
  const description = (code && NETWORK_DESCRIPTIONS[code]) ?? (error instanceof Error ? error.message : String(error));
  return new UploadError('network', `Could not upload ${name} to ${req.url.host}: ${description}.`, {
    file: req.fileName, code, cause: error,
  });
}

async function readCapped(body: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < MAX_RESPONSE_BYTES) {
      parts.push(Buffer.from(chunk));
    }
    size += chunk.length;
  }
  return Buffer.concat(parts).toString('utf8').slice(0, MAX_RESPONSE_BYTES);
}

/**
 * One POST of the file to HeyGen, streamed from disk with Content-Length set. No redirect is followed, no total
 * timeout applies (only connect and idle), and the signal aborts at once. The file is opened here, so each retry
 * reads it afresh.
 */
export async function postFile(req: PostFileRequest): Promise<PostFileResult> {
  const log = req.log ?? silentLogger;
  const { signal } = req;
  if (signal?.aborted) {
    throw new UploadError('cancelled', `Uploading "${req.fileName}" was cancelled.`, { file: req.fileName });
  }
  let handle;
  try {
    handle = await open(req.path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it no longer exists' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    throw new UploadError('invalidFile', `"${req.fileName}" cannot be read: ${why}.`, { file: req.fileName, code, cause: error });
  }
  let lastReport = 0;
  const meter: Meter = { sent: 0, hash: req.hash === false ? undefined : createHash('sha256') };
  const chunks = fileChunks(handle, req.size, meter, req.fileName, (sent) => {
    // Progress at most every 64 KiB keeps callbacks cheap without hiding movement on slow links.
    if (req.onProgress && (sent - lastReport >= 64 * 1024 || sent === req.size)) {
      lastReport = sent;
      req.onProgress(sent, req.size);
    }
  });
  const started = Date.now();
  try {
    const response = await request(req.url, {
      method: 'POST',
      dispatcher: dispatcherFor(req.url, {
        connectTimeoutMs: req.connectTimeoutMs,
        idleTimeoutMs: req.idleTimeoutMs,
        proxy: req.proxy,
        purpose: 'upload',
      }),
      headers: {
        'content-type': req.contentType,
        'content-length': String(req.size),
        'x-api-key': req.apiKey,
        accept: 'application/json',
      },
      // undici streams async iterables (documented), though its typings list only Readable.
      body: chunks as unknown as Readable,
      signal,
      maxRedirections: 0,
    });
    const text = await readCapped(response.body);
    const elapsed = Date.now() - started;
    log.debug(`POST ${req.url.origin}${req.url.pathname} "${req.fileName}" → HTTP ${response.statusCode} in ${elapsed} ms (${meter.sent} bytes sent).`);
    const asset = interpretResponse(response.statusCode, response.headers, text, req.fileName);
    if (meter.sent !== req.size) {
      throw new UploadError('invalidFile', `"${req.fileName}" changed while uploading; upload it again once it is saved.`, { file: req.fileName });
    }
    return { asset, sha256: meter.hash?.digest('hex'), bytesSent: meter.sent };
  } catch (error) {
    throw transportError(error, req, signal);
  } finally {
    await chunks.return(undefined).catch(() => undefined);
    await handle.close().catch(() => undefined);
  }
}
