// Issue 12 inside the real extension host: uploads with heygen.api.version v3 (multipart and HeyGen's direct
// upload) from the explorer, Set API Key checked with users/me and the account shown in the Assets view, and a
// retired v1 answered with "Use API v3". What is asserted is what the person gets: the bytes HeyGen (the emulator)
// received, the Assets view's rows and description, the messages with their buttons, the user setting.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AssetTreeProvider } from '../../src/vscode/history/assetTreeView';
import type { HeyGenTestApi } from '../../src/vscode/api';
import type { BatchResult } from '../../src/vscode/upload/uploadCommands';
import { heygenApi, scratchFolder, withUserSetting } from './faultKit';
import { clearApiKey, emulator, hostEnv, pollUntil, sha256Of, whenEvent, workspaceFile } from './hostSupport';
import { emulatorV3, writeMedia } from './v3Support';
import { WindowSpy } from './windowSpy';

const MB = 1024 * 1024;
const WRONG_KEY = 'wrong-key-v3-0000-1111-2222';

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

/** Every asset row of the Assets view: its label and its tree item id (`asset:<HeyGen's id>`). */
function rows(heygen: HeyGenTestApi): Array<{ group: string; label: string; id: string | undefined }> {
  const tree = heygen.assetTree as AssetTreeProvider;
  const out: Array<{ group: string; label: string; id: string | undefined }> = [];
  for (const group of tree.getChildren()) {
    for (const child of tree.getChildren(group)) {
      const item = tree.getTreeItem(child);
      out.push({ group: labelOf(tree.getTreeItem(group)), label: labelOf(item), id: item.id });
    }
  }
  return out;
}

