/**
 * The one HTTP client: every request the extension sends (v1 upload, v3 JSON calls, multipart, the storage PUT, URL
 * downloads) goes through this module, on npm undici with an explicit dispatcher, routed through the person's proxy.
 *
 * The interface, for code in src/core (import from '../http/…'):
 *
 * - `httpRequest(settings, { url, method, headers?, body?, signal?, deadlineMs? })` → `{ status, headers, text }`.
 *   One request; `body` is a string/Buffer or a stream `{ chunks: AsyncIterable<Uint8Array>, length }` (sent with that
 *   Content-Length, never buffered); the answer's text is kept up to 1 MB. Redirects are never followed. Rejects
 *   with the transport's error (a `DeadlineError`, undici's, Node's); `transportError`/`describeTransportFailure`
 *   (transportErrors.ts) turn it into a sentence.
 * - `withRetries(attempt, retryOptions?, signal?)` (retryPolicy.ts) retries a HeyGenError of kind rateLimited,
 *   server, timeout or network with backoff, never sooner than its Retry-After. HeyGen's JSON calls:
 *   `v3Request(endpoint, method, path, { json, query, headers, signal, retry: true })` in core/heygen/v3Client.ts
 *   (the envelope, HeyGen's error sentences, and these retries when `retry` is given).
 * - `sendFile({ url, method, headers, path, size, onProgress, … })` (fileBody.ts): a file streamed from disk
 *   with an exact Content-Length and progress, at flat memory.
 * - `downloadToFile(settings, { url, path, maxBytes, addresses, signal? })` (download.ts): a GET streamed to a new
 *   file, stopped past `maxBytes`, redirects followed and checked by the extension (at most 5, no https → http),
 *   each connection's address checked against the `addresses` policy (AddressPolicy in addressGuard.ts).
 *
 * `settings` ({@link HttpSettings}) holds the connect and idle timeouts and the {@link Routing} (proxy decision),
 * which the editor builds from VS Code's settings (Configuration.http). Every request has a total deadline
 * (`deadlineMs`, default {@link DEFAULT_DEADLINE_MS}; for bodies and downloads {@link deadlineFor} their size) on top
 * of the connect and idle timeouts, so a server trickling bytes cannot hold a request (or a queue) forever.
 * `closeHttpClient()` closes the pooled connections (deactivation, tests). Nothing is created before the first request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { request, type Dispatcher } from 'undici';
import { closeDispatchers, dispatcherFor } from './dispatchers';
import { DIRECT, type Routing } from './proxyRouting';
import { DeadlineError } from './transportErrors';

export type { Routing } from './proxyRouting';

/** The transport settings every request needs: timeouts and the route. */
export interface HttpSettings {
  /** How long establishing a connection (TCP and TLS, or the proxy's tunnel) may take. */
  connectTimeoutMs: number;
  /** Longest silence while sending or waiting for the answer. */
  idleTimeoutMs: number;
  /** Which proxy each URL goes through; direct when absent. */
  routing?: Routing;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A body sent as it is produced, with its exact length announced up front. */
export interface StreamBody {
  /** The bytes; the next chunk is asked for once the previous one is written, so a producer may reuse buffers. */
  chunks: AsyncIterable<Uint8Array>;
  length: number;
}

export interface HttpRequest {
  url: URL;
  method: HttpMethod;
  headers?: Record<string, string>;
  body?: string | Uint8Array | StreamBody;
  signal?: AbortSignal;
  /** The whole request, answer included, must finish within this (default: DEFAULT_DEADLINE_MS, or deadlineFor a stream). */
  deadlineMs?: number;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The answer's body as text, cut at MAX_ANSWER_BYTES. */
  text: string;
  /** Whether the request went through a proxy. */
  proxied: boolean;
}

/** The total deadline of a request without a large body: JSON calls to HeyGen answer in well under a second. */
export const DEFAULT_DEADLINE_MS = 120_000;
/** The slowest transfer rate a deadline allows for: 256 kbit/s, a poor mobile uplink. */
const SLOWEST_BYTES_PER_SECOND = 32 * 1024;

/** The total deadline for a request that moves `bytes`: the default plus the time at the slowest rate allowed for. */
export function deadlineFor(bytes: number): number {
  return DEFAULT_DEADLINE_MS + Math.ceil((bytes / SLOWEST_BYTES_PER_SECOND) * 1000);
}

/** HTTP answers read as text are small; anything longer is cut, it only feeds an error message. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** A signal that aborts when the caller's does or when `deadlineMs` passes (with a DeadlineError), until `clear()`. */
export function deadlineSignal(deadlineMs: number, outer?: AbortSignal): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineError(deadlineMs)), deadlineMs);
  const onAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  if (outer?.aborted) {
    onAbort();
  }
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

