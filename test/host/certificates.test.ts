// Networks that inspect HTTPS re-sign traffic with a company certificate that only the operating system trusts.
// VS Code patches Node's own `tls` module in the extension host (`http.systemCertificates` with
// `http.experimental.systemCertificatesV2`) so that connections also trust the system's certificates. undici, which
// carries the uploads, connects through that same module, so uploads trust what VS Code trusts. VS Code adds
// `https.globalAgent.testCertificates` to that store during extension tests (set by index.ts before any test), which
// stands in here for the system's store: the test proves a certificate the editor trusts is accepted end to end, and
// shows what a person sees when a certificate is not trusted.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HeyGenAssetsApi } from '../../src/vscode/api';
import { makeSelfSignedCertificate } from '../tools/selfSignedCertificate';
import { MessageRecorder, heygenApi, historyIds, withUserSetting } from './faultKit';
import { workspaceFile } from './hostSupport';

const FILE = 'sample.jpg';

suite('TLS: the editor\u2019s certificate store', () => {
  let api: HeyGenAssetsApi;
  let dir: string;
  let server: https.Server;
  let port = 0;
  let untrusted: https.Server;
  let untrustedPort = 0;
  let requests = 0;
  const keys: string[] = [];
  const messages = new MessageRecorder();

  suiteSetup(async () => {
    api = await heygenApi();
    const serve = async (pair: { key: string; cert: string }): Promise<[https.Server, number]> => {
      const s = https.createServer(pair, (req, res) => {
        requests += 1;
        keys.push(req.headers['x-api-key'] === undefined ? 'absent' : 'present');
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          '{"code":100,"data":{"id":"a1b2c3","name":"sample.jpg","file_type":"image","url":"https://127.0.0.1/a1b2c3.jpg"},"msg":null}',
        );
      });
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      return [s, (s.address() as AddressInfo).port];
    };
    const trusted = process.env.HEYGEN_TEST_TRUSTED_CERT_DIR;
    assert.ok(trusted, 'the host test entry made no trusted certificate (is openssl installed?)');
    [server, port] = await serve({
      key: fs.readFileSync(path.join(trusted, 'cert-key.pem'), 'utf8'),
      cert: fs.readFileSync(path.join(trusted, 'cert.pem'), 'utf8'),
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-cert-'));
    [untrusted, untrustedPort] = await serve(makeSelfSignedCertificate(dir, 'other'));
    messages.install();
  });

  suiteTeardown(async () => {
    messages.restore();
    for (const s of [server, untrusted]) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a certificate the editor trusts (system certificates on) is accepted: the upload succeeds', async () => {
    // VS Code patched the module in place and kept the originals: the premise of this test.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tls = require('tls') as { __vscodeOriginal?: unknown };
    assert.ok(tls.__vscodeOriginal, 'VS Code did not patch the tls module in this extension host');
    const http = vscode.workspace.getConfiguration('http');
    await http.update('experimental.systemCertificatesV2', true, vscode.ConfigurationTarget.Global);
    const restore = await withUserSetting('uploadUrl', `https://127.0.0.1:${port}/v1/asset`);
    try {
      messages.clear();
      const result = await api.upload([workspaceFile(FILE)], { force: true });
      assert.deepEqual(result.failed.map((f) => f.message), []);
      assert.equal(result.succeeded.length, 1);
      assert.equal(requests, 1);
      assert.equal(keys.at(-1), 'present');
    } finally {
      await restore();
      await http.update('experimental.systemCertificatesV2', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('an untrusted certificate: one clear sentence, no request sent, nothing recorded', async () => {
    const restore = await withUserSetting('uploadUrl', `https://127.0.0.1:${untrustedPort}/v1/asset`);
    try {
      messages.clear();
      const before = historyIds(api);
      const sent = requests;
      const result = await api.upload([workspaceFile(FILE)], { force: true });
      const expected = `Could not upload "${FILE}" to 127.0.0.1:${untrustedPort}: the server\u2019s certificate is not trusted (self-signed certificate).`;
      assert.deepEqual(result.failed.map((f) => f.message), [expected]);
      assert.equal(requests, sent, 'an HTTP request, with the key, reached a server whose certificate is not trusted');
      assert.deepEqual(historyIds(api), before);
      const shown = await messages.whenShown(1);
      assert.equal(shown.length, 1, JSON.stringify(shown));
      assert.equal(shown[0].level, 'error');
      assert.equal(shown[0].text, expected);
    } finally {
      await restore();
    }
  });
});
