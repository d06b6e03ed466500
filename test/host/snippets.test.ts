// Insert commands, drop and paste inside the real extension host: what lands in the document, per
// language, inside and outside video_inputs items, with several cursors and the editor's indentation.
import assert from 'node:assert/strict';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import type { AssetRecord } from '../../src/history/assetRecord';
import { prepareInsert } from '../../src/snippets/dropPasteProvider';
import { waitFor, workspaceFile } from './hostSupport';

const EXTENSION_ID = 'heygen-assets.heygen-assets';

interface Api {
  history: { add(record: AssetRecord): Promise<void>; all(): readonly AssetRecord[]; remove(ids: readonly string[]): Promise<void> };
  upload(uris: vscode.Uri[], options?: { force?: boolean; quiet?: boolean }): Promise<{ succeeded: Array<{ record: AssetRecord }> }>;
}

// URLs with what must be escaped: quotes, a backslash, snippet syntax, unicode.
const NOW = Date.now();
function record(id: string, fileType: AssetRecord['fileType'], url: string, ageMs: number): AssetRecord {
  return {
    id,
    name: `${id}.${fileType === 'image' ? 'png' : fileType === 'video' ? 'mp4' : 'mp3'}`,
    fileType,
    mime: fileType === 'image' ? 'image/png' : fileType === 'video' ? 'video/mp4' : 'audio/mpeg',
    url,
    imageKey: fileType === 'image' ? `key-${id}` : null,
    createdTs: Math.floor((NOW - ageMs) / 1000),
    size: 1234,
    sha256: id.padEnd(64, '0').slice(0, 64),
    uploadedAt: NOW - ageMs + 10_000_000,
    keyFingerprint: 'snippet-tests',
  };
}
const IMAGE = record('snip-image', 'image', 'https://resource.heygen.ai/image/"bg" $1 }\\é😀.png', 3000);
const VIDEO = record('snip-video', 'video', "https://resource.heygen.ai/video/it's.mp4", 2000);
const AUDIO = record('snip-audio', 'audio', 'https://resource.heygen.ai/audio/voice ${x}.mp3', 1000);
const SEEDED = [IMAGE, VIDEO, AUDIO];

const node = (r: AssetRecord): { type: 'asset'; record: AssetRecord } => ({ type: 'asset', record: r });

type Command = 'heygen.insertBackground' | 'heygen.insertTalkingPhoto' | 'heygen.insertAudio';
const CASES: Array<{ command: Command; asset: AssetRecord; key: 'background' | 'character' | 'voice'; value: Record<string, string> }> = [
  { command: 'heygen.insertBackground', asset: IMAGE, key: 'background', value: { type: 'image', url: IMAGE.url } },
  { command: 'heygen.insertBackground', asset: VIDEO, key: 'background', value: { type: 'video', url: VIDEO.url } },
  { command: 'heygen.insertTalkingPhoto', asset: IMAGE, key: 'character', value: { type: 'talking_photo', talking_photo_id: IMAGE.id } },
  { command: 'heygen.insertAudio', asset: AUDIO, key: 'voice', value: { type: 'audio', audio_url: AUDIO.url } },
];

async function openEditor(language: string, content: string, options: vscode.TextEditorOptions = { insertSpaces: true, tabSize: 2 }): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language, content });
  const editor = await vscode.window.showTextDocument(document);
  editor.options = options;
  return editor;
}

function at(editor: vscode.TextEditor, ...offsets: number[]): void {
  editor.selections = offsets.map((o) => {
    const p = editor.document.positionAt(o);
    return new vscode.Selection(p, p);
  });
}

/** Ends snippet mode so the document holds the placeholders' defaults, as after pressing Escape. */
async function leaveSnippet(): Promise<void> {
  await vscode.commands.executeCommand('leaveSnippet');
}

function evalJs(text: string): unknown {
  return new vm.Script(`(${text})`).runInThisContext() as unknown;
}

/** The first `video_inputs` item of a parsed payload. */
function firstItem(payload: unknown): Record<string, unknown> {
  const list = (payload as { video_inputs?: unknown[] }).video_inputs;
  assert.ok(Array.isArray(list), 'the payload has a video_inputs list');
  return list[0] as Record<string, unknown>;
}

