// Issue 23 item 2 inside the real extension host: with heygen.payload.version at its default (v3), Insert, drop and
// paste into a file that holds no payload yet write a whole POST /v3/videos body, by asset id, which the emulator's
// POST /v3/videos accepts as it is saved; inside a v2 body they keep writing v2 fragments; v2 chosen, a v2 item.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
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
import type { BatchResult, UploadPort } from '../../src/vscode/upload/uploadPort';
import { heygenApi, withUserSetting } from './faultKit';
import { hostEnv, withDeadline, workspaceFile } from './hostSupport';
import { emulatorVideos } from './videoSupport';

const SCRIPT = 'Hello! This is my HeyGen video.';

/** A voice of the emulator's catalogue, asked as the extension would (with the key). */
async function voiceId(): Promise<string> {
  const response = await fetch(`${hostEnv.emulatorOrigin}/v3/voices?limit=1`, { headers: { 'x-api-key': hostEnv.apiKey } });
  return ((await response.json()) as { data: Array<{ voice_id: string }> }).data[0].voice_id;
}

/** What the emulator's POST /v3/videos answers for `body`: its status and JSON. */
async function postVideo(body: unknown): Promise<{ status: number; json: { data?: { video_id?: string }; error?: unknown } }> {
  const response = await fetch(`${hostEnv.emulatorOrigin}/v3/videos`, {
    method: 'POST',
    headers: { 'x-api-key': hostEnv.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as { data?: { video_id?: string } } };
}

suite('New payloads are whole v3 bodies', () => {
  let heygen: HeyGenTestApi;
  let dir: string;
  let look: string;
  let voice: string;
  const restore: Array<() => Promise<void>> = [];

  suiteSetup(async () => {
    heygen = await heygenApi();
    dir = path.join(hostEnv.workspace, `new-v3-${randomBytes(3).toString('hex')}`);
    fs.mkdirSync(dir, { recursive: true });
    [look, voice] = await Promise.all([emulatorVideos.lookId(), voiceId()]);
    // These tests are about what is written, not about VS Code's handling of a file it sees change on disk just after
    // it was created and opened (which refused some saves here as conflicts).
    await vscode.workspace.getConfiguration('files').update('saveConflictResolution', 'overwriteFileOnDisk', vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('files').update('saveConflictResolution', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  setup(async () => {
    // The default a new user has (the harness chose v2 for the suites written for v2 items), and the avatar and voice
    // a person sets once so that every new body is complete.
    restore.push(await withUserSetting('payload.version', undefined));
    restore.push(await withUserSetting('snippet.avatarId', look));
    restore.push(await withUserSetting('snippet.voiceId', voice));
  });

  teardown(async () => {
    for (const undo of restore.splice(0).reverse()) {
      await undo();
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** Uploads a copy of the workspace's `sample` file (fresh bytes, so HeyGen gets it now) and returns its record. */
  async function uploaded(sample: string): Promise<AssetRecord> {
    const file = path.join(dir, `${randomBytes(3).toString('hex')}-${sample}`);
    fs.writeFileSync(file, fs.readFileSync(workspaceFile(sample).fsPath));
    const result = await heygen.upload([vscode.Uri.file(file)], { force: true });
    const record = result.succeeded[0]?.record;
    assert.ok(record, `${sample} uploaded: ${JSON.stringify(result.failed)}`);
    return record;
  }

  /** Opens `name` of the scratch folder, written with `content` (empty: a new file). */
  async function open(name: string, content = ''): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.file(path.join(dir, name));
    fs.writeFileSync(uri.fsPath, content);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    editor.options = { insertSpaces: true, tabSize: 2 };
    return editor;
  }

  /** Saves the editor's file and returns what is on disk. */
  async function saved(editor: vscode.TextEditor): Promise<string> {
    await vscode.commands.executeCommand('leaveSnippet');
    const { document } = editor;
    const state = (): string =>
      `dirty ${document.isDirty}, active ${vscode.window.activeTextEditor?.document.uri.toString()}, document ${document.uri.toString()}:\n${document.getText()}`;
    assert.ok(document.isDirty, `the insert changed the document (${state()})`);
    // On a loaded machine a save now and then comes back false with nothing on screen; once more through the
    // workspace, which is what File > Save does.
    const ok = (await document.save()) || (await vscode.workspace.save(document.uri)) !== undefined;
    const onDisk = fs.readFileSync(document.uri.fsPath, 'utf8');
    assert.ok(ok && onDisk === document.getText(), `the file was saved (${state()}\non disk:\n${onDisk})`);
    return onDisk;
  }

  test('an empty new.json, Insert as Background: the saved file is a complete v3 body that POST /v3/videos accepts', async () => {
    const image = await uploaded('sample.png');
    const editor = await open('new.json');
    assert.equal(await vscode.commands.executeCommand('heygen.insertBackground', { type: 'asset', record: image }), true);
    const body = JSON.parse(await saved(editor)) as unknown;
    assert.deepEqual(body, { type: 'avatar', avatar_id: look, script: SCRIPT, voice_id: voice, background: { type: 'image', asset_id: image.id } });
    const answer = await postVideo(body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.match(answer.json.data?.video_id ?? '', /\S/, 'HeyGen started a video');
  });

  test('an empty TypeScript file, Insert as Talking Photo: a declared image body, accepted as it runs', async () => {
    const photo = await uploaded('sample.jpg');
    const editor = await open('video.ts');
    assert.equal(await vscode.commands.executeCommand('heygen.insertTalkingPhoto', { type: 'asset', record: photo }), true);
    const text = await saved(editor);
    assert.match(text, /^const payload = \{\n {2}type: 'image',\n/);
    const context = vm.createContext({});
    vm.runInContext(`${text}\nglobalThis.sent = JSON.stringify(payload);`, context);
    const body = JSON.parse((context as { sent: string }).sent) as unknown;
    assert.deepEqual(body, { type: 'image', image: { type: 'asset_id', asset_id: photo.id }, script: SCRIPT, voice_id: voice });
    const answer = await postVideo(body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  });

  test('inside an existing v2 body, Insert writes the v2 fragment; with heygen.payload.version v2, a new file gets a v2 item', async () => {
    const image = await uploaded('sample.png');
    const v2 = '{\n  "video_inputs": [\n    {\n      "character": {"type": "avatar", "avatar_id": "a"}\n    }\n  ]\n}\n';
    const inV2 = await open('old.json', v2);
    const position = inV2.document.positionAt(v2.indexOf('}\n    }') + 1);
    inV2.selection = new vscode.Selection(position, position);
    assert.equal(await vscode.commands.executeCommand('heygen.insertBackground', { type: 'asset', record: image }), true);
    const item = (JSON.parse(await saved(inV2)) as { video_inputs: Array<Record<string, unknown>> }).video_inputs[0];
    assert.deepEqual(item.background, { type: 'image', url: image.url }, 'a v2 item, by URL as before');

    restore.push(await withUserSetting('payload.version', 'v2'));
    const fresh = await open('fresh.json');
    assert.equal(await vscode.commands.executeCommand('heygen.insertBackground', { type: 'asset', record: image }), true);
    const written = JSON.parse(await saved(fresh)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(written), ['character', 'voice', 'background'], 'the v2 item, as before v3 was the default');
  });

  /** What drop and paste need, as the extension builds them, over real uploads (forced); `upload` is the first one. */
  function mediaDeps(): { deps: DropPasteDeps; upload: Promise<BatchResult> } {
    let started!: (result: Promise<BatchResult>) => void;
    // The upload's own promise, handed over once the applied drop (or resolved paste) starts it.
    const upload = new Promise<BatchResult>((resolve) => (started = resolve));
    const port: UploadPort = {
      upload: (uris, options) => {
        const result = heygen.upload([...uris], { ...options, force: true });
        started(result);
        return result;
      },
      uploadUrl: () => Promise.reject(new Error('no URL drops in this test')),
    };
    const silent = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    // The settings' defaults (payload v3, reference auto) with the avatar and voice set above.
    const config = { snippetAvatarId: look, snippetVoiceId: voice, snippetReference: 'auto' as const, payloadVersion: 'v3' as const };
    const media = new DroppedMediaUploads(port, fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-v3-drop-')), silent);
    return { deps: { config, log: silent, media }, upload };
  }

  /** Fresh copies of the workspace's samples, as a file list a drop or paste carries. */
  function filesTransfer(...samples: string[]): { transfer: vscode.DataTransfer; files: string[] } {
    const files = samples.map((sample) => path.join(dir, `${randomBytes(3).toString('hex')}-${sample}`));
    samples.forEach((sample, i) => fs.copyFileSync(workspaceFile(sample).fsPath, files[i]));
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(files.map((f) => vscode.Uri.file(f).toString()).join('\r\n')));
    return { transfer, files };
  }

  test('a drop of an image and an audio file into an empty new.json: one v3 body holding both, accepted', async () => {
    const { deps, upload } = mediaDeps();
    const provider = new MediaDropProvider(deps);
    const { transfer, files: [imageFile, audioFile] } = filesTransfer('sample.png', 'sample.mp3');
    const editor = await open('dropped.json');
    const origin = new vscode.Position(0, 0);
    const edit = await provider.provideDocumentDropEdits(editor.document, origin, transfer, new vscode.CancellationTokenSource().token);
    assert.ok(edit, 'the drop was understood');
    // As VS Code applies a drop edit: its text, as a snippet, at the drop position.
    const text = typeof edit.insertText === 'string' ? edit.insertText : edit.insertText.value;
    assert.ok(await editor.insertSnippet(new vscode.SnippetString().appendText(text), origin));
    const records = (await withDeadline('the drop to upload', upload, 20_000)).succeeded.map((s) => s.record);
    await Promise.all([...provider.running]);
    const body = JSON.parse(await saved(editor)) as unknown;
    const id = (file: string): string | undefined => records.find((r) => file.endsWith(r.name))?.id;
    assert.deepEqual(body, { type: 'avatar', avatar_id: look, audio_asset_id: id(audioFile), background: { type: 'image', asset_id: id(imageFile) } });
    const answer = await postVideo(body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  });

  test('a paste of a copied image into an empty Python file: a payload declaration, by asset id', async () => {
    const { deps, upload } = mediaDeps();
    const provider = new MediaPasteProvider(deps);
    const { transfer } = filesTransfer('sample.png');
    const editor = await open('video.py');
    const at = new vscode.Range(0, 0, 0, 0);
    const paste = { only: undefined, triggerKind: vscode.DocumentPasteTriggerKind.Automatic };
    const [edit] = (await provider.provideDocumentPasteEdits(editor.document, [at], transfer, paste, new vscode.CancellationTokenSource().token)) ?? [];
    assert.ok(edit, 'the paste was understood');
    const resolved = await provider.resolveDocumentPasteEdit(edit, new vscode.CancellationTokenSource().token);
    const image = (await withDeadline('the paste to upload', upload, 20_000)).succeeded[0].record;
    assert.ok(resolved.additionalEdit, 'the paste inserts the body');
    assert.ok(await vscode.workspace.applyEdit(resolved.additionalEdit));
    const text = await saved(editor);
    assert.match(text, /^payload = \{\n {2}'type': 'avatar',\n/, 'a declaration in the editor\u2019s indentation, Python\u2019s quotes');
    // Nothing in these values holds a quote, so the dict reads as JSON once its quotes are JSON's.
    const body = JSON.parse(text.replace(/^payload = /, '').replace(/'/g, '"')) as unknown;
    assert.deepEqual(body, { type: 'avatar', avatar_id: look, script: SCRIPT, voice_id: voice, background: { type: 'image', asset_id: image.id } });
    const answer = await postVideo(body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  });
});
