/**
 * The v3 upload transport: `POST /v3/assets` (multipart, up to 32 MB) and, beyond, HeyGen's three-step direct
 * upload (a slot, a `PUT` of the raw bytes to a storage host, complete). See shared/notes/heygen-v3-api.md.
 */
import { randomBytes } from 'node:crypto';
import * as l10n from '@vscode/l10n';
import { silentLogger, type Logger } from '../base/logger';
import { checkEndpoint } from '../http/endpointPolicy';
import { sendFile, type OpenedStart } from '../http/httpUpload';
import type { AssetKind } from '../base/mediaKinds';
import { HeyGenError, parseRetryAfter, throwIfFailed, type HeyGenErrorKind } from '../base/heygenError';
import type { UploadedAsset } from './uploadedAsset';
import { formatMegabytes } from '../base/sizes';
import { throwIfV3Absent, v3Request, v3Url, type V3Endpoint } from './v3Client';

/** HeyGen's limit for `POST /v3/assets`; larger files go through a direct upload. */
export const V3_MULTIPART_MAX_BYTES = 32 * 1024 * 1024;
/**
 * The largest file offered to a direct upload before HeyGen names its own limit (the slot's `max_bytes`): one
 * presigned PUT to object storage carries at most 5 GB.
 */
export const V3_DIRECT_CEILING_BYTES = 5 * 1024 * 1024 * 1024;
/** A slot that expired (or whose signature storage no longer accepts) is replaced at most this often per file. */
const MAX_SLOT_REPLACEMENTS = 2;

/** The file being uploaded, as the v3 transport needs it. */
export interface V3File {
  path: string;
  name: string;
  size: number;
  mime: string;
  kind: AssetKind;
}

export interface V3SendOptions {
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
  log?: Logger;
  /** Runs one step with the engine's retry policy (backoff, Retry-After, a file that changed between tries). */
  retrying: <T>(attempt: () => Promise<T>) => Promise<T>;
}

/** `data` of `POST /v3/assets` and of complete. */
interface V3AssetAnswer {
  asset_id?: unknown;
  url?: unknown;
  mime_type?: unknown;
  size_bytes?: unknown;
  status?: unknown;
}

interface Slot {
  assetId: string;
  uploadUrl: URL;
  uploadHeaders: Record<string, string>;
  maxBytes?: number;
  expiresInSeconds?: number;
}

function kindOfMime(mime: unknown, fallback: AssetKind): AssetKind {
  const top = typeof mime === 'string' ? mime.split('/')[0] : '';
  return top === 'image' || top === 'video' || top === 'audio' ? top : fallback;
}

/**
 * The asset from a successful answer, read by shape: v3's `data.asset_id` (or a v1-shaped `code: 100` with
 * `data.id`, when `heygen.apiBaseUrl` points at something that answers like v1), so a misconfigured endpoint still
 * yields a clear sentence rather than "undefined".
 */
export function assetFromAnswer(json: unknown, file: V3File): UploadedAsset {
  const obj = (typeof json === 'object' && json !== null ? json : {}) as { data?: unknown; code?: unknown };
  const data = (typeof obj.data === 'object' && obj.data !== null ? obj.data : {}) as V3AssetAnswer & { id?: unknown; file_type?: unknown; image_key?: unknown };
  const id = typeof data.asset_id === 'string' && data.asset_id ? data.asset_id : typeof data.id === 'string' && data.id ? data.id : undefined;
  const url = typeof data.url === 'string' && data.url ? data.url : undefined;
  if (!id || !url) {
    throw new HeyGenError('protocol', l10n.t("HeyGen's answer to \"{0}\" has no asset id or URL, so the upload cannot be used.", file.name), { file: file.name });
  }
  return {
    id,
    name: file.name,
    file_type: kindOfMime(data.mime_type, typeof data.file_type === 'string' ? kindOfMime(`${data.file_type}/`, file.kind) : file.kind),
    url,
    image_key: typeof data.image_key === 'string' ? data.image_key : null,
    folder_id: '',
    meta: null,
    created_ts: Math.floor(Date.now() / 1000),
  };
}

/** A filename as browsers put it in a Content-Disposition: UTF-8, with `"`, CR and LF percent-encoded. */
function dispositionName(name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The bytes around the file in a one-part `multipart/form-data` body (RFC 7578). */
export function multipartFrame(fileName: string, mime: string): { contentType: string; prefix: Buffer; suffix: Buffer } {
  const boundary = `----HeyGenAssets${randomBytes(12).toString('hex')}`;
  const prefix = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${dispositionName(fileName)}"\r\nContent-Type: ${mime}\r\n\r\n`,
    'utf8',
  );
  return { contentType: `multipart/form-data; boundary=${boundary}`, prefix, suffix: Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8') };
}

/** What every request carrying the file shares: the file, and the endpoint's timeouts and proxy. */
function fileRequest(endpoint: V3Endpoint, file: V3File, signal: AbortSignal | undefined) {
  return {
    path: file.path,
    size: file.size,
    fileName: file.name,
    connectTimeoutMs: endpoint.connectTimeoutMs,
    idleTimeoutMs: endpoint.idleTimeoutMs,
    routing: endpoint.routing,
    signal,
  };
}

function parseJsonAnswer(status: number, text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HeyGenError('protocol', l10n.t("HeyGen's answer to \"{0}\" was not valid JSON (HTTP {1}), so the upload cannot be confirmed.", file, status), {
      status,
      file,
    });
  }
}

