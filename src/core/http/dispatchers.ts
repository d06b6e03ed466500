/**
 * undici dispatchers: one pooled keep-alive dispatcher per route and timeouts, so repeated requests skip the
 * connection setup. Every request names its dispatcher: the global one is Node's own copy of undici (another major
 * version), which VS Code does not route through its proxy either.
 */
import type { LookupFunction } from 'node:net';
import * as l10n from '@vscode/l10n';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';

/** How long a kept-alive connection waits for the next request: under the usual server-side 5 s, so we close first. */
const KEEP_ALIVE_MS = 4_000;

export interface DispatcherOptions {
  connectTimeoutMs: number;
  /** Longest silence while sending or waiting for the answer. */
  idleTimeoutMs: number;
  /** The proxy URL, or undefined to connect directly. */
  proxy?: string;
  /** Verify certificates on proxied connections (`http.proxyStrictSSL`). */
  strictSSL?: boolean;
}

/** `code` of the error for a proxy URL this transport cannot use (SOCKS, an unknown scheme). */
export const UNSUPPORTED_PROXY = 'HEYGEN_UNSUPPORTED_PROXY';

function unsupportedProxy(proxy: string): Error {
  let shown = proxy;
  try {
    shown = new URL(proxy).host;
  } catch {
    // Not a URL: named as given (it holds no password VS Code would have parsed out).
  }
  const scheme = /^([a-z0-9+.-]+):/i.exec(proxy)?.[1]?.toLowerCase() ?? '';
  const message = scheme.startsWith('socks')
    ? l10n.t('the proxy {0} is a SOCKS proxy, which HeyGen Assets cannot use (set an HTTP proxy in http.proxy)', shown)
    : l10n.t('the proxy {0} is not an http or https URL', shown);
  return Object.assign(new Error(message), { code: UNSUPPORTED_PROXY });
}

function common(options: DispatcherOptions) {
  return { headersTimeout: options.idleTimeoutMs, bodyTimeout: options.idleTimeoutMs, keepAliveTimeout: KEEP_ALIVE_MS };
}

/**
 * A new dispatcher (the caller closes it). Through a proxy the request is tunnelled (CONNECT), so the server's
 * certificate is still checked end to end unless the person turned `http.proxyStrictSSL` off; proxy credentials in
 * the URL become `Proxy-Authorization: Basic`. `lookup` (direct connections only) resolves names for the socket.
 */
export function createDispatcher(options: DispatcherOptions, lookup?: LookupFunction): Dispatcher {
  if (options.proxy === undefined) {
    return new Agent({ connect: { timeout: options.connectTimeoutMs, ...(lookup ? { lookup } : {}) }, ...common(options) });
  }
  if (!/^https?:\/\//i.test(options.proxy)) {
    throw unsupportedProxy(options.proxy);
  }
  const tls = { timeout: options.connectTimeoutMs, rejectUnauthorized: options.strictSSL !== false };
  return new ProxyAgent({ uri: options.proxy, proxyTls: tls, requestTls: tls, ...common(options) });
}

const pool = new Map<string, Dispatcher>();

/** The pooled dispatcher for these options (created on first use). */
export function dispatcherFor(options: DispatcherOptions): Dispatcher {
  const key = [options.proxy ?? '-', options.proxy === undefined ? '-' : options.strictSSL !== false, options.connectTimeoutMs, options.idleTimeoutMs].join('|');
  let dispatcher = pool.get(key);
  if (!dispatcher) {
    dispatcher = createDispatcher(options);
    pool.set(key, dispatcher);
  }
  return dispatcher;
}

/** Closes every pooled connection (tests and deactivation). */
export async function closeDispatchers(): Promise<void> {
  const all = [...pool.values()];
  pool.clear();
  await Promise.all(all.map((d) => d.close().catch(() => undefined)));
}