suite('HeyGen API v3', () => {
  let heygen: HeyGenTestApi;
  let spy: WindowSpy;
  let key: string;
  const restore: Array<() => Promise<void>> = [];

  suiteSetup(async () => {
    heygen = await heygenApi();
    // Read once: tests take HEYGEN_API_KEY away from the extension.
    key = hostEnv.apiKey;
  });

  setup(async () => {
    await emulator.reset();
    await heygen.history.clear();
    spy = new WindowSpy();
    restore.push(await withUserSetting('apiBaseUrl', emulatorV3.apiBaseUrl));
  });

  teardown(async () => {
    spy.dispose();
    for (const undo of restore.splice(0).reverse()) {
      await undo();
    }
    process.env.HEYGEN_API_KEY = key;
    await clearApiKey();
    await emulator.reset();
  });

  test('v3: a 1 MB image and a 40 MB video uploaded from the explorer appear in the Assets view with HeyGen\'s ids', async () => {
    restore.push(await withUserSetting('api.version', 'v3'));
    const scratch = scratchFolder('v3-explorer');
    try {
      const image = scratch.file('poster.jpg');
      const video = scratch.file('keynote.mp4');
      writeMedia(image.fsPath, 'jpeg', 1 * MB);
      writeMedia(video.fsPath, 'mp4', 40 * MB);
      // What the explorer passes for a two-file selection: the clicked file and the whole selection.
      const result = await vscode.commands.executeCommand<BatchResult>('heygen.uploadToHeyGen', image, [image, video]);
      assert.equal(result.failed.length, 0, JSON.stringify(result.failed));
      assert.equal(result.succeeded.length, 2);

      const heygenAssets = await emulatorV3.assets();
      const byName = new Map(heygenAssets.map((a) => [a.name, a]));
      const poster = byName.get('poster.jpg');
      const keynote = byName.get('keynote.mp4');
      assert.ok(poster && keynote, `HeyGen has ${JSON.stringify(heygenAssets.map((a) => a.name))}`);
      assert.equal(poster.via, 'multipart', 'the 1 MB image goes through POST /v3/assets');
      assert.equal(keynote.via, 'direct', 'the 40 MB video goes through a direct upload');
      assert.equal(poster.sha256, sha256Of(image.fsPath));
      assert.equal(keynote.sha256, sha256Of(video.fsPath));

      // The bytes that arrived: the multipart part and the PUT to storage, which never saw the key.
      const received = await emulator.received();
      const put = received.find((r) => r.route === 'storage' && r.status === 200);
      assert.ok(put, 'nothing reached the storage host');
      assert.equal(put.sha256, sha256Of(video.fsPath));
      assert.equal(put.headers['x-api-key'], undefined, 'the API key reached the storage host');
      assert.equal(received.find((r) => r.route === 'assets' && r.status === 200)?.fileName, 'poster.jpg');

      // The person's view: both rows, under their groups, identified by HeyGen's ids; the history says v3.
      const shown = rows(heygen);
      assert.deepEqual(
        shown.filter((r) => r.label === 'poster.jpg' || r.label === 'keynote.mp4').sort((a, b) => a.label.localeCompare(b.label)),
        [
          { group: 'Videos', label: 'keynote.mp4', id: `asset:${keynote.id}` },
          { group: 'Images', label: 'poster.jpg', id: `asset:${poster.id}` },
        ],
      );
      const records = heygen.history.all();
      assert.deepEqual(records.map((r) => [r.name, r.id, r.api]).sort(), [
        ['keynote.mp4', keynote.id, 'v3'],
        ['poster.jpg', poster.id, 'v3'],
      ]);
      assert.equal(records.find((r) => r.name === 'keynote.mp4')?.url, keynote.url);
    } finally {
      scratch.dispose();
    }
  });

  test('Set API Key refuses a wrong key in the box without saving it, and shows the account for a right one', async () => {
    await clearApiKey();
    delete process.env.HEYGEN_API_KEY;
    spy.messages.length = 0;
    const tree = heygen.assetTree as AssetTreeProvider;
    const validation: unknown[] = [];
    spy.answerInputBoxes(
      () => WRONG_KEY,
      (options) => {
        validation.push(options.prompt, options.validateInput?.(WRONG_KEY), options.validateInput?.(key));
        return key;
      },
    );
    assert.equal(await vscode.commands.executeCommand('heygen.setApiKey'), true);

    assert.equal(spy.inputBoxes.length, 2, 'the refused key did not reopen the box');
    assert.equal(validation[0], 'HeyGen refused this key: Invalid API key. Paste a valid API key (HeyGen \u203a Settings \u203a API).');
    assert.deepEqual(validation[1], { message: 'HeyGen refused this key: Invalid API key.', severity: vscode.InputBoxValidationSeverity.Error });
    assert.equal(validation[2], undefined);
    assert.ok((await emulatorV3.requests()).filter((r) => r === 'GET /v3/users/me').length >= 2, 'both keys were checked with users/me');
    assert.deepEqual(spy.messages.map((m) => `${m.kind}: ${m.message}`), [
      'info: HeyGen API key checked and saved to secret storage: account emulator-user \u00b7 Pro.',
    ]);

    // The account is the Assets view's description; Show Account tells the rest.
    // Polled: the view's description is the TreeView's, which the extension keeps to itself.
    await pollUntil('the account in the Assets view', () => (tree.viewDescription === 'emulator-user \u00b7 Pro' ? true : undefined));
    spy.messages.length = 0;
    await vscode.commands.executeCommand('heygen.showAccount');
    assert.deepEqual(spy.messages.map((m) => m.message), ['HeyGen account emulator-user (emulator-user@example.test), plan Pro, 420 of 600 credits left.']);
    // The wrong key was never stored: the one in secret storage is the right one.
    const result = await vscode.commands.executeCommand<BatchResult>('heygen.uploadFile', workspaceFile('sample.png'));
    assert.equal(result.succeeded.length, 1, spy.describe());
    assert.equal((await emulator.received())[0]?.apiKeyOk, true);
  });

  test('Set API Key with a string argument is checked too: a refused key is not saved and "Set API Key" asks again', async () => {
    await clearApiKey();
    delete process.env.HEYGEN_API_KEY;
    spy.messages.length = 0;
    spy.click('Set API Key').answerInputBoxes(() => key);
    assert.equal(await vscode.commands.executeCommand('heygen.setApiKey', WRONG_KEY), false);
    assert.ok((await emulatorV3.requests()).includes('GET /v3/users/me'), 'the key was checked with users/me');
    await whenEvent('the key typed after "Set API Key" saved', spy.onDidShowMessage, () => (spy.messages.length >= 2 ? true : undefined));
    assert.deepEqual(spy.messages.map((m) => `${m.kind}: ${m.message} [${m.items.join(', ')}]`), [
      'error: HeyGen refused the API key (Invalid API key), so it was not saved. [Set API Key]',
      'info: HeyGen API key checked and saved to secret storage: account emulator-user \u00b7 Pro. []',
    ]);
    assert.equal(spy.inputBoxes.length, 1, 'the box opened once, after the click');
    // The refused key never reached secret storage: what is stored is the right one.
    const result = await vscode.commands.executeCommand<BatchResult>('heygen.uploadFile', workspaceFile('sample.png'));
    assert.equal(result.succeeded.length, 1, spy.describe());
    assert.equal((await emulator.received())[0]?.apiKeyOk, true);

    // A right key as the argument: checked, confirmed in a modal that names its account, saved.
    spy.messages.length = 0;
    spy.answerMessages(() => 'Save Key');
    assert.equal(await vscode.commands.executeCommand('heygen.setApiKey', key), true);
    assert.deepEqual(spy.messages.map((m) => `${m.kind}${m.modal ? ' (modal)' : ''}: ${m.message} [${m.items.join(', ')}]`), [
      'warning (modal): Replace the stored HeyGen API key with the key of the account emulator-user \u00b7 Pro? [Save Key]',
      'info: HeyGen API key checked and saved to secret storage: account emulator-user \u00b7 Pro. []',
    ]);
  });

  test('a key from HEYGEN_API_KEY is checked at first use; refused, the box says so and the new key uploads', async () => {
    // Requests of this test only: an earlier suite's upload can be recorded after the emulator's reset.
    const started = Date.now();
    await clearApiKey();
    process.env.HEYGEN_API_KEY = WRONG_KEY;
    const prompts: Array<string | undefined> = [];
    spy.answerInputBoxes((options) => {
      prompts.push(options.prompt);
      return key;
    });
    const result = await vscode.commands.executeCommand<BatchResult>('heygen.uploadFile', workspaceFile('sample.jpg'));
    assert.equal(result.succeeded.length, 1, spy.describe());
    assert.deepEqual(prompts, ['HeyGen refused the key in the HEYGEN_API_KEY environment variable (Invalid API key). Paste a valid API key.']);
    const received = await emulator.received();
    assert.deepEqual(received.filter((r) => r.at >= started).map((r) => r.apiKeyOk), [true], 'the refused key was sent with the file');
  });

  test('v1 retired (HTTP 410): the message says so and "Use API v3" switches the user setting and uploads the file with v3', async () => {
    // Back to the v1 the suite runs with (the harness chose it in the user settings, as a person keeping v1 would).
    const before = vscode.workspace.getConfiguration('heygen').inspect('api.version')?.globalValue;
    restore.push(async () => {
      await vscode.workspace.getConfiguration('heygen').update('api.version', before, vscode.ConfigurationTarget.Global);
    });
    // Requests of this test only: an upload an earlier suite aborted can be recorded after the emulator's reset.
    const started = Date.now();
    await emulator.behave({ mode: 'status', status: 410, body: '<html><body>Gone</body></html>', contentType: 'text/html' });
    spy.click('Use API v3');
    const first = await vscode.commands.executeCommand<BatchResult>('heygen.uploadFile', workspaceFile('sample.webm'));
    assert.equal(first.failed[0]?.kind, 'retired');
    const [retired] = spy.messages;
    assert.deepEqual(
      { kind: retired?.kind, message: retired?.message, items: retired?.items },
      {
        kind: 'error',
        message: 'HeyGen may have retired the v1 upload: its upload URL answered HTTP 410, so "sample.webm" was not uploaded.',
        items: ['Use API v3', 'Show Log'],
      },
      spy.describe(),
    );
    const record = await whenEvent('sample.webm uploaded with v3', (l) => heygen.history.onDidChange(l), () => heygen.history.all().find((r) => r.name === 'sample.webm'));
    // The retried upload ends with its own notification: waited for, so it is this test's and not the next one's.
    await whenEvent('the retried upload\u2019s notification', spy.onDidShowMessage, () => spy.messages.find((m) => m.message === 'Uploaded "sample.webm" to HeyGen.'));
    assert.equal(record.api, 'v3');
    assert.equal(vscode.workspace.getConfiguration('heygen').inspect('api.version')?.globalValue, 'v3');
    const received = await emulator.received();
    const v3Upload = received.find((r) => r.route === 'assets' && r.status === 200);
    assert.equal(v3Upload?.sha256, sha256Of(workspaceFile('sample.webm').fsPath));
    assert.equal(v3Upload?.id, record.id);
    assert.deepEqual(received.filter((r) => r.api === undefined && r.at >= started).map((r) => r.status), [410], 'v1 was asked once');
  });

  test('a v3 error with a doc_url offers "Open Docs"; a file over v1\'s limit says that v3 takes larger files', async () => {
    restore.push(await withUserSetting('api.version', 'v3'));
    await emulatorV3.behave({
      mode: 'status',
      status: 400,
      body: JSON.stringify({ error: { code: 'invalid_parameter', message: 'file is required.', param: 'file', doc_url: 'https://docs.heygen.com/reference/errors' } }),
      times: 1,
    });
    spy.answerMessages(() => undefined);
    const refused = await vscode.commands.executeCommand<BatchResult>('heygen.uploadFile', workspaceFile('sample.mp3'));
    assert.equal(refused.failed[0]?.docUrl, 'https://docs.heygen.com/reference/errors');
    assert.deepEqual(
      spy.messages.map((m) => ({ message: m.message, items: m.items })),
      [{ message: 'HeyGen refused "sample.mp3": file is required (HTTP 400, code invalid_parameter).', items: ['Open Docs', 'Show Log'] }],
    );

    await vscode.workspace.getConfiguration('heygen').update('api.version', 'v1', vscode.ConfigurationTarget.Global);
    const scratch = scratchFolder('v3-limit');
    try {
      const big = scratch.file('big.mp4');
      writeMedia(big.fsPath, 'mp4', 11 * MB);
      spy.messages.length = 0;
      spy.answerMessages(() => undefined);
      const tooBig = await vscode.commands.executeCommand<BatchResult>('heygen.uploadFile', big);
      assert.equal(tooBig.failed[0]?.message, '"big.mp4" is 11 MB, over the 10 MB limit; HeyGen API v3 takes larger files.');
      assert.deepEqual(
        spy.messages.map((m) => ({ message: m.message, items: m.items })),
        [{ message: '"big.mp4" is 11 MB, over the 10 MB limit; HeyGen API v3 takes larger files.', items: ['Use API v3', 'Show Log'] }],
      );
    } finally {
      scratch.dispose();
    }
  });
});
