// The key travels only over HTTPS with a verified certificate, or over plain HTTP to this computer;
// any other endpoint is refused before a socket is opened. (Redirects: upload/uploadEngine.test.ts.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkEndpoint } from '../../../src/core/http/endpointPolicy';
import { uploadFromUrl, uploadLocalFile } from '../../../src/core/upload/uploadEngine';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { makePrivateCaCertificate, makeSelfSignedCertificate, type CertificatePair } from '../../tools/selfSignedCertificate';
import { MEDIA, MB, targetFor } from '../support/engineKit';

const KEY = 'hg-transport-secret-5f0c1d';
const opts = { maxBytes: 10 * MB };

/** Counts every TCP connection attempt this process makes while `fn` runs. */
async function countConnects<T>(fn: () => Promise<T>): Promise<{ connects: string[]; outcome: T | HeyGenError }> {
  const connects: string[] = [];
  const proto = net.Socket.prototype as unknown as { connect: (this: net.Socket, ...args: unknown[]) => net.Socket };
  const original = proto.connect;
  proto.connect = function (this: net.Socket, ...args: unknown[]): net.Socket {
    connects.push(JSON.stringify(args[0]));
    return original.apply(this, args);
  };
  try {
    try {
      return { connects, outcome: await fn() };
    } catch (error) {
      assert.ok(error instanceof HeyGenError, String(error));
      return { connects, outcome: error };
    }
  } finally {
    proto.connect = original;
  }
}

void describe('endpoint policy: which upload URLs may receive the key', () => {
  void it('allows loopback in every spelling the URL parser normalises to it', () => {
    for (const url of [
      'http://127.0.0.1:9/v1/asset',
      'http://127.255.255.254/v1/asset',
      'http://[::1]:9/v1/asset',
      'http://[0:0:0:0:0:0:0:1]/v1/asset',
      'http://[::ffff:127.0.0.1]/v1/asset',
      'http://2130706433/v1/asset', // 127.0.0.1 as one number
      'http://0x7f.1/v1/asset',
      'http://LOCALHOST:8080/v1/asset',
      '  https://upload.heygen.com/v1/asset  ',
      'HTTPS://UPLOAD.HEYGEN.COM/v1/asset',
    ]) {
      assert.equal(checkEndpoint(url).valid, true, url);
    }
  });

  void it('refuses plain HTTP to any name or address that is not certainly this computer', () => {
    for (const url of [
      'http://heygen.invalid/v1/asset',
      'http://127.0.0.1.nip.io/v1/asset', // a DNS name that merely starts like loopback
      'http://localhost.heygen.com/v1/asset',
      'http://[::ffff:10.0.0.1]/v1/asset',
      'http://[fe80::1]/v1/asset',
      'http://0.0.0.0/v1/asset', // "any address": on Linux it reaches this host, but it is not a loopback name
      'http://192.168.1.10/v1/asset',
      'http://169.254.169.254/latest/meta-data', // cloud metadata
    ]) {
      const check = checkEndpoint(url);
      assert.equal(check.valid, false, url);
      assert.ok(!check.valid && /plain HTTP, which would send the API key unencrypted/.test(check.reason), `${url}: ${!check.valid && check.reason}`);
    }
  });

  void it('refuses a *.localhost name over plain HTTP: outside browsers it is resolved by DNS, not pinned to loopback', () => {
    // glibc (nsswitch "files dns") sends foo.localhost to the DNS server, which may answer any address.
    assert.equal(checkEndpoint('http://upload.localhost:8080/v1/asset').valid, false);
  });

  void it('refuses other schemes and credentials in the URL, naming the problem', () => {
    assert.deepEqual(checkEndpoint('ftp://127.0.0.1/v1/asset'), { valid: false, reason: 'The upload URL must use https, not ftp.' });
    assert.deepEqual(checkEndpoint('ws://127.0.0.1/v1/asset'), { valid: false, reason: 'The upload URL must use https, not ws.' });
    assert.deepEqual(checkEndpoint('https://127.0.0.1:8080@evil.example/v1/asset'), {
      valid: false,
      reason: 'The upload URL must not contain a user name or password.',
    });
    assert.deepEqual(checkEndpoint('upload.heygen.com/v1/asset'), { valid: false, reason: 'The upload URL "upload.heygen.com/v1/asset" is not a valid URL.' });
  });
});

