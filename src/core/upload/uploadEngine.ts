import { createHash } from 'node:crypto';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { request } from 'undici';
import type { ApiVersion, AssetRecord } from '../base/assetRecord';
import { silentLogger, type Logger } from '../base/logger';
import { keyFingerprint, sha256File } from '../base/contentHash';
import { dispatcherFor } from '../http/dispatchers';
import { checkEndpoint } from '../http/endpointPolicy';
import { changedWhileUploading, describeTransportFailure, errorCode, READ_CHUNK_BYTES, transportError } from '../http/httpUpload';
import { postFile } from '../heygen/v1Upload';
import type { ProxySettings } from '../http/proxyPolicy';
import { withRetries, type RetryOptions } from './retryPolicy';
import { DEFAULT_API_BASE_URL, type V3Endpoint } from '../heygen/v3Client';
import { V3_DIRECT_CEILING_BYTES, V3_MULTIPART_MAX_BYTES, directUpload, postMultipart } from '../heygen/v3Upload';
import { SNIFF_BYTES, sniffType, typeFromMime, typeFromName } from '../base/sniffContent';
import { HeyGenError } from '../base/heygenError';
import type { UploadedAsset } from '../heygen/uploadedAsset';
import { recordForUpload, type UploadSource } from './uploadRecord';
import { formatMegabytes, formatSize } from '../base/sizes';
import { changedAfterApproval, validateFile, type FileStamp, type LocalFile, type OpenedFile } from '../base/validateFile';

export type { ApiVersion } from '../base/assetRecord';

