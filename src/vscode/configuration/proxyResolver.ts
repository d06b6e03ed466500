import * as vscode from 'vscode';
import { isProxyExempt, proxyFromSettings, type ProxySettings, type Routing } from '../../core/http/proxyRouting';

/** VS Code's resolver: the proxy URL for a URL (`http://…`, `https://…`, `socks://…`), or undefined for a direct connection. */
type ResolveProxyUrl = (url: string) => Promise<string | undefined>;

let found: ResolveProxyUrl | null | undefined;

/**
 * VS Code's own proxy resolver, where its extension host exposes it: no API offers one, but the extension host sets
 * `resolveProxyURL` on the exports of its loaded `@vscode/proxy-agent` (1.99 and 1.139 both; Microsoft's Network
 * Proxy Test extension reads it the same way). It answers exactly as VS Code decides for its own requests:
 * `http.noProxy`/NO_PROXY, `http.proxy`, HTTPS_PROXY and the rest, then the system proxy and PAC wherever the window
 * can resolve them (desktop; code-server's browser window cannot). Only the module already loaded has the resolver
 * (a fresh copy would not), so it is looked up in the module cache, once, at the first request; undefined when absent.
 */
export function vscodeProxyResolver(): ResolveProxyUrl | undefined {
  if (found === undefined) {
    found = null;
    for (const [key, loaded] of Object.entries(require.cache)) {
      if (!/[\\/]@vscode[\\/]proxy-agent[\\/]out[\\/]index\.js$/.test(key)) {
        continue;
      }
      const exported = loaded?.exports as { resolveProxyURL?: unknown; default?: { resolveProxyURL?: unknown } } | undefined;
      const resolve = exported?.resolveProxyURL ?? exported?.default?.resolveProxyURL;
      if (typeof resolve === 'function') {
        found = (url) => (resolve as ResolveProxyUrl)(url);
        break;
      }
    }
  }
  return found ?? undefined;
}

/**
 * The Routing of the settings as they are now: `http.proxySupport` off means VS Code routes no extension's requests,
 * so only the person's explicit `http.proxy` and the environment apply (no system proxy, no PAC); otherwise VS Code's
 * resolver decides, and where it is missing or fails, the same settings in VS Code's order.
 */
export function currentRouting(log: { warn(message: string): void }): Routing {
  const http = vscode.workspace.getConfiguration('http');
  const noProxy = http.get<string[] | string>('noProxy', []);
  const settings: ProxySettings = {
    proxy: http.get<string>('proxy', ''),
    noProxy: Array.isArray(noProxy) ? noProxy : noProxy.split(','),
    env: process.env,
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
  };
  const resolver = http.get<string>('proxySupport') === 'off' ? undefined : vscodeProxyResolver();
  return {
    strictSSL: settings.strictSSL,
    async proxyFor(url) {
      // The emulator and a person's own local server: VS Code never proxies these names either.
      if (isProxyExempt(url)) {
        return undefined;
      }
      if (resolver) {
        try {
          return (await resolver(url.href)) || undefined;
        } catch (error) {
          log.warn(`VS Code's proxy resolver failed for ${url.origin} (${String(error)}); using http.proxy and the environment.`);
        }
      }
      return proxyFromSettings(url, settings);
    },
  };
}
