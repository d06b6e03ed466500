// Issue 23 items 4-7 inside the real extension host: Generate Video on a payload as the editor holds it, its local
// image uploaded and replaced, the modal confirmation, the render watched and the MP4 saved next to the payload (bytes
// as the emulator serves them), a failed render, a reload while rendering, a v2 body HeyGen no longer serves, and
// nothing sent when the person declines. What is asserted is what the person gets: the editor's text, the messages
// with their buttons, the file on disk, the Videos view's rows, and what reached the emulator.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HeyGenAssetsApi } from '../../src/vscode/api';
import { silentLogger } from '../../src/core/base/logger';
import { summarizeBody } from '../../src/core/videos/bodyRequirements';
import { GenerateVideoTool } from '../../src/vscode/agentTools/videoTools';
import { Configuration } from '../../src/vscode/configuration/configuration';
import type { VideoPort } from '../../src/vscode/videos/videoPort';
import type { CallerApi } from '../fixtures/agent-caller/extension';
import type { VideosTestApi } from '../../src/vscode/videos/registerVideos';
import { heygenApi, scratchFolder, withUserSetting } from './faultKit';
import { emulator, hostEnv, sha256Of, workspaceFile } from './hostSupport';
import { emulatorV3 } from './v3Support';
import { emulatorVideos, videosOf, watchEnd } from './videoSupport';
import { LEAVE_OPEN, WindowSpy, type ShownMessage } from './windowSpy';

interface Started {
  videoId: string;
  status: string;
  target: string;
}

/** Confirms the modal (with `answer`), leaves every other message open; enough answers for one generate. */
function confirmWith(spy: WindowSpy, answer: string | undefined): void {
  const respond = (shown: ShownMessage): string | undefined | typeof LEAVE_OPEN => (shown.modal ? answer : LEAVE_OPEN);
  spy.answerMessages(respond, respond, respond, respond);
}

/** A PNG no one uploaded before (the sample's bytes, then random ones), so it is really sent, not reused. */
function freshPng(file: string): void {
  fs.writeFileSync(file, Buffer.concat([fs.readFileSync(workspaceFile('sample.png').fsPath), randomBytes(64)]));
}

function createRequests(requests: Array<{ method: string; path: string }>): number {
  return requests.filter((r) => r.method === 'POST').length;
}