export interface UploadTarget {
  /** v1 (the default): the raw body to `endpoint`; v3: multipart or direct uploads under `apiBaseUrl`. */
  api?: ApiVersion;
  /** The v1 upload URL (`heygen.uploadUrl`). */
  endpoint: string;
  /** The v3 base URL (`heygen.apiBaseUrl`); used when `api` is v3. */
  apiBaseUrl?: string;
  apiKey: string;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** Corporate proxy (VS Code's `http.proxy` or HTTPS_PROXY); loopback and `noProxy` hosts are reached directly. */
  proxy?: ProxySettings;
  retry?: Partial<RetryOptions>;
}

/** Finds an earlier upload of identical content under the same key (backed by the history). */
export interface ReuseIndex {
  lookup(sha256: string, keyFingerprint: string): AssetRecord | undefined;
  /**
   * Optional pre-check: false when no recorded asset of this key has this size, so no content can match. The
   * engine then skips hashing the file up front and hashes the bytes while sending instead (one read, not two).
   */
  mayHave?(size: number, keyFingerprint: string): boolean;
}

export interface UploadOptions {
  /** The v1 limit (`heygen.maxUploadSizeMB`); v3 has its own (32 MB through the API, the slot's `max_bytes` beyond). */
  maxBytes: number;
  signal?: AbortSignal;
  onProgress?(sent: number, total: number): void;
  reuse?: ReuseIndex;
  /** Upload even when the reuse index knows the content. */
  force?: boolean;
  /** The version of the file the person approved (an agent's upload): any other version is refused unsent. */
  expect?: FileStamp;
  log?: Logger;
  /**
   * Called the moment HeyGen's answer names the asset, before the content's SHA-256 (for history and reuse) is
   * computed; the outcome follows once it is, or the upload fails if the file changed meanwhile.
   */
  onAnswer?(asset: UploadedAsset): void;
}

export interface UploadOutcome {
  /** The history record of the asset: the recorded one when reused, else a new one for HeyGen's answer. */
  record: AssetRecord;
  /** True when the asset came from the reuse index and nothing was sent. */
  reused: boolean;
  source: UploadSource;
}

function endpointOf(target: UploadTarget): URL {
  const check = checkEndpoint(target.api === 'v3' ? (target.apiBaseUrl ?? DEFAULT_API_BASE_URL) : target.endpoint);
  if (!check.valid) {
    throw new HeyGenError('insecureEndpoint', check.reason);
  }
  return check.url;
}

function cancelled(name?: string): HeyGenError {
  return new HeyGenError('cancelled', name ? l10n.t('Uploading "{0}" was cancelled.', name) : l10n.t('The upload was cancelled.'), { file: name });
}

/** Uploads a local file: validate, reuse identical content when allowed, else stream it with retries. */
export async function uploadLocalFile(path: string, target: UploadTarget, options: UploadOptions): Promise<UploadOutcome> {
  const endpoint = endpointOf(target);
  // Left open with its first chunk read: the first attempt sends from it at once (one open and one read fewer
  // before the first byte); a retry, a reuse hit or a direct upload closes it unused.
  const { file, opened } = await checkedFile(path, target, options, undefined, READ_CHUNK_BYTES);
  const { expect } = options;
  if (expect && (file.size !== expect.size || file.mtimeMs !== expect.mtimeMs)) {
    opened?.close();
    throw new HeyGenError('invalidFile', changedAfterApproval(file.name), { file: file.name });
  }
  try {
    return await uploadChecked(file, undefined, endpoint, target, options, { path }, opened);
  } finally {
    opened?.close();
  }
}

/** HeyGenError.code of a file refused for being over v1's size limit (`heygen.maxUploadSizeMB`). */
export const OVER_V1_LIMIT = 'overV1Limit';

/** The size refused before any request: v1's setting, or for v3 what one direct upload can carry at most. */
function limitOf(target: UploadTarget, options: UploadOptions): number {
  return target.api === 'v3' ? V3_DIRECT_CEILING_BYTES : options.maxBytes;
}

async function checkedFile(
  path: string,
  target: UploadTarget,
  options: UploadOptions,
  displayName?: string,
  keepOpenWithBytes?: number,
): Promise<{ file: LocalFile; opened?: OpenedFile }> {
  if (options.signal?.aborted) {
    throw cancelled(displayName);
  }
  const check = await validateFile(path, { maxBytes: limitOf(target, options), log: options.log, displayName, keepOpenWithBytes });
  if (!check.valid) {
    // Over v1's limit, the sentence says what would take the file (wherever it is shown: a notice, a tool's result,
    // the log), and the editor offers to switch.
    const overV1 = check.problem === 'tooLarge' && target.api !== 'v3';
    throw new HeyGenError('invalidFile', overV1 ? l10n.t('{0}; HeyGen API v3 takes larger files.', check.reason.replace(/\.$/, '')) : check.reason, {
      file: displayName ?? path.split(/[\\/]/).pop(),
      ...(overV1 ? { code: OVER_V1_LIMIT } : {}),
    });
  }
  return { file: check.file, opened: check.opened };
}

async function unchanged(file: LocalFile): Promise<string | undefined> {
  try {
    const now = await stat(file.path);
    if (now.size !== file.size || now.mtimeMs !== file.mtimeMs) {
      return changedWhileUploading(file.name);
    }
    return undefined;
  } catch {
    return l10n.t('"{0}" was deleted or moved while uploading.', file.name);
  }
}

async function uploadChecked(
  file: LocalFile,
  knownSha256: string | undefined,
  endpoint: URL,
  target: UploadTarget,
  options: UploadOptions,
  origin: { path?: string; url?: string },
  opened?: OpenedFile,
): Promise<UploadOutcome> {
  const log = options.log ?? silentLogger;
  const fingerprint = keyFingerprint(target.apiKey);
  const source = (sha256: string): UploadSource => ({
    name: file.name,
    size: file.size,
    mime: file.type.mime,
    kind: file.type.kind,
    sha256,
    ...origin,
  });

  let sha256 = knownSha256;
  const reuse = options.reuse;
  const worthLooking = reuse !== undefined && !options.force && (knownSha256 !== undefined || reuse.mayHave?.(file.size, fingerprint) !== false);
  if (reuse && worthLooking) {
    try {
      sha256 ??= await sha256File(file.path, options.signal);
    } catch (error) {
      if (options.signal?.aborted) {
        throw cancelled(file.name);
      }
      throw new HeyGenError('invalidFile', l10n.t('"{0}" cannot be read: {1}.', file.name, (error as Error).message), { file: file.name, cause: error });
    }
    const hit = reuse.lookup(sha256, fingerprint);
    if (hit) {
      log.info(`"${file.name}" has the same content as asset ${hit.id}; reusing it without uploading.`);
      options.onProgress?.(file.size, file.size);
      return { record: hit, reused: true, source: source(sha256) };
    }
  }

  const api = target.api ?? 'v1';
  log.info(`Uploading "${file.name}" (${formatSize(file.size)}, ${file.type.mime}) to ${endpoint.origin} with API ${api}.`);
  const started = Date.now();
  /** One step with the retry policy; before a retry, a file that changed meanwhile stops the upload. */
  const retrying = <T>(attempt: () => Promise<T>): Promise<T> =>
    withRetries(
      async (n) => {
        if (n > 0) {
          const changed = await unchanged(file);
          if (changed) {
            throw new HeyGenError('invalidFile', changed, { file: file.name });
          }
        }
        return attempt();
      },
      target.retry,
      options.signal,
      ({ retry, delayMs, error }) => {
        const max = target.retry?.maxRetries ?? 3;
        log.warn(`${error.message} Retrying in ${delayMs} ms (retry ${retry} of ${max}).`);
      },
    );
  const transport = api === 'v3' ? v3Transport(target, endpoint) : v1Transport(target, endpoint);
  const result = await transport(file, {
    knownSha256: sha256,
    opened,
    signal: options.signal,
    onProgress: (sent, total) => options.onProgress?.(sent, total),
    log,
    retrying,
  }).catch((error: unknown) => {
    const failure = error instanceof HeyGenError ? error : transportError(error, {
            fileName: file.name,
            url: endpoint,
            connectTimeoutMs: target.connectTimeoutMs,
            idleTimeoutMs: target.idleTimeoutMs,
          });
    if (failure.kind === 'cancelled') {
      // Cancelling is the person's choice, not a fault.
      log.info(`Upload of "${file.name}" cancelled.`);
      throw failure.file ? failure : cancelled(file.name);
    }
    throw failure;
  });

  options.onAnswer?.(result.asset);
  let sentSha256 = result.sha256 ?? sha256;
  if (sentSha256 === undefined) {
    // After the answer, off the critical path. Size and modification time, checked next against the validated file,
    // tell whether these are the bytes that were sent (as when the file is hashed before sending). Not cancellable:
    // HeyGen has the asset now, and a Cancel pressed meanwhile must not lose its record.
    sentSha256 = await sha256File(file.path).catch(() => undefined);
  }
  const changed = await unchanged(file);
  if (changed || sentSha256 === undefined) {
    const message = changed ?? changedWhileUploading(file.name);
    log.error(`${message} HeyGen stored asset ${result.asset.id} from the bytes sent; it is not recorded.`);
    throw new HeyGenError('invalidFile', message, { file: file.name });
  }
  log.info(`Uploaded "${file.name}" as asset ${result.asset.id} in ${Date.now() - started} ms.`);
  const sent = source(sentSha256);
  return { record: recordForUpload(result.asset, sent, fingerprint, api), reused: false, source: sent };
}

// ---------------------------------------------------------------------------------------------------------------
// A transport per API version: how a checked file's bytes reach HeyGen and become an asset.

interface TransportContext {
  /** The content's SHA-256 when the reuse check hashed it already (then the bytes are not hashed again). */
  knownSha256?: string;
  /** The validated file still open with its first chunk read; the first attempt takes it. */
  opened?: OpenedFile;
  signal?: AbortSignal;
  onProgress: (sent: number, total: number) => void;
  log: Logger;
  retrying: <T>(attempt: () => Promise<T>) => Promise<T>;
}

type Transport = (file: LocalFile, context: TransportContext) => Promise<{ asset: UploadedAsset; sha256?: string }>;

/** v1: the raw body to `heygen.uploadUrl`, retried as a whole. */
function v1Transport(target: UploadTarget, endpoint: URL): Transport {
  return (file, context) =>
    context.retrying(() =>
      postFile({
        url: endpoint,
        apiKey: target.apiKey,
        path: file.path,
        size: file.size,
        contentType: file.type.mime,
        fileName: file.name,
        connectTimeoutMs: target.connectTimeoutMs,
        idleTimeoutMs: target.idleTimeoutMs,
        proxy: target.proxy,
        signal: context.signal,
        onProgress: context.onProgress,
        log: context.log,
        // Not hashed on the way out: on a machine whose cores are busy with the transfer (loopback, two cores) the
        // hash would delay HeyGen's answer by its full CPU time. uploadChecked hashes after the answer.
        hash: false,
        first: context.opened?.take(),
      }),
    );
}

/** v3: multipart through the API up to 32 MB; beyond, a direct upload (which needs the checksum first). */
function v3Transport(target: UploadTarget, endpoint: URL): Transport {
  const v3: V3Endpoint = {
    apiBaseUrl: endpoint.toString(),
    apiKey: target.apiKey,
    connectTimeoutMs: target.connectTimeoutMs,
    idleTimeoutMs: target.idleTimeoutMs,
    proxy: target.proxy,
  };
  return async (file, context) => {
    const v3File = { path: file.path, name: file.name, size: file.size, mime: file.type.mime, kind: file.type.kind };
    const endpointWithLog = { ...v3, log: context.log };
    if (file.size <= V3_MULTIPART_MAX_BYTES) {
      return context.retrying(() =>
        postMultipart(endpointWithLog, v3File, {
          signal: context.signal,
          onProgress: context.onProgress,
          log: context.log,
          // As for v1: hashed after the answer (uploadChecked), not on the way out.
          hash: false,
          first: context.opened?.take(),
        }),
      );
    }
    // A direct upload hashes the whole file first and sends it in a later request: the early read is of no use.
    context.opened?.close();
    let sha256 = context.knownSha256;
    if (sha256 === undefined) {
      try {
        sha256 = await sha256File(file.path, context.signal);
      } catch (error) {
        if (context.signal?.aborted) {
          throw cancelled(file.name);
        }
        throw new HeyGenError('invalidFile', l10n.t('"{0}" cannot be read: {1}.', file.name, (error as Error).message), { file: file.name, cause: error });
      }
    }
    const asset = await directUpload(endpointWithLog, v3File, sha256, {
      signal: context.signal,
      onProgress: context.onProgress,
      log: context.log,
      retrying: context.retrying,
    });
    return { asset, sha256 };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Upload from a URL

/** The file name a download should get: Content-Disposition, else the URL path's last segment. */
export function nameForDownload(url: URL, contentDisposition: string | undefined): string {
  let name: string | undefined;
  if (contentDisposition) {
    const star = /filename\*\s*=\s*(?:[\w-]+)?'[^']*'([^;]+)/i.exec(contentDisposition);
    const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(contentDisposition);
    const raw = star?.[1] ?? plain?.[1] ?? plain?.[2];
    if (raw) {
      name = safeDecode(raw.trim());
    }
  }
  if (!name) {
    const segments = url.pathname.split('/').filter(Boolean);
    name = segments.length ? safeDecode(segments[segments.length - 1]) : '';
  }
  // Keep only a plain base name: no directories, no control characters, nothing the file system would refuse.
  // eslint-disable-next-line no-control-regex
  name = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '').trim().slice(0, 120);
  return name || 'download';
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Drops a response body we will not read; undici reports the abort as an error nobody needs to hear. */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined);
  body.destroy();
}

