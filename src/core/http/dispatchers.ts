import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { proxyFor, type ProxySettings } from './proxyPolicy';

export interface DispatchOptions {
  connectTimeoutMs: number;
  /** Longest silence while sending or waiting for an answer; there is no total limit. */
  idleTimeoutMs: number;
  proxy?: ProxySettings;
  /** Uploads never follow redirects (the key would go along); downloads may, per request. */
  purpose: 'upload' | 'download';
}

const pool = new Map<string, Dispatcher>();

/**
 * One keep-alive dispatcher per purpose, timeouts and proxy, so repeated uploads skip the connection setup. Through a
 * proxy the request is tunnelled (CONNECT), so HeyGen's certificate is still checked end to end unless the person
 * turned `http.proxyStrictSSL` off.
 */
export function dispatcherFor(target: URL, options: DispatchOptions): Dispatcher {
  const proxy = proxyFor(target, options.proxy);
  const key = [options.purpose, options.connectTimeoutMs, options.idleTimeoutMs, proxy?.url ?? '-', proxy?.strictSSL ?? '-'].join('|');
  let dispatcher = pool.get(key);
  if (!dispatcher) {
    const common = {
      headersTimeout: options.idleTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
      keepAliveTimeout: 4_000,
      ...(options.purpose === 'upload' ? { maxRedirections: 0 } : {}),
    };
    dispatcher = proxy
      ? new ProxyAgent({
          uri: proxy.url,
          ...common,
          proxyTls: { timeout: options.connectTimeoutMs },
          requestTls: { timeout: options.connectTimeoutMs, rejectUnauthorized: proxy.strictSSL },
        })
      : new Agent({ connect: { timeout: options.connectTimeoutMs }, ...common });
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