function isStream(body: HttpRequest['body']): body is StreamBody {
  return typeof body === 'object' && body !== null && 'chunks' in body;
}

/** The body and headers as undici takes them: a stream's length becomes its Content-Length. */
function bodyOf(req: HttpRequest): { body?: string | Uint8Array | AsyncIterable<Uint8Array>; headers: Record<string, string> } {
  const headers = { ...req.headers };
  if (isStream(req.body)) {
    headers['content-length'] = String(req.body.length);
    return { body: req.body.chunks, headers };
  }
  return { body: req.body, headers };
}

/**
 * Sends the request and resolves once the answer's head has arrived, with its body still to read. `dispatcher`
 * replaces the pooled one for the route the Routing chose (a download brings its own, which checks each address,
 * and may refuse by rejecting). The caller reads or discards the body, then calls `done()`.
 */
export async function openRequest(
  settings: HttpSettings,
  req: HttpRequest,
  dispatcher?: (proxy: string | undefined) => Promise<Dispatcher>,
): Promise<{ response: Dispatcher.ResponseData; proxied: boolean; signal: AbortSignal; done: () => void }> {
  const routing = settings.routing ?? DIRECT;
  const deadline = deadlineSignal(req.deadlineMs ?? (isStream(req.body) ? deadlineFor(req.body.length) : DEFAULT_DEADLINE_MS), req.signal);
  try {
    const proxy = await routing.proxyFor(req.url);
    const { body, headers } = bodyOf(req);
    const response = await request(req.url, {
      method: req.method,
      dispatcher: dispatcher
        ? await dispatcher(proxy)
        : dispatcherFor({ proxy, strictSSL: routing.strictSSL, connectTimeoutMs: settings.connectTimeoutMs, idleTimeoutMs: settings.idleTimeoutMs }),
      headers,
      // undici streams async iterables (documented), though its typings list only Readable.
      body: body as string,
      signal: deadline.signal,
    });
    return { response, proxied: proxy !== undefined, signal: deadline.signal, done: deadline.clear };
  } catch (error) {
    deadline.clear();
    throw deadline.signal.aborted && deadline.signal.reason instanceof DeadlineError ? deadline.signal.reason : error;
  }
}

/** Reads a body as text up to `max` bytes; the rest is read and dropped, so the connection can be reused. */
export async function readText(body: AsyncIterable<Uint8Array>, max = MAX_ANSWER_BYTES): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < max) {
      parts.push(Buffer.from(chunk));
    }
    size += chunk.length;
  }
  return Buffer.concat(parts).toString('utf8').slice(0, max);
}

/** One request; resolves with the whole answer (status, headers, text). See the header comment. */
export async function httpRequest(settings: HttpSettings, req: HttpRequest): Promise<HttpAnswer> {
  const { response, proxied, signal, done } = await openRequest(settings, req);
  try {
    const text = await readText(response.body);
    return { status: response.statusCode, headers: response.headers, text, proxied };
  } catch (error) {
    throw signal.aborted && signal.reason instanceof DeadlineError ? signal.reason : error;
  } finally {
    done();
  }
}

/** Closes every pooled connection (deactivation and tests). */
export function closeHttpClient(): Promise<void> {
  return closeDispatchers();
}
