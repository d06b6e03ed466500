// Issue 23 items 1-3 inside the real extension host: "Convert Payload to API v3" as a command and as a quick fix
// (one undo step, the refusal naming what stops it), and "Use API v1" when HeyGen API v3 answers as if it does not
// exist. What is asserted is what the person gets: the text in the editor, the messages with their buttons, the
// bytes the emulator received, the user setting.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import type { HeyGenTestApi } from '../../src/vscode/api';
import type { BatchResult } from '../../src/vscode/upload/uploadCommands';
import { ConvertPayloadActions } from '../../src/vscode/payload/convertPayload';
import { heygenApi, withUserSetting } from './faultKit';
import { emulator, hostEnv, sha256Of, whenEvent } from './hostSupport';
import { WindowSpy } from './windowSpy';

const V2_BODY = {
  title: 'Product tour',
  video_inputs: [
    {
      character: { type: 'avatar', avatar_id: 'josh_lite3_20230714', avatar_style: 'normal' },
      voice: { type: 'text', input_text: 'Welcome to the tour.', voice_id: 'voice-en-1' },
      background: { type: 'image', image_asset_id: 'bg-asset-1' },
    },
  ],
  dimension: { width: 1080, height: 1920 },
  caption: true,
};

const V3_BODY = {
  type: 'avatar',
  avatar_id: 'josh_lite3_20230714',
  script: 'Welcome to the tour.',
  voice_id: 'voice-en-1',
  background: { type: 'image', asset_id: 'bg-asset-1' },
  title: 'Product tour',
  resolution: '1080p',
  aspect_ratio: '9:16',
  caption: { style: 'default' },
};

let dir: string;

async function openPayload(name: string, content: string): Promise<vscode.TextEditor> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
}

function cursorAt(editor: vscode.TextEditor, text: string): vscode.Position {
  const at = editor.document.getText().indexOf(text);
  assert.ok(at >= 0, `${text} is in the document`);
  const position = editor.document.positionAt(at + 1);
  editor.selection = new vscode.Selection(position, position);
  return position;
}

/** The provider as the workbench asks it at a cursor (executeCodeActionProvider would leave out a disabled fix). */
function quickFixes(document: vscode.TextDocument, position: vscode.Position): vscode.CodeAction[] {
  return new ConvertPayloadActions().provideCodeActions(document, new vscode.Range(position, position)).filter((a) => a.title === 'Convert Payload to API v3');
}

suite('API v3 payloads', () => {
  let spy: WindowSpy;

  suiteSetup(() => {
    dir = path.join(hostEnv.workspace, `payload-v3-host-${randomBytes(3).toString('hex')}`);
    fs.mkdirSync(dir, { recursive: true });
  });

  suiteTeardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  setup(() => {
    spy = new WindowSpy();
  });

  teardown(async () => {
    spy.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Convert Payload to API v3: the v2 body at the cursor becomes the v3 body, and one undo brings it back', async () => {
    const original = `${JSON.stringify(V2_BODY, null, 2)}\n`;
    const editor = await openPayload('tour.json', original);
    cursorAt(editor, '"voice_id"');
    assert.equal(await vscode.commands.executeCommand('heygen.convertPayloadToV3'), true, spy.describe());
    assert.deepEqual(JSON.parse(editor.document.getText()), V3_BODY);
    assert.match(editor.document.getText(), /^\{\n {2}"type": "avatar",\n/, 'indented as the file was');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original, 'one undo step');
  });

  test('the quick fix on a v2 body in TypeScript converts it in the file’s own style', async () => {
    const original = "export const body = {\n    video_inputs: [{\n        character: { type: 'talking_photo', talking_photo_id: 'tp-asset-9' },\n        voice: { type: 'audio', audio_asset_id: 'speech-1' },\n    }],\n};\n";
    const editor = await openPayload('body.ts', original);
    const [fix] = quickFixes(editor.document, cursorAt(editor, 'talking_photo_id'));
    assert.ok(fix?.edit, 'the quick fix is offered with its edit');
    assert.equal(fix.disabled, undefined);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(
      editor.document.getText(),
      "export const body = {\n    type: 'image',\n    image: {\n        type: 'asset_id',\n        asset_id: 'tp-asset-9',\n    },\n    audio_asset_id: 'speech-1',\n    resolution: '1080p',\n    aspect_ratio: '16:9',\n};\n",
    );
    const converted = new vm.Script(`(${editor.document.getText().replace('export const body = ', '').replace(/;\n$/, '')})`).runInThisContext() as Record<string, unknown>;
    assert.equal(converted.type, 'image');
    assert.equal((quickFixes(editor.document, cursorAt(editor, 'asset_id'))).length, 0, 'no fix on a v3 body');
  });

  test('a body v3 cannot express is left as it is: the message names the second scene, the quick fix says why', async () => {
    const two = { ...V2_BODY, video_inputs: [V2_BODY.video_inputs[0], V2_BODY.video_inputs[0]] };
    const original = JSON.stringify(two, null, 2);
    const editor = await openPayload('two-scenes.json', original);
    const position = cursorAt(editor, '"title"');
    assert.equal(await vscode.commands.executeCommand('heygen.convertPayloadToV3'), false);
    assert.deepEqual(
      spy.messages.map((m) => ({ kind: m.kind, message: m.message })),
      [{ kind: 'warning', message: 'video_inputs[1] is a second scene, and an API v3 video has one, so this payload cannot be converted.' }],
    );
    assert.equal(editor.document.getText(), original, 'unchanged');
    assert.equal(editor.document.getText(editor.selection).startsWith('{'), true, 'the second scene is selected');
    const [fix] = quickFixes(editor.document, position);
    assert.equal(fix?.disabled?.reason, 'video_inputs[1] is a second scene, and an API v3 video has one, so this payload cannot be converted.');
  });
});

