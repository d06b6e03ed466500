/**
 * The upload engine's orchestration: a local file or a URL in, an asset record out. It validates the file, reuses
 * identical content uploaded before, hands the bytes to the API version's transport (uploadTransports.ts) under the
 * retry policy, and checks the file did not change meanwhile. URLs are downloaded first (urlSource.ts).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import type { ApiVersion, AssetRecord } from '../base/assetRecord';
import { silentLogger, type Logger } from '../base/logger';
import { keyFingerprint, sha256File } from '../base/contentHash';
import { checkEndpoint } from '../http/endpointPolicy';
import type { HttpSettings } from '../http/httpClient';
import { READ_CHUNK_BYTES } from '../http/httpUpload';
import { withRetries, type RetryOptions } from '../http/retryPolicy';
import { changedWhileUploading, transportError } from '../http/transportErrors';
import type { AddressPolicy } from '../http/addressGuard';
import { shortUrl } from '../http/download';
import { DEFAULT_API_BASE_URL } from '../heygen/v3Client';
import { V3_DIRECT_CEILING_BYTES } from '../heygen/v3Upload';
import { HeyGenError } from '../base/heygenError';
import type { UploadedAsset } from '../heygen/uploadedAsset';
import { recordForUpload, type UploadSource } from './uploadRecord';
import { formatSize } from '../base/sizes';
import { changedAfterApproval, validateFile, type FileStamp, type LocalFile, type OpenedFile } from '../base/validateFile';
import { cancelled, v1Transport, v3Transport } from './uploadTransports';
import { downloadSource, type UrlSourceOptions } from './urlSource';

export type { ApiVersion } from '../base/assetRecord';

/** Where uploads go, with the HTTP settings (timeouts, and the proxy routing from VS Code's settings). */
export interface UploadTarget extends HttpSettings {
  /** v1 (the default): the raw body to `endpoint`; v3: multipart or direct uploads under `apiBaseUrl`. */
  api?: ApiVersion;
  /** The v1 upload URL (`heygen.uploadUrl`). */
  endpoint: string;
  /** The v3 base URL (`heygen.apiBaseUrl`); used when `api` is v3. */
  apiBaseUrl?: string;
  apiKey: string;
  retry?: Partial<RetryOptions>;
}

/** Finds an earlier upload of identical content under the same key (backed by the history). */
export interface ReuseIndex {
  /** The earlier upload to hand back instead of sending the bytes, if any (it may ask HeyGen whether it still exists). */
  lookup(sha256: string, keyFingerprint: string, signal?: AbortSignal): Promise<AssetRecord | undefined>;
  /**
   * Optional pre-check: false when no recorded asset of this key has this size, so no content can match. The
   * engine then skips hashing the file up front and hashes the bytes while sending instead (one read, not two).
   */
  mayHave?(size: number, keyFingerprint: string): boolean;
}

export interface UploadOptions {
  /** The v1 limit (`heygen.maxUploadSizeMB`); v3 has its own (32 MB through the API, the slot's `max_bytes` beyond). */
  maxBytes: number;
  /** `heygen.maxUploadSizeMB` when the person set it: v3 then refuses larger files too, as the agent tool promises. */
  userMaxBytes?: number;
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
  /**
   * URL sources only: which addresses the download may reach (default `publicOnly`: a URL from an agent tool, another
   * extension or a file never reaches this computer or a private network). `named` for a URL the person typed or
   * dropped; `any` when `heygen.download.allowPrivateNetworks` is on.
   */
  addresses?: AddressPolicy;
  /** Tests: name resolution and address classification for URL downloads. */
  judge?: UrlSourceOptions['judge'];
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

/**
 * The size refused before any request: v1's setting; for v3 what one direct upload can carry at most, or less when
 * the person set a limit of their own.
 */
function limitOf(target: UploadTarget, options: UploadOptions): number {
  return target.api === 'v3' ? Math.min(V3_DIRECT_CEILING_BYTES, options.userMaxBytes ?? Infinity) : options.maxBytes;
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
    let hit: AssetRecord | undefined;
    try {
      hit = await reuse.lookup(sha256, fingerprint, options.signal);
    } catch (error) {
      if (options.signal?.aborted) {
        throw cancelled(file.name);
      }
      throw error;
    }
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
  const transportTarget = { endpoint, apiKey: target.apiKey, connectTimeoutMs: target.connectTimeoutMs, idleTimeoutMs: target.idleTimeoutMs, routing: target.routing };
  const transport = api === 'v3' ? v3Transport(transportTarget) : v1Transport(transportTarget);
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

/**
 * Downloads `url` (http or https) into a temporary file, stopping as soon as the body passes the size limit, then
 * uploads it like a local file. The download may reach only the addresses `options.addresses` allows. The type comes
 * from the content, not the server's Content-Type. The temporary file is always removed.
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
    const fetched = await downloadSource(source, dir, target, {
      maxBytes: options.maxBytes,
      addresses: options.addresses ?? 'publicOnly',
      signal: options.signal,
      log: options.log,
      judge: options.judge,
    });
    const { file } = await checkedFile(fetched.path, target, options, fetched.name);
    return await uploadChecked(file, fetched.sha256, endpoint, target, options, { url: source.href });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
