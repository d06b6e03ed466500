import * as l10n from '@vscode/l10n';
import type { UploadedAsset } from './uploadedAsset';

export type UploadErrorKind =
  | 'auth'
  | 'rateLimited'
  | 'tooLarge'
  | 'unsupported'
  | 'server'
  | 'network'
  | 'timeout'
  | 'protocol'
  | 'invalidFile'
  | 'cancelled'
  | 'insecureEndpoint'
  /** The v1 upload endpoint answers as if it no longer exists (404, 410, or an HTML page): HeyGen may have retired it. */
  | 'retired';

export interface UploadErrorDetails {
  status?: number;
  serverMessage?: string;
  /** HeyGen's `code` (number in v1, string in v3) or a Node/undici error code such as ECONNRESET. */
  code?: number | string;
  retryAfterMs?: number;
  file?: string;
  /** v3's `error.doc_url`: where HeyGen explains this error (offered as "Open Docs"). */
  docUrl?: string;
  /** v3's `error.param`: the request field HeyGen objected to. */
  param?: string;
  cause?: unknown;
}

/**
 * Every failure of the upload core. `message` is one user-facing sentence that names the file when there is one;
 * it never contains the API key.
 */
export class UploadError extends Error {
  readonly kind: UploadErrorKind;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly code?: number | string;
  readonly retryAfterMs?: number;
  readonly file?: string;
  readonly docUrl?: string;
  readonly param?: string;

  constructor(kind: UploadErrorKind, message: string, details: UploadErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'UploadError';
    this.kind = kind;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
    this.file = details.file;
    this.docUrl = details.docUrl;
    this.param = details.param;
  }
}

/** HeyGen's v1 codes meaning "the key is wrong": 40009 invalid credentials, 400112 unauthorized. */
const AUTH_CODES = new Set<number | string>([40009, 400112, 'unauthorized', 'invalid_api_key', 'forbidden']);
/** Format errors: the content type was refused. */
const UNSUPPORTED_CODES = new Set<number | string>([40010, 40044, 'unsupported_media_type', 'invalid_file_type']);

/** Reads HeyGen's `code` and message from either the v1 shape (`code`, `message`/`msg`) or v3 (`error.{code,message}`). */
export interface HeyGenErrorFields {
  code?: number | string;
  message?: string;
  /** v3 only: an https link to HeyGen's explanation. */
  docUrl?: string;
  param?: string;
}

export function parseHeyGenError(_status: number, bodyText: string): HeyGenErrorFields {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return {};
  }
  if (typeof json !== 'object' || json === null) {
    return {};
  }
  const obj = json as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const codeOf = (v: unknown): number | string | undefined => (typeof v === 'number' || typeof v === 'string' ? v : undefined);
  if (typeof obj.error === 'object' && obj.error !== null) {
    const err = obj.error as Record<string, unknown>;
    const doc = str(err.doc_url);
    // Only a web page is worth opening; anything else in the field is ignored rather than handed to openExternal.
    const docUrl = doc && /^https?:\/\//i.test(doc) ? doc : undefined;
    const param = str(err.param);
    return { code: codeOf(err.code), message: str(err.message), ...(docUrl ? { docUrl } : {}), ...(param ? { param } : {}) };
  }
  return { code: codeOf(obj.code), message: str(obj.message) ?? str(obj.msg) ?? str(obj.error) };
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function quote(file: string | undefined): string {
  return file ? l10n.t('"{0}"', file) : l10n.t('the file');
}

function withServerMessage(status: number, message: string | undefined, code?: number | string): string {
  const parts = [`HTTP ${status}`];
  if (code !== undefined && code !== status) {
    parts.push(l10n.t('code {0}', code));
  }
  // The sentence around it supplies the full stop: "Too many requests." would otherwise end as "requests. (HTTP 429).".
  const text = message?.trim().replace(/[.!\s]+$/, '');
  return text ? `${text} (${parts.join(', ')})` : parts.join(', ');
}

/** Seconds or minutes, for telling people how long HeyGen asked them to wait. */
export function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 120) {
    return l10n.t('{0} s', seconds);
  }
  return l10n.t('{0} min', Math.ceil(seconds / 60));
}

/** True when the body is a web page, not an API answer (a proxy's or a retired endpoint's page). */
export function looksLikeHtml(headers: Record<string, string | string[] | undefined>, bodyText: string): boolean {
  const type = headers['content-type'];
  const mime = (Array.isArray(type) ? type[0] : type)?.split(';')[0].trim().toLowerCase();
  return mime === 'text/html' || /^\s*<(!doctype html|html)[\s>]/i.test(bodyText);
}

/**
 * Throws the UploadError for an answer that is not a success (3xx, 4xx, 5xx, or a 2xx carrying a key or format
 * refusal code): the same sentences whatever API
 * version answered, since HeyGen's code and message are read from either shape. With `file` the sentence is about
 * uploading that file; without, about a request (checking the key, listing assets).
 */