/**
 * One multipart `POST {apiBaseUrl}/v3/assets`, the file streamed from disk inside the form's one `file` part with
 * an exact Content-Length: never read whole into memory. Retries are the caller's.
 */
export async function postMultipart(
  endpoint: V3Endpoint,
  file: V3File,
  options: Omit<V3SendOptions, 'retrying'> & { hash: boolean; first?: OpenedStart },
): Promise<{ asset: UploadedAsset; sha256?: string }> {
  const url = v3Url(endpoint.apiBaseUrl, '/v3/assets');
  const frame = multipartFrame(file.name, file.mime);
  const { value, sha256 } = await sendFile({
    ...fileRequest(endpoint, file, options.signal),
    method: 'POST',
    url,
    onProgress: options.onProgress,
    log: options.log,
    hash: options.hash,
    first: options.first,
    prefix: frame.prefix,
    suffix: frame.suffix,
    headers: { 'content-type': frame.contentType, 'x-api-key': endpoint.apiKey, accept: 'application/json' },
    interpret: (status, headers, text) => {
      throwIfV3Absent(status, headers, text, url, '/v3/assets', file.name);
      throwIfFailed(status, headers, text, file.name);
      return assetFromAnswer(parseJsonAnswer(status, text, file.name), file);
    },
  });
  return { asset: value, sha256 };
}

/** The storage host's answer to the PUT, in its own (S3-like) words: `<Code>` and `<Message>`. */
function storageWords(text: string): { code?: string; message?: string } {
  const pick = (tag: string): string | undefined => new RegExp(`<${tag}>([^<]{1,300})</${tag}>`).exec(text)?.[1].trim();
  return { code: pick('Code'), message: pick('Message') };
}

/** Storage refusals that a fresh slot (a new signature) fixes: an expired or no longer valid signed URL. */
const SLOT_REFUSED = 'slotRefused';

function storageFailure(status: number, headers: Record<string, string | string[] | undefined>, text: string, file: string): HeyGenError {
  const words = storageWords(text);
  const said = [words.message, words.code].filter(Boolean).join(', ');
  const answer = said ? `${said.replace(/[.!\s]+$/, '')} (HTTP ${status})` : `HTTP ${status}`;
  const details = { status, file, serverMessage: words.message };
  if (status >= 300 && status < 400) {
    return new HeyGenError('protocol', l10n.t("Uploading \"{0}\" was stopped: HeyGen's storage answered with a redirect (HTTP {1}), which is not followed.", file, status), details);
  }
  const expired = status === 403 || /expired/i.test(text);
  if (expired) {
    return new HeyGenError('protocol', l10n.t("HeyGen's storage refused \"{0}\": {1}.", file, answer), { ...details, code: SLOT_REFUSED });
  }
  const retryAfter = headers['retry-after'];
  const kind: HeyGenErrorKind = status === 429 ? 'rateLimited' : status >= 500 || status === 408 ? 'server' : 'protocol';
  return new HeyGenError(kind, l10n.t("HeyGen's storage refused \"{0}\": {1}.", file, answer), {
    ...details,
    code: words.code,
    retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
  });
}

function isSlotRefused(error: unknown): boolean {
  return error instanceof HeyGenError && error.code === SLOT_REFUSED;
}

