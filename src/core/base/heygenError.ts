import * as l10n from '@vscode/l10n';

export type HeyGenErrorKind =
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
  | 'retired'
  /**
   * HeyGen API v3 answers as if it does not exist under the base URL (404 where `users/me` or the asset endpoints
   * must be, or a web page): "Use API v1" is the way on for a person whose network or account has no v3.
   */
  | 'v3Absent';

export interface HeyGenErrorDetails {
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
 * Every failure of a call to HeyGen (v1 upload, v3 client and upload, library, account) and of the file checks and
 * transfers around it: one type, so the editor maps each kind to one sentence and one action. `message` is one
 * user-facing sentence that names the file when there is one; it never contains the API key.
 */
export class HeyGenError extends Error {
  readonly kind: HeyGenErrorKind;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly code?: number | string;
  readonly retryAfterMs?: number;
  readonly file?: string;
  readonly docUrl?: string;
  readonly param?: string;

  constructor(kind: HeyGenErrorKind, message: string, details: HeyGenErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HeyGenError';
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

/** The file's name in quotes, or "the file": how error sentences name what they are about. */
export function quotedFile(file: string | undefined): string {
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
 * Throws the HeyGenError for an answer that is not a success (3xx, 4xx, 5xx, or a 2xx carrying a key or format
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
  const name = quotedFile(file);
  const header = (n: string): string | undefined => {
    const v = headers[n];
    return Array.isArray(v) ? v[0] : v;
  };
  const { code, message, docUrl, param } = parseHeyGenError(status, bodyText);
  const details = { status, serverMessage: message, code, file, docUrl, param };
  const fail = (kind: HeyGenErrorKind, text: string, extra: Partial<HeyGenErrorDetails> = {}): never => {
    throw new HeyGenError(kind, text, { ...details, ...extra });
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
