// What another extension can do with HeyGen Assets through the public surface only (its `exports`,
// `vscode.commands.executeCommand`, `vscode.lm.invokeTool`): it can upload and read the history, but it can neither
// reach the API key nor replace, remove or use it for anything destructive without the person saying yes in a modal.
// The calls come from a second installed extension (test/fixtures/agent-caller); WindowSpy answers the modals as the
// person would.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { keyFingerprint } from '../../src/core/base/contentHash';
import type { HeyGenAssetsApi } from '../../src/vscode/api';
import type { CallerApi } from '../fixtures/agent-caller/extension';
import { reach } from '../fixtures/agent-caller/reach';
import { clearApiKey, emulator, heygenTestApi, hostEnv, sha256Of, workspaceFile } from './hostSupport';
import { WindowSpy } from './windowSpy';

const EXTENSION_ID = 'heygen-assets.heygen-assets';
/** Well-formed, and no HeyGen knows it: the key another extension would like uploads to go to. */
const OTHER_KEY = 'other-account-key-5f0c9d2e71b84a3c';

suite('What another extension can reach', () => {
  let caller: CallerApi;
  let secrets: string[];

  suiteSetup(async () => {
    await heygenTestApi();
    const extension = vscode.extensions.getExtension<CallerApi>('heygen-test.agent-caller');
    assert.ok(extension, 'the caller extension is installed next to HeyGen Assets');
    caller = await extension.activate();
    secrets = [hostEnv.apiKey, keyFingerprint(hostEnv.apiKey), OTHER_KEY];
    // The key in secret storage, as the person saved it.
    const spy = new WindowSpy();
    try {
      spy.answerMessages(() => 'Save Key');
      assert.equal(await vscode.commands.executeCommand('heygen.setApiKey', hostEnv.apiKey), true, spy.describe());
    } finally {
      spy.dispose();
    }
  });

  suiteTeardown(async () => {
    // As the other suites leave it: no stored key.
    await clearApiKey();
  });

  test('exports are four functions, and nothing reachable from them leads to the key, from here or from another extension', async () => {
    const exports = vscode.extensions.getExtension<HeyGenAssetsApi>(EXTENSION_ID)!.exports;
    const here = reach(exports, secrets);
    assert.deepEqual(here.findings, [], 'a way to the key or to a destructive operation');
    assert.ok(here.visited >= 5, `the walk visited ${here.visited} objects`);

    const outside = await caller.reachHeyGenExports(secrets);
    assert.deepEqual(outside.findings, [], 'the other extension found a way to the key');
    assert.equal(outside.visited, here.visited, 'the other extension sees the same objects');
  });

  test('the same walk finds the key from what exports used to be (the test API), so it can fail', async () => {
    // Getters are not read here: these are the extension's live internals.
    const { findings } = reach(await heygenTestApi(), secrets, { rootName: 'testApi', getters: false });
    const whys = new Set(findings.map((f) => f.why));
    assert.ok(whys.has('an object shaped like SecretStorage (get, store, delete)'), findings.map((f) => `${f.path}: ${f.why}`).join('\n'));
    assert.ok(whys.has('a string holding the secret'), 'the log keeps the key to scrub it, reachable from the history store');
    assert.ok(findings.some((f) => /\.apiKeys\b/.test(f.path)), 'the key service is named');
  });

  test('through exports another extension uploads a file and reads the history as plain data', async () => {
    const exports = vscode.extensions.getExtension<HeyGenAssetsApi>(EXTENSION_ID)!.exports;
    const file = path.join(hostEnv.workspace, 'public-api.png');
    fs.writeFileSync(file, Buffer.concat([fs.readFileSync(workspaceFile('sample.png').fsPath), Buffer.from(`public-api ${Date.now()}`)]));
    let changes = 0;
    const subscription = exports.onDidChangeHistory(() => changes++);
    try {
      const result = await exports.upload([vscode.Uri.file(file)]);
      assert.equal(result.succeeded.length, 1, JSON.stringify(result.failed));
      const { asset } = result.succeeded[0];
      const [arrived] = (await emulator.received()).filter((r) => r.id === asset.id);
      assert.equal(arrived?.sha256, sha256Of(file), 'the file’s bytes arrived');
      assert.ok(changes >= 1, 'onDidChangeHistory fired');
      const listed = exports.history().find((a) => a.id === asset.id);
      assert.deepEqual(Object.keys(listed ?? {}).sort(), ['fileType', 'id', 'imageKey', 'mime', 'name', 'size', 'sourcePath', 'uploadedAt', 'url']);
      assert.ok(Object.isFrozen(listed), 'a snapshot, not the store’s record');
      await assert.rejects(exports.upload('not a list' as unknown as vscode.Uri[]), /upload\(\) takes an array of vscode\.Uri/);
      await (await heygenTestApi()).history.remove([asset.id]);
    } finally {
      subscription.dispose();
      fs.rmSync(file, { force: true });
    }
  });

  test('through commands it can neither replace nor remove the key, clear the history or delete without the person', async () => {
    const testApi = await heygenTestApi();
    await testApi.history.add({
      id: 'publicsurface1',
      name: 'kept.png',
      fileType: 'image',
      mime: 'image/png',
      url: 'https://resource.heygen.ai/publicsurface1.png',
      imageKey: null,
      createdTs: 1,
      size: 10,
      sha256: '0'.repeat(64),
      uploadedAt: Date.now(),
      keyFingerprint: keyFingerprint(hostEnv.apiKey),
    });
    const historyBefore = testApi.history.all().length;
    const spy = new WindowSpy();
    try {
      // The person says no to each modal.
      spy.answerMessages(() => undefined, () => undefined, () => undefined, () => undefined);
      assert.equal(await caller.run('heygen.setApiKey', OTHER_KEY), false);
      assert.equal(await caller.run('heygen.clearApiKey'), false);
      await caller.run('heygen.clearHistory', { confirm: false });
      await caller.run('heygen.deleteFromHeyGen', 'publicsurface1');
      assert.deepEqual(
        spy.messages.map((m) => `${m.modal ? 'modal' : 'notice'}: ${m.message}`),
        [
          'modal: Replace the stored HeyGen API key with a key HeyGen could not check?',
          'modal: Remove the HeyGen API key from secret storage?',
          `modal: Clear all ${historyBefore} assets from the history? This does not delete them from HeyGen.`,
          'modal: Delete "kept.png" from HeyGen? Deletion is permanent, and payloads that use it will stop working.',
        ],
        spy.describe(),
      );
    } finally {
      spy.dispose();
    }
    assert.equal(testApi.history.all().length, historyBefore, 'the history is as it was');
    // The stored key is still the person's: an upload now goes with it (with OTHER_KEY HeyGen would refuse it).
    const envKey = hostEnv.apiKey;
    delete process.env.HEYGEN_API_KEY;
    try {
      await emulator.reset();
      const result = await testApi.upload([workspaceFile('sample.wav')], { force: true, quiet: true });
      assert.equal(result.succeeded.length, 1, JSON.stringify(result.failed));
      assert.equal((await emulator.received())[0]?.apiKeyOk, true, 'the stored key was sent');
      await testApi.history.remove([...result.succeeded.map((s) => s.record.id), 'publicsurface1']);
    } finally {
      process.env.HEYGEN_API_KEY = envKey;
    }
  });

  test('it cannot make HeyGen Assets request this computer: not by the agent tool, the exports or a command', async () => {
    const asked: string[] = [];
    // Would serve an image to anything that asked; every interface, so the IPv6 spelling reaches it too.
    const server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png' }).end(fs.readFileSync(workspaceFile('sample.png').fsPath));
    });
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const { port } = server.address() as AddressInfo;
    const spy = new WindowSpy();
    try {
      await emulator.reset();
      const refusal = /was not downloaded: it leads to this computer or a private network/;
      const tool = await caller.invoke('heygen_upload_assets', { paths: [`http://127.0.0.1:${port}/tool.png`, `http://[::ffff:127.0.0.1]:${port}/tool6.png`] });
      for (const name of ['tool.png', 'tool6.png']) {
        assert.match(tool, new RegExp(`${name.replace('.', '\\.')}: not uploaded\\. .*${refusal.source}`), tool);
      }
      const viaExports = await caller.uploadUrlThroughExports(`http://localhost:${port}/exports.png`);
      assert.equal(viaExports.length, 1, JSON.stringify(viaExports));
      assert.match(viaExports[0], refusal);
      const viaCommand = (await caller.run('heygen.uploadFromUrl', `http://0x7f.1:${port}/command.png`)) as { failed: Array<{ message: string }> } | undefined;
      assert.match(viaCommand?.failed[0]?.message ?? '', refusal);
      assert.deepEqual(asked, [], 'the local server was asked');
      assert.deepEqual(await emulator.received(), [], 'something was uploaded');
      for (const secret of secrets) {
        assert.ok(!tool.includes(secret), 'the tool’s result holds the key');
      }
    } finally {
      spy.dispose();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
