// Payload files that know their assets, inside the real extension host: hover text, completion items and what
// they insert, each problem and its quick fix (uploads go to the emulator over HTTP), undo, the batch command,
// assetId mode and v3 payloads.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import type { AssetRecord } from '../../src/core/base/assetRecord';
import { HistoryKnownAssets, type KnownAssets } from '../../src/core/payload/knownAssets';
import { LocalFileChecks } from '../../src/core/payload/payloadProblems';
import { PayloadCodeActions, PayloadDiagnostics } from '../../src/vscode/payload/payloadProviders';
import type { Configuration } from '../../src/vscode/configuration/configuration';
import { DroppedMediaUploads } from '../../src/vscode/droppedMedia/droppedMedia';
import { MediaDropProvider } from '../../src/vscode/payload/dropProvider';
import type { BatchResult, UploadPort } from '../../src/vscode/upload/uploadPort';
import { silentLogger } from '../../src/core/base/logger';
import { emulator, hostEnv, sha256Of } from './hostSupport';

const EXTENSION_ID = 'heygen-assets.heygen-assets';

interface Api {
  history: {
    add(record: AssetRecord): Promise<void>;
    all(): readonly AssetRecord[];
    remove(ids: readonly string[]): Promise<void>;
    onDidChange(listener: () => void): { dispose(): void };
  };
  upload(uris: vscode.Uri[], options?: { quiet?: boolean; signal?: AbortSignal }): Promise<{ succeeded: Array<{ record: AssetRecord }> }>;
}

function record(id: string, fileType: AssetRecord['fileType'], name: string, ageMs: number, sourcePath?: string): AssetRecord {
  return {
    id,
    name,
    fileType,
    mime: fileType === 'image' ? 'image/png' : fileType === 'video' ? 'video/mp4' : 'audio/mpeg',
    url: `https://resource.heygen.ai/${fileType}/${id}/${name}`,
    imageKey: null,
    createdTs: Math.floor((Date.now() - ageMs) / 1000),
    size: 2048,
    sha256: id.padEnd(64, '0').slice(0, 64),
    uploadedAt: Date.now() - ageMs,
    keyFingerprint: 'payload-tests',
    ...(sourcePath ? { sourcePath } : {}),
  };
}

let dir: string;
const seeded: AssetRecord[] = [];

/** A JPEG (or MP3) with bytes of its own, so its upload is new and the emulator's copy can be told apart. */
function uniqueMedia(name: string, fixture: string): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, Buffer.concat([fs.readFileSync(path.join(hostEnv.workspace, fixture)), randomBytes(32)]));
  return target;
}

async function openPayload(name: string, content: string, language?: string): Promise<vscode.TextEditor> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  let document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  if (language && document.languageId !== language) {
    document = await vscode.languages.setTextDocumentLanguage(document, language);
  }
  return vscode.window.showTextDocument(document);
}

function offsetOf(document: vscode.TextDocument, text: string, delta = 1): vscode.Position {
  const at = document.getText().indexOf(text);
  assert.ok(at >= 0, `${text} is in the document`);
  return document.positionAt(at + delta);
}

