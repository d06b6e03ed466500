/**
 * Which proxy a request goes through. The editor builds a {@link Routing} from VS Code's settings and its own proxy
 * resolver (src/vscode/configuration/proxyResolver.ts); this file holds the rules that do not need the editor: VS
 * Code's own order for `http.proxy`, `http.noProxy` and the environment, so a request goes where VS Code would send
 * it even when its resolver cannot be reached.
 */

/** How requests leave the machine: through a proxy, or directly. */
export interface Routing {
  /** The proxy for `url` (`http://[user:password@]host:port`, or `https://…`), or undefined to connect directly. */
  proxyFor(url: URL): Promise<string | undefined>;
  /** `http.proxyStrictSSL`: verify certificates on proxied connections (a TLS-inspecting proxy may need false). */
  readonly strictSSL: boolean;
}

/** The settings and environment VS Code reads, as plain values. */
export interface ProxySettings {
  /** `http.proxy` (empty: none). */
  proxy?: string;
  /** `http.noProxy`: when not empty it replaces NO_PROXY, as in VS Code. */
  noProxy: readonly string[];
  env: NodeJS.ProcessEnv;
  strictSSL: boolean;
}

/**
 * The names VS Code never sends through a proxy, exactly as its resolver lists them (@vscode/proxy-agent: `localhost`,
 * `127.0.0.1`, `::1`, `::ffff:127.0.0.1`). Other loopback addresses (127.0.0.2) are routed like any host, as VS Code
 * routes them.
 */
export function isProxyExempt(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '::ffff:127.0.0.1' || host === '::ffff:7f00:1';
}

/**
 * VS Code's `NO_PROXY`/`http.noProxy` matching: `*` matches everything; otherwise an entry matches the host and its
 * subdomains (`example.com` and `.example.com` alike), and an entry's `:port` must equal the request's port.
 */
export function bypassesProxy(url: URL, entries: readonly string[]): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return entries.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry === '*') {
      return true;
    }
    const [name, entryPort] = entry.split(':', 2);
    if (!name) {
      return false;
    }
    const domain = name.startsWith('.') ? name : `.${name}`;
    return `.${host}`.endsWith(domain) && (!entryPort || entryPort === port);
  });
}

/** Splits `NO_PROXY` as VS Code does: commas only. */
export function splitNoProxy(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** A proxy setting as VS Code reads it: `scheme://…` with an http(s) or SOCKS scheme; anything else counts as unset. */
function proxyUrl(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text && /^(https?|socks[45]?[ah]?):\/\//i.test(text) ? text : undefined;
}

/** The first of `https_proxy`, `HTTPS_PROXY`, `http_proxy`, `HTTP_PROXY`: VS Code's order, used for every scheme. */
export function proxyFromEnvironment(env: NodeJS.ProcessEnv): string | undefined {
  return proxyUrl(env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY);
}

/**
 * The proxy for `url` from settings and environment, in VS Code's order: exempt loopback names; `http.noProxy` when
 * set, else `NO_PROXY`/`no_proxy`; then `http.proxy`; then the environment's proxy.
 */
export function proxyFromSettings(url: URL, settings: ProxySettings): string | undefined {
  if (isProxyExempt(url)) {
    return undefined;
  }
  const noProxy = settings.noProxy.length > 0 ? settings.noProxy : splitNoProxy(settings.env.no_proxy ?? settings.env.NO_PROXY);
  if (bypassesProxy(url, noProxy)) {
    return undefined;
  }
  return proxyUrl(settings.proxy) ?? proxyFromEnvironment(settings.env);
}

/** A Routing from settings and environment alone (tests, and the editor when its resolver is not reachable). */
export function settingsRouting(settings: ProxySettings): Routing {
  return { strictSSL: settings.strictSSL, proxyFor: (url) => Promise.resolve(proxyFromSettings(url, settings)) };
}

/** Direct connections for every URL. */
export const DIRECT: Routing = { strictSSL: true, proxyFor: () => Promise.resolve(undefined) };