function shortUrl(url: URL): string {
  const text = `${url.origin}${url.pathname}`;
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

interface Download {
  path: string;
  name: string;
  size: number;
  sha256: string;
}

async function download(source: URL, dir: string, target: UploadTarget, options: UploadOptions): Promise<Download> {
  const log = options.log ?? silentLogger;
  const where = shortUrl(source);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const fail = (message: string, extra: { status?: number; code?: string; cause?: unknown } = {}): never => {
    throw new HeyGenError('invalidFile', message, { file: where, ...extra });
  };
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    let response;
    try {
      response = await request(source, {
        method: 'GET',
        dispatcher: dispatcherFor(source, {
          connectTimeoutMs: target.connectTimeoutMs,
          idleTimeoutMs: target.idleTimeoutMs,
          proxy: target.proxy,
          purpose: 'download',
        }),
        signal: controller.signal,
        maxRedirections: 5,
        headers: { accept: 'image/*, video/*, audio/*, */*;q=0.5' },
      });
    } catch (error) {
      if (options.signal?.aborted) {
        throw cancelled(where);
      }
      return fail(l10n.t('"{0}" could not be downloaded: {1}.', where, describeTransportFailure(error)), { code: errorCode(error), cause: error });
    }
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
      discard(response.body);
      const reason = STATUS_CODES[status] ?? l10n.t('error');
      return fail(l10n.t('"{0}" could not be downloaded: the server answered HTTP {1} ({2}).', where, status, reason), { status });
    }
    const header = (n: string): string | undefined => {
      const v = response.headers[n];
      return Array.isArray(v) ? v[0] : v;
    };
    let name = nameForDownload(source, header('content-disposition'));
    const declared = Number(header('content-length'));
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      discard(response.body);
      return fail(
        l10n.t('"{0}" is {1}, over the {2} limit, so it was not downloaded.', name, formatMegabytes(declared), formatMegabytes(options.maxBytes)),
      );
    }

    const hash = createHash('sha256');
    const tempPath = join(dir, 'download');
    handle = await open(tempPath, 'wx');
    let size = 0;
    const head: Buffer[] = [];
    let headBytes = 0;
    try {
      for await (const chunk of response.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > options.maxBytes) {
          // Stop reading at once: the rest of the body is never pulled off the network.
          controller.abort();
          response.body.destroy();
          log.warn(`Stopped downloading ${where} after ${size} bytes: over the ${options.maxBytes}-byte limit.`);
          return fail(l10n.t('"{0}" is over the {1} limit, so the download was stopped.', name, formatMegabytes(options.maxBytes)));
        }
        if (headBytes < SNIFF_BYTES) {
          head.push(buf.subarray(0, SNIFF_BYTES - headBytes));
          headBytes += Math.min(buf.length, SNIFF_BYTES - headBytes);
        }
        hash.update(buf);
        await handle.write(buf);
      }
    } catch (error) {
      if (error instanceof HeyGenError) {
        throw error;
      }
      if (options.signal?.aborted) {
        throw cancelled(name);
      }
      return fail(l10n.t('"{0}" could not be downloaded completely: {1}.', name, describeTransportFailure(error)), { code: errorCode(error), cause: error });
    }
    await handle.close();
    handle = undefined;

    const sniffed = sniffType(Buffer.concat(head));
    const claimed = header('content-type');
    if (sniffed && claimed && typeFromMime(claimed)?.mime !== sniffed.mime) {
      log.warn(`${where} was served as ${claimed.split(';')[0]} but its content is ${sniffed.label}; sending it as ${sniffed.mime}.`);
    }
    if (sniffed && !typeFromName(name)) {
      name = `${name}.${sniffed.extensions[0]}`;
    }
    log.info(`Downloaded ${where} as "${name}" (${formatSize(size)}).`);
    return { path: tempPath, name, size, sha256: hash.digest('hex') };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Downloads `url` (http or https) into a temporary file, stopping as soon as the body passes the size limit, then
 * uploads it like a local file. The type comes from the content, not the server's Content-Type. The temporary file
 * is always removed.
 */
export async function uploadFromUrl(url: string, target: UploadTarget, options: UploadOptions): Promise<UploadOutcome> {
  const endpoint = endpointOf(target);
  let source: URL;
  try {
    source = new URL(url.trim());
  } catch {
    throw new HeyGenError('invalidFile', l10n.t('"{0}" is not a valid URL.', url), { file: url });
  }
  if (source.protocol !== 'http:' && source.protocol !== 'https:') {
    throw new HeyGenError('invalidFile', l10n.t('"{0}" cannot be uploaded: only http and https URLs are supported.', shortUrl(source)), { file: url });
  }
  if (options.signal?.aborted) {
    throw cancelled(shortUrl(source));
  }
  const dir = await mkdtemp(join(tmpdir(), 'heygen-url-'));
  try {
    const fetched = await download(source, dir, target, options);
    const { file } = await checkedFile(fetched.path, target, options, fetched.name);
    return await uploadChecked(file, fetched.sha256, endpoint, target, options, { url: source.href });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
