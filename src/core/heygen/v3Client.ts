/**
 * HeyGen API v3 (see shared/notes/heygen-v3-api.md): JSON requests to `{apiBaseUrl}/v3/...` with the key in
 * `x-api-key`, through the one HTTP client (core/http/httpClient.ts) under the same rules as the v1 upload: HTTPS
 * except loopback (checked before any connection), no redirect ever followed, the person's proxy, connect, idle and
 * total timeouts, cancellable; retried with backoff and Retry-After when the caller asks (`retry`).
 */
import * as l10n from '@vscode/l10n';
import { silentLogger, type Logger } from '../base/logger';
import { checkEndpoint } from '../http/endpointPolicy';
import { httpRequest, type HttpSettings } from '../http/httpClient';
import { withRetries, type RetryOptions } from '../http/retryPolicy';
import { describeTransportFailure, transportError } from '../http/transportErrors';
import { HeyGenError, looksLikeHtml, quotedFile, throwIfFailed } from '../base/heygenError';

export const DEFAULT_API_BASE_URL = 'https://api.heygen.com';

/** Where and how v3 requests go (timeouts and proxy routing from HttpSettings). Never logged whole: it holds the key. */
export interface V3Endpoint extends HttpSettings {
  /** `heygen.apiBaseUrl`, e.g. `https://api.heygen.com` (a trailing slash is ignored). */
  apiBaseUrl: string;
  apiKey: string;
  log?: Logger;
}

export type V3Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface V3RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as the JSON body. */
  json?: unknown;
  signal?: AbortSignal;
  /** Extra headers (e.g. `Idempotency-Key`); `x-api-key`, `content-type` and `accept` are set here. */
  headers?: Record<string, string>;
  /** The file the request is about: error sentences then name it ("…while uploading "a.png"…"). */
  file?: string;
  /**
   * Retry a rate limit (429), a server error (5xx), a timeout or a network fault with backoff, never sooner than
   * HeyGen's Retry-After (`true`: the default policy). Only for requests that are safe to repeat: reads, deletes,
   * and creates that carry an `Idempotency-Key`.
   */
  retry?: boolean | Partial<RetryOptions>;
  /** The total deadline of the request (default: the client's, 2 minutes). */
  deadlineMs?: number;
}

/** The whole JSON answer of a successful request: `data` plus what some endpoints add beside it (paging). */
export interface V3Envelope<T> {
  data: T;
  has_more?: boolean;
  next_token?: string | null;
  [extra: string]: unknown;
}

/** `GET /v3/users/me` `data`, as far as the extension reads it. */
export interface V3User {
  username: string;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  /** `wallet`, `subscription` or `usage_based`. */
  billing_type?: string;
  subscription?: { plan?: string | null; [credits: string]: unknown } | null;
  wallet?: { remaining_balance?: number | string | null; [field: string]: unknown } | null;
}

/**
 * The absolute URL for `path` under the base, refusing before any connection what the endpoint policy refuses
 * (plain HTTP beyond loopback, credentials in the URL, other schemes).
 */
export function v3Url(apiBaseUrl: string, path: string, query?: V3RequestOptions['query']): URL {
  const check = checkEndpoint(apiBaseUrl);
  if (!check.valid) {
    throw new HeyGenError('insecureEndpoint', check.reason);
  }
  const base = check.url.toString().replace(/\/+$/, '');
  const url = new URL(`${base}${path.startsWith('/') ? path : `/${path}`}`);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) {
      url.searchParams.set(name, String(value));
    }
  }
  return url;
}

/**
 * One JSON request to HeyGen v3. Resolves with the answer's whole envelope; rejects with an HeyGenError carrying
 * the HTTP status, HeyGen's code and message, `docUrl` and Retry-After (from the v3 envelope
 * `{"error": {code, message, param, doc_url}}`, or a v1-shaped answer). Retried only when `options.retry` says so:
 * a create that may have happened must not be repeated blindly.
 */
export async function v3RequestEnvelope<T>(
  endpoint: V3Endpoint,
  method: V3Method,
  path: string,
  options: V3RequestOptions = {},
): Promise<V3Envelope<T>> {
  if (!options.retry) {
    return requestOnce<T>(endpoint, method, path, options);
  }
  const log = endpoint.log ?? silentLogger;
  return withRetries(() => requestOnce<T>(endpoint, method, path, options), options.retry === true ? {} : options.retry, options.signal, ({ retry, delayMs, error }) =>
    log.warn(`${error.message} Retrying ${method} ${path.split('?')[0]} in ${delayMs} ms (retry ${retry}).`),
  );
}