const PAYLOAD = `{
  "title": "Product tour",
  "video_inputs": [
    {
      "character": {
        "type": "avatar",
        "avatar_id": "josh_lite3_20230714"
      }
    }
  ]
}`;

suite('Snippets', () => {
  let api: Api;

  suiteSetup(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as Api;
    for (const r of SEEDED) {
      await api.history.add(r);
    }
    await vscode.workspace.getConfiguration('heygen').update('snippet.avatarId', 'josh_lite3_20230714', vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await api.history.remove(SEEDED.map((r) => r.id));
    await vscode.workspace.getConfiguration('heygen').update('snippet.avatarId', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  teardown(async () => {
    await leaveSnippet();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  for (const c of CASES) {
    for (const language of ['json', 'jsonc', 'plaintext']) {
      test(`${c.command} with ${c.asset.fileType} in an empty ${language} file gives a whole JSON item`, async () => {
        const editor = await openEditor(language, '');
        assert.equal(await vscode.commands.executeCommand(c.command, node(c.asset)), true);
        await leaveSnippet();
        const item = JSON.parse(editor.document.getText()) as Record<string, unknown>;
        assert.deepEqual(item[c.key], c.value);
        assert.ok(item.character && item.voice, 'a whole item has a character and a voice');
      });
    }
    for (const language of ['typescript', 'javascript']) {
      test(`${c.command} with ${c.asset.fileType} in ${language} gives an object literal`, async () => {
        const editor = await openEditor(language, 'const payload = {\n  video_inputs: [\n    \n  ],\n};\n');
        at(editor, editor.document.getText().indexOf('    \n') + 4);
        assert.equal(await vscode.commands.executeCommand(c.command, node(c.asset)), true);
        await leaveSnippet();
        const text = editor.document.getText();
        assert.match(text, /\n {6}character: \{/, 'bare keys, indented under the list');
        const payload = evalJs(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1));
        assert.deepEqual(firstItem(payload)[c.key], c.value);
      });
    }
    test(`${c.command} with ${c.asset.fileType} in python gives a dict literal`, async () => {
      const editor = await openEditor('python', 'payload = {\n    "video_inputs": [\n        \n    ],\n}\n', { insertSpaces: true, tabSize: 4 });
      at(editor, editor.document.getText().indexOf('        \n') + 8);
      assert.equal(await vscode.commands.executeCommand(c.command, node(c.asset)), true);
      await leaveSnippet();
      const text = editor.document.getText();
      assert.match(text, /\n {8}\{\n {12}'character': \{/);
      // A Python dict literal of strings reads the same in JavaScript once its quotes are JS-compatible.
      const expected = Object.entries(c.value)
        .map(([k, v]) => `'${k}': '${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`)
        .join(`,\n${' '.repeat(16)}`);
      assert.ok(text.includes(expected), `expected ${expected} in\n${text}`);
    });
  }

  test('inside a video_inputs item only the property is inserted, with a comma, and the payload still parses', async () => {
    const editor = await openEditor('json', PAYLOAD);
    const text = editor.document.getText();
    at(editor, text.indexOf('}\n    }') + 1);
    await vscode.commands.executeCommand('heygen.insertBackground', node(IMAGE));
    await leaveSnippet();
    const after = editor.document.getText();
    const item = firstItem(JSON.parse(after));
    assert.deepEqual(Object.keys(item), ['character', 'background']);
    assert.deepEqual(item.background, { type: 'image', url: IMAGE.url });
    assert.ok(!after.includes('"avatar_style": "normal"'), 'no whole item was inserted');
  });

  test('before another property the fragment gets a trailing comma', async () => {
    const editor = await openEditor('jsonc', PAYLOAD);
    const text = editor.document.getText();
    at(editor, text.indexOf('"character"'));
    await vscode.commands.executeCommand('heygen.insertAudio', node(AUDIO));
    await leaveSnippet();
    const item = firstItem(JSON.parse(editor.document.getText()));
    assert.deepEqual(Object.keys(item), ['voice', 'character']);
  });

  test('an item that already has a background gets it replaced, not duplicated', async () => {
    const editor = await openEditor('json', PAYLOAD.replace('"josh_lite3_20230714"\n      }', '"josh_lite3_20230714"\n      },\n      "background": { "type": "color", "value": "#fff" }'));
    at(editor, editor.document.getText().indexOf('"type": "avatar"'));
    await vscode.commands.executeCommand('heygen.insertBackground', node(VIDEO));
    await leaveSnippet();
    const after = editor.document.getText();
    assert.equal(after.split('"background"').length, 2, 'one background key');
    assert.deepEqual(firstItem(JSON.parse(after)).background, { type: 'video', url: VIDEO.url });
  });

  test('in the payload root the item is appended to video_inputs', async () => {
    const editor = await openEditor('json', PAYLOAD);
    at(editor, editor.document.getText().indexOf('"title"'));
    await vscode.commands.executeCommand('heygen.insertTalkingPhoto', node(IMAGE));
    await leaveSnippet();
    const payload = JSON.parse(editor.document.getText()) as { video_inputs: Array<Record<string, unknown>> };
    assert.equal(payload.video_inputs.length, 2);
    assert.deepEqual(payload.video_inputs[1].character, { type: 'talking_photo', talking_photo_id: IMAGE.id });
  });

  test('every cursor gets its own fitting fragment, and two cursors in one item insert once', async () => {
    const two = PAYLOAD.replace(/(\n {4}\{[\s\S]*?\n {4}\})/, '$1,$1');
    const editor = await openEditor('json', two);
    const text = editor.document.getText();
    const first = text.indexOf('"type": "avatar"');
    const second = text.indexOf('"type": "avatar"', first + 1);
    at(editor, first, first + 2, second);
    await vscode.commands.executeCommand('heygen.insertBackground', node(IMAGE));
    await leaveSnippet();
    const payload = JSON.parse(editor.document.getText()) as { video_inputs: Array<Record<string, unknown>> };
    assert.equal(payload.video_inputs.length, 2);
    for (const item of payload.video_inputs) {
      assert.deepEqual(item.background, { type: 'image', url: IMAGE.url });
    }
  });

  test('several cursors in empty lines of a list each get an item', async () => {
    const editor = await openEditor('json', '{\n  "video_inputs": [\n    {},\n    \n    \n  ]\n}');
    const text = editor.document.getText();
    const a = text.indexOf('    \n') + 4;
    at(editor, a, a + 5);
    await vscode.commands.executeCommand('heygen.insertAudio', node(AUDIO));
    await leaveSnippet();
    const payload = JSON.parse(editor.document.getText()) as { video_inputs: Array<Record<string, unknown>> };
    assert.equal(payload.video_inputs.length, 3, editor.document.getText());
    assert.deepEqual(payload.video_inputs[2].voice, { type: 'audio', audio_url: AUDIO.url });
  });

  test('indentation follows tabs and the current line', async () => {
    const editor = await openEditor('json', '{\n\t"video_inputs": [\n\t\t\n\t]\n}', { insertSpaces: false, tabSize: 4 });
    at(editor, editor.document.getText().indexOf('\t\t\n') + 2);
    await vscode.commands.executeCommand('heygen.insertBackground', node(IMAGE));
    await leaveSnippet();
    const text = editor.document.getText();
    assert.ok(text.includes('\n\t\t{\n\t\t\t"character": {\n\t\t\t\t"type": "avatar",'), text);
    JSON.parse(text);
  });

  test('indentation follows four spaces', async () => {
    const editor = await openEditor('json', '', { insertSpaces: true, tabSize: 4 });
    await vscode.commands.executeCommand('heygen.insertAudio', node(AUDIO));
    await leaveSnippet();
    assert.ok(editor.document.getText().startsWith('{\n    "character": {\n        "type": "avatar",'), editor.document.getText());
  });

  test('the snippet stops on the avatar id first, with the setting as its default', async () => {
    const editor = await openEditor('json', '');
    await vscode.commands.executeCommand('heygen.insertBackground', node(IMAGE));
    assert.equal(editor.document.getText(editor.selection), 'josh_lite3_20230714');
    await vscode.commands.executeCommand('jumpToNextSnippetPlaceholder');
    assert.equal(editor.document.getText(editor.selection), 'Hello! This is my HeyGen video.');
  });

  test('a mismatched asset is refused with a warning and nothing is inserted', async () => {
    const editor = await openEditor('json', '');
    assert.equal(await vscode.commands.executeCommand('heygen.insertTalkingPhoto', node(AUDIO)), false);
    assert.equal(editor.document.getText(), '');
  });

  test('with no editor open, a new JSON payload opens with the item in video_inputs', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(await vscode.commands.executeCommand('heygen.insertBackground', node(VIDEO)), true);
    await leaveSnippet();
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.languageId, 'json');
    assert.deepEqual(firstItem(JSON.parse(editor.document.getText())).background, { type: 'video', url: VIDEO.url });
  });

  test('from the palette the quick pick offers suitable assets newest first after "Upload a new file…"', async () => {
    const editor = await openEditor('json', '');
    const done = vscode.commands.executeCommand<boolean>('heygen.insertBackground');
    // The first item is the upload choice; the next one is the newest background (the video).
    await new Promise((resolve) => setTimeout(resolve, 800));
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(await done, true);
    await leaveSnippet();
    const item = JSON.parse(editor.document.getText()) as Record<string, unknown>;
    const newest = api.history.all().find((r) => r.fileType === 'image' || r.fileType === 'video');
    assert.ok(newest);
    assert.deepEqual(item.background, { type: newest.fileType, url: newest.url });
  });

  test('a dropped media file is uploaded and its fragment is built for the drop position', async () => {
    const editor = await openEditor('json', PAYLOAD);
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(workspaceFile('sample.mp3').toString()));
    const config = { snippetAvatarId: '', snippetVoiceId: '' } as unknown as import('../../src/configuration').Configuration;
    const log = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const deps = { history: undefined as never, config, log, upload: (uris: vscode.Uri[]) => api.upload(uris, { quiet: true }) as never };
    // Dropped inside a string: the fragment goes after that member, through the additional edit.
    const position = editor.document.positionAt(editor.document.getText().indexOf('"avatar"') + 3);
    const prepared = await waitFor('the drop to be prepared', () => prepareInsert(editor.document, position, transfer, new vscode.CancellationTokenSource().token, deps));
    assert.equal(prepared.insertText.value, '');
    assert.ok(prepared.additionalEdit);
    await vscode.workspace.applyEdit(prepared.additionalEdit);
    const voice = firstItem(JSON.parse(editor.document.getText())).voice as Record<string, string>;
    assert.equal(voice.type, 'audio');
    assert.match(voice.audio_url, /^http/);
  });

  test('a dropped audio file into a Python list becomes a dict item at the drop position', async () => {
    const editor = await openEditor('python', 'payload = {\n    "video_inputs": [\n        \n    ],\n}\n', { insertSpaces: true, tabSize: 4 });
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(`# a comment line\r\n${workspaceFile('sample.wav').toString()}\r\n`));
    const config = { snippetAvatarId: 'av-1', snippetVoiceId: '' } as unknown as import('../../src/configuration').Configuration;
    const log = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const deps = { history: undefined as never, config, log, upload: (uris: vscode.Uri[]) => api.upload(uris, { quiet: true }) as never };
    const position = editor.document.positionAt(editor.document.getText().indexOf('        \n') + 8);
    const prepared = await prepareInsert(editor.document, position, transfer, new vscode.CancellationTokenSource().token, deps);
    assert.ok(prepared, 'the drop was understood');
    assert.equal(prepared.additionalEdit, undefined);
    assert.match(prepared.insertText.value, /^\{\n {4}'character': \{\n {8}'type': 'avatar',\n {8}'avatar_id': '\$\{1:av-1\}',/);
    assert.match(prepared.insertText.value, /'voice': \{\n {8}'type': 'audio',\n {8}'audio_url': 'http/);
    assert.match(prepared.title, /sample\.wav/);
  });

  test('a drop of something that is not supported media is left to VS Code', async () => {
    const editor = await openEditor('json', '{}');
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(workspaceFile('video.json').toString()));
    const deps = { history: undefined as never, config: undefined as never, log: undefined as never, upload: () => Promise.reject(new Error('must not upload')) };
    assert.equal(await prepareInsert(editor.document, new vscode.Position(0, 1), transfer, new vscode.CancellationTokenSource().token, deps), undefined);
  });

  test('drop and paste providers are available in this VS Code', () => {
    const languages = vscode.languages as unknown as Record<string, unknown>;
    assert.equal(typeof languages.registerDocumentDropEditProvider, 'function');
    assert.equal(typeof languages.registerDocumentPasteEditProvider, 'function', 'VS Code 1.99 has paste edit providers');
  });
});