/** The storage URL as it may appear in the log: origin and path, never the signature in its query. */
function storageForLog(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function readSlot(data: unknown, file: V3File): Slot {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const bad = (why: string): never => {
    throw new HeyGenError('protocol', l10n.t("HeyGen's answer for a direct upload of \"{0}\" cannot be used: {1}.", file.name, why), { file: file.name });
  };
  if (typeof d.asset_id !== 'string' || !d.asset_id) {
    return bad(l10n.t('it has no asset id'));
  }
  if (typeof d.upload_url !== 'string') {
    return bad(l10n.t('it has no upload URL'));
  }
  // The bytes go there: the same rule as for every request (HTTPS; plain HTTP only on this computer).
  const check = checkEndpoint(d.upload_url);
  if (!check.valid) {
    return bad(l10n.t('its upload URL is not https'));
  }
  const uploadHeaders: Record<string, string> = {};
  if (typeof d.upload_headers === 'object' && d.upload_headers !== null) {
    for (const [name, value] of Object.entries(d.upload_headers as Record<string, unknown>)) {
      // The length is computed from the file (it is what storage signed); everything else is sent verbatim.
      if (typeof value === 'string' && name.toLowerCase() !== 'content-length' && name.toLowerCase() !== 'host') {
        uploadHeaders[name] = value;
      }
    }
  }
  return {
    assetId: d.asset_id,
    uploadUrl: check.url,
    uploadHeaders,
    maxBytes: typeof d.max_bytes === 'number' && d.max_bytes > 0 ? d.max_bytes : undefined,
    expiresInSeconds: typeof d.expires_in_seconds === 'number' ? d.expires_in_seconds : undefined,
  };
}

/**
 * HeyGen's direct upload for files over 32 MB: create a slot (with the file's hex SHA-256, which storage enforces;
 * once without it if HeyGen refuses its format), PUT the raw bytes to the slot's storage URL with exactly its
 * `upload_headers` (never the API key, never a redirect; a failed PUT is retried into the same slot, an expired
 * slot is replaced), then complete (idempotent, so retried freely). Progress covers the PUT; cancelling stops any
 * of the three steps.
 */
export async function directUpload(endpoint: V3Endpoint, file: V3File, sha256: string, options: V3SendOptions): Promise<UploadedAsset> {
  const log = options.log ?? silentLogger;
  let checksum: string | undefined = sha256;

  const createSlot = async (): Promise<Slot> => {
    const ask = (withChecksum: string | undefined): Promise<unknown> =>
      options.retrying(() =>
        v3Request<unknown>(endpoint, 'POST', '/v3/assets/direct-uploads', {
          json: { filename: file.name, content_type: file.mime, size_bytes: file.size, ...(withChecksum ? { checksum_sha256: withChecksum } : {}) },
          signal: options.signal,
          file: file.name,
        }),
      );
    let data: unknown;
    try {
      data = await ask(checksum);
    } catch (error) {
      const aboutChecksum =
        error instanceof HeyGenError && error.status === 400 && (error.param === 'checksum_sha256' || /checksum/i.test(error.serverMessage ?? ''));
      if (!checksum || !aboutChecksum) {
        throw error;
      }
      // The schema says hex, HeyGen's own CLI example says base64: when HeyGen refuses the hex form, go on without.
      log.warn(`HeyGen refused the hex checksum_sha256 for "${file.name}" (${error.serverMessage ?? error.message}); creating the slot without a checksum.`);
      checksum = undefined;
      data = await ask(undefined);
    }
    const slot = readSlot(data, file);
    if (slot.maxBytes !== undefined && file.size > slot.maxBytes) {
      throw new HeyGenError(
        'tooLarge',
        l10n.t('"{0}" is {1}, over the {2} limit HeyGen grants for a direct upload.', file.name, formatMegabytes(file.size), formatMegabytes(slot.maxBytes)),
        { file: file.name },
      );
    }
    log.info(`Direct upload slot ${slot.assetId} for "${file.name}" at ${storageForLog(slot.uploadUrl)} (expires in ${slot.expiresInSeconds ?? '?'} s).`);
    return slot;
  };

  const put = (slot: Slot): Promise<unknown> =>
    options.retrying(async () => {
      const { value } = await sendFile({
        ...fileRequest(endpoint, file, options.signal),
        method: 'PUT',
        url: slot.uploadUrl,
        // The last byte on the wire is not the end: complete follows.
        onProgress: (sent, total) => options.onProgress?.(Math.min(sent, total - 1), total),
        log,
        hash: false,
        headers: slot.uploadHeaders,
        logUrl: storageForLog(slot.uploadUrl),
        interpret: (status, headers, text) => {
          if (status < 200 || status >= 300) {
            throw storageFailure(status, headers, text, file.name);
          }
          return status;
        },
      });
      return value;
    });

  let slot = await createSlot();
  for (let replaced = 0; ; replaced++) {
    try {
      await put(slot);
      break;
    } catch (error) {
      if (!isSlotRefused(error) || replaced >= MAX_SLOT_REPLACEMENTS) {
        throw error;
      }
      log.warn(`${(error as HeyGenError).message} Replacing direct upload slot ${slot.assetId} with a new one.`);
      slot = await createSlot();
    }
  }

  const completed = await options.retrying(() =>
    v3Request<V3AssetAnswer>(endpoint, 'POST', `/v3/assets/${encodeURIComponent(slot.assetId)}/complete`, {
      json: checksum ? { checksum_sha256: checksum } : {},
      signal: options.signal,
      file: file.name,
    }),
  );
  const asset = assetFromAnswer({ data: { asset_id: slot.assetId, ...completed } }, file);
  options.onProgress?.(file.size, file.size);
  log.info(`Completed direct upload of "${file.name}" as asset ${asset.id} (status ${typeof completed.status === 'string' ? completed.status : 'unknown'}).`);
  return asset;
}