void describe('the engine refuses an insecure endpoint before opening any connection', () => {
  const target = (endpoint: string) => ({ ...targetFor({ uploadUrl: endpoint, apiKey: KEY }), endpoint });
  const reason =
    'The upload URL http://heygen.invalid uses plain HTTP, which would send the API key unencrypted; use https (plain http is allowed only to 127.0.0.1, ::1 or localhost).';

  void it('a local file', async () => {
    const { connects, outcome } = await countConnects(() => uploadLocalFile(join(MEDIA, 'sample.png'), target('http://heygen.invalid/v1/asset'), opts));
    assert.ok(outcome instanceof HeyGenError);
    assert.equal(outcome.kind, 'insecureEndpoint');
    assert.equal(outcome.message, reason);
    assert.deepEqual(connects, []);
  });

  void it('(control: the connection counter does see an allowed loopback endpoint being tried)', async () => {
    const { connects, outcome } = await countConnects(() => uploadLocalFile(join(MEDIA, 'sample.png'), target('http://127.0.0.1:9/v1/asset'), opts));
    assert.ok(outcome instanceof HeyGenError);
    assert.equal(outcome.kind, 'network');
    assert.ok(connects.length >= 1, 'no connection attempt was counted');
  });

  void it('a URL source: not even the download starts', async () => {
    const { connects, outcome } = await countConnects(() =>
      uploadFromUrl('http://127.0.0.1:9/sample.png', target('http://heygen.invalid/v1/asset'), opts),
    );
    assert.ok(outcome instanceof HeyGenError);
    assert.equal(outcome.kind, 'insecureEndpoint');
    assert.equal(outcome.message, reason);
    assert.deepEqual(connects, []);
  });
});

/**
 * An HTTPS server on loopback with the certificate `makePair` makes, counting TCP connections and requests (a request
 * would carry the key), skipped when openssl is missing.
 */
function countingTlsServer(prefix: string, makePair: (dir: string) => CertificatePair) {
  const state = { port: 0, requests: 0, tcpConnections: 0, skip: false as string | false };
  let dir = '';
  let server: https.Server | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    let pair: CertificatePair;
    try {
      pair = makePair(dir);
    } catch {
      state.skip = 'openssl is not installed, so no certificate can be made';
      return;
    }
    server = https.createServer({ key: pair.key, cert: pair.cert }, (req, res) => {
      state.requests += 1;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":100,"data":{"id":"x","url":"https://127.0.0.1/x"}}');
    });
    server.on('connection', () => {
      state.tcpConnections += 1;
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    state.port = (server.address() as net.AddressInfo).port;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    rmSync(dir, { recursive: true, force: true });
  });
  return state;
}

void describe('HTTPS: the certificate is verified before the key is sent, and a failed check is never retried', () => {
  for (const { what, make, code, detail } of [
    { what: 'a self-signed certificate', make: makeSelfSignedCertificate, code: 'DEPTH_ZERO_SELF_SIGNED_CERT', detail: 'self-signed certificate' },
    // What a TLS-inspecting corporate proxy presents to a computer that does not trust the company's root yet.
    { what: 'a certificate from a CA this computer does not trust', make: makePrivateCaCertificate, code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', detail: 'unable to get local issuer certificate' },
  ]) {
    void describe(what, () => {
      const tls = countingTlsServer('heygen-tls-', (dir) => make(dir));

      void it(`${code}: refused at the handshake with one clear sentence, no request, one connection`, async (t) => {
        if (tls.skip) {
          t.skip(tls.skip);
          return;
        }
        const endpoint = `https://127.0.0.1:${tls.port}/v1/asset`;
        const { outcome } = await countConnects(() => uploadLocalFile(join(MEDIA, 'sample.png'), { ...targetFor({ uploadUrl: endpoint, apiKey: KEY }) }, opts));
        assert.ok(outcome instanceof HeyGenError);
        assert.equal(outcome.kind, 'network');
        assert.equal(outcome.code, code);
        assert.equal(outcome.message, `Could not upload "sample.png" to 127.0.0.1:${tls.port}: the server\u2019s certificate is not trusted (${detail}).`);
        assert.ok(!outcome.message.includes(KEY));
        assert.equal(tls.requests, 0, 'an HTTP request (with the key) reached the server');
        assert.equal(tls.tcpConnections, 1, 'a certificate failure was retried');
      });
    });
  }
});