suite('Videos: generate, watch, save', () => {
  let heygen: HeyGenAssetsApi;
  let videos: VideosTestApi;
  let spy: WindowSpy;
  let look: string;
  let scratch: ReturnType<typeof scratchFolder>;
  const restore: Array<() => Promise<void>> = [];

  suiteSetup(async () => {
    heygen = await heygenApi();
    videos = videosOf(heygen);
    look = await emulatorVideos.lookId();
  });

  setup(async () => {
    await emulator.reset();
    spy = new WindowSpy();
    restore.push(await withUserSetting('apiBaseUrl', emulatorV3.apiBaseUrl));
    scratch = scratchFolder('videos');
  });

  teardown(async () => {
    spy.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const undo of restore.splice(0).reverse()) {
      await undo();
    }
    scratch.dispose();
    await emulator.reset();
  });

  async function openPayload(name: string, body: unknown): Promise<vscode.TextEditor> {
    const file = scratch.file(name);
    fs.writeFileSync(file.fsPath, `${JSON.stringify(body, null, 2)}\n`);
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  }

  test('a v3 payload naming a local image: uploaded and replaced, confirmed, rendered, saved next to it, listed', async () => {
    freshPng(path.join(scratch.dir, 'bg.png'));
    const editor = await openPayload('intro.json', {
      type: 'avatar',
      title: 'Intro',
      avatar_id: look,
      script: 'Hello from the editor.',
      background: { type: 'image', url: './bg.png' },
    });
    // An unsaved change: the body is read as the editor holds it.
    const titleAt = editor.document.getText().indexOf('"Intro"');
    await editor.edit((edit) => edit.replace(new vscode.Range(editor.document.positionAt(titleAt), editor.document.positionAt(titleAt + 7)), '"Intro, unsaved"'));
    confirmWith(spy, 'Generate Video');
    const started = await vscode.commands.executeCommand<Started | undefined>('heygen.generateVideo', editor.document.uri);
    assert.ok(started, `nothing was started: ${spy.describe()}`);
    // The render cannot end before the emulator's clock moves.
    const ended = watchEnd(videos, started.videoId);

    // The image went up first and its path was replaced in the editor, in one edit.
    const png = sha256Of(path.join(scratch.dir, 'bg.png'));
    const upload = (await emulator.received()).find((r) => r.sha256 === png);
    assert.ok(upload, 'bg.png reached HeyGen');
    const text = editor.document.getText();
    assert.doesNotMatch(text, /\.\/bg\.png/);
    const replaced = (JSON.parse(text) as { background: { url?: string; asset_id?: string } }).background;
    assert.ok(replaced.url?.includes(upload.id) || replaced.asset_id === upload.id, `the background names the uploaded asset: ${JSON.stringify(replaced)}`);

    // The modal said what it costs, the title, the type and what the account has left.
    const modal = spy.messages.find((m) => m.modal);
    assert.ok(modal, spy.describe());
    assert.match(modal.message, /spends credits/);
    assert.deepEqual(modal.items, ['Generate Video']);
    assert.match(modal.detail ?? '', /Title: Intro, unsaved/);
    assert.match(modal.detail ?? '', /Type: avatar/);
    assert.match(modal.detail ?? '', /420 of 600 credits left/);

    // What HeyGen received: the body as edited, the replaced background, one Idempotency-Key.
    const creates = (await emulatorVideos.requests('/v3/videos')).filter((r) => r.method === 'POST');
    assert.equal(creates.length, 1);
    const sent = creates[0].body as { title: string; background: unknown };
    assert.equal(sent.title, 'Intro, unsaved');
    assert.deepEqual(sent.background, replaced.url ? { type: 'image', url: replaced.url } : { type: 'image', asset_id: replaced.asset_id });
    assert.match(creates[0].headers['idempotency-key'] ?? '', /^[A-Za-z0-9_:.-]{1,255}$/);

    await emulatorVideos.advance(10_000);
    assert.equal(await ended, 'completed');
    const target = path.join(scratch.dir, `intro-${started.videoId}.mp4`);
    assert.equal(started.target, target);
    assert.equal(sha256Of(target), await emulatorVideos.sha256(started.videoId), 'the saved MP4 has the bytes HeyGen serves');
    const ready = spy.messages.find((m) => m.message.startsWith('Video ready:'));
    assert.ok(ready, spy.describe());
    assert.match(ready.message, /^Video ready: Intro, unsaved \(\d+(\.\d)? s\)$/);
    assert.deepEqual(ready.items, ['Open', 'Open in Browser', 'Copy URL']);

    // Listed first among the renders from this machine, then among the account's videos once listed.
    await vscode.commands.executeCommand('heygen.refreshVideos');
    const rows = videos.viewRows();
    const local = rows.find((r) => r.group === 'local' && r.label === 'Intro, unsaved');
    assert.ok(local, JSON.stringify(rows));
    assert.match(local.description ?? '', /completed/);
    assert.match(local.description ?? '', /intro\.json/);
    assert.ok(rows.some((r) => r.group === 'account' && r.label === 'Intro, unsaved'), JSON.stringify(rows));
    // Kept without any URL (presigned URLs expire).
    assert.doesNotMatch(JSON.stringify(videos.renders()), /https?:/);

    // Open: VS Code's own media preview shows the saved file.
    const opened = await vscode.commands.executeCommand<string | undefined>('heygen.openVideo', started.videoId);
    assert.equal(opened, target);
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
    assert.equal(input?.uri?.fsPath, target, 'the MP4 is the active tab');
  });

  test('a failed render says HeyGen\u2019s failure_message in one sentence, with Show Log', async () => {
    await emulatorVideos.failNext('The avatar could not be lip-synced to the script.', 'avatar_render_failed');
    const editor = await openPayload('broken.json', { type: 'avatar', title: 'Broken', avatar_id: look, script: 'Hi.' });
    confirmWith(spy, 'Generate Video');
    const started = await vscode.commands.executeCommand<Started | undefined>('heygen.generateVideo', editor.document.uri);
    assert.ok(started, spy.describe());
    const ended = watchEnd(videos, started.videoId);
    await emulatorVideos.advance(10_000);
    assert.equal(await ended, 'failed');
    const error = spy.messages.find((m) => m.kind === 'error');
    assert.ok(error, spy.describe());
    assert.equal(error.message, 'The video "Broken" failed to render: The avatar could not be lip-synced to the script.');
    assert.deepEqual(error.items, ['Show Log']);
    assert.ok(!fs.existsSync(started.target));
  });

  test('a reload while rendering watches the render again, and it is saved', async () => {
    const editor = await openPayload('reload.json', { type: 'avatar', title: 'Survives a reload', avatar_id: look, script: 'Still here.' });
    confirmWith(spy, 'Generate Video');
    const started = await vscode.commands.executeCommand<Started | undefined>('heygen.generateVideo', editor.document.uri);
    assert.ok(started, spy.describe());
    const ended = watchEnd(videos, started.videoId);
    // The window goes: its watch ends, the render is kept as watched; the next one reads it and watches it again.
    assert.equal(await videos.reload(), 1, 'one render watched again');
    assert.equal(await ended, 'stopped');
    const kept = videos.renders().find((r) => r.videoId === started.videoId);
    assert.equal(kept?.watching, true);
    const again = watchEnd(videos, started.videoId);
    await emulatorVideos.advance(10_000);
    assert.equal(await again, 'completed');
    assert.equal(sha256Of(started.target), await emulatorVideos.sha256(started.videoId));
    assert.equal(spy.messages.filter((m) => m.message.startsWith('Video ready:')).length, 1, spy.describe());
  });

  test('a v2 body answered 404 offers the conversion to API v3', async () => {
    await emulatorVideos.legacy('missing');
    const editor = await openPayload('legacy.json', {
      title: 'Legacy',
      video_inputs: [{ character: { type: 'avatar', avatar_id: look }, voice: { type: 'silence', duration: 2 } }],
    });
    confirmWith(spy, 'Generate Video');
    const started = await vscode.commands.executeCommand<Started | undefined>('heygen.generateVideo', editor.document.uri);
    assert.equal(started, undefined);
    const modal = spy.messages.find((m) => m.modal);
    assert.match(modal?.detail ?? '', /Type: video_inputs, 1 scene \(API v2\)/);
    const error = spy.messages.find((m) => m.kind === 'error');
    assert.ok(error, spy.describe());
    assert.match(error.message, /no longer serves API v2's video\/generate \(HTTP 404\)/);
    assert.deepEqual(error.items, ['Convert Payload to API v3', 'Show Log']);
    assert.equal(createRequests(await emulatorVideos.requests('/v2/video/generate')), 1);
  });

  test('nothing is sent when the person declines, or when the payload has a problem or lacks a field', async () => {
    const declined = await openPayload('declined.json', { type: 'avatar', title: 'Declined', avatar_id: look, script: 'No.' });
    confirmWith(spy, undefined);
    assert.equal(await vscode.commands.executeCommand('heygen.generateVideo', declined.document.uri), undefined);
    assert.ok(spy.messages.some((m) => m.modal), 'the person was asked');

    const missing = await openPayload('missing.json', { type: 'image', image: { type: 'url', url: './nowhere.png' }, script: 'Hi', voice_id: 'v' });
    assert.equal(await vscode.commands.executeCommand('heygen.generateVideo', missing.document.uri), undefined);
    const noVoice = await openPayload('novoice.json', { type: 'image', image: { type: 'asset_id', asset_id: 'a1' }, script: 'Hi' });
    assert.equal(await vscode.commands.executeCommand('heygen.generateVideo', noVoice.document.uri), undefined);
    const warnings = spy.messages.filter((m) => m.kind === 'warning' && !m.modal).map((m) => m.message);
    assert.deepEqual(warnings, [
      'The video was not generated: image.url ("./nowhere.png"): File not found.',
      'The video was not generated: The image video needs voice_id to read the script.',
    ]);
    assert.equal(createRequests(await emulatorVideos.requests('/v3/videos')), 0, 'HeyGen received no video');
    assert.equal((await emulator.received()).length, 0, 'and no upload');
    assert.equal(
      videos.renders().filter((r) => ['Declined'].includes(r.title ?? '')).length,
      0,
    );
    assert.ok(hostEnv.apiKey);
  });
});

