// Insert commands, drop and paste inside the real extension host: what lands in the document, per
// language, inside and outside video_inputs items, with several cursors and the editor's indentation.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import type { AssetRecord } from '../../src/core/base/assetRecord';
import type { HeyGenTestApi } from '../../src/vscode/api';
import { DroppedMediaUploads } from '../../src/vscode/droppedMedia/droppedMedia';
import { MediaDropProvider } from '../../src/vscode/payload/dropProvider';
import type { DropPasteDeps } from '../../src/vscode/payload/mediaInsert';
import { MediaPasteProvider } from '../../src/vscode/payload/pasteProvider';
import type { BatchResult, UploadPort, UploadRequestOptions } from '../../src/vscode/upload/uploadPort';
import { contentOnlyTransfer, emulator, heygenTestApi, removed, sha256Of, whenEvent, withDeadline, workspaceFile, type ReceivedUpload } from './hostSupport';
import { WindowSpy, type ShownMessage } from './windowSpy';


interface Api {
  history: { add(record: AssetRecord): Promise<void>; all(): readonly AssetRecord[]; remove(ids: readonly string[]): Promise<void> };
  upload(uris: vscode.Uri[], options?: UploadRequestOptions): Promise<{ succeeded: Array<{ record: AssetRecord }> }>;
  onDidShowQuickPick: HeyGenTestApi['onDidShowQuickPick'];
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
  if (document.getText() !== content) {
    // VS Code reuses the name of an untitled document closed a moment ago and may restore that document's backup
    // (written before the close discarded it) instead of `content`: start from `content` all the same.
    const all = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
    assert.ok(await editor.edit((b) => b.replace(all, content)), 'the new document holds its content');
  }
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
    api = await heygenTestApi<Api>();
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
    // The person takes the first asset offered, right under the upload choice.
    const offered = answerNextQuickPick((choices) => choices[1]);
    const done = vscode.commands.executeCommand<boolean>('heygen.insertBackground');
    const choices = await offered;
    assert.equal(await done, true);
    const backgrounds = api.history.all().filter((r) => r.fileType === 'image' || r.fileType === 'video');
    assert.ok(backgrounds.length >= 2, 'earlier tests uploaded backgrounds');
    assert.match(choices[0].label, /Upload a new file…$/);
    assert.deepEqual(choices.slice(1, 1 + backgrounds.length).map((c) => c.detail), backgrounds.map((r) => r.url), 'the uploaded backgrounds, newest first');
    assert.ok(!choices.some((c) => /\.(mp3|wav)$/.test(c.label)), 'no audio is offered as a background');
    await leaveSnippet();
    const item = JSON.parse(editor.document.getText()) as Record<string, unknown>;
    assert.deepEqual(item.background, { type: backgrounds[0].fileType, url: backgrounds[0].url });
  });

  test('"Upload a new file…" in the quick pick opens a dialog for suitable files, uploads the choice and inserts it', async () => {
    const editor = await openEditor('json', '');
    // Content no earlier suite uploaded, so the reuse index cannot answer instead of an upload.
    const fresh = workspaceFile(`fresh-${randomBytes(4).toString('hex')}.webm`);
    fs.writeFileSync(fresh.fsPath, Buffer.concat([fs.readFileSync(workspaceFile('sample.webm').fsPath), randomBytes(16)]));
    const win = vscode.window as unknown as { showOpenDialog: typeof vscode.window.showOpenDialog };
    const original = win.showOpenDialog;
    const asked: vscode.OpenDialogOptions[] = [];
    win.showOpenDialog = (options?: vscode.OpenDialogOptions) => {
      asked.push(options ?? {});
      return Promise.resolve([fresh]);
    };
    try {
      await emulator.reset();
      // The first choice is "Upload a new file…".
      const offered = answerNextQuickPick((choices) => choices[0]);
      const done = vscode.commands.executeCommand<boolean>('heygen.insertBackground');
      assert.match((await offered)[0].label, /Upload a new file…$/);
      assert.equal(await done, true);
    } finally {
      win.showOpenDialog = original;
    }
    await leaveSnippet();
    const expectedSha = sha256Of(fresh.fsPath);
    fs.rmSync(fresh.fsPath);
    assert.equal(asked.length, 1, 'the file dialog opened once');
    const extensions = Object.values(asked[0].filters ?? {}).flat();
    assert.ok(extensions.includes('webm') && extensions.includes('png') && !extensions.includes('mp3'), `filters: ${extensions.join(',')}`);
    const received = await emulator.received();
    assert.equal(received.length, 1, 'one upload');
    assert.equal(received[0].sha256, expectedSha);
    const item = JSON.parse(editor.document.getText()) as Record<string, unknown>;
    const record = api.history.all().find((r) => r.sha256 === received[0].sha256);
    assert.ok(record, 'the upload is in the history');
    assert.deepEqual(item.background, { type: 'video', url: record.url });
  });

  // Drop and paste go through the providers as VS Code calls them: the drop's edit is applied the way the
  // editor applies a DocumentDropEdit (its text as a snippet at the drop position), the paste's edit is resolved.
  // Uploads are forced, so the emulator sees every one even for files an earlier suite uploaded.
  interface DropCall {
    uris: vscode.Uri[];
    result: Promise<BatchLike>;
    /** The extension's own signal that no Retry can follow any more (UploadRequestOptions.onSettled). */
    settled: Promise<void>;
  }
  interface DropRig {
    deps: DropPasteDeps;
    calls: DropCall[];
    /** The first upload call: the drop or paste has started uploading. */
    started: Promise<DropCall>;
  }
  type BatchLike = { succeeded: Array<{ record: AssetRecord }>; failed: unknown[]; cancelled: boolean };
  const silent = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

  /** The real dropped-media uploads over the extension's own UploadPort (forced), with the calls it made. */
  function rig(avatarId = ''): DropRig {
    const calls: DropCall[] = [];
    let start!: (call: DropCall) => void;
    const started = new Promise<DropCall>((resolve) => (start = resolve));
    const config = { snippetAvatarId: avatarId, snippetVoiceId: '', snippetReference: 'url' as const, payloadVersion: 'v2' as const };
    const port: UploadPort = {
      upload: (uris, options) => {
        let settle!: () => void;
        const settled = new Promise<void>((resolve) => (settle = resolve));
        const result = api.upload([...uris], {
          ...options,
          force: true,
          onSettled: () => {
            options?.onSettled?.();
            settle();
          },
        }) as unknown as Promise<BatchResult>;
        const call = { uris: [...uris], result, settled };
        calls.push(call);
        start(call);
        return result;
      },
      uploadUrl: () => Promise.reject(new Error('no URL drops in these tests')),
    };
    const media = new DroppedMediaUploads(port, fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-drop-test-')), silent);
    return { deps: { config, log: silent, media }, calls, started };
  }

  /** The drop's first upload call (the edit was applied), within the test's deadline for it. */
  function uploadStarted({ started }: DropRig): Promise<DropCall> {
    return withDeadline('the upload to start', started, 20_000);
  }

  /**
   * The drop has started uploading and everything it set going is done: its upload and edit, and the inserts of any
   * Retry that went through before the extension said no Retry can follow (provider.running tracks them from the
   * moment they start).
   */
  async function dropDone(provider: MediaDropProvider | MediaPasteProvider, rig: DropRig, { afterRetries = false } = {}): Promise<void> {
    const call = await uploadStarted(rig);
    if (afterRetries) {
      await withDeadline('the extension to say no Retry can follow', call.settled, 20_000);
    }
    await Promise.all([...provider.running]);
  }

  function uriList(...names: string[]): vscode.DataTransfer {
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(names.map((n) => workspaceFile(n).toString()).join('\r\n')));
    return transfer;
  }

  /** Requests the emulator received after `before` requests, for the file at `name` of the workspace. */
  async function uploadsOf(before: number, name: string): Promise<ReceivedUpload[]> {
    const sha = sha256Of(workspaceFile(name).fsPath);
    return (await emulator.received()).slice(before).filter((r) => r.sha256 === sha);
  }

  /** What VS Code does with the edit the person gets: its text, escaped, as a snippet at the drop position. */
  async function applyDropEdit(editor: vscode.TextEditor, position: vscode.Position, edit: vscode.DocumentDropEdit): Promise<void> {
    const text = typeof edit.insertText === 'string' ? edit.insertText : edit.insertText.value;
    assert.ok(await editor.insertSnippet(new vscode.SnippetString().appendText(text), position), 'the drop edit applied');
  }

  /**
   * Answers the extension's next quick pick with the item `choose` picks among the choices (separators left out),
   * and resolves with the choices it offered, in order. The workbench's own picking is VS Code's; what is ours is
   * what the pick offers and what the command does with the answer.
   */
  function answerNextQuickPick(choose: (choices: vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined): Promise<vscode.QuickPickItem[]> {
    const win = vscode.window as unknown as { showQuickPick: (items: unknown) => Thenable<unknown> };
    const original = win.showQuickPick;
    return new Promise((resolve) => {
      win.showQuickPick = async (items: unknown) => {
        win.showQuickPick = original;
        const choices = ((await items) as vscode.QuickPickItem[]).filter((item) => item.kind !== vscode.QuickPickItemKind.Separator);
        resolve(choices);
        return choose(choices);
      };
    });
  }

  function spyStatusBar(): { shown: string[]; restore(): void } {
    const shown: string[] = [];
    const win = vscode.window as unknown as Record<string, unknown>;
    const original = vscode.window.setStatusBarMessage;
    win.setStatusBarMessage = (text: string, ...rest: unknown[]) => {
      shown.push(text);
      return (original as (...args: unknown[]) => vscode.Disposable).call(vscode.window, text, ...rest);
    };
    return { shown, restore: () => void (win.setStatusBarMessage = original) };
  }

  test('a drop offers its edit without uploading; once the edit is applied the file is uploaded and its fragment replaces the placeholder', async () => {
    const editor = await openEditor('json', PAYLOAD);
    const drop = rig();
    const { deps, calls } = drop;
    const provider = new MediaDropProvider(deps);
    const before = (await emulator.received()).length;
    // Dropped inside a string of the item: the fragment goes after that member.
    const position = editor.document.positionAt(editor.document.getText().indexOf('"avatar"') + 3);
    const edit = await provider.provideDocumentDropEdits(editor.document, position, uriList('sample.mp3'), new vscode.CancellationTokenSource().token);
    assert.ok(edit, 'the drop was understood');
    assert.match((edit as { title?: string }).title ?? '', /sample\.mp3/);
    // An upload the offer had started would be tracked by now, and would reach the emulator once settled.
    assert.equal(provider.running.size, 0, 'an upload started while the edit is only offered');
    assert.equal(calls.length, 0, 'nothing uploaded while the edit is only offered');
    assert.deepEqual(await uploadsOf(before, 'sample.mp3'), []);

    await applyDropEdit(editor, position, edit);
    await dropDone(provider, drop);
    assert.equal((await uploadsOf(before, 'sample.mp3')).length, 1, 'uploaded once, after the edit was applied');
    assert.equal(calls.length, 1);
    await leaveSnippet();
    const text = editor.document.getText();
    assert.ok(!text.includes('«'), `the placeholder is gone:\n${text}`);
    const voice = firstItem(JSON.parse(text)).voice as Record<string, string>;
    assert.equal(voice.type, 'audio');
    assert.equal(voice.audio_url, (await calls[0].result).succeeded[0].record.url);
  });

  test('a drop whose edit is never applied (another drop choice taken) uploads nothing', async () => {
    const editor = await openEditor('json', PAYLOAD);
    const drop = rig();
    const { deps, calls } = drop;
    const provider = new MediaDropProvider(deps);
    const position = new vscode.Position(1, 2);
    assert.ok(await provider.provideDocumentDropEdits(editor.document, position, uriList('sample.png'), new vscode.CancellationTokenSource().token));
    // The person takes VS Code's "Insert path" instead. The provider listened for the document's changes before this
    // test did, so once this test hears of the inserted path, an upload the provider wrongly started is tracked.
    const heard = whenEvent('the inserted path', vscode.workspace.onDidChangeTextDocument, () => (editor.document.getText().includes('sample.png') ? true : undefined));
    await editor.insertSnippet(new vscode.SnippetString().appendText('sample.png'), position);
    await heard;
    assert.equal(provider.running.size, 0);
    assert.equal(calls.length, 0);
  });

  test('undoing the placeholder while the upload runs cancels it, and no text is inserted', async () => {
    const editor = await openEditor('json', PAYLOAD);
    const original = editor.document.getText();
    const drop = rig();
    const { deps, calls } = drop;
    const provider = new MediaDropProvider(deps);
    const position = editor.document.positionAt(original.indexOf('"title"'));
    const edit = await provider.provideDocumentDropEdits(editor.document, position, uriList('sample.jpg'), new vscode.CancellationTokenSource().token);
    assert.ok(edit);
    // Fresh, so the body that arrives is this upload's: then it is in flight, and HeyGen holds its answer back.
    await emulator.reset();
    await emulator.behave({ mode: 'slow', delayMs: 4000, times: 1 });
    try {
      await applyDropEdit(editor, position, edit);
      await uploadStarted(drop);
      await emulator.bodyArrived(sha256Of(workspaceFile('sample.jpg').fsPath));
      await leaveSnippet();
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), original, 'the undo took the placeholder out');
      await Promise.all([...provider.running]);
      const result = await calls[0].result;
      assert.equal(result.cancelled, true, 'the upload was cancelled');
      assert.equal(editor.document.getText(), original, 'nothing was inserted');
    } finally {
      await emulator.behave({ mode: 'normal' });
    }
  });

  test('a failed upload removes the placeholder and inserts nothing', async () => {
    const editor = await openEditor('json', PAYLOAD);
    const original = editor.document.getText();
    const drop = rig();
    const { deps, calls } = drop;
    const provider = new MediaDropProvider(deps);
    const position = editor.document.positionAt(original.indexOf('"title"'));
    const edit = await provider.provideDocumentDropEdits(editor.document, position, uriList('sample.png'), new vscode.CancellationTokenSource().token);
    assert.ok(edit);
    await emulator.behave({ mode: 'code', code: 40002, message: 'The asset could not be processed', times: 1 });
    try {
      await applyDropEdit(editor, position, edit);
      await dropDone(provider, drop);
      const result = await calls[0].result;
      assert.equal(result.succeeded.length, 0);
      assert.equal(result.failed.length, 1, 'the upload failed (and said so in its own message)');
      assert.equal(editor.document.getText(), original);
    } finally {
      await emulator.behave({ mode: 'normal' });
    }
  });

  test('several files dropped into the payload become one whole item each, in order, and the payload still parses', async () => {
    const editor = await openEditor('json', PAYLOAD);
    const drop = rig();
    const { deps, calls } = drop;
    const provider = new MediaDropProvider(deps);
    const position = editor.document.positionAt(editor.document.getText().indexOf('"title"'));
    const edit = await provider.provideDocumentDropEdits(editor.document, position, uriList('sample.png', 'sample.mp3', 'sample.mp4'), new vscode.CancellationTokenSource().token);
    assert.ok(edit);
    assert.match((edit as { title?: string }).title ?? '', /3 files/);
    await applyDropEdit(editor, position, edit);
    await dropDone(provider, drop);
    await leaveSnippet();
    const records = (await calls[0].result).succeeded.map((s) => s.record);
    const byName = (name: string): AssetRecord => records.find((r) => r.name === name)!;
    const payload = JSON.parse(editor.document.getText()) as { video_inputs: Array<Record<string, unknown>> };
    assert.equal(payload.video_inputs.length, 4, editor.document.getText());
    assert.deepEqual(payload.video_inputs[1].background, { type: 'image', url: byName('sample.png').url });
    assert.deepEqual(payload.video_inputs[2].voice, { type: 'audio', audio_url: byName('sample.mp3').url });
    assert.deepEqual(payload.video_inputs[3].background, { type: 'video', url: byName('sample.mp4').url });
  });

  test('several files dropped into a Python list become dict items at the drop position', async () => {
    const editor = await openEditor('python', 'payload = {\n    "video_inputs": [\n        \n    ],\n}\n', { insertSpaces: true, tabSize: 4 });
    const drop = rig('av-1');
    const { deps } = drop;
    const provider = new MediaDropProvider(deps);
    const position = editor.document.positionAt(editor.document.getText().indexOf('        \n') + 8);
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(`# a comment line\r\n${workspaceFile('sample.wav').toString()}\r\n${workspaceFile('sample.jpg').toString()}\r\n`));
    const edit = await provider.provideDocumentDropEdits(editor.document, position, transfer, new vscode.CancellationTokenSource().token);
    assert.ok(edit, 'the drop was understood');
    await applyDropEdit(editor, position, edit);
    await dropDone(provider, drop);
    // The snippet's first stop is the first item's avatar id, with the setting as its default.
    assert.equal(editor.document.getText(editor.selection), 'av-1');
    await leaveSnippet();
    const text = editor.document.getText();
    assert.match(text, /\n {8}\{\n {12}'character': \{\n {16}'type': 'avatar',\n {16}'avatar_id': 'av-1',/);
    assert.match(text, /'voice': \{\n {16}'type': 'audio',\n {16}'audio_url': 'http[^']*'\n {12}\}\n {8}\},\n {8}\{\n {12}'character'/);
    assert.match(text, /'background': \{\n {16}'type': 'image',/);
  });

  test('several files dropped inside an item: the first goes in, the status bar says where the others are', async () => {
    const editor = await openEditor('json', PAYLOAD);
    const drop = rig();
    const { deps, calls } = drop;
    const provider = new MediaDropProvider(deps);
    const position = editor.document.positionAt(editor.document.getText().indexOf('}\n    }') + 1);
    const edit = await provider.provideDocumentDropEdits(editor.document, position, uriList('sample.png', 'sample.wav'), new vscode.CancellationTokenSource().token);
    assert.ok(edit);
    const statusBar = spyStatusBar();
    try {
      await applyDropEdit(editor, position, edit);
      await dropDone(provider, drop);
    } finally {
      statusBar.restore();
    }
    await leaveSnippet();
    const result = await calls[0].result;
    assert.equal(result.succeeded.length, 2, 'both were uploaded');
    const payload = JSON.parse(editor.document.getText()) as { video_inputs: Array<Record<string, unknown>> };
    assert.equal(payload.video_inputs.length, 1);
    assert.deepEqual(Object.keys(payload.video_inputs[0]), ['character', 'background']);
    assert.deepEqual(statusBar.shown, [
      'Inserted sample.png: only one file fits into a video_inputs item. The other file was uploaded and is in the HeyGen Assets view.',
    ]);
  });

  test('a drop of something that is not supported media is left to VS Code', async () => {
    const editor = await openEditor('json', '{}');
    const drop = rig();
    const { deps, calls } = drop;
    const provider = new MediaDropProvider(deps);
    assert.equal(await provider.provideDocumentDropEdits(editor.document, new vscode.Position(0, 1), uriList('video.json'), new vscode.CancellationTokenSource().token), undefined);
    assert.equal(calls.length, 0);
  });

  /** What VS Code hands a paste provider for an ordinary Ctrl+V. */
  const PASTE: vscode.DocumentPasteEditContext = { only: undefined, triggerKind: vscode.DocumentPasteTriggerKind.Automatic };

  function pasteProvider(deps: DropPasteDeps): { provider: MediaPasteProvider; text: vscode.DocumentDropOrPasteEditKind } {
    return { provider: new MediaPasteProvider(deps), text: vscode.DocumentDropOrPasteEditKind.Text };
  }

  test('a paste of a copied file offers an edit that yields to plain text and uploads only when resolved', async () => {
    const editor = await openEditor('json', '{\n  "video_inputs": [\n    \n  ]\n}');
    const drop = rig();
    const { deps, calls } = drop;
    const { provider, text: textKind } = pasteProvider(deps);
    const at = editor.document.positionAt(editor.document.getText().indexOf('    \n') + 4);
    const before = (await emulator.received()).length;
    const edits = await provider.provideDocumentPasteEdits(editor.document, [new vscode.Range(at, at)], uriList('sample.webm'), PASTE, new vscode.CancellationTokenSource().token);
    assert.equal(edits?.length, 1);
    const [edit] = edits;
    assert.deepEqual(edit.yieldTo?.map((k) => k.value), [textKind.value], 'a text paste stays the default');
    assert.equal(provider.running.size, 0, 'an upload started while the edit is only offered');
    assert.equal(calls.length, 0, 'nothing uploaded while the edit is only offered');

    const resolved = await provider.resolveDocumentPasteEdit(edit, new vscode.CancellationTokenSource().token);
    assert.equal((await uploadsOf(before, 'sample.webm')).length, 1, 'uploaded once, on resolve');
    assert.equal(resolved.insertText, '');
    assert.ok(resolved.additionalEdit);
    assert.ok(await vscode.workspace.applyEdit(resolved.additionalEdit));
    await leaveSnippet();
    const record = (await calls[0].result).succeeded[0].record;
    assert.deepEqual(firstItem(JSON.parse(editor.document.getText())).background, { type: 'video', url: record.url });
  });

  test('a paste resolved with a cancelled token uploads nothing and inserts nothing', async () => {
    const editor = await openEditor('json', '{}');
    const drop = rig();
    const { deps, calls } = drop;
    const { provider } = pasteProvider(deps);
    const at = new vscode.Position(0, 1);
    const edits = await provider.provideDocumentPasteEdits(editor.document, [new vscode.Range(at, at)], uriList('sample.png'), PASTE, new vscode.CancellationTokenSource().token);
    const source = new vscode.CancellationTokenSource();
    // Fresh, so the body that arrives is this upload's: then it is in flight, and HeyGen holds its answer back.
    await emulator.reset();
    await emulator.behave({ mode: 'slow', delayMs: 4000, times: 1 });
    try {
      const resolving = provider.resolveDocumentPasteEdit(edits![0], source.token);
      await uploadStarted(drop);
      await emulator.bodyArrived(sha256Of(workspaceFile('sample.png').fsPath));
      source.cancel();
      const resolved = await resolving;
      assert.equal((await calls[0].result).cancelled, true, 'the token cancelled the upload');
      assert.equal(resolved.insertText, '');
      assert.equal(resolved.additionalEdit, undefined);
      assert.equal(editor.document.getText(), '{}');
    } finally {
      await emulator.behave({ mode: 'normal' });
    }
  });

  test('a paste of plain text or of unsupported files is left to VS Code', async () => {
    const editor = await openEditor('json', '{}');
    const drop = rig();
    const { deps, calls } = drop;
    const { provider } = pasteProvider(deps);
    const at = new vscode.Position(0, 1);
    const text = new vscode.DataTransfer();
    text.set('text/plain', new vscode.DataTransferItem('"hello"'));
    assert.equal(await provider.provideDocumentPasteEdits(editor.document, [new vscode.Range(at, at)], text, PASTE, new vscode.CancellationTokenSource().token), undefined);
    assert.equal(await provider.provideDocumentPasteEdits(editor.document, [new vscode.Range(at, at)], uriList('video.json'), PASTE, new vscode.CancellationTokenSource().token), undefined);
    assert.equal(calls.length, 0);
  });

  // Issue 11 item 1: Retry after a drop or paste of content without a path used to re-run temporary files that
  // were already deleted ("does not exist") and inserted nothing. A 429 asking for two minutes is not retried by
  // the engine but offers Retry, so the first attempt fails at once and the Retry goes through.
  /** Presses Retry on the next notification, which must be the rate-limit failure; resolves once pressed. */
  function pressRetry(spy: WindowSpy, name: string): Promise<ShownMessage> {
    return new Promise((resolve) => {
      spy.answerMessages((shown) => {
        resolve(shown);
        return shown.message.includes(name) && shown.items.includes('Retry') ? 'Retry' : undefined;
      });
    });
  }

  test('Retry after a failed drop of content without a path uploads the kept file and still inserts its fragment', async () => {
    const editor = await openEditor('json', PAYLOAD);
    const original = editor.document.getText();
    const drop = rig();
    const { deps, calls } = drop;
    const provider = new MediaDropProvider(deps);
    const bytes = Buffer.concat([fs.readFileSync(workspaceFile('sample.png').fsPath), randomBytes(16)]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const position = editor.document.positionAt(original.indexOf('"title"'));
    const edit = await provider.provideDocumentDropEdits(editor.document, position, contentOnlyTransfer('pasted-frame.png', bytes), new vscode.CancellationTokenSource().token);
    assert.ok(edit, 'the drop was understood');
    const spy = new WindowSpy();
    await emulator.behave({ mode: 'rateLimit', retryAfterSeconds: 120, times: 1 });
    try {
      const retryPressed = pressRetry(spy, 'pasted-frame.png');
      await applyDropEdit(editor, position, edit);
      const failure = await retryPressed;
      assert.equal(failure.kind, 'error');
      assert.deepEqual(failure.items, ['Retry', 'Show Log'], spy.describe());
      // The Retry runs inside the extension's upload service, not through the drop's first call: done once the
      // extension says no Retry can follow, and the insert it started is done.
      await dropDone(provider, drop, { afterRetries: true });
      assert.equal((await calls[0].result).failed.length, 1, 'the first attempt failed');
      const record = api.history.all().find((r) => r.sha256 === sha);
      assert.ok(record, 'the retried upload is in the history');
      assert.ok(editor.document.getText().includes(record.url), `the retried drop inserted its fragment:\n${editor.document.getText()}`);
      const payload = JSON.parse(editor.document.getText()) as { video_inputs: Array<Record<string, unknown>> };
      assert.deepEqual(payload.video_inputs[1].background, { type: 'image', url: record.url });
      assert.ok(!editor.document.getText().includes('«'), 'no placeholder is left');
      const accepted = (await emulator.received()).filter((r) => r.status === 200 && r.sha256 === sha);
      assert.equal(accepted.length, 1, 'HeyGen received the dropped bytes once, on Retry');
      assert.equal(deps.media.held, 0, 'the temporary file is let go once no Retry can follow');
      await removed('the temporary file', record.sourcePath!);
    } finally {
      spy.dispose();
      await emulator.behave({ mode: 'normal' });
    }
  });

  test('Retry Failed after a drop of two files of which one failed adds the retried item next to the inserted one', async () => {
    const editor = await openEditor('json', PAYLOAD);
    const drop = rig();
    const { deps, calls } = drop;
    const provider = new MediaDropProvider(deps);
    const image = Buffer.concat([fs.readFileSync(workspaceFile('sample.png').fsPath), randomBytes(16)]);
    const audio = Buffer.concat([fs.readFileSync(workspaceFile('sample.mp3').fsPath), randomBytes(16)]);
    const shas = [image, audio].map((b) => createHash('sha256').update(b).digest('hex'));
    // Two files without a path, as the operating system hands them over.
    const transfer = contentOnlyTransfer('two-a.png', image);
    const second = contentOnlyTransfer('two-b.mp3', audio);
    second.forEach((item, mime) => transfer.set(mime === 'files' ? 'audio/mpeg' : mime, item));
    const position = editor.document.positionAt(editor.document.getText().indexOf('"title"'));
    const edit = await provider.provideDocumentDropEdits(editor.document, position, transfer, new vscode.CancellationTokenSource().token);
    assert.ok(edit, 'the drop was understood');
    assert.match((edit as { title?: string }).title ?? '', /2 files/);
    const spy = new WindowSpy();
    // Whichever of the two arrives first is refused once.
    await emulator.behave({ mode: 'rateLimit', retryAfterSeconds: 120, times: 1 });
    try {
      let pressed!: (shown: ShownMessage) => void;
      const summary = new Promise<ShownMessage>((resolve) => (pressed = resolve));
      spy.answerMessages((shown) => {
        pressed(shown);
        return shown.items.includes('Retry Failed') ? 'Retry Failed' : undefined;
      });
      await applyDropEdit(editor, position, edit);
      assert.deepEqual((await summary).items, ['Show Details', 'Retry Failed'], spy.describe());
      await dropDone(provider, drop, { afterRetries: true });
      assert.equal((await calls[0].result).succeeded.length, 1, 'one went through at first');
      const records = shas.map((sha) => api.history.all().find((r) => r.sha256 === sha));
      assert.ok(records.every((r) => r !== undefined), 'both are in the history');
      assert.ok(records.every((r) => editor.document.getText().includes(r.url)), `the retried item was inserted:\n${editor.document.getText()}\n${spy.describe()}`);
      const payload = JSON.parse(editor.document.getText()) as { video_inputs: Array<Record<string, unknown>> };
      assert.equal(payload.video_inputs.length, 3, editor.document.getText());
      const items = payload.video_inputs.slice(1);
      assert.ok(items.some((i) => JSON.stringify(i.background) === JSON.stringify({ type: 'image', url: records[0].url })), editor.document.getText());
      assert.ok(items.some((i) => JSON.stringify(i.voice) === JSON.stringify({ type: 'audio', audio_url: records[1].url })), editor.document.getText());
      assert.equal(deps.media.held, 0, 'the temporary files are let go once no Retry can follow');
      await Promise.all(records.map((r) => removed(`the temporary copy of ${r.name}`, r.sourcePath!)));
    } finally {
      spy.dispose();
      await emulator.behave({ mode: 'normal' });
    }
  });

  test('Retry after a failed paste of content without a path uploads the kept file and inserts where the paste was', async () => {
    const editor = await openEditor('json', '{\n  "video_inputs": [\n    \n  ]\n}');
    const drop = rig();
    const { deps, calls } = drop;
    const { provider } = pasteProvider(deps);
    const bytes = Buffer.concat([fs.readFileSync(workspaceFile('sample.png').fsPath), randomBytes(16)]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const at = editor.document.positionAt(editor.document.getText().indexOf('    \n') + 4);
    const edits = await provider.provideDocumentPasteEdits(editor.document, [new vscode.Range(at, at)], contentOnlyTransfer('clip.png', bytes), PASTE, new vscode.CancellationTokenSource().token);
    assert.equal(edits?.length, 1);
    const spy = new WindowSpy();
    await emulator.behave({ mode: 'rateLimit', retryAfterSeconds: 120, times: 1 });
    try {
      const retryPressed = pressRetry(spy, 'clip.png');
      const resolved = await provider.resolveDocumentPasteEdit(edits[0], new vscode.CancellationTokenSource().token);
      assert.equal(resolved.additionalEdit, undefined, 'the failed paste inserts nothing by itself');
      assert.deepEqual((await retryPressed).items, ['Retry', 'Show Log']);
      // The person typed above the paste meanwhile: the retried fragment still goes where the paste was.
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 1), ' ')));
      assert.equal((await calls[0].result).failed.length, 1, 'the first attempt failed');
      await dropDone(provider, drop, { afterRetries: true });
      const record = api.history.all().find((r) => r.sha256 === sha);
      assert.ok(record, 'the retried upload is in the history');
      assert.deepEqual(firstItem(JSON.parse(editor.document.getText())).background, { type: 'image', url: record.url });
      assert.equal(deps.media.held, 0, 'the temporary file is let go once no Retry can follow');
      await removed('the temporary file', record.sourcePath!);
    } finally {
      spy.dispose();
      await emulator.behave({ mode: 'normal' });
    }
  });

  test('drop and paste providers are available in this VS Code', () => {
    const languages = vscode.languages as unknown as Record<string, unknown>;
    assert.equal(typeof languages.registerDocumentDropEditProvider, 'function');
    assert.equal(typeof languages.registerDocumentPasteEditProvider, 'function', 'VS Code 1.99 has paste edit providers');
  });
});
