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
  | 'insecureEndpoint';

export interface UploadErrorDetails {
  status?: number;
  serverMessage?: string;
  /** HeyGen's `code` (number in v1, string in v3) or a Node/undici error code such as ECONNRESET. */
  code?: number | string;
  retryAfterMs?: number;
  file?: string;
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

  constructor(kind: UploadErrorKind, message: string, details: UploadErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'UploadError';
    this.kind = kind;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
    this.file = details.file;
  }
}

/** HeyGen's v1 codes meaning "the key is wrong": 40009 invalid credentials, 400112 unauthorized. */
const AUTH_CODES = new Set<number | string>([40009, 400112, 'unauthorized', 'invalid_api_key', 'forbidden']);
/** Format errors: the content type was refused. */
const UNSUPPORTED_CODES = new Set<number | string>([40010, 40044, 'unsupported_media_type', 'invalid_file_type']);

/** Reads HeyGen's `code` and message from either the v1 shape (`code`, `message`/`msg`) or v3 (`error.{code,message}`). */
export function parseHeyGenError(_status: number, bodyText: string): { code?: number | string; message?: string } {
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
    return { code: codeOf(err.code), message: str(err.message) };
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

/**
 * Turns HeyGen's answer into the asset or an UploadError. Success needs HTTP 2xx, JSON `code === 100` and both
 * `data.id` and `data.url`; anything else is an error with a kind the editor can act on.
 */
export function interpretResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string,
  file?: string,
): UploadedAsset {
  const name = quote(file);
  const header = (n: string): string | undefined => {
    const v = headers[n];
    return Array.isArray(v) ? v[0] : v;
  };
  const { code, message } = parseHeyGenError(status, bodyText);
  const details = { status, serverMessage: message, code, file };

  if (status >= 300 && status < 400) {
    return fail(
      'protocol',
      l10n.t(
        'Uploading {0} was stopped: the upload URL answered with a redirect (HTTP {1}), which is refused because following it would send the API key elsewhere.',
        name,
        status,
      ),
    );
  }
  if (status === 401 || status === 403 || (code !== undefined && AUTH_CODES.has(code))) {
    return fail('auth', l10n.t('HeyGen refused the API key while uploading {0}: {1}.', name, withServerMessage(status, message, code)));
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(header('retry-after'));
    const answer = withServerMessage(status, message);
    const text =
      retryAfterMs !== undefined
        ? l10n.t('HeyGen is limiting requests, so {0} was not uploaded: {1}. HeyGen asks to wait {2}.', name, answer, describeWait(retryAfterMs))
        : l10n.t('HeyGen is limiting requests, so {0} was not uploaded: {1}.', name, answer);
    throw new UploadError('rateLimited', text, {
      ...details,
      retryAfterMs,
    });
  }
  if (status === 413) {
    return fail('tooLarge', l10n.t('HeyGen refused {0} as too large: {1}.', name, withServerMessage(status, message, code)));
  }
  if (status === 415 || (code !== undefined && UNSUPPORTED_CODES.has(code))) {
    return fail('unsupported', l10n.t('HeyGen does not accept the type of {0}: {1}.', name, withServerMessage(status, message, code)));
  }
  if (status >= 500) {
    return fail('server', l10n.t('HeyGen had a server error while uploading {0}: {1}.', name, withServerMessage(status, message, code)));
  }
  if (status < 200 || status >= 300) {
    return fail('protocol', l10n.t('HeyGen refused {0}: {1}.', name, withServerMessage(status, message, code)));
  }
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return fail('protocol', l10n.t("HeyGen's answer to {0} was not valid JSON (HTTP {1}), so the upload cannot be confirmed.", name, status));
  }
  const obj = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
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
