// Uploads through a corporate proxy: a loopback CONNECT proxy in front of a loopback HTTPS "HeyGen".
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeHttpClient } from '../../../src/core/http/httpClient';
import { settingsRouting } from '../../../src/core/http/proxyRouting';
import { uploadLocalFile } from '../../../src/core/upload/uploadEngine';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { MEDIA, fileSha, targetFor } from '../support/engineKit';

const KEY = 'hg-proxy-test-key-0123456789';

void describe('uploads through an HTTP proxy (CONNECT tunnel)', () => {
  let dir = '';
  let skip: string | false = false;
  let heygen: https.Server;
  let heygenPort = 0;
  let proxy: http.Server;
  let proxyUrl = '';
  const connects: string[] = [];
  const received: Array<{ sha256: string; key: string | undefined; contentType: string | undefined }> = [];
  let emulator: Emulator;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heygen-proxy-'));
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=upload.heygen.test', '-addext', 'subjectAltName=DNS:upload.heygen.test',
          '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
        { stdio: 'ignore' },
      );
    } catch {
      skip = 'openssl is not installed, so no certificate can be made';
      return;
    }
    heygen = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      const hash = createHash('sha256');
      req.on('data', (chunk: Buffer) => hash.update(chunk));
      req.on('end', () => {
        received.push({ sha256: hash.digest('hex'), key: req.headers['x-api-key'] as string | undefined, contentType: req.headers['content-type'] });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 100, data: { id: 'via-proxy', name: 'x', file_type: 'image', url: 'https://files.heygen.test/via-proxy.png',
          image_key: null, folder_id: '', meta: null, created_ts: 1 } }));
      });
    });
    await new Promise<void>((resolve) => heygen.listen(0, '127.0.0.1', resolve));
    heygenPort = (heygen.address() as net.AddressInfo).port;

    // Tunnels every CONNECT to the local HTTPS server, whatever host was asked for: no DNS, no outside traffic.
    proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      connects.push(`${req.url} ${String(req.headers['proxy-authorization'] ?? '')}`);
      const upstream = connect(heygenPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://user:p%40ss@127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    emulator = await startEmulator({ apiKey: KEY });
  });

  after(async () => {
    await closeHttpClient();
    await emulator?.close();
    for (const server of [heygen, proxy]) {
      server?.closeAllConnections();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const target = (strictSSL: boolean) => ({
    endpoint: 'https://upload.heygen.test/v1/asset',
    apiKey: KEY,
    connectTimeoutMs: 5_000,
    idleTimeoutMs: 5_000,
    retry: { maxRetries: 0 },
    routing: settingsRouting({ proxy: proxyUrl, noProxy: [], env: {}, strictSSL }),
  });

  void it('tunnels to HeyGen with the proxy credentials; the bytes and the key arrive', async (t) => {
    if (skip) {
      t.skip(skip);
      return;
    }
    connects.length = 0;
    received.length = 0;
    const file = join(MEDIA, 'sample.png');
    // The test certificate is not trusted, as a TLS-inspecting proxy's would not be: http.proxyStrictSSL off.
    const outcome = await uploadLocalFile(file, target(false), { maxBytes: 10 * 1024 * 1024 });
    assert.equal(outcome.record.id, 'via-proxy');
    assert.deepEqual(connects, [`upload.heygen.test:443 Basic ${Buffer.from('user:p@ss').toString('base64')}`]);
    assert.deepEqual(received, [{ sha256: fileSha(file), key: KEY, contentType: 'image/png' }]);
  });

  void it('still checks HeyGen\'s certificate through the tunnel when strict SSL is on', async (t) => {
    if (skip) {
      t.skip(skip);
      return;
    }
    received.length = 0;
    await assert.rejects(uploadLocalFile(join(MEDIA, 'sample.jpg'), target(true), { maxBytes: 10 * 1024 * 1024 }), (error: Error) => {
      assert.match(error.message, /self-signed certificate/);
      return true;
    });
    assert.equal(received.length, 0, 'the key reached a server whose certificate was not verified');
  });

  void it('never sends loopback uploads (the emulator) through the proxy', async () => {
    connects.length = 0;
    const outcome = await uploadLocalFile(join(MEDIA, 'sample.mp3'), targetFor(emulator, { routing: settingsRouting({ proxy: proxyUrl, noProxy: [], env: {}, strictSSL: true }) }), {
      maxBytes: 10 * 1024 * 1024,
    });
    assert.ok(outcome.record.id);
    assert.deepEqual(connects, []);
    assert.equal(emulator.received.length, 1);
  });
});
