import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import * as l10n from '@vscode/l10n';
import { errors as undiciErrors, request } from 'undici';
import { isCertificateError } from './certificateErrors';
import { closeDirectAgents, CONNECT_TIMEOUT, IDLE_TIMEOUT, transferDirect, type TransferAnswer } from './directTransfer';
import { closeDispatchers, dispatcherFor } from './dispatchers';
import { proxyFor, type ProxySettings } from './proxyPolicy';
import { silentLogger, type Logger } from '../base/logger';
import { HeyGenError } from '../base/heygenError';

/**
 * Reads large enough that per-chunk overhead (promises, event-loop turns, a thread-pool round trip) stays well below
 * the transfer time, small enough that the two reused buffers stay within the 2 MB an upload may grow the process by.
 * Measured against curl (`npm run bench`): 128 KiB chunks cost ~10 % more time than 256 KiB; 512 KiB took the 10 MB
 * loopback race from 0.94-0.98 to 0.91-0.93 × curl and the v3 multipart race from 1.11-1.29 to 1.03-1.06, for 1.3 MB
 * of peak growth instead of 0.74 MB.
 */
export const READ_CHUNK_BYTES = 512 * 1024;
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
  /**
   * The file already open, its first bytes read into `buffer` (at least READ_CHUNK_BYTES long, as validateFile's
   * `keepOpenWithBytes` leaves it): sent at once, then the rest is read from the same handle, which this request
   * closes. Without it the file is opened here.
   */
  first?: { handle: FileHandle; buffer: Buffer; bytesRead: number };
}

/** Closes the pooled connections (tests and deactivation). */
export async function closeUploadAgents(): Promise<void> {
  closeDirectAgents();
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
  frame: { prefix?: Buffer; suffix?: Buffer } = {},
  first?: { buffer: Buffer; bytesRead: number },
): AsyncGenerator<Buffer> {
  if (frame.prefix?.length) {
    yield frame.prefix;
  }
  yield* fileBytes(handle, size, meter, fileName, onChunk, first);
  if (frame.suffix?.length) {
    yield frame.suffix;
  }
}