suite('Use API v1', () => {
  let heygen: HeyGenTestApi;
  let spy: WindowSpy;
  const restore: Array<() => Promise<void>> = [];

  suiteSetup(async () => {
    heygen = await heygenApi();
  });

  setup(async () => {
    await emulator.reset();
    spy = new WindowSpy();
  });

  teardown(async () => {
    spy.dispose();
    for (const undo of restore.splice(0).reverse()) {
      await undo();
    }
    await emulator.reset();
  });

  test('v3 answering 404 at /v3/assets: the message offers "Use API v1", which sets it and uploads the file with v1', async () => {
    // API v3 chosen (the default), at a base URL where the emulator knows no v3: every path answers 404.
    restore.push(await withUserSetting('api.version', 'v3'));
    restore.push(await withUserSetting('apiBaseUrl', `${hostEnv.emulatorOrigin}/no-v3-here`));
    const file = path.join(hostEnv.workspace, `v1-fallback-${randomBytes(3).toString('hex')}.png`);
    fs.writeFileSync(file, Buffer.concat([fs.readFileSync(path.join(hostEnv.workspace, 'sample.png')), randomBytes(16)]));
    restore.push(() => Promise.resolve(fs.rmSync(file, { force: true })));
    const name = path.basename(file);
    spy.click('Use API v1');
    const first = await vscode.commands.executeCommand<BatchResult>('heygen.uploadFile', vscode.Uri.file(file));
    assert.equal(first.failed[0]?.kind, 'v3Absent', spy.describe());
    // The first message is the failure's; the retried upload's own notice may follow it.
    assert.deepEqual(
      spy.messages.slice(0, 1).map((m) => ({ kind: m.kind, message: m.message, items: m.items })),
      [
        {
          kind: 'error',
          message: `HeyGen API v3 answered HTTP 404 at ${new URL(hostEnv.emulatorOrigin).host}/no-v3-here/v3/assets, as if it does not exist there, so "${name}" was not uploaded.`,
          items: ['Use API v1', 'Show Log'],
        },
      ],
    );
    const record = await whenEvent(`${name} uploaded with v1`, (l) => heygen.history.onDidChange(l), () => heygen.history.all().find((r) => r.name === name));
    assert.notEqual(record.api, 'v3');
    assert.equal(vscode.workspace.getConfiguration('heygen').inspect('api.version')?.globalValue, 'v1');
    const received = await emulator.received();
    assert.deepEqual(
      received.filter((r) => r.api === undefined).map((r) => r.sha256),
      [sha256Of(file)],
      'the v1 upload received the file',
    );
  });

  test('Set API Key where v3 answers 404 at users/me: the key is saved unchecked, and "Use API v1" sets v1', async () => {
    restore.push(await withUserSetting('api.version', 'v3'));
    restore.push(await withUserSetting('apiBaseUrl', `${hostEnv.emulatorOrigin}/no-v3-here`));
    const key = hostEnv.apiKey;
    restore.push(async () => {
      process.env.HEYGEN_API_KEY = key;
      await vscode.commands.executeCommand('heygen.clearApiKey');
    });
    // The key passed as an argument is confirmed first (a modal), then the warning offers "Use API v1".
    spy.answerMessages(() => 'Save Key', () => 'Use API v1');
    assert.equal(await vscode.commands.executeCommand('heygen.setApiKey', key), true, spy.describe());
    const [confirm, warning] = spy.messages;
    assert.equal(confirm?.modal, true, spy.describe());
    assert.match(confirm.message, /could not check\?$/);
    assert.equal(warning?.kind, 'warning', spy.describe());
    assert.match(warning.message, /^The API key was saved, but HeyGen could not be reached to check it: HeyGen API v3 answered HTTP 404 at .*\/no-v3-here\/v3\/users\/me, as if it does not exist there\.$/);
    assert.deepEqual(warning.items, ['Use API v1']);
    await whenEvent('heygen.api.version set to v1', vscode.workspace.onDidChangeConfiguration, () => (vscode.workspace.getConfiguration('heygen').inspect('api.version')?.globalValue === 'v1' ? true : undefined));
  });
});
