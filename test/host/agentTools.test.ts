// The language-model tools inside the real extension host, called the way an agent's extension calls them: from
// another installed extension (test/fixtures/agent-caller) through vscode.lm.tools and vscode.lm.invokeTool only, with
// no chat model. In an extension-test run the workbench approves tool confirmations itself (its dialog service
// "refused to show confirmation dialog in tests" and answers yes), so the confirmation's text is checked by calling
// the upload tool's own prepareInvocation.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatSize } from '../../src/core/base/sizes';
import type { CallerApi } from '../fixtures/agent-caller/extension';
import type { AssetRecord } from '../../src/core/base/assetRecord';
import { keyFingerprint } from '../../src/core/base/contentHash';
import { heygenApi, withUserSetting } from './faultKit';
import { clearApiKey, emulator, fileWhen, hostEnv, sha256Of, revertAndClose, withDeadline } from './hostSupport';
import { WindowSpy } from './windowSpy';
import { silentLogger } from '../../src/core/base/logger';
import { Configuration } from '../../src/vscode/configuration/configuration';
import { UploadAssetsTool } from '../../src/vscode/agentTools/uploadAssetsTool';

const CALLER_ID = 'heygen-test.agent-caller';
const TOOLS = ['heygen_upload_assets', 'heygen_find_assets', 'heygen_asset_fragment'] as const;
const SAMPLE_PNG = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'media', 'sample.png');

interface UploadItem {
  input: string;
  name: string;
  kind?: string;
  assetId?: string;
  url?: string;
  reused?: boolean;
  error?: string;
}
interface UploadFacts {
  endpoint: string;
  uploaded: number;
  failed: number;
  items: UploadItem[];
}

/** The JSON block every result ends with. */
function factsOf<T>(text: string): T {
  const match = /```json\n([\s\S]*)\n```\s*$/.exec(text);
  assert.ok(match, `the result ends with a JSON block:\n${text}`);
  return JSON.parse(match[1]) as T;
}

/** The short lines before the JSON block. */
function linesOf(text: string): string[] {
  return text.slice(0, text.indexOf('```json')).trim().split('\n');
}