suite('Videos: agent tools', () => {
  let heygen: HeyGenAssetsApi;
  let videos: VideosTestApi;
  let caller: CallerApi;
  let look: string;
  let scratch: ReturnType<typeof scratchFolder>;
  const restore: Array<() => Promise<void>> = [];

  /** The JSON block every result ends with. */
  function factsOf<T>(text: string): T {
    const match = /```json\n([\s\S]*)\n```\s*$/.exec(text);
    assert.ok(match, `the result ends with a JSON block:\n${text}`);
    return JSON.parse(match[1]) as T;
  }

  suiteSetup(async () => {
    heygen = await heygenApi();
    videos = videosOf(heygen);
    look = await emulatorVideos.lookId();
    const extension = vscode.extensions.getExtension<CallerApi>('heygen-test.agent-caller');
    assert.ok(extension, 'the caller extension is installed next to HeyGen Assets');
    caller = await extension.activate();
  });

  setup(async () => {
    await emulator.reset();
    restore.push(await withUserSetting('apiBaseUrl', emulatorV3.apiBaseUrl));
    scratch = scratchFolder('video-tools');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const undo of restore.splice(0).reverse()) {
      await undo();
    }
    scratch.dispose();
    await emulator.reset();
  });

  test('the confirmation names the title, the type and that credits are spent', async () => {
    const tool = new GenerateVideoTool(
      { upload: heygen, history: heygen.history, config: new Configuration(), log: { ...silentLogger, scrub: (t) => t } },
      { summarizeBody: (api: 'v3' | 'v2', body: Record<string, unknown>) => summarizeBody(api, body) } as unknown as VideoPort,
    );
    const prepared = await tool.prepareInvocation({ input: { body: { type: 'image', title: 'Product shot', image: { type: 'asset_id', asset_id: 'a1' }, script: 'Hi', voice_id: 'v' } } });
    assert.equal(prepared.confirmationMessages?.title, 'Generate a HeyGen video?');
    const message = prepared.confirmationMessages?.message;
    assert.equal(typeof message, 'string', 'plain text: a dialog shows Markdown escapes as they are');
    assert.deepEqual((message as string).split('\n'), [
      'Rendering this video spends credits from your HeyGen account.',
      'Title: Product shot',
      'Type: image',
    ]);
  });

  test('heygen_generate_video uploads a payload file\u2019s local image, starts it; heygen_get_video gives the saved file, never a URL', async () => {
    freshPng(path.join(scratch.dir, 'bg.png'));
    const payload = scratch.file('agent.json');
    fs.writeFileSync(payload.fsPath, JSON.stringify({ type: 'avatar', title: 'From the agent', avatar_id: look, script: 'Hello.', background: { type: 'image', url: './bg.png' } }, null, 2));
    const text = await caller.invoke('heygen_generate_video', { payload: path.relative(hostEnv.workspace, payload.fsPath) });
    const started = factsOf<{ videoId: string; status: string; savesTo: string; title: string }>(text);
    assert.match(text, /^Started HeyGen video [0-9a-f]{32} \("From the agent", v3\); it is waiting\./);
    assert.equal(started.status, 'waiting');
    assert.equal(started.savesTo, path.join(scratch.dir, `agent-${started.videoId}.mp4`));
    assert.ok((await emulator.received()).some((r) => r.sha256 === sha256Of(path.join(scratch.dir, 'bg.png'))), 'the image was uploaded first');
    assert.doesNotMatch((await vscode.workspace.openTextDocument(payload)).getText(), /\.\/bg\.png/, 'and replaced in the payload');

    const waiting = factsOf<{ status: string }>(await caller.invoke('heygen_get_video', { videoId: started.videoId }));
    assert.equal(waiting.status, 'waiting');
    const ended = watchEnd(videos, started.videoId);
    await emulatorVideos.advance(10_000);
    assert.equal(await ended, 'completed');
    const doneText = await caller.invoke('heygen_get_video', { videoId: started.videoId });
    const done = factsOf<{ status: string; durationSeconds: number; file: string }>(doneText);
    assert.equal(done.status, 'completed');
    assert.equal(done.file, started.savesTo);
    assert.ok(done.durationSeconds > 0);
    assert.doesNotMatch(doneText, /https?:\/\//, 'no URL at all once saved');
  });

  test('a video not on this computer is given by its page, never its presigned URL; a body naming local files is refused', async () => {
    const created = await fetch(`${hostEnv.emulatorOrigin}/v3/videos`, {
      method: 'POST',
      headers: { 'x-api-key': hostEnv.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'avatar', avatar_id: look, script: 'Made elsewhere.' }),
    });
    const id = ((await created.json()) as { data: { video_id: string } }).data.video_id;
    await emulatorVideos.advance(10_000);
    const text = await caller.invoke('heygen_get_video', { videoId: id });
    const facts = factsOf<{ status: string; pageUrl?: string; file?: string }>(text);
    assert.equal(facts.status, 'completed');
    assert.equal(facts.pageUrl, `${hostEnv.emulatorOrigin}/videos/${id}`);
    assert.doesNotMatch(text, /signature=|expires=|\.mp4/);

    const refused = await caller.invoke('heygen_generate_video', { body: { type: 'avatar', avatar_id: look, script: 'Hi', background: { type: 'image', url: './bg.png' } } });
    assert.match(refused, /names local files \(\.\/bg\.png\)/);
    assert.equal((await emulatorVideos.requests('/v3/videos')).filter((r) => r.method === 'POST').length, 1, 'only the test\u2019s own video');
  });
});
