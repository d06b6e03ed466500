// The proxy decision when VS Code's resolver cannot be reached: VS Code's own order for http.proxy, http.noProxy and
// the environment (@vscode/proxy-agent's useProxySettings), so a request goes where VS Code would send it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bypassesProxy, isProxyExempt, proxyFromEnvironment, proxyFromSettings, type ProxySettings } from '../../../src/core/http/proxyRouting';

const heygen = new URL('https://upload.heygen.com/v1/asset');
const settings = (extra: Partial<ProxySettings> = {}): ProxySettings => ({ proxy: 'http://proxy.corp:3128', noProxy: [], env: {}, strictSSL: true, ...extra });

void describe('proxyFromSettings: VS Code’s order', () => {
  void it('uses http.proxy for HeyGen, and the environment when http.proxy is empty', () => {
    assert.equal(proxyFromSettings(heygen, settings()), 'http://proxy.corp:3128');
    assert.equal(proxyFromSettings(heygen, settings({ proxy: '', env: { HTTPS_PROXY: 'http://env:8080' } })), 'http://env:8080');
    assert.equal(proxyFromSettings(heygen, settings({ env: { HTTPS_PROXY: 'http://env:8080' } })), 'http://proxy.corp:3128');
    assert.equal(proxyFromSettings(heygen, settings({ proxy: '' })), undefined);
  });

  void it('exempts exactly the names VS Code exempts: localhost, 127.0.0.1, ::1 and its mapped form', () => {
    for (const url of ['http://localhost:8080/', 'http://127.0.0.1:8080/', 'http://[::1]:8080/', 'http://[::ffff:127.0.0.1]:8080/']) {
      assert.equal(isProxyExempt(new URL(url)), true, url);
      assert.equal(proxyFromSettings(new URL(url), settings()), undefined, url);
    }
    // Another loopback address is routed like any host, as VS Code routes it (the host tests rely on this).
    assert.equal(proxyFromSettings(new URL('http://127.0.0.2:8080/'), settings()), 'http://proxy.corp:3128');
  });

  void it('http.noProxy: suffix matching with an optional port, * for everything, case-insensitive', () => {
    for (const entry of ['*', 'heygen.com', '.heygen.com', 'upload.heygen.com', 'upload.heygen.com:443', 'HEYGEN.COM']) {
      assert.equal(proxyFromSettings(heygen, settings({ noProxy: [entry] })), undefined, entry);
    }
    for (const entry of ['gen.com', 'eygen.com', 'upload.heygen.com:8443', 'example.com', '']) {
      assert.equal(proxyFromSettings(heygen, settings({ noProxy: [entry] })), 'http://proxy.corp:3128', entry);
    }
  });

  void it('a non-empty http.noProxy replaces NO_PROXY; an empty one leaves NO_PROXY (either case) in force', () => {
    const env = { NO_PROXY: 'heygen.com' };
    assert.equal(proxyFromSettings(heygen, settings({ env })), undefined);
    assert.equal(proxyFromSettings(heygen, settings({ env: { no_proxy: 'heygen.com,other.org' } })), undefined);
    assert.equal(proxyFromSettings(heygen, settings({ env, noProxy: ['other.org'] })), 'http://proxy.corp:3128');
  });

  void it('reads the environment as VS Code does: https_proxy, HTTPS_PROXY, http_proxy, HTTP_PROXY, for every scheme', () => {
    assert.equal(proxyFromEnvironment({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2', HTTP_PROXY: 'http://c:3' }), 'http://a:1');
    assert.equal(proxyFromEnvironment({ HTTPS_PROXY: 'http://b:2', http_proxy: 'http://c:3' }), 'http://b:2');
    assert.equal(proxyFromEnvironment({ HTTP_PROXY: 'http://c:3' }), 'http://c:3');
    // HTTP_PROXY applies to https: targets too (undici's EnvHttpProxyAgent would not), and HTTPS_PROXY to http: ones.
    assert.equal(proxyFromSettings(new URL('http://media.example/a.png'), settings({ proxy: '', env: { HTTPS_PROXY: 'http://b:2' } })), 'http://b:2');
    assert.equal(proxyFromEnvironment({}), undefined);
  });

  void it('treats a value without a scheme as unset, as VS Code does, and passes SOCKS on (the transport refuses it)', () => {
    assert.equal(proxyFromSettings(heygen, settings({ proxy: 'proxy.corp:3128' })), undefined);
    assert.equal(proxyFromSettings(heygen, settings({ proxy: 'proxy.corp:3128', env: { HTTPS_PROXY: 'http://env:1' } })), 'http://env:1');
    assert.equal(proxyFromSettings(heygen, settings({ proxy: 'socks5://proxy:1080' })), 'socks5://proxy:1080');
  });

  void it('bypassesProxy compares ports against the scheme’s default', () => {
    assert.equal(bypassesProxy(new URL('http://a.example/'), ['a.example:80']), true);
    assert.equal(bypassesProxy(new URL('https://a.example/'), ['a.example:80']), false);
  });
});