suite('Agent tools', () => {
  let caller: CallerApi;
  let scratch: string;
  /** Every result and confirmation text the suite saw, for the secret check at the end. */
  const seen: string[] = [];
  const seeded: string[] = [];

  async function invoke(name: string, input: object): Promise<string> {
    const text = await caller.invoke(name, input);
    seen.push(text);
    return text;
  }

  async function upload(paths: string[]): Promise<string> {
    return invoke('heygen_upload_assets', { paths });
  }

  /** The confirmation the upload tool asks VS Code to show, as the person reads it (VS Code shows it as plain text). */
  async function confirmationFor(paths: string[]): Promise<{ title: string; text: string } | undefined> {
    const api = await heygenApi();
    const tool = new UploadAssetsTool({ upload: api, history: api.history, config: new Configuration(), log: { ...silentLogger, scrub: (t) => t } });
    const prepared = await tool.prepareInvocation({ input: { paths } });
    const messages = prepared.confirmationMessages;
    if (!messages) {
      return undefined;
    }
    // A dialog shows it as plain text: a string, so no Markdown escape can show up as a backslash.
    assert.equal(typeof messages.message, 'string', 'the confirmation is plain text');
    const text = messages.message as string;
    const invocation = prepared.invocationMessage ?? '';
    seen.push(messages.title, text, typeof invocation === 'string' ? invocation : invocation.value);
    return { title: messages.title, text };
  }

  /** The upload tool as VS Code drives it, here called step by step: prepareInvocation, then invoke. */
  async function uploadTool(): Promise<UploadAssetsTool> {
    const api = await heygenApi();
    return new UploadAssetsTool({ upload: api, history: api.history, config: new Configuration(), log: { ...silentLogger, scrub: (t) => t } });
  }

  async function invokeDirectly(tool: UploadAssetsTool, paths: string[]): Promise<string> {
    const result = await tool.invoke({ input: { paths }, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token);
    const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    seen.push(text);
    return text;
  }

  /** A PNG no one has uploaded before (the sample's bytes and random ones after them), so it is really sent. */
  function freshPng(name: string): string {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, Buffer.concat([fs.readFileSync(SAMPLE_PNG), randomBytes(64)]));
    return file;
  }

  suiteSetup(async () => {
    await heygenApi();
    const extension = vscode.extensions.getExtension<CallerApi>(CALLER_ID);
    assert.ok(extension, `the caller extension ${CALLER_ID} is installed next to HeyGen Assets`);
    caller = await extension.activate();
    assert.equal(caller.caller, CALLER_ID, 'the calls come from another extension');
    scratch = path.join(hostEnv.workspace, 'agent-tools');
    fs.mkdirSync(scratch, { recursive: true });
  });

  suiteTeardown(async () => {
    const api = await heygenApi();
    await api.history.remove(seeded);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('vscode.lm.tools lists the three HeyGen tools with the inputs an agent may pass', () => {
    const listed = caller.tools().filter((t) => (TOOLS as readonly string[]).includes(t.name));
    assert.deepEqual(listed.map((t) => t.name).sort(), [...TOOLS].sort());
    // What another extension is told (VS Code takes it from the manifest): checked against what the tools accept.
    type Schema = { required?: string[]; properties: Record<string, { type?: string; enum?: string[]; items?: { type?: string }; maximum?: number }> };
    const byName = new Map(listed.map((t) => [t.name, t.inputSchema as Schema]));
    for (const tool of listed) {
      assert.ok(tool.description.length > 100, `${tool.name} tells the model what it does`);
    }
    const upload = byName.get('heygen_upload_assets')!;
    assert.deepEqual(upload.required, ['paths']);
    assert.deepEqual([upload.properties.paths.type, upload.properties.paths.items?.type], ['array', 'string']);
    const find = byName.get('heygen_find_assets')!;
    assert.deepEqual(Object.keys(find.properties).sort(), ['kind', 'limit', 'query']);
    assert.deepEqual(find.properties.kind.enum, ['image', 'video', 'audio']);
    assert.equal(find.properties.limit.maximum, 200);
    const fragment = byName.get('heygen_asset_fragment')!;
    assert.deepEqual(fragment.required, ['assetId', 'role']);
    assert.deepEqual(fragment.properties.role.enum, ['background', 'talkingPhoto', 'audio']);
    assert.deepEqual(fragment.properties.language.enum, ['json', 'javascript', 'typescript', 'python']);
    assert.deepEqual(fragment.properties.payloadVersion.enum, ['v2', 'v3']);
  });

  test('upload: the confirmation names each file with its size, each URL whole, the endpoint host, and what will not be sent', async () => {
    const file = freshPng('confirmed.png');
    const signed = `${hostEnv.emulatorOrigin}/files/clip.mp4?X-Amz-Signature=topsecret-signature`;
    const confirmation = await confirmationFor(['agent-tools/confirmed.png', signed, 'agent-tools/absent.png', path.join(scratch, 'confirmed.png')]);
    assert.ok(confirmation, 'the upload tool asks for a confirmation');
    assert.equal(confirmation.title, 'Upload to HeyGen?');
    const host = new URL(hostEnv.emulatorOrigin).host;
    const size = fs.statSync(file).size;
    const lines = confirmation.text.split('\n').filter(Boolean);
    assert.deepEqual(lines, [
      `These 2 files are sent to ${host} with your HeyGen API key:`,
      `- agent-tools/confirmed.png (${formatSize(size)})`,
      `- ${signed} (downloaded first, at most 10 MB)`,
      'Not sent: "absent.png" does not exist.',
    ]);
    assert.equal(await confirmationFor(['agent-tools/absent.png', 'ftp://example.com/a.png']), undefined, 'nothing to send, nothing to approve');
  });

  test('upload: through vscode.lm.invokeTool the bytes arrive and the result names the id and URL', async () => {
    const file = freshPng('approved.png');
    const before = (await emulator.received()).length;
    const text = await upload(['agent-tools/approved.png']);
    const received = (await emulator.received()).slice(before);
    assert.equal(received.length, 1, 'one upload reached the emulator');
    assert.equal(received[0].sha256, sha256Of(file), 'exactly the file’s bytes arrived');
    const facts = factsOf<UploadFacts>(text);
    assert.equal(facts.endpoint, new URL(hostEnv.emulatorOrigin).host);
    assert.equal(facts.uploaded, 1);
    const [item] = facts.items;
    assert.equal(item.input, 'agent-tools/approved.png');
    assert.equal(item.name, 'approved.png');
    assert.equal(item.assetId, received[0].id);
    assert.equal(item.reused, false);
    assert.equal(item.kind, 'image');
    assert.ok(item.url && item.url.includes(received[0].id), 'the result gives the asset URL');
    assert.equal(linesOf(text)[0], `approved.png: image asset ${received[0].id}, ${item.url} (uploaded)`);
    assert.ok((await heygenApi()).history.get(received[0].id), 'the upload is in the history, as from the commands');
    seeded.push(received[0].id);
  });

  test('upload: a second call with the same file reuses the asset and sends nothing', async () => {
    const before = (await emulator.received()).length;
    const text = await upload([path.join(scratch, 'approved.png')]);
    const [item] = factsOf<UploadFacts>(text).items;
    assert.equal(item.reused, true, text);
    assert.equal(item.assetId, seeded[0]);
    assert.match(linesOf(text)[0], /\(reused: identical content was uploaded before\)$/);
    assert.equal((await emulator.received()).length, before, 'no request was sent');
  });

  test('upload: a mixed batch answers per item, in order, and the good file still uploads', async () => {
    const good = freshPng('mixed-good.png');
    fs.writeFileSync(path.join(scratch, 'notes.png'), 'these are notes, not a picture\n');
    fs.mkdirSync(path.join(scratch, 'folder'), { recursive: true });
    const before = (await emulator.received()).length;
    const inputs = [
      'agent-tools/mixed-good.png',
      'agent-tools/missing.png',
      'agent-tools/folder',
      'agent-tools/notes.png',
      'ftp://example.com/a.png',
      'https://',
    ];
    const text = await upload(inputs);
    const facts = factsOf<UploadFacts>(text);
    assert.deepEqual(facts.items.map((i) => i.input), inputs);
    const [ok, missing, folder, notes, ftp, badUrl] = facts.items;
    assert.ok(ok.assetId, text);
    assert.equal(missing.error, '"missing.png" does not exist.');
    assert.equal(folder.error, '"folder" is a folder; name the files in it to upload them.');
    assert.match(notes.error ?? '', /^"notes\.png" is named like a PNG file, but its content is not PNG/);
    assert.equal(ftp.error, '"ftp://example.com/a.png" cannot be uploaded: only http and https URLs are supported.');
    assert.equal(badUrl.error, '"https://" is not a valid URL.');
    assert.equal(facts.uploaded, 1);
    assert.equal(facts.failed, 5);
    assert.deepEqual(linesOf(text).slice(1), [
      'missing.png: not uploaded. "missing.png" does not exist.',
      'folder: not uploaded. "folder" is a folder; name the files in it to upload them.',
      `notes.png: not uploaded. ${notes.error}`,
      `ftp://example.com/a.png: not uploaded. ${ftp.error}`,
      `https://: not uploaded. ${badUrl.error}`,
    ]);
    const received = (await emulator.received()).slice(before);
    assert.deepEqual(received.map((r) => r.sha256), [sha256Of(good)], 'only the good file was sent');
    seeded.push(ok.assetId);
  });

  test('upload: a link out of the workspace is confirmed as the real path it leads to, marked, and that file is what arrives', async () => {
    const outside = fs.mkdtempSync(path.join(path.dirname(fs.realpathSync(hostEnv.workspace)), 'outside-'));
    try {
      const target = path.join(outside, 'private.png');
      fs.writeFileSync(target, Buffer.concat([fs.readFileSync(SAMPLE_PNG), randomBytes(64)]));
      fs.symlinkSync(target, path.join(scratch, 'innocent.png'));
      const confirmation = await confirmationFor(['agent-tools/innocent.png']);
      assert.ok(confirmation);
      assert.deepEqual(confirmation.text.split('\n').filter(Boolean), [
        `This file is sent to ${new URL(hostEnv.emulatorOrigin).host} with your HeyGen API key:`,
        `- ${target} (outside the workspace folders) (${formatSize(fs.statSync(target).size)})`,
      ]);
      const before = (await emulator.received()).length;
      const [item] = factsOf<UploadFacts>(await upload(['agent-tools/innocent.png'])).items;
      assert.ok(item.assetId, JSON.stringify(item));
      const received = (await emulator.received()).slice(before);
      assert.deepEqual(received.map((r) => r.sha256), [sha256Of(target)]);
      seeded.push(item.assetId);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('upload: invoke sends only what the confirmation listed, as it was: a file made or changed since is refused', async () => {
    const grows = freshPng('grows.png');
    const late = path.join(scratch, 'late.png');
    const tool = await uploadTool();
    const paths = ['agent-tools/grows.png', 'agent-tools/late.png'];
    const prepared = await tool.prepareInvocation({ input: { paths } });
    assert.match(prepared.confirmationMessages?.message as string, /Not sent: "late\.png" does not exist\./);
    // Between the confirmation and the call: the missing file appears, the listed one changes.
    fs.writeFileSync(late, Buffer.concat([fs.readFileSync(SAMPLE_PNG), randomBytes(64)]));
    fs.appendFileSync(grows, randomBytes(32));
    const before = (await emulator.received()).length;
    const facts = factsOf<UploadFacts>(await invokeDirectly(tool, paths));
    assert.deepEqual(
      facts.items.map((i) => i.error),
      [
        '"grows.png" changed after it was approved (its size or modification time differs), so it was not uploaded; ask again to upload the new version.',
        '"late.png" does not exist.',
      ],
    );
    assert.equal((await emulator.received()).length, before, 'nothing was sent');
  });

  test('upload: an invocation that was never confirmed sends nothing', async () => {
    freshPng('unconfirmed.png');
    const before = (await emulator.received()).length;
    const facts = factsOf<UploadFacts>(await invokeDirectly(await uploadTool(), ['agent-tools/unconfirmed.png']));
    assert.equal(facts.items[0].error, '"unconfirmed.png" was not uploaded: nobody approved this upload.');
    assert.equal((await emulator.received()).length, before, 'nothing was sent');
  });

  test('upload: no paths is a result with the sentence, not an error', async () => {
    const none = factsOf<{ error: string }>(await invoke('heygen_upload_assets', { paths: [] }));
    assert.equal(none.error, 'No files were given: pass "paths", a list of workspace file paths or http(s) URLs.');
    const nothing = factsOf<{ error: string }>(await invoke('heygen_upload_assets', {}));
    assert.equal(nothing.error, none.error);
    const notText = factsOf<UploadFacts>(await invoke('heygen_upload_assets', { paths: [42] }));
    assert.equal(notText.items[0].error, '"42" is not a file path or URL.');
  });

  test('upload: with no key anywhere the person is asked once; declining answers every item with what to do', async () => {
    const file = freshPng('no-key.png');
    const envKey = process.env.HEYGEN_API_KEY;
    const spy = new WindowSpy();
    try {
      delete process.env.HEYGEN_API_KEY;
      await clearApiKey();
      spy.answerInputBoxes(() => undefined);
      const before = (await emulator.received()).length;
      const text = await upload([file, `${hostEnv.emulatorOrigin}/files/none.png`]);
      assert.equal(spy.inputBoxes.length, 1, 'asked for the key once, as the commands do');
      assert.equal(spy.inputBoxes[0].options.password, true);
      assert.deepEqual(
        factsOf<UploadFacts>(text).items.map((i) => i.error),
        ['no-key.png', 'none.png'].map((name) => `No HeyGen API key is set, so "${name}" was not uploaded; the person can set one with the command HeyGen: Set API Key.`),
      );
      assert.equal((await emulator.received()).length, before, 'nothing was sent');
    } finally {
      process.env.HEYGEN_API_KEY = envKey;
      spy.dispose();
    }
  });

  test('upload: cancelling the invocation aborts the upload in flight and records nothing', async () => {
    const file = freshPng('cancelled.png');
    const sha = sha256Of(file);
    await emulator.behave({ mode: 'stall', times: 1 });
    const spy = new WindowSpy();
    const source = new vscode.CancellationTokenSource();
    const call = Promise.resolve(vscode.lm.invokeTool('heygen_upload_assets', { input: { paths: [file] }, toolInvocationToken: undefined }, source.token));
    // Attached now: the rejection arrives before the assertion below awaits it.
    const settled = call.then(
      () => 'resolved',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    // The whole body is on the emulator, which holds its answer back: the upload is in flight.
    await emulator.bodyArrived(sha);
    try {
      const [progress] = spy.progress;
      assert.ok(progress && !progress.done, 'the upload runs under the commands’ progress notification');
      source.cancel();
      // Without the abort the stalled request would wait out the idle timeout (60 s) and its retries.
      assert.match(await withDeadline('the invocation ending after the cancellation', settled, 20_000), /cancel/i);
      await withDeadline('the progress notification closing after the cancellation', progress.finished, 10_000);
    } finally {
      spy.dispose();
    }
    const api = await heygenApi();
    assert.ok(!api.history.all().some((r) => r.sha256 === sha), 'the cancelled upload is not in the history');
  });

  test('upload: a URL with a signed query is downloaded and uploaded, and its query appears nowhere', async () => {
    const api = await heygenApi();
    const served = api.history.get(seeded[0]);
    assert.ok(served, 'an earlier test uploaded an image the emulator serves');
    const signed = `${served.url}?X-Amz-Signature=topsecret-signature&X-Amz-Credential=abc`;
    // The emulator's storage stands in for a public CDN: an agent's URL reaches loopback only with this setting.
    const restore = await withUserSetting('download.allowPrivateNetworks', true);
    const text = await upload([signed]).finally(restore);
    const [item] = factsOf<UploadFacts>(text).items;
    assert.equal(item.input, served.url, 'the input is echoed without its query');
    assert.equal(item.reused, true, 'the same bytes as the earlier upload: reused');
    assert.ok(!text.includes('topsecret'), text);
  });

  test('find: returns what the history holds, newest first, by name, source file, id or URL, and by kind', async () => {
    const api = await heygenApi();
    const now = Date.now();
    const make = (id: string, name: string, fileType: AssetRecord['fileType'], age: number): AssetRecord => ({
      id,
      name,
      fileType,
      mime: fileType === 'audio' ? 'audio/mpeg' : fileType === 'video' ? 'video/mp4' : 'image/png',
      url: `https://resource.heygen.ai/${id}/file`,
      imageKey: null,
      createdTs: Math.floor((now - age) / 1000),
      sourcePath: path.join(hostEnv.workspace, `Source-${id}.bin`),
      size: 2048,
      sha256: id.padEnd(64, '0').slice(0, 64),
      uploadedAt: now - age,
      keyFingerprint: 'agent-tools-tests',
    });
    const records = [make('agentfind1', 'Harbour Dawn.png', 'image', 3000), make('agentfind2', 'harbour-voice.mp3', 'audio', 2000), make('agentfind3', 'Harbour Drone.mp4', 'video', 1000)];
    for (const r of records) {
      await api.history.add(r);
      seeded.push(r.id);
    }
    type Found = { count: number; assets: Array<{ assetId: string; name: string; kind: string; url: string; source?: string }> };
    const byName = factsOf<Found>(await invoke('heygen_find_assets', { query: 'HARBOUR' }));
    assert.deepEqual(byName.assets.map((a) => a.assetId), ['agentfind3', 'agentfind2', 'agentfind1'], 'newest first, case-insensitive');
    assert.deepEqual(byName.assets[2], {
      name: 'Harbour Dawn.png',
      kind: 'image',
      assetId: 'agentfind1',
      url: 'https://resource.heygen.ai/agentfind1/file',
      source: path.join(hostEnv.workspace, 'Source-agentfind1.bin'),
      size: 2048,
      uploadedAt: new Date(records[0].uploadedAt).toISOString(),
      from: 'history',
    });
    assert.deepEqual(factsOf<Found>(await invoke('heygen_find_assets', { query: 'source-agentfind2' })).assets.map((a) => a.assetId), ['agentfind2'], 'by source file name');
    assert.deepEqual(factsOf<Found>(await invoke('heygen_find_assets', { query: 'agentfind1' })).assets.map((a) => a.assetId), ['agentfind1'], 'by id');
    assert.deepEqual(factsOf<Found>(await invoke('heygen_find_assets', { query: 'heygen.ai/agentfind3/' })).assets.map((a) => a.assetId), ['agentfind3'], 'by URL');
    assert.deepEqual(factsOf<Found>(await invoke('heygen_find_assets', { query: 'harbour', kind: 'audio' })).assets.map((a) => a.assetId), ['agentfind2'], 'by kind');
    assert.deepEqual(factsOf<Found>(await invoke('heygen_find_assets', { query: 'harbour', limit: 1 })).assets.map((a) => a.assetId), ['agentfind3'], 'limit');
    const everything = factsOf<Found>(await invoke('heygen_find_assets', { limit: 200 }));
    assert.deepEqual(everything.assets.map((a) => a.assetId), api.history.all().slice(0, 200).map((r) => r.id), 'no query: the whole history, newest first');
    const none = await invoke('heygen_find_assets', { query: 'no-such-asset-anywhere' });
    assert.equal(factsOf<Found>(none).count, 0);
    assert.match(linesOf(none)[0], /No uploaded asset matches "no-such-asset-anywhere"/);
    assert.match(factsOf<{ error: string }>(await invoke('heygen_find_assets', { kind: 'font' })).error, /"kind" must be/);
  });

  /** What Insert as Background writes into a new, empty file of `language`, once the snippet is left. */
  async function insertedByInsertBackground(record: AssetRecord, language: string): Promise<string> {
    const document = await vscode.workspace.openTextDocument({ language, content: '' });
    await vscode.window.showTextDocument(document);
    const inserted = await vscode.commands.executeCommand<boolean>('heygen.insertBackground', { type: 'asset', record });
    assert.equal(inserted, true, 'Insert as Background applied its edit');
    await vscode.commands.executeCommand('leaveSnippet');
    const text = document.getText();
    await revertAndClose(document);
    return text;
  }

  for (const language of ['json', 'javascript', 'typescript', 'python'] as const) {
    test(`fragment: a background in ${language} equals what Insert as Background writes for the same asset`, async () => {
      const api = await heygenApi();
      const record = api.history.get(seeded[0])!;
      const text = await invoke('heygen_asset_fragment', { assetId: record.id, role: 'background', language });
      const facts = factsOf<{ fragment: string; assetId: string; shape: string }>(text);
      assert.equal(facts.assetId, record.id);
      assert.equal(facts.fragment, await insertedByInsertBackground(record, language));
      assert.ok(facts.fragment.includes(record.url));
    });
  }

  test('fragment: v3 is the property Insert as Background adds to a v3 body', async () => {
    const api = await heygenApi();
    const record = api.history.get(seeded[0])!;
    const facts = factsOf<{ fragment: string; shape: string }>(await invoke('heygen_asset_fragment', { assetId: record.id, role: 'background', payloadVersion: 'v3' }));
    assert.equal(facts.shape, 'property');
    const body = '{\n    "type": "avatar",\n    "avatar_id": "josh_lite3_20230714"\n}\n';
    const document = await vscode.workspace.openTextDocument({ language: 'json', content: body });
    const editor = await vscode.window.showTextDocument(document);
    const end = document.positionAt(body.indexOf('"josh_lite3_20230714"') + '"josh_lite3_20230714"'.length);
    editor.selection = new vscode.Selection(end, end);
    assert.equal(await vscode.commands.executeCommand('heygen.insertBackground', { type: 'asset', record }), true);
    await vscode.commands.executeCommand('leaveSnippet');
    const text = document.getText();
    await revertAndClose(document);
    // Insert puts the property on its own line, indented like the body's other members.
    assert.ok(text.includes(`,\n    ${facts.fragment.replace(/\n/g, '\n    ')}\n}`), `${facts.fragment}\nis not what Insert wrote:\n${text}`);
    // heygen.snippet.reference's default, auto, points at the asset by id in a v3 body (HeyGen's advice).
    assert.deepEqual((JSON.parse(text) as { background: unknown }).background, { type: 'image', asset_id: record.id });
  });

  test('fragment: with heygen.snippet.reference set to assetId it follows the setting, as Insert does', async () => {
    const api = await heygenApi();
    const record = api.history.get(seeded[0])!;
    const section = vscode.workspace.getConfiguration('heygen');
    await section.update('snippet.reference', 'assetId', vscode.ConfigurationTarget.Global);
    try {
      const facts = factsOf<{ fragment: string }>(await invoke('heygen_asset_fragment', { assetId: record.id, role: 'background' }));
      assert.equal(facts.fragment, await insertedByInsertBackground(record, 'json'));
      assert.deepEqual((JSON.parse(facts.fragment) as { background: unknown }).background, { type: 'image', image_asset_id: record.id });
    } finally {
      await section.update('snippet.reference', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('fragment: an unknown asset id, a role the asset cannot play and a bad role are sentences', async () => {
    const unknown = factsOf<{ error: string }>(await invoke('heygen_asset_fragment', { assetId: 'no-such-asset', role: 'background' }));
    assert.equal(unknown.error, 'No asset with the id "no-such-asset" is in the upload history or the library; heygen_find_assets lists the known ones.');
    const image = seeded[0];
    const mismatch = factsOf<{ error: string }>(await invoke('heygen_asset_fragment', { assetId: image, role: 'audio' }));
    assert.match(mismatch.error, /is not an audio file; audio needs an MP3 or WAV file\.$/);
    const badRole = factsOf<{ error: string }>(await invoke('heygen_asset_fragment', { assetId: image, role: 'foreground' }));
    assert.match(badRole.error, /"role" must be/);
  });

  test('another extension uploads a workspace image, finds it again and gets its background fragment', async () => {
    const file = freshPng('done-when.png');
    const uploaded = await upload(['agent-tools/done-when.png']);
    const [item] = factsOf<UploadFacts>(uploaded).items;
    assert.ok(item.assetId, uploaded);
    seeded.push(item.assetId);
    const [received] = (await emulator.received()).filter((r) => r.id === item.assetId);
    assert.equal(received.sha256, sha256Of(file));

    const found = factsOf<{ assets: Array<{ assetId: string; url: string }> }>(await invoke('heygen_find_assets', { query: 'done-when' }));
    assert.deepEqual(found.assets.map((a) => a.assetId), [item.assetId]);
    assert.equal(found.assets[0].url, item.url);

    const fragment = factsOf<{ fragment: string }>(await invoke('heygen_asset_fragment', { assetId: found.assets[0].assetId, role: 'background' })).fragment;
    const record = (await heygenApi()).history.get(item.assetId)!;
    assert.equal(fragment, await insertedByInsertBackground(record, 'json'));
    const parsed = JSON.parse(fragment) as { background: { type: string; url: string } };
    assert.deepEqual(parsed.background, { type: 'image', url: item.url });
  });

  test('the HeyGen log holds neither the key, its fingerprint nor a signed link’s query', async () => {
    const logFile = path.join(caller.logsFolder, 'heygen-assets.heygen-assets', 'HeyGen.log');
    const doneWhen = seeded[seeded.length - 1];
    // The channel writes behind the calls, from another process: wait for the line of the last upload.
    const text = await fileWhen(`${logFile} to hold the last upload`, logFile, (content) => (content?.includes(`as asset ${doneWhen}`) ? content : undefined));
    assert.match(text, /Agent tool: uploading 0 file\(s\) and 1 URL\(s\)\./, 'the log has the agent’s call with the signed URL');
    assert.ok(!text.includes('topsecret'), 'a signed link’s query reached the log');
    assert.ok(!text.includes(hostEnv.apiKey), 'the key reached the log');
    assert.ok(!text.includes(keyFingerprint(hostEnv.apiKey)), 'the key fingerprint reached the log');
  });

  test('no result or confirmation holds the API key or its fingerprint', () => {
    assert.ok(seen.length >= 20, `the suite saw its results (${seen.length})`);
    const key = hostEnv.apiKey;
    const fingerprint = keyFingerprint(key);
    for (const text of seen) {
      assert.ok(!text.includes(key), 'a result holds the key');
      assert.ok(!text.includes(fingerprint), 'a result holds the key fingerprint');
    }
  });
});