export function throwIfFailed(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string,
  file?: string,
): void {
  const name = quote(file);
  const header = (n: string): string | undefined => {
    const v = headers[n];
    return Array.isArray(v) ? v[0] : v;
  };
  const { code, message, docUrl, param } = parseHeyGenError(status, bodyText);
  const details = { status, serverMessage: message, code, file, docUrl, param };
  const fail = (kind: UploadErrorKind, text: string, extra: Partial<UploadErrorDetails> = {}): never => {
    throw new UploadError(kind, text, { ...details, ...extra });
  };
  const answer = withServerMessage(status, message, code);

  if (status >= 300 && status < 400) {
    return fail(
      'protocol',
      file !== undefined
        ? l10n.t(
            'Uploading {0} was stopped: the upload URL answered with a redirect (HTTP {1}), which is refused because following it would send the API key elsewhere.',
            name,
            status,
          )
        : l10n.t('HeyGen answered with a redirect (HTTP {0}), which is refused because following it would send the API key elsewhere.', status),
    );
  }
  if (status === 401 || status === 403 || (code !== undefined && AUTH_CODES.has(code))) {
    return fail(
      'auth',
      file !== undefined
        ? l10n.t('HeyGen refused the API key while uploading {0}: {1}.', name, answer)
        : l10n.t('HeyGen refused the API key: {0}.', answer),
    );
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(header('retry-after'));
    const short = withServerMessage(status, message);
    let text: string;
    if (file !== undefined) {
      text =
        retryAfterMs !== undefined
          ? l10n.t('HeyGen is limiting requests, so {0} was not uploaded: {1}. HeyGen asks to wait {2}.', name, short, describeWait(retryAfterMs))
          : l10n.t('HeyGen is limiting requests, so {0} was not uploaded: {1}.', name, short);
    } else {
      text =
        retryAfterMs !== undefined
          ? l10n.t('HeyGen is limiting requests: {0}. HeyGen asks to wait {1}.', short, describeWait(retryAfterMs))
          : l10n.t('HeyGen is limiting requests: {0}.', short);
    }
    return fail('rateLimited', text, { retryAfterMs });
  }
  if (status === 413) {
    return fail(
      'tooLarge',
      file !== undefined ? l10n.t('HeyGen refused {0} as too large: {1}.', name, answer) : l10n.t('HeyGen refused the request as too large: {0}.', answer),
    );
  }
  if (status === 415 || (code !== undefined && UNSUPPORTED_CODES.has(code))) {
    return fail(
      'unsupported',
      file !== undefined ? l10n.t('HeyGen does not accept the type of {0}: {1}.', name, answer) : l10n.t('HeyGen does not accept this type: {0}.', answer),
    );
  }
  if (status >= 500) {
    return fail(
      'server',
      file !== undefined ? l10n.t('HeyGen had a server error while uploading {0}: {1}.', name, answer) : l10n.t('HeyGen had a server error: {0}.', answer),
    );
  }
  if (status < 200 || status >= 300) {
    return fail('protocol', file !== undefined ? l10n.t('HeyGen refused {0}: {1}.', name, answer) : l10n.t('HeyGen refused the request: {0}.', answer));
  }
}

/**
 * Turns HeyGen's v1 answer into the asset or an UploadError. Success needs HTTP 2xx, JSON `code === 100` and both
 * `data.id` and `data.url`; anything else is an error with a kind the editor can act on.
 */
export function interpretResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string,
  file?: string,
): UploadedAsset {
  const name = quote(file);
  const { code, message } = parseHeyGenError(status, bodyText);
  const details = { status, serverMessage: message, code, file };
  // A path that no longer exists, or a web page where the API answered: HeyGen may have turned v1 off.
  if (status === 404 || status === 410 || (status >= 200 && status < 300 && looksLikeHtml(headers, bodyText))) {
    return fail(
      'retired',
      l10n.t('HeyGen may have retired the v1 upload: its upload URL answered {0}, so {1} was not uploaded.', status === 404 || status === 410 ? `HTTP ${status}` : l10n.t('with a web page'), name),
    );
  }
  throwIfFailed(status, headers, bodyText, file);
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return fail('protocol', l10n.t("HeyGen's answer to {0} was not valid JSON (HTTP {1}), so the upload cannot be confirmed.", name, status));
  }
  const obj = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const v3Shaped = obj.code === undefined && typeof obj.data === 'object' && obj.data !== null && 'asset_id' in obj.data;
  if (v3Shaped) {
    // `heygen.uploadUrl` points at a v3 endpoint that took the bytes: read its answer rather than call it broken.
    const v3 = obj.data as { asset_id?: unknown; url?: unknown; mime_type?: unknown };
    if (typeof v3.asset_id === 'string' && v3.asset_id && typeof v3.url === 'string' && v3.url) {
      const top = typeof v3.mime_type === 'string' ? v3.mime_type.split('/')[0] : '';
      return { id: v3.asset_id, name: file ?? '', file_type: top, url: v3.url, image_key: null, folder_id: '', meta: null, created_ts: Math.floor(Date.now() / 1000) };
    }
  }
  if (obj.code !== 100) {
    return fail(
      'protocol',
      message
        ? l10n.t('HeyGen did not accept {0}: {1} (code {2}).', name, message, String(code))
        : l10n.t('HeyGen did not accept {0}: code {1} instead of 100.', name, String(obj.code)),
    );
  }
  const data = obj.data as Partial<UploadedAsset> | null | undefined;
  if (!data || typeof data !== 'object' || typeof data.id !== 'string' || !data.id || typeof data.url !== 'string' || !data.url) {
    return fail('protocol', l10n.t("HeyGen's answer to {0} has no asset id or URL, so the upload cannot be used.", name));
  }
  return {
    id: data.id,
    name: typeof data.name === 'string' ? data.name : (file ?? ''),
    file_type: typeof data.file_type === 'string' ? data.file_type : '',
    url: data.url,
    image_key: typeof data.image_key === 'string' ? data.image_key : null,
    folder_id: typeof data.folder_id === 'string' ? data.folder_id : '',
    meta: typeof data.meta === 'string' ? data.meta : null,
    created_ts: typeof data.created_ts === 'number' ? data.created_ts : Math.floor(Date.now() / 1000),
  };

  function fail(kind: UploadErrorKind, text: string): never {
    throw new UploadError(kind, text, details);
  }
}
