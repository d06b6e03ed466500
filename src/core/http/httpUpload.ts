/**
 * A file sent as a request body (v1's raw upload, v3's multipart form, the storage PUT): streamed from disk through
 * the HTTP client with an exact Content-Length, progress as it goes, flat memory whatever the size.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import * as l10n from '@vscode/l10n';
import { silentLogger, type Logger } from '../base/logger';
import { HeyGenError } from '../base/heygenError';
import { httpRequest, type HttpSettings } from './httpClient';
import { changedWhileUploading, transportError } from './transportErrors';

/**
 * Reads large enough that per-chunk overhead (promises, event-loop turns, a thread-pool round trip) stays well below
 * the transfer time, small enough that the two reused buffers stay within the 2 MB an upload may grow the process by.
 * Measured against curl (`npm run bench`): 128 KiB chunks cost ~10 % more time than 256 KiB; 512 KiB took the 10 MB
 * loopback race from 0.94-0.98 to 0.91-0.93 × curl, for 1.3 MB of peak growth instead of 0.74 MB.
 */
export const READ_CHUNK_BYTES = 512 * 1024;
const RING_BUFFERS = 2;

/** The file already open, its first bytes read into `buffer` (as validateFile's `keepOpenWithBytes` leaves it). */
export interface OpenedStart {
  handle: FileHandle;
  buffer: Buffer;
  bytesRead: number;
}

/** One request carrying a file. */
export interface SendFileRequest<T> extends HttpSettings {
  url: URL;
  method: 'POST' | 'PUT';
  /** Every header except Content-Length (computed here from the file and the frame). */
  headers: Record<string, string>;
  path: string;
  /** Bytes expected. */
  size: number;
  /** Display name for messages. */
  fileName: string;
  /** Bytes sent before and after the file's (a multipart part's head and the closing boundary). */
  prefix?: Buffer;
  suffix?: Buffer;
  signal?: AbortSignal;
  onProgress?(sent: number, total: number): void;
  log?: Logger;
  /** Hash the bytes on their way out (default true); off when the caller hashes the file after the answer. */
  hash?: boolean;
  /** The file already open with its first chunk read: sent at once, then read on from the same handle, closed here. */
  first?: OpenedStart;
  /** Turns the answer into the result or throws the HeyGenError for it. */
  interpret(status: number, headers: Record<string, string | string[] | undefined>, bodyText: string): T;
  /** How the URL appears in the log: a signed storage URL must never be logged whole (default origin + path). */
  logUrl?: string;
}

/** Counts and hashes the bytes on their way to the socket. */
interface Meter {
  sent: number;
  readonly hash?: Hash;
}

/**
 * Yields the file's bytes from two reused buffers, so memory stays flat whatever the file size (fresh buffers per
 * chunk would pile up as garbage until the next GC). While one buffer is on the wire, the next chunk is read into
 * the other. Reuse is safe because undici asks for the next chunk only after the previous one is out of the socket's
 * buffer: a chunk larger than the socket's high-water mark makes the write report back-pressure, and undici then
 * waits for 'drain'. The byte-exact SHA-256 checks in the unit tests (sizes around chunk boundaries) would catch a
 * buffer reused too early.
 */
async function* fileBytes(handle: FileHandle, size: number, meter: Meter, fileName: string, onChunk: (sent: number) => void, first?: OpenedStart): AsyncGenerator<Buffer> {
  const chunkBytes = Math.min(READ_CHUNK_BYTES, Math.max(1, size));
  // The first chunk's buffer, already filled while the file was validated, becomes the ring's first buffer.
  const firstFits = first !== undefined && first.buffer.length >= chunkBytes;
  const ring = Array.from({ length: RING_BUFFERS }, (_, i) => (i === 0 && firstFits ? first.buffer : Buffer.allocUnsafe(chunkBytes)));
  const readAt = (index: number, position: number): Promise<{ bytesRead: number }> =>
    handle.read(ring[index % RING_BUFFERS], 0, Math.min(READ_CHUNK_BYTES, size - position), position);
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

async function* framed(prefix: Buffer | undefined, bytes: AsyncGenerator<Buffer>, suffix: Buffer | undefined): AsyncGenerator<Buffer> {
  if (prefix?.length) {
    yield prefix;
  }
  yield* bytes;
  if (suffix?.length) {
    yield suffix;
  }
}

function cancelled(fileName: string): HeyGenError {
  return new HeyGenError('cancelled', l10n.t('Uploading "{0}" was cancelled.', fileName), { file: fileName });
}

/**
 * One request carrying the file, streamed from disk with an exact Content-Length (file plus frame). No redirect is
 * followed; the signal aborts at once; the deadline allows for the size. The file is opened here (unless `first`
 * brings it open), so each retry reads it afresh.
 */
export async function sendFile<T>(req: SendFileRequest<T>): Promise<{ value: T; sha256?: string }> {
  const log = req.log ?? silentLogger;
  if (req.signal?.aborted) {
    void req.first?.handle.close().catch(() => undefined);
    throw cancelled(req.fileName);
  }
  let handle: FileHandle;
  try {
    handle = req.first?.handle ?? (await open(req.path, 'r'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? l10n.t('it no longer exists') : code === 'EACCES' ? l10n.t('permission denied') : (code ?? String(error));
    throw new HeyGenError('invalidFile', l10n.t('"{0}" cannot be read: {1}.', req.fileName, why), { file: req.fileName, code, cause: error });
  }
  let lastReport = 0;
  const meter: Meter = { sent: 0, hash: req.hash === false ? undefined : createHash('sha256') };
  const onChunk = (sent: number): void => {
    // Progress at most every 64 KiB keeps callbacks cheap without hiding movement on slow links.
    if (req.onProgress && (sent - lastReport >= 64 * 1024 || sent === req.size)) {
      lastReport = sent;
      req.onProgress(sent, req.size);
    }
  };
  const chunks = framed(req.prefix, fileBytes(handle, req.size, meter, req.fileName, onChunk, req.first), req.suffix);
  const length = req.size + (req.prefix?.length ?? 0) + (req.suffix?.length ?? 0);
  const started = Date.now();
  try {
    const answer = await httpRequest(req, { url: req.url, method: req.method, headers: req.headers, body: { chunks, length }, signal: req.signal });
    log.debug(
      `${req.method} ${req.logUrl ?? `${req.url.origin}${req.url.pathname}`} "${req.fileName}" → HTTP ${answer.status} in ${Date.now() - started} ms (${meter.sent} bytes sent${answer.proxied ? ', through the proxy' : ''}).`,
    );
    const value = req.interpret(answer.status, answer.headers, answer.text);
    if (meter.sent !== req.size) {
      throw new HeyGenError('invalidFile', changedWhileUploading(req.fileName), { file: req.fileName });
    }
    return { value, sha256: meter.hash?.digest('hex') };
  } catch (error) {
    throw transportError(error, req, req.signal);
  } finally {
    await chunks.return(undefined).catch(() => undefined);
    // Not awaited: the answer is known, and closing waits for nothing the caller needs.
    void handle.close().catch(() => undefined);
  }
}