async function* fileBytes(
  handle: FileHandle,
  size: number,
  meter: Meter,
  fileName: string,
  onChunk: (sent: number) => void,
  first?: { buffer: Buffer; bytesRead: number },
): AsyncGenerator<Buffer> {
  const chunkBytes = Math.min(READ_CHUNK_BYTES, Math.max(1, size));
  // The first chunk's buffer, already filled while the file was validated, becomes the ring's first buffer.
  const firstFits = first !== undefined && first.buffer.length >= chunkBytes;
  const ring = Array.from({ length: RING_BUFFERS }, (_, i) => (i === 0 && firstFits ? first.buffer : Buffer.allocUnsafe(chunkBytes)));
  const readAt = (index: number, position: number): Promise<{ bytesRead: number }> =>
    handle.read(ring[index % RING_BUFFERS], 0, Math.min(READ_CHUNK_BYTES, size - position), position);
  // The next chunk is read from disk while the current one is on the wire.
  let pending: Promise<{ bytesRead: number }> | undefined =
    size === 0 ? undefined : firstFits ? Promise.resolve({ bytesRead: Math.min(first.bytesRead, chunkBytes) }) : readAt(0, 0);
  let position = 0;
  try {
    for (let i = 0; pending; i++) {
      const { bytesRead } = await pending;
      pending = undefined;
      if (bytesRead === 0) {
        throw new HeyGenError('invalidFile', changedWhileUploading(fileName), { file: fileName });
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

export function changedWhileUploading(fileName: string): string {
  return l10n.t('"{0}" changed while uploading; upload it again once it is saved.', fileName);
}

/** Phrases, not strings: each is translated when a message is built, after the extension configured the bundle. */
const NETWORK_DESCRIPTIONS: Readonly<Record<string, () => string>> = {
  ECONNRESET: () => l10n.t('the connection was reset'),
  ECONNREFUSED: () => l10n.t('the connection was refused'),
  EPIPE: () => l10n.t('the connection was closed while sending'),
  ENOTFOUND: () => l10n.t('the host name was not found'),
  EAI_AGAIN: () => l10n.t('the host name could not be resolved'),
  ETIMEDOUT: () => l10n.t('the connection timed out'),
  EHOSTUNREACH: () => l10n.t('the host is unreachable'),
  ENETUNREACH: () => l10n.t('the network is unreachable'),
  UND_ERR_SOCKET: () => l10n.t('the connection was closed unexpectedly'),
  UND_ERR_CLOSED: () => l10n.t('the connection was closed unexpectedly'),
};

function networkDescription(code: string | undefined, error: unknown): string {
  // Node's own words say which certificate check failed; Node 22+ appends advice about its own command-line flags
  // after a semicolon, which a person in an editor cannot act on.
  if (isCertificateError(code)) {
    const detail = error instanceof Error ? error.message.split(/[:;]/)[0].trim() : code;
    return l10n.t('the server’s certificate is not trusted ({0})', detail);
  }
  const describe = code !== undefined && Object.hasOwn(NETWORK_DESCRIPTIONS, code) ? NETWORK_DESCRIPTIONS[code] : undefined;
  return describe ? describe() : error instanceof Error ? error.message : String(error);
}

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
  return l10n.t('{0} s', s >= 10 || Number.isInteger(s) ? Math.round(s) : s.toFixed(1));
}

/** A short phrase for a transport failure ("the connection was reset"), for messages about any request. */
export function describeTransportFailure(error: unknown): string {
  const code = errorCode(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === CONNECT_TIMEOUT) {
    return l10n.t('the connection timed out');
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === IDLE_TIMEOUT) {
    return l10n.t('the server stopped responding');
  }
  return networkDescription(code, error);
}

/** Maps a transport failure to an HeyGenError with a sentence a person can act on. */
export function transportError(error: unknown, req: Pick<PostFileRequest, 'fileName' | 'connectTimeoutMs' | 'idleTimeoutMs' | 'url'>, signal?: AbortSignal): HeyGenError {
  if (error instanceof HeyGenError) {
    return error;
  }
  const name = req.fileName;
  const code = errorCode(error);
  if (signal?.aborted || error instanceof undiciErrors.RequestAbortedError || code === 'ABORT_ERR') {
    return new HeyGenError('cancelled', l10n.t('Uploading "{0}" was cancelled.', name), { file: req.fileName, cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT' || code === CONNECT_TIMEOUT) {
    const text = l10n.t('Uploading "{0}" failed: could not connect to {1} within {2}.', name, req.url.host, seconds(req.connectTimeoutMs));
    return new HeyGenError('timeout', text, {
      file: req.fileName, code, cause: error,
    });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === IDLE_TIMEOUT) {
    return new HeyGenError('timeout', l10n.t('Uploading "{0}" timed out: HeyGen did not respond for {1}.', name, seconds(req.idleTimeoutMs)), {
      file: req.fileName, code, cause: error,
    });
  }
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new HeyGenError('invalidFile', changedWhileUploading(name), {
      file: req.fileName, code, cause: error,
    });
  }
  const description = networkDescription(code, error);
  return new HeyGenError('network', l10n.t('Could not upload "{0}" to {1}: {2}.', name, req.url.host, description), {
    file: req.fileName, code, cause: error,
  });
}

export async function readCapped(body: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
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

/** One streamed request carrying a file: what {@link sendFile} needs beyond {@link PostFileRequest}'s fields. */
export interface SendFileRequest<T> extends Omit<PostFileRequest, 'apiKey' | 'contentType'> {
  method: 'POST' | 'PUT';
  /** Every header except Content-Length (computed here from the file and the frame). */
  headers: Record<string, string>;
  /** Bytes sent before and after the file's (a multipart part's head and the closing boundary). */
  prefix?: Buffer;
  suffix?: Buffer;
  /** Turns the answer into the result or throws the HeyGenError for it. */
  interpret(status: number, headers: Record<string, string | string[] | undefined>, bodyText: string): T;
  /** How the URL appears in the log: a signed storage URL must never be logged whole (default origin + path). */
  logUrl?: string;
}

/**
 * One request carrying the file, streamed from disk with an exact Content-Length (file plus frame). No redirect is
 * followed, no total timeout applies (only connect and idle), and the signal aborts at once. The file is opened
 * here, so each retry reads it afresh.
 */
export async function sendFile<T>(req: SendFileRequest<T>): Promise<{ value: T; sha256?: string }> {
  const log = req.log ?? silentLogger;
  const { signal } = req;
  if (signal?.aborted) {
    void req.first?.handle.close().catch(() => undefined);
    throw new HeyGenError('cancelled', l10n.t('Uploading "{0}" was cancelled.', req.fileName), { file: req.fileName });
  }
  let handle;
  try {
    handle = req.first?.handle ?? (await open(req.path, 'r'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? l10n.t('it no longer exists') : code === 'EACCES' ? l10n.t('permission denied') : (code ?? String(error));
    throw new HeyGenError('invalidFile', l10n.t('"{0}" cannot be read: {1}.', req.fileName, why), { file: req.fileName, code, cause: error });
  }
  let lastReport = 0;
  const meter: Meter = { sent: 0, hash: req.hash === false ? undefined : createHash('sha256') };
  const chunks = fileChunks(
    handle,
    req.size,
    meter,
    req.fileName,
    (sent) => {
      // Progress at most every 64 KiB keeps callbacks cheap without hiding movement on slow links.
      if (req.onProgress && (sent - lastReport >= 64 * 1024 || sent === req.size)) {
        lastReport = sent;
        req.onProgress(sent, req.size);
      }
    },
    { prefix: req.prefix, suffix: req.suffix },
    req.first,
  );
  const contentLength = req.size + (req.prefix?.length ?? 0) + (req.suffix?.length ?? 0);
  const headers = { ...req.headers, 'content-length': String(contentLength) };
  const proxy = proxyFor(req.url, req.proxy);
  const started = Date.now();
  try {
    const response = proxy
      ? await transferThroughProxy(req, headers, chunks)
      : await transferDirect({
          url: req.url,
          method: req.method,
          headers,
          body: chunks,
          connectTimeoutMs: req.connectTimeoutMs,
          idleTimeoutMs: req.idleTimeoutMs,
          signal,
          maxAnswerBytes: MAX_RESPONSE_BYTES,
        });
    const { text } = response;
    const elapsed = Date.now() - started;
    log.debug(`${req.method} ${req.logUrl ?? `${req.url.origin}${req.url.pathname}`} "${req.fileName}" → HTTP ${response.status} in ${elapsed} ms (${meter.sent} bytes sent${proxy ? ', through the proxy' : ''}).`);
    const value = req.interpret(response.status, response.headers, text);
    if (meter.sent !== req.size) {
      throw new HeyGenError('invalidFile', changedWhileUploading(req.fileName), { file: req.fileName });
    }
    return { value, sha256: meter.hash?.digest('hex') };
  } catch (error) {
    throw transportError(error, req, signal);
  } finally {
    await chunks.return(undefined).catch(() => undefined);
    // Not awaited: the answer is known, and closing waits for nothing the caller needs.
    void handle.close().catch(() => undefined);
  }
}

/** The same request through the configured proxy, on undici (its CONNECT tunnel keeps HeyGen's TLS end to end). */
async function transferThroughProxy(req: SendFileRequest<unknown>, headers: Record<string, string>, chunks: AsyncIterable<Buffer>): Promise<TransferAnswer> {
  const response = await request(req.url, {
    method: req.method,
    dispatcher: dispatcherFor(req.url, {
      connectTimeoutMs: req.connectTimeoutMs,
      idleTimeoutMs: req.idleTimeoutMs,
      proxy: req.proxy,
      purpose: 'upload',
    }),
    headers,
    // undici streams async iterables (documented), though its typings list only Readable.
    body: chunks as unknown as Readable,
    signal: req.signal,
    maxRedirections: 0,
  });
  return { status: response.statusCode, headers: response.headers, text: await readCapped(response.body) };
}
