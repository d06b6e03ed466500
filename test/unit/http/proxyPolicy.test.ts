import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proxyFor, proxyFromEnvironment, type ProxySettings } from '../../../src/core/http/proxyPolicy';

const proxy = (noProxy: string[] = []): ProxySettings => ({ url: 'http://proxy.corp:3128', noProxy, strictSSL: true });
const heygen = new URL('https://upload.heygen.com/v1/asset');

void describe('proxyFor', () => {
  void it('uses the proxy for HeyGen when one is configured', () => {
    assert.equal(proxyFor(heygen, proxy())?.url, 'http://proxy.corp:3128');
  });

  void it('connects directly without a proxy, to loopback, and to hosts in noProxy', () => {
    assert.equal(proxyFor(heygen, undefined), undefined);
    assert.equal(proxyFor(new URL('http://127.0.0.1:8080/v1/asset'), proxy()), undefined);
    assert.equal(proxyFor(new URL('http://localhost:8080/v1/asset'), proxy()), undefined);
    for (const entry of ['*', 'heygen.com', '.heygen.com', '*.heygen.com', 'upload.heygen.com', 'upload.heygen.com:443', 'HEYGEN.COM']) {
      assert.equal(proxyFor(heygen, proxy([entry])), undefined, entry);
    }
  });

  void it('keeps the proxy for look-alike names and other ports', () => {
    for (const entry of ['gen.com', 'eygen.com', 'upload.heygen.com:8443', 'example.com']) {
      assert.equal(proxyFor(heygen, proxy([entry]))?.url, 'http://proxy.corp:3128', entry);
    }
  });

  void it('ignores a proxy setting that is not an http(s) URL', () => {
    assert.equal(proxyFor(heygen, { url: 'socks5://proxy:1080', noProxy: [], strictSSL: true }), undefined);
    assert.equal(proxyFor(heygen, { url: 'not a url', noProxy: [], strictSSL: true }), undefined);
  });
});

void describe('proxyFromEnvironment', () => {
  void it('reads HTTPS_PROXY before HTTP_PROXY, either case, and splits NO_PROXY', () => {
    assert.deepEqual(proxyFromEnvironment({ https_proxy: 'http://a:1', HTTP_PROXY: 'http://b:2', NO_PROXY: 'x.com, .y.org  z' }), {
      url: 'http://a:1',
      noProxy: ['x.com', '.y.org', 'z'],
    });
    assert.deepEqual(proxyFromEnvironment({}), { url: undefined, noProxy: [] });
  });
});
