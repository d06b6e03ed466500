// What a URL may make the extension fetch, in the real extension host. An agent tool called from another extension
// (test/fixtures/agent-caller, through vscode.lm.invokeTool), the exported API and a command called with an argument
// may not reach this computer or a private network, in any spelling of a loopback address; a URL the person types
// in Upload from URL's box may name their own local server. Every request the local server gets is counted, so
// "refused" means nothing was asked of it, and the emulator shows whether anything reached HeyGen.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { CallerApi } from '../fixtures/agent-caller/extension';
import type { HeyGenAssetsApi } from '../../src/vscode/api';
import { heygenApi, withUserSetting } from './faultKit';
import { emulator, workspaceFile } from './hostSupport';
import { WindowSpy } from './windowSpy';

const CALLER_ID = 'heygen-test.agent-caller';

interface UploadItem {
  input: string;
  assetId?: string;
  error?: string;
}

function itemsOf(text: string): UploadItem[] {
  const match = /```json\n([\s\S]*)\n```\s*$/.exec(text);
  assert.ok(match, `the result ends with a JSON block:\n${text}`);
  return (JSON.parse(match[1]) as { items: UploadItem[] }).items;
}

suite('URL downloads: which addresses a URL may reach', () => {
  let api: HeyGenAssetsApi;
  let caller: CallerApi;
  let server: http.Server;
  let port = 0;
  const requests: string[] = [];
  let spy: WindowSpy;
  /** What the local server serves: the sample PNG with fresh bytes after it, so no earlier upload is reused. */
  let served = Buffer.alloc(0);
  const refusal = /was not downloaded: it leads to this computer or a private network/;

  suiteSetup(async () => {
    api = await heygenApi();
    const extension = vscode.extensions.getExtension<CallerApi>(CALLER_ID);
    assert.ok(extension, `the caller extension ${CALLER_ID} is installed next to HeyGen Assets`);
    caller = await extension.activate();
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(served.length) }).end(served);
    });
    // Every interface: the IPv6 spellings reach it too, had they not been refused.
    await new Promise<void>((resolve) => server.listen(0, resolve));
    port = (server.address() as AddressInfo).port;
  });

  suiteTeardown(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  setup(async () => {
    await emulator.reset();
    requests.length = 0;
    served = Buffer.concat([fs.readFileSync(workspaceFile('sample.png').fsPath), randomBytes(64)]);
    spy = new WindowSpy();
  });

  teardown(() => spy.dispose());

  test('an agent tool’s URL naming this computer, in six spellings, is refused: no request, nothing uploaded', async () => {
    const spellings = ['127.0.0.1', 'localhost', '2130706433', '127.1', '[::ffff:127.0.0.1]', '0x7f000001', '0x7f.1'].map((host) => `http://${host}:${port}/logo.png`);
    const text = await caller.invoke('heygen_upload_assets', { paths: spellings });
    const items = itemsOf(text);
    assert.equal(items.length, spellings.length);
    for (const item of items) {
      assert.match(item.error ?? '', refusal, item.input);
      // One sentence that does not say whether anything answers there.
      assert.doesNotMatch(item.error ?? '', /refused|reset|timed out|answered/i);
    }
    assert.deepEqual(requests, [], 'the local server was asked');
    assert.deepEqual(await emulator.received(), []);
  });

  test('the exported API and heygen.uploadFromUrl with an argument refuse a loopback URL too', async () => {
    const url = `http://127.0.0.1:${port}/from-api.png`;
    const viaApi = await api.uploadUrl(url, { quiet: true });
    assert.match(viaApi.failed[0]?.message ?? '', refusal);
    const viaCommand = await vscode.commands.executeCommand<{ failed: Array<{ message: string }> }>('heygen.uploadFromUrl', `http://localhost:${port}/from-command.png`);
    assert.match(viaCommand?.failed[0]?.message ?? '', refusal);
    assert.deepEqual(requests, []);
    assert.deepEqual(await emulator.received(), []);
  });

  test('a URL the person types in Upload from URL may name their own local server: it uploads', async () => {
    const url = `http://127.0.0.1:${port}/typed.png`;
    spy.answerInputBoxes(() => url);
    const result = await vscode.commands.executeCommand<{ succeeded: unknown[]; failed: Array<{ message: string }> }>('heygen.uploadFromUrl');
    assert.deepEqual(result?.failed.map((f) => f.message), []);
    assert.deepEqual(requests, ['/typed.png']);
    const [arrived] = await emulator.received();
    assert.equal(arrived?.sha256, createHash('sha256').update(served).digest('hex'));
  });

  test('with heygen.download.allowPrivateNetworks on, the agent tool’s loopback URL is downloaded', async () => {
    const restore = await withUserSetting('download.allowPrivateNetworks', true);
    try {
      const items = itemsOf(await caller.invoke('heygen_upload_assets', { paths: [`http://127.0.0.1:${port}/allowed.png`] }));
      assert.equal(items[0].error, undefined, items[0].error);
      assert.ok(items[0].assetId);
    } finally {
      await restore();
    }
    assert.deepEqual(requests, ['/allowed.png']);
    assert.equal((await emulator.received()).length, 1);
  });
});
