import { isLoopbackHost } from './endpointPolicy';

/** An HTTP(S) proxy to reach HeyGen through: VS Code's `http.proxy` settings or the usual environment variables. */
export interface ProxySettings {
  /** `http://[user:password@]host:port` (an `https://` proxy is also accepted). */
  url: string;
  /** Hosts reached directly: `*`, `example.com` (and its subdomains), `.example.com`, `host:port`. */
  noProxy: readonly string[];
  /** Verify HeyGen's certificate through the tunnel (`http.proxyStrictSSL`); a TLS-inspecting proxy may need false. */
  strictSSL: boolean;
}

/** Reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case), as curl and most tools do. */
export function proxyFromEnvironment(env: NodeJS.ProcessEnv): { url?: string; noProxy: string[] } {
  const pick = (...names: string[]): string | undefined =>
    names.map((name) => env[name]?.trim()).find((value): value is string => !!value);
  return {
    url: pick('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'),
    noProxy: splitNoProxy(pick('NO_PROXY', 'no_proxy') ?? ''),
  };
}

export function splitNoProxy(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * The proxy to use for `target`, or undefined to connect directly: no proxy configured, an address on this
 * computer (the emulator never goes through a proxy), or a host listed in `noProxy`.
 */
export function proxyFor(target: URL, proxy: ProxySettings | undefined): ProxySettings | undefined {
  if (!proxy?.url || isLoopbackHost(target.hostname)) {
    return undefined;
  }
  try {
    const parsed = new URL(proxy.url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return undefined;
    }
  } catch {
    return undefined;
  }
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const bypass = proxy.noProxy.some((raw) => {
    const entry = raw.toLowerCase();
    if (entry === '*') {
      return true;
    }
    const [name, entryPort] = entry.startsWith('[') ? [entry.slice(1, entry.indexOf(']')), entry.split(']:')[1]] : entry.split(':');
    if (entryPort && entryPort !== port) {
      return false;
    }
    const bare = name.replace(/^\*?\./, '');
    return host === bare || host.endsWith(`.${bare}`);
  });
  return bypass ? undefined : proxy;
}