/** The diagnostics of `uri` once `accept` takes them: on the diagnostics-changed event, not on a timer. */
async function diagnosticsWhen(uri: vscode.Uri, accept: (d: readonly vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  const ours = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'HeyGen');
  if (accept(ours())) {
    return ours();
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out waiting for ${what}; have: ${JSON.stringify(ours().map((d) => d.message))}`));
    }, 20_000);
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && accept(ours())) {
        clearTimeout(timer);
        subscription.dispose();
        resolve(ours());
      }
    });
  });
}

/** Markdown as it reads: backslash escapes (any ASCII punctuation) and `&nbsp;` undone, links and images as written. */
function readable(markdown: string): string {
  return markdown.replace(/&nbsp;/g, ' ').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return readable(
    hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n'),
  );
}

/** Sets `heygen.snippet.reference` in the user settings, as a person would (undefined: back to the default). */
async function referenceMode(mode: 'url' | 'assetId' | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('heygen').update('snippet.reference', mode, vscode.ConfigurationTarget.Global);
}

/** Runs an Insert command on `record` with the cursor at `position`, and leaves snippet mode as Escape would. */
async function insertAt(editor: vscode.TextEditor, position: vscode.Position, command: string, record: AssetRecord): Promise<void> {
  editor.selection = new vscode.Selection(position, position);
  assert.equal(await vscode.commands.executeCommand(command, { type: 'asset', record }), true, `${command} inserted`);
  await vscode.commands.executeCommand('leaveSnippet');
}

function evalJs(text: string): unknown {
  return new vm.Script(`(${text})`).runInThisContext() as unknown;
}

function newestRecordWithSha(api: Api, sha: string): AssetRecord {
  const found = api.history.all().find((r) => r.sha256 === sha);
  assert.ok(found, `the history holds the upload with SHA-256 ${sha}`);
  return found;
}

suite('Payload files', () => {
  let api: Api;

  suiteSetup(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as Api;
    dir = path.join(hostEnv.workspace, `payload-host-${randomBytes(3).toString('hex')}`);
    fs.mkdirSync(dir, { recursive: true });
    const image = path.join(dir, 'known-bg.png');
    fs.copyFileSync(path.join(hostEnv.workspace, 'sample.png'), image);
    seeded.push(
      record('pl-old-image', 'image', 'older-bg.png', 3 * 3600_000),
      record('pl-image', 'image', 'known-bg.png', 5 * 60_000 + 10_000, image),
      record('pl-video', 'video', 'known-clip.mp4', 4 * 60_000 + 10_000),
      record('pl-audio', 'audio', 'known-voice.mp3', 3 * 60_000 + 10_000),
    );
    for (const r of seeded) {
      await api.history.add(r);
    }
  });

  suiteTeardown(async () => {
    await api.history.remove(seeded.map((r) => r.id));
    await referenceMode(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  teardown(async () => {
    await referenceMode(undefined);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('hover on a known URL names the asset with its kind, size, age, source link, id, URL, copy links and a thumbnail', async () => {
    const image = seeded[1];
    const editor = await openPayload('hover.json', `{"video_inputs": [{"background": {"type": "image", "url": "${image.url}"}, "voice": {"audio_asset_id": "nobody-knows"}}]}`);
    const text = await hoverText(editor.document, offsetOf(editor.document, image.url, 5));
    assert.match(text, /\*\*known-bg\.png\*\*/);
    assert.match(text, /Image, 2 KB, uploaded 5 minutes ago/);
    assert.ok(text.includes(`](<${vscode.Uri.file(image.sourcePath!).toString()}>)`), `a link opens the source file: ${text}`);
    assert.ok(text.includes('`pl-image`') && text.includes(image.url), 'id and URL');
    assert.match(text, /\[Copy ID\]\(command:heygen\.copyId\?/);
    assert.match(text, /\[Copy URL\]\(command:heygen\.copyUrl\?/);
    // An https URL can load; the alt text is the name, with no escapes in it.
    assert.match(text, /!\[known-bg\.png\]\(<https:\/\/resource\.heygen\.ai\/image\/pl-image\/known-bg\.png\|width=120>\)/);
    const unknown = await hoverText(editor.document, offsetOf(editor.document, 'nobody-knows', 3));
    assert.equal(unknown, 'No upload in your HeyGen history has this asset id.');
  });

  test('hover on a local path gives its size and type', async () => {
    fs.copyFileSync(path.join(hostEnv.workspace, 'sample.jpg'), path.join(dir, 'local.jpg'));
    const editor = await openPayload('hover-local.ts', `export const p = { video_inputs: [{ background: { type: 'image', url: './local.jpg' } }] };`);
    const text = await hoverText(editor.document, offsetOf(editor.document, './local.jpg', 3));
    const size = fs.statSync(path.join(dir, 'local.jpg')).size;
    assert.ok(text.includes('local.jpg') && text.includes(`JPEG image, ${Math.round(size / 1024)} KB`), text);
    // The hover's link runs what the quick fix runs: clicking it uploads the file and replaces the path.
    const link = /\[Upload to HeyGen and Replace\]\(command:heygen\.uploadLocalReferences\?([^)]+)\)/.exec(text);
    assert.ok(link, `the hover offers the upload: ${text}`);
    const args = JSON.parse(decodeURIComponent(link[1])) as unknown[];
    assert.equal(await vscode.commands.executeCommand<number>('heygen.uploadLocalReferences', ...args), 1);
    assert.ok(!editor.document.getText().includes('./local.jpg'), editor.document.getText());
  });

  test('completion in a background url offers images and videos, newest first, and inserts the URL; a talking photo gets the id', async () => {
    const editor = await openPayload('complete.json', '{"video_inputs": [{"background": {"url": ""}, "character": {"type": "talking_photo", "talking_photo_id": ""}}]}');
    const document = editor.document;
    const inUrl = offsetOf(document, '"url": ""', 8);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, inUrl);
    const ours = list.items.filter((i) => seeded.some((r) => r.name === i.label));
    assert.deepEqual(
      ours.map((i) => i.label),
      ['known-clip.mp4', 'known-bg.png', 'older-bg.png'],
      'images and videos of the history, newest first, no audio',
    );
    assert.equal(ours[1].detail, 'Image · 5 minutes ago');
    assert.match(readable((ours[1].documentation as vscode.MarkdownString).value), /\*\*known-bg\.png\*\*/);
    const item = ours[1];
    const range = (item.range as { replacing: vscode.Range }).replacing;
    await editor.edit((b) => b.replace(range, item.insertText as string));
    const afterUrl = JSON.parse(document.getText()) as { video_inputs: Array<Record<string, Record<string, string>>> };
    assert.equal(afterUrl.video_inputs[0].background.url, seeded[1].url);

    const inId = offsetOf(document, '"talking_photo_id": ""', 21);
    const photos = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, inId);
    const photo = photos.items.find((i) => i.label === 'known-bg.png');
    assert.ok(photo, 'images are offered for a talking photo');
    assert.equal(photo.insertText, 'pl-image');
    assert.ok(!photos.items.some((i) => i.label === 'known-clip.mp4'), 'no video for a talking photo');
  });

  test('a local path is a problem with "Upload to HeyGen and Replace", which uploads the file and puts its URL there; undo restores the path', async () => {
    const file = uniqueMedia('quickfix.jpg', 'sample.jpg');
    const editor = await openPayload('quickfix.json', '{\n  "video_inputs": [{ "background": { "type": "image", "url": "./quickfix.jpg" } }]\n}\n');
    const document = editor.document;
    const [problem] = await diagnosticsWhen(document.uri, (d) => d.length === 1, 'the local-file problem');
    assert.equal(problem.message, 'Local file: it must be uploaded to HeyGen');
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(document.getText(problem.range), '"./quickfix.jpg"');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, problem.range);
    const fix = actions.find((a) => a.title === 'Upload to HeyGen and Replace');
    assert.ok(fix?.command, `the quick fix is offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
    await emulator.reset();
    const replaced = await vscode.commands.executeCommand<number>(fix.command.command, ...((fix.command.arguments ?? []) as unknown[]));
    assert.equal(replaced, 1);
    const sha = sha256Of(file);
    assert.deepEqual(
      (await emulator.received()).map((r) => r.sha256),
      [sha],
      'exactly the file went to HeyGen',
    );
    const uploaded = newestRecordWithSha(api, sha);
    const payload = JSON.parse(document.getText()) as { video_inputs: Array<{ background: Record<string, string> }> };
    assert.deepEqual(payload.video_inputs[0].background, { type: 'image', url: uploaded.url });
    await diagnosticsWhen(document.uri, (d) => d.length === 0, 'no problem once replaced');
    assert.match(await hoverText(document, offsetOf(document, uploaded.url, 5)), /\*\*quickfix\.jpg\*\*/);
    await vscode.commands.executeCommand('undo');
    assert.ok(document.getText().includes('"url": "./quickfix.jpg"'), 'one undo brings the path back');
  });

  test('a missing file is "File not found" with no upload offered; an unsupported file has the upload’s sentence', async () => {
    fs.writeFileSync(path.join(dir, 'notes.png'), 'not an image');
    const editor = await openPayload(
      'problems.py',
      'payload = {\n    "video_inputs": [\n        {"background": {"type": "image", "url": "./missing.jpg"}},\n        {"background": {"type": "image", "url": \'notes.png\'}},\n    ]\n}\n',
    );
    const document = editor.document;
    const problems = await diagnosticsWhen(document.uri, (d) => d.length === 2, 'two problems');
    assert.deepEqual(
      problems.map((d) => [document.getText(d.range), d.message]),
      [
        ['"./missing.jpg"', 'File not found'],
        ["'notes.png'", '"notes.png" is named like a PNG file, but its content is not PNG or any other supported type (JPEG, PNG, MP4, WebM, MP3 or WAV).'],
      ],
    );
    for (const problem of problems) {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, problem.range);
      assert.ok(!actions.some((a) => a.title === 'Upload to HeyGen and Replace'), `no upload for ${problem.message}`);
    }
    // Creating the file turns the problem into an uploadable local file, without typing.
    fs.copyFileSync(path.join(hostEnv.workspace, 'sample.jpg'), path.join(dir, 'missing.jpg'));
    await diagnosticsWhen(document.uri, (d) => d.some((x) => x.message === 'Local file: it must be uploaded to HeyGen'), 'the created file to be seen');
    fs.rmSync(path.join(dir, 'missing.jpg'));
  });

  test('problems follow typing: a path typed into the payload becomes a problem, and goes when it is replaced by a URL', async () => {
    fs.copyFileSync(path.join(hostEnv.workspace, 'sample.mp3'), path.join(dir, 'typed.mp3'));
    const editor = await openPayload('typing.json', '{"video_inputs": [{"voice": {"type": "audio", "audio_url": ""}}]}');
    const document = editor.document;
    await diagnosticsWhen(document.uri, (d) => d.length === 0, 'no problem at first');
    const inside = document.offsetAt(offsetOf(document, '"audio_url": ""', 14));
    const typed = './typed.mp3';
    for (let i = 0; i < typed.length; i++) {
      // One edit per key, as typing makes them.
      await editor.edit((b) => b.insert(document.positionAt(inside + i), typed[i]));
    }
    assert.ok(document.getText().includes('"audio_url": "./typed.mp3"'), document.getText());
    const [problem] = await diagnosticsWhen(document.uri, (d) => d.length === 1 && document.getText(d[0].range) === '"./typed.mp3"', 'the typed path');
    assert.equal(problem.message, 'Local file: it must be uploaded to HeyGen');
    await editor.edit((b) => b.replace(problem.range, `"${seeded[3].url}"`));
    await diagnosticsWhen(document.uri, (d) => d.length === 0, 'the problem to go');
  });

  test('"Upload Local Files in This Payload" turns two local paths into two HeyGen URLs in one edit, each hover naming its file', async () => {
    const image = uniqueMedia('two-bg.jpg', 'sample.jpg');
    const audio = uniqueMedia('two-voice.mp3', 'sample.mp3');
    const editor = await openPayload(
      'two.json',
      '{\n  "video_inputs": [\n    {\n      "background": { "type": "image", "url": "./two-bg.jpg" },\n      "voice": { "type": "audio", "audio_url": "./two-voice.mp3" }\n    }\n  ]\n}\n',
    );
    const document = editor.document;
    await diagnosticsWhen(document.uri, (d) => d.length === 2, 'two local files');
    const sourceActions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      new vscode.Range(0, 0, 0, 0),
      vscode.CodeActionKind.Source.value,
    );
    assert.ok(
      sourceActions.some((a) => a.title === 'Upload Local Files in This Payload' && a.kind?.value === 'source.heygen.uploadLocalFiles'),
      'offered as a source action',
    );
    await emulator.reset();
    const versionBefore = document.version;
    assert.equal(await vscode.commands.executeCommand<number>('heygen.uploadLocalReferences'), 2);
    assert.equal(document.version, versionBefore + 1, 'one edit');
    assert.deepEqual((await emulator.received()).map((r) => r.sha256).sort(), [sha256Of(image), sha256Of(audio)].sort(), 'one batch with both files');
    const bg = newestRecordWithSha(api, sha256Of(image));
    const voice = newestRecordWithSha(api, sha256Of(audio));
    const item = (JSON.parse(document.getText()) as { video_inputs: Array<Record<string, Record<string, string>>> }).video_inputs[0];
    assert.equal(item.background.url, bg.url);
    assert.equal(item.voice.audio_url, voice.url);
    assert.match(await hoverText(document, offsetOf(document, bg.url, 5)), /\*\*two-bg\.jpg\*\*/);
    assert.match(await hoverText(document, offsetOf(document, voice.url, 5)), /\*\*two-voice\.mp3\*\*/);
    await vscode.commands.executeCommand('undo');
    assert.ok(document.getText().includes('"./two-bg.jpg"') && document.getText().includes('"./two-voice.mp3"'), 'one undo restores both paths');
  });

  test('assetId mode: the batch command writes image_asset_id and audio_asset_id, and Insert as Background writes image_asset_id', async () => {
    await referenceMode('assetId');
    const image = uniqueMedia('ids-bg.jpg', 'sample.jpg');
    const audio = uniqueMedia('ids-voice.mp3', 'sample.mp3');
    const editor = await openPayload(
      'ids.ts',
      "export const payload = {\n  video_inputs: [\n    {\n      background: { type: 'image', url: './ids-bg.jpg' },\n      voice: { type: 'audio', audio_url: \"./ids-voice.mp3\" },\n    },\n  ],\n};\n",
    );
    const document = editor.document;
    assert.equal(await vscode.commands.executeCommand<number>('heygen.uploadLocalReferences', document.uri), 2);
    const bg = newestRecordWithSha(api, sha256Of(image));
    const voice = newestRecordWithSha(api, sha256Of(audio));
    const text = document.getText();
    assert.ok(text.includes(`background: { type: 'image', image_asset_id: '${bg.id}' }`), text);
    assert.ok(text.includes(`voice: { type: 'audio', audio_asset_id: "${voice.id}" }`), text);
    assert.match(await hoverText(document, offsetOf(document, bg.id, 2)), /\*\*ids-bg\.jpg\*\*/);

    const scratch = await vscode.workspace.openTextDocument({ language: 'json', content: '{"video_inputs": [{"background": {}}]}' });
    const scratchEditor = await vscode.window.showTextDocument(scratch);
    await insertAt(scratchEditor, scratch.positionAt(scratch.getText().indexOf('{}') + 1), 'heygen.insertBackground', seeded[1]);
    const inserted = JSON.parse(scratch.getText()) as { video_inputs: Array<Record<string, unknown>> };
    assert.deepEqual(inserted.video_inputs[0].background, { type: 'image', image_asset_id: 'pl-image' });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.window.showTextDocument(document);
  });

  test('a v3 body: its places are problems, the batch command writes v3 fields, and Insert writes v3 fragments', async () => {
    await referenceMode('assetId');
    const portrait = uniqueMedia('v3-portrait.jpg', 'sample.jpg');
    const speech = uniqueMedia('v3-speech.mp3', 'sample.mp3');
    const editor = await openPayload(
      'v3.json',
      '{\n  "type": "image",\n  "image": { "type": "url", "url": "./v3-portrait.jpg" },\n  "audio_url": "./v3-speech.mp3"\n}\n',
    );
    const document = editor.document;
    const problems = await diagnosticsWhen(document.uri, (d) => d.length === 2, 'both v3 places');
    assert.deepEqual(
      problems.map((d) => document.getText(d.range)),
      ['"./v3-portrait.jpg"', '"./v3-speech.mp3"'],
    );
    assert.equal(await vscode.commands.executeCommand<number>('heygen.uploadLocalReferences', document.uri), 2);
    const body = JSON.parse(document.getText()) as Record<string, unknown>;
    assert.deepEqual(body, {
      type: 'image',
      image: { type: 'asset_id', asset_id: newestRecordWithSha(api, sha256Of(portrait)).id },
      audio_asset_id: newestRecordWithSha(api, sha256Of(speech)).id,
    });
    // Insert as Audio inside the v3 body replaces its audio with the v3 field.
    await insertAt(editor, new vscode.Position(1, 0), 'heygen.insertAudio', seeded[3]);
    assert.equal((JSON.parse(document.getText()) as Record<string, unknown>).audio_asset_id, 'pl-audio');
    await referenceMode('url');
    await insertAt(editor, new vscode.Position(1, 0), 'heygen.insertBackground', seeded[1]);
    const withBackground = evalJs(document.getText()) as Record<string, unknown>;
    assert.deepEqual(withBackground.background, { type: 'image', url: seeded[1].url });
  });

  test('an asset HeyGen no longer has is a warning with "Upload the Source Again and Replace", which uploads the source anew', async () => {
    const source = uniqueMedia('gone-source.jpg', 'sample.jpg');
    const lost = record('pl-gone', 'image', 'gone-source.jpg', 10_000, source);
    seeded.push(lost);
    await api.history.add(lost);
    // The history's records with the library's stale marking as a fake: HeyGen has lost pl-gone.
    const history = new HistoryKnownAssets(api.history);
    const known: KnownAssets = { find: (r) => history.find(r), all: () => history.all(), onDidChange: (l) => history.onDidChange(l), isGone: (id) => id === 'pl-gone' };
    const diagnostics = new PayloadDiagnostics(known, new LocalFileChecks(() => 10 * 1024 * 1024), silentLogger);
    try {
      const editor = await openPayload('gone.json', `{"video_inputs": [{"background": {"type": "image", "url": "${lost.url}"}}]}`);
      const document = editor.document;
      await diagnostics.update(document);
      const [problem] = diagnostics.collection.get(document.uri) ?? [];
      assert.equal(problem?.message, 'HeyGen no longer has gone-source.jpg: upload its source again or choose another asset.');
      assert.equal(problem.severity, vscode.DiagnosticSeverity.Warning);
      const actions = new PayloadCodeActions(known).provideCodeActions(document, problem.range, {
        diagnostics: [problem],
        only: undefined,
        triggerKind: vscode.CodeActionTriggerKind.Invoke,
      });
      const fix = actions.find((a) => a.title === 'Upload the Source Again and Replace');
      assert.ok(fix?.command, 'the quick fix is offered');
      await emulator.reset();
      assert.equal(await vscode.commands.executeCommand<number>(fix.command.command, ...((fix.command.arguments ?? []) as unknown[])), 1);
      assert.deepEqual((await emulator.received()).map((r) => r.sha256), [sha256Of(source)], 'the source was uploaded, not reused');
      const fresh = api.history.all().find((r) => r.sha256 === sha256Of(source) && r.id !== 'pl-gone');
      assert.ok(fresh);
      assert.ok(document.getText().includes(`"url": "${fresh.url}"`), document.getText());
    } finally {
      diagnostics.dispose();
      history.dispose();
    }
  });

  test('a file dropped into a v3 body in assetId mode becomes its audio_asset_id', async () => {
    const speech = uniqueMedia('dropped-speech.mp3', 'sample.mp3');
    const editor = await openPayload('drop-v3.json', '{\n  "type": "avatar",\n  "avatar_id": "josh",\n  "audio_url": "https://old.invalid/a.mp3"\n}\n');
    const document = editor.document;
    const config = { snippetAvatarId: '', snippetVoiceId: '', snippetReference: 'assetId' } as unknown as Configuration;
    const silent = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const port: UploadPort = {
      upload: (uris, options) => api.upload([...uris], options) as unknown as Promise<BatchResult>,
      uploadUrl: () => Promise.reject(new Error('no URL drops in this test')),
    };
    const media = new DroppedMediaUploads(port, fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-drop-test-')), silent);
    const provider = new MediaDropProvider({ config, log: silent, media });
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(vscode.Uri.file(speech).toString()));
    const position = offsetOf(document, '"avatar_id"', 0);
    const edit = await provider.provideDocumentDropEdits(document, position, transfer, new vscode.CancellationTokenSource().token);
    assert.ok(edit, 'the drop was understood');
    const placeholder = typeof edit.insertText === 'string' ? edit.insertText : edit.insertText.value;
    // Done when the placeholder, once in the document, has been replaced by the fragment.
    let placed = false;
    const done = new Promise<void>((resolve) => {
      const subscription = vscode.workspace.onDidChangeTextDocument((e) => {
        placed ||= document.getText().includes(placeholder);
        if (e.document === document && placed && !document.getText().includes(placeholder)) {
          subscription.dispose();
          resolve();
        }
      });
    });
    assert.ok(await editor.insertSnippet(new vscode.SnippetString().appendText(placeholder), position));
    await done;
    await vscode.commands.executeCommand('leaveSnippet');
    const body = JSON.parse(document.getText()) as Record<string, unknown>;
    assert.equal(body.audio_asset_id, newestRecordWithSha(api, sha256Of(speech)).id);
    assert.equal('audio_url' in body, false, 'the audio_url was replaced, not kept beside it');
  });
});