async function requestOnce<T>(endpoint: V3Endpoint, method: V3Method, path: string, options: V3RequestOptions): Promise<V3Envelope<T>> {
  const log = endpoint.log ?? silentLogger;
  const url = v3Url(endpoint.apiBaseUrl, path, options.query);
  const { signal } = options;
  if (signal?.aborted) {
    throw cancelledError(options.file);
  }
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const started = Date.now();
  let status: number;
  let headers: Record<string, string | string[] | undefined>;
  let text: string;
  try {
    const answer = await httpRequest(endpoint, {
      url,
      method,
      headers: {
        ...options.headers,
        'x-api-key': endpoint.apiKey,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
      signal,
      deadlineMs: options.deadlineMs,
    });
    ({ status, headers, text } = answer);
  } catch (error) {
    const failure = transportError(error, {
      fileName: options.file ?? url.host,
      url,
      connectTimeoutMs: endpoint.connectTimeoutMs,
      idleTimeoutMs: endpoint.idleTimeoutMs,
    }, signal);
    if (options.file !== undefined || error instanceof HeyGenError) {
      throw failure;
    }
    if (failure.kind === 'cancelled') {
      throw cancelledError(undefined);
    }
    // The same kind (so the same retry rules), in a sentence about reaching HeyGen rather than uploading a file.
    throw new HeyGenError(failure.kind, l10n.t('Could not reach HeyGen at {0}: {1}.', url.host, describeTransportFailure(error)), {
      code: failure.code,
      cause: error,
    });
  }
  log.debug(`${method} ${url.origin}${url.pathname} → HTTP ${status} in ${Date.now() - started} ms.`);
  throwIfV3Absent(status, headers, text, url, path, options.file);
  throwIfFailed(status, headers, text, options.file);
  const unusable = (aboutFile: string, aboutRequest: string): HeyGenError => new HeyGenError('protocol', options.file !== undefined ? aboutFile : aboutRequest, { status, file: options.file });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw unusable(
      l10n.t("HeyGen's answer to \"{0}\" was not valid JSON (HTTP {1}), so the upload cannot be confirmed.", options.file ?? '', status),
      l10n.t("HeyGen's answer was not valid JSON (HTTP {0}).", status),
    );
  }
  if (typeof json !== 'object' || json === null || !('data' in json)) {
    throw unusable(
      l10n.t("HeyGen's answer to \"{0}\" has no data (HTTP {1}), so the upload cannot be confirmed.", options.file ?? '', status),
      l10n.t("HeyGen's answer has no data (HTTP {0}).", status),
    );
  }
  return json as V3Envelope<T>;
}

/** Paths that exist wherever HeyGen's v3 does, so a 404 or 410 there means the base URL serves no v3 at all. */
const V3_LANDMARKS: ReadonlySet<string> = new Set(['/v3/users/me', '/v3/assets', '/v3/assets/direct-uploads']);

/**
 * Throws `v3Absent` when the answer says there is no HeyGen API v3 at `url`: a 404 or 410 at one of its landmarks
 * (`users/me`, the asset upload and list), or a web page where JSON belongs (a proxy's or a portal's page, any path).
 * Any other 404 is the resource's (an asset deleted after inactivity), not the API's.
 */
export function throwIfV3Absent(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
  url: URL,
  path: string,
  file?: string,
): void {
  const page = looksLikeHtml(headers, text) && ((status >= 200 && status < 300) || status === 404 || status === 410);
  const missing = (status === 404 || status === 410) && V3_LANDMARKS.has(path.split('?')[0]);
  if (!page && !missing) {
    return;
  }
  const answer = page ? l10n.t('with a web page') : `HTTP ${status}`;
  const where = `${url.host}${url.pathname}`;
  const message =
    file !== undefined
      ? l10n.t('HeyGen API v3 answered {0} at {1}, as if it does not exist there, so {2} was not uploaded.', answer, where, quotedFile(file))
      : l10n.t('HeyGen API v3 answered {0} at {1}, as if it does not exist there.', answer, where);
  throw new HeyGenError('v3Absent', message, { status, file });
}

/** One JSON request to HeyGen v3, resolving with the answer's `data`. See {@link v3RequestEnvelope}. */
export async function v3Request<T>(endpoint: V3Endpoint, method: V3Method, path: string, options: V3RequestOptions = {}): Promise<T> {
  return (await v3RequestEnvelope<T>(endpoint, method, path, options)).data;
}

/** `GET /v3/users/me`: who the key belongs to. A cheap check that a key works. */
export async function getCurrentUser(endpoint: V3Endpoint, signal?: AbortSignal): Promise<V3User> {
  const user = await v3Request<V3User>(endpoint, 'GET', '/v3/users/me', { signal });
  if (!user || typeof user !== 'object' || typeof user.username !== 'string' || !user.username) {
    throw new HeyGenError('protocol', l10n.t("HeyGen's answer about the account has no username."));
  }
  return user;
}

function cancelledError(file: string | undefined): HeyGenError {
  return new HeyGenError('cancelled', file ? l10n.t('Uploading "{0}" was cancelled.', file) : l10n.t('The request was cancelled.'), { file });
}
