// Issue 24 inside the real extension host, against the emulator's catalogue (36 looks, 48 voices, group 1 the
// account's photo avatars): the lists are fetched when first needed and again on Refresh; completion in v3 and v2
// avatar, talking-photo and voice strings inserts real ids; hovers and warnings; the pickers; the agent tool; a photo
// avatar made from an uploaded image (consent page included) whose id lands in the payload. What is asserted is what
// the person gets: the editor's text, the suggestions, hovers, problems and messages, and what reached the emulator.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { HeyGenTestApi } from '../../src/vscode/api';
import type { AvatarsTestApi } from '../../src/vscode/avatars/avatarService';
import type { LibraryNode } from '../../src/vscode/library/libraryTreeView';
import type { RecordedRequest } from '../emulator/heygenEmulator';
import type { QuickPickShown } from '../../src/vscode/ui/quickPicks';
import { heygenApi, scratchFolder, withUserSetting } from './faultKit';
import { emulator, hostEnv, nextQuickPick, sha256Of, whenEvent, workspaceFile } from './hostSupport';
import { emulatorV3 } from './v3Support';
import { LEAVE_OPEN, WindowSpy, type ShownMessage } from './windowSpy';

interface EmuLook {
  id: string;
  name: string;
  avatar_type: string;
  supported_api_engines: string[];
  group_id: string;
  status?: string;
}
interface EmuVoice {
  voice_id: string;
  name: string;
  language: string;
}

async function control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${hostEnv.emulatorOrigin}${path}`, {
    method,
    headers: { 'x-api-key': hostEnv.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`emulator ${path} answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as T;
}

/** The emulator's catalogue, asked directly (as HeyGen's web app would show it), to compare with what the editor offers. */
const catalogue = {
  looks: async (query: string): Promise<EmuLook[]> => (await control<{ data: EmuLook[] }>('GET', `/v3/avatars/looks?limit=50&${query}`)).data,
  voices: async (): Promise<EmuVoice[]> => (await control<{ data: EmuVoice[] }>('GET', '/v3/voices?limit=5')).data,
  /** The extension's requests under `prefix` (the test's own, which filter by type, left out). */
  requests: async (prefix: string): Promise<RecordedRequest[]> =>
    (await control<RecordedRequest[]>('GET', `/__emulator/requests?path=${encodeURIComponent(prefix)}`)).filter((r) => r.query.avatar_type === undefined && r.query.limit !== '5'),
};

function avatarsOf(heygen: HeyGenTestApi): AvatarsTestApi {
  if (!heygen.avatars) {
    throw new Error('the extension exposes no avatars test API (is this an extension test run?)');
  }
  return heygen.avatars;
}

/** Resolves once the catalogue holds a complete listing (on its change events). */
function listed(avatars: AvatarsTestApi): Promise<{ looks: number; voices: number }> {
  return whenEvent('a complete listing of looks and voices', avatars.onDidChange, () => {
    const state = avatars.state();
    return state?.complete && !state.loading ? state : undefined;
  });
}

function positionIn(document: vscode.TextDocument, text: string, delta: number): vscode.Position {
  const at = document.getText().indexOf(text);
  assert.ok(at >= 0, `${text} is in the document`);
  return document.positionAt(at + delta);
}

function completion(document: vscode.TextDocument, at: vscode.Position): Thenable<vscode.CompletionList> {
  return vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, at);
}

async function hoverText(document: vscode.TextDocument, at: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

/** Applies a suggestion as accepting it does: its replacing range gets its insert text. */
async function accept(editor: vscode.TextEditor, item: vscode.CompletionItem): Promise<void> {
  const range = item.range && 'replacing' in item.range ? item.range.replacing : (item.range as vscode.Range);
  assert.ok(range, `${labelOf(item)} has a range`);
  assert.equal(typeof item.insertText, 'string', 'a plain id is inserted');
  assert.ok(await editor.edit((b) => b.replace(range, item.insertText as string)));
}

/** Hover Markdown as the person reads it: escapes and non-breaking spaces undone. */
function readable(markdown: string): string {
  return markdown.replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'HeyGen' && typeof d.code === 'string' && /^unknown|^unsupported/.test(d.code));
}

suite('Avatars and voices: lists, completion, hover, pickers, photo avatars', () => {
  let heygen: HeyGenTestApi;
  let avatars: AvatarsTestApi;
  let spy: WindowSpy;
  let scratch: ReturnType<typeof scratchFolder>;
  const restore: Array<() => Promise<void> | void> = [];

  suiteSetup(async () => {
    heygen = await heygenApi();
    avatars = avatarsOf(heygen);
  });

  setup(async () => {
    await emulator.reset();
    spy = new WindowSpy();
    restore.push(await withUserSetting('apiBaseUrl', emulatorV3.apiBaseUrl));
    await avatars.forgetAll();
    scratch = scratchFolder('avatars');
  });

  teardown(async () => {
    spy.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const undo of restore.splice(0).reverse()) {
      await undo();
    }
    // The editor may still be writing a just-closed payload (1.139 saved one while the folder went: ENOTEMPTY), so
    // the removal retries instead of failing the suite.
    fs.rmSync(scratch.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    await emulator.reset();
  });

  async function openPayload(name: string, text: string): Promise<vscode.TextEditor> {
    const file = scratch.file(name);
    fs.writeFileSync(file.fsPath, text);
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  }

  test('the lists are fetched when completion first needs them (a Loading row meanwhile), then cached; Refresh lists again', async () => {
    const editor = await openPayload('first.json', '{"type": "avatar", "avatar_id": "", "voice_id": "", "script": "Hi"}\n');
    assert.equal((await catalogue.requests('/v3/avatars/looks')).length, 0, 'opening a payload lists nothing');
    const inAvatar = positionIn(editor.document, '"avatar_id": ""', 14);
    const whole = listed(avatars);
    const first = await completion(editor.document, inAvatar);
    assert.ok(
      first.items.some((i) => labelOf(i) === 'Loading avatars…'),
      `the first answer comes at once, with a Loading row: ${first.items.map(labelOf).join(', ')}`,
    );
    assert.equal(first.isIncomplete, true, 'asked again as the person types, until the lists are whole');
    const state = await whole;
    assert.deepEqual([state.looks, state.voices], [36, 48], 'every look and voice of the account');
    const looksAsked = (await catalogue.requests('/v3/avatars/looks')).length;
    assert.ok(looksAsked >= 1, 'the looks were listed over HTTP');

    const second = await completion(editor.document, inAvatar);
    const studio = (await catalogue.looks('avatar_type=studio_avatar'))[0];
    assert.ok(second.items.some((i) => labelOf(i) === studio.name), `the account's looks are offered: ${second.items.slice(0, 5).map(labelOf).join(', ')}`);
    assert.ok(!second.items.some((i) => labelOf(i) === 'Loading avatars…'));
    assert.equal((await catalogue.requests('/v3/avatars/looks')).length, looksAsked, 'answered from the cache: no new listing');

    const refreshed = await vscode.commands.executeCommand<{ looks: number; voices: number; complete: boolean }>('heygen.refreshAvatarsAndVoices');
    assert.deepEqual({ looks: refreshed.looks, voices: refreshed.voices, complete: refreshed.complete }, { looks: 36, voices: 48, complete: true });
    assert.ok((await catalogue.requests('/v3/avatars/looks')).length > looksAsked, 'Refresh listed again');
    assert.ok((await catalogue.requests('/v3/voices')).length >= 2, 'public and private voices');
  });

  test('completion inserts a look and a voice in a v3 body, and in a v2 character and voice; talking_photo_id offers photo avatars', async () => {
    await vscode.commands.executeCommand('heygen.refreshAvatarsAndVoices');
    const studio = (await catalogue.looks('avatar_type=studio_avatar'))[0];
    const photos = await catalogue.looks('avatar_type=photo_avatar');
    const [voice] = await catalogue.voices();

    const v3 = await openPayload('v3.json', '{\n  "type": "avatar",\n  "avatar_id": "",\n  "voice_id": "",\n  "script": "Hello"\n}\n');
    // Typed: the first word of the look's name; the suggestions are filtered by it and the id replaces it.
    const typed = studio.name.split(' ')[0];
    await v3.edit((b) => b.insert(positionIn(v3.document, '"avatar_id": ""', 14), typed));
    const looks = await completion(v3.document, positionIn(v3.document, `"avatar_id": "${typed}"`, 14 + typed.length));
    const look = looks.items.find((i) => labelOf(i) === studio.name);
    assert.ok(look, `the typed name finds the look: ${looks.items.slice(0, 5).map(labelOf).join(', ')}`);
    assert.match(String(look.detail), /Studio avatar/i);
    await accept(v3, look);
    const voices = await completion(v3.document, positionIn(v3.document, '"voice_id": ""', 13));
    const spoken = voices.items.find((i) => labelOf(i) === voice.name);
    assert.ok(spoken, 'the voices are offered in voice_id');
    assert.ok(String(spoken.detail).includes(voice.language), `the detail names the language: ${spoken.detail}`);
    assert.ok(!voices.items.some((i) => labelOf(i) === studio.name), 'no look in a voice_id');
    await accept(v3, spoken);
    const body = JSON.parse(v3.document.getText()) as Record<string, string>;
    assert.equal(body.avatar_id, studio.id);
    assert.equal(body.voice_id, voice.voice_id);

    const v2 = await openPayload(
      'v2.json',
      JSON.stringify({
        video_inputs: [
          { character: { type: 'avatar', avatar_id: '' }, voice: { type: 'text', voice_id: '', input_text: 'Hi' } },
          { character: { type: 'talking_photo', talking_photo_id: '' }, voice: { type: 'text', voice_id: voice.voice_id, input_text: 'Hi' } },
        ],
      }),
    );
    const v2Looks = await completion(v2.document, positionIn(v2.document, '"avatar_id":""', 13));
    await accept(v2, v2Looks.items.find((i) => labelOf(i) === studio.name)!);
    const v2Voices = await completion(v2.document, positionIn(v2.document, '"voice_id":""', 12));
    await accept(v2, v2Voices.items.find((i) => labelOf(i) === voice.name)!);
    const photoItems = await completion(v2.document, positionIn(v2.document, '"talking_photo_id":""', 20));
    const ours = photoItems.items.filter((i) => photos.some((p) => p.name === labelOf(i)));
    assert.deepEqual(ours.map(labelOf).sort(), photos.map((p) => p.name).sort(), 'the photo avatars are offered for a talking photo');
    assert.ok(!photoItems.items.some((i) => labelOf(i) === studio.name), 'a studio avatar is no talking photo');
    await accept(v2, ours[0]);
    const items = (JSON.parse(v2.document.getText()) as { video_inputs: Array<{ character: Record<string, string>; voice: Record<string, string> }> }).video_inputs;
    assert.equal(items[0].character.avatar_id, studio.id);
    assert.equal(items[0].voice.voice_id, voice.voice_id);
    assert.equal(items[1].character.talking_photo_id, photos.find((p) => p.name === labelOf(ours[0]))!.id);
  });

  test('hover shows the look (names as text) and says when the account has no such id; unknown ids and engines are warnings', async () => {
    // A look whose name is Markdown and a command link: the hover must show it as text.
    const image = await uploadImage('hover-source.png');
    const hostile = '**Bold** [run](command:workbench.action.quit) <b>x</b>';
    await control('POST', '/v3/avatars', { type: 'photo', name: hostile, file: { type: 'asset_id', asset_id: image } });
    await vscode.commands.executeCommand('heygen.refreshAvatarsAndVoices');
    const studio = (await catalogue.looks('avatar_type=studio_avatar'))[0];
    const photo = (await catalogue.looks('avatar_type=photo_avatar')).find((l) => l.name === hostile)!;
    const [voice] = await catalogue.voices();
    const editor = await openPayload(
      'hover.json',
      JSON.stringify({ items: [
        { type: 'avatar', avatar_id: studio.id, voice_id: voice.voice_id, script: 'a', engine: { type: 'avatar_v' } },
        { type: 'avatar', avatar_id: photo.id, voice_id: 'no-such-voice', script: 'b' },
        { type: 'avatar', avatar_id: 'no-such-look', voice_id: voice.voice_id, script: 'c' },
      ] }),
    );
    const document = editor.document;
    const lookHover = await hoverText(document, positionIn(document, studio.id, 2));
    assert.ok(readable(lookHover).includes(`**${studio.name}** — `), lookHover);
    assert.ok(readable(lookHover).includes('Engines: avatar_iv, avatar_iii'), lookHover);
    const voiceHover = readable(await hoverText(document, positionIn(document, voice.voice_id, 2)));
    assert.ok(voiceHover.includes(`**${voice.name}** — `) && voiceHover.includes(voice.language), voiceHover);
    assert.match(voiceHover, /\[Play preview audio\]\(<?http/);
    const hostileHover = await hoverText(document, positionIn(document, photo.id, 2));
    assert.ok(!hostileHover.includes('](command:workbench.action.quit)'), `no live command link: ${hostileHover}`);
    assert.ok(!hostileHover.includes('**Bold**'), `no bold from the server: ${hostileHover}`);
    assert.ok(!/<b>/i.test(hostileHover), `no HTML from the server: ${hostileHover}`);
    assert.ok(readable(hostileHover).includes(hostile), `the name is shown as it is: ${hostileHover}`);
    assert.match(await hoverText(document, positionIn(document, 'no-such-look', 2)), /has no avatar look with this id/);

    const problems = await whenEvent('the avatar warnings', vscode.languages.onDidChangeDiagnostics, () => {
      const found = ourDiagnostics(document.uri);
      return found.length === 3 ? found : undefined;
    });
    assert.ok(problems.every((d) => d.severity === vscode.DiagnosticSeverity.Warning), 'warnings, never errors');
    const byCode = new Map(problems.map((d) => [d.code as string, d]));
    assert.match(byCode.get('unsupportedEngine')!.message, /does not support the engine avatar_v; it supports avatar_iv, avatar_iii/);
    assert.equal(document.getText(byCode.get('unsupportedEngine')!.range), '"avatar_v"');
    assert.equal(document.getText(byCode.get('unknownVoice')!.range), '"no-such-voice"');
    assert.equal(document.getText(byCode.get('unknownAvatar')!.range), '"no-such-look"');
  });

  test('Insert Avatar… and Insert Voice… insert the picked id at the cursor, or the whole field; Play Voice Preview opens the audio', async () => {
    await vscode.commands.executeCommand('heygen.refreshAvatarsAndVoices');
    const studio = (await catalogue.looks('avatar_type=studio_avatar'))[0];
    const [voice] = await catalogue.voices();
    const editor = await openPayload('pick.json', '{\n  "type": "avatar",\n  "avatar_id": "",\n  "script": "Hi"\n}\n');
    editor.selection = new vscode.Selection(positionIn(editor.document, '"avatar_id": ""', 14), positionIn(editor.document, '"avatar_id": ""', 14));
    const shown = nextQuickPick(heygen);
    const picking = vscode.commands.executeCommand('heygen.insertAvatar');
    await pickRow(await shown, 'Insert Avatar', studio.name);
    assert.equal(await picking, true);
    // The body had no voice_id: the cursor is outside any, so the whole field is written.
    editor.selection = new vscode.Selection(positionIn(editor.document, '"script"', 0), positionIn(editor.document, '"script"', 0));
    const voiceShown = nextQuickPick(heygen);
    const pickingVoice = vscode.commands.executeCommand('heygen.insertVoice');
    await pickRow(await voiceShown, 'Insert Voice', voice.name);
    assert.equal(await pickingVoice, true);
    const body = JSON.parse(editor.document.getText()) as Record<string, string>;
    assert.equal(body.avatar_id, studio.id);
    assert.equal(body.voice_id, voice.voice_id);

    // Play Voice Preview on the voice under the cursor opens its preview audio outside the editor.
    const opened: string[] = [];
    const env = vscode.env as unknown as { openExternal: (uri: vscode.Uri) => Thenable<boolean> };
    const original = env.openExternal;
    env.openExternal = (uri) => {
      opened.push(uri.toString(true));
      return Promise.resolve(true);
    };
    restore.push(() => {
      env.openExternal = original;
    });
    const at = positionIn(editor.document, voice.voice_id, 1);
    editor.selection = new vscode.Selection(at, at);
    const url = await vscode.commands.executeCommand<string>('heygen.playVoicePreview');
    assert.ok(url, 'the voice has a preview');
    assert.deepEqual(opened, [vscode.Uri.parse(url).toString(true)]);
  });

  test('Insert Avatar… with the cursor outside a file of two bodies copies the id and says where to put the cursor', async () => {
    await vscode.commands.executeCommand('heygen.refreshAvatarsAndVoices');
    const studio = (await catalogue.looks('avatar_type=studio_avatar'))[0];
    const text = '[\n  {"type": "avatar", "avatar_id": ""},\n  {"type": "avatar", "avatar_id": ""}\n]\n';
    const editor = await openPayload('two.json', text);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    spy.answerMessages(() => undefined);
    const shown = nextQuickPick(heygen);
    const picking = vscode.commands.executeCommand('heygen.insertAvatar');
    await pickRow(await shown, 'Insert Avatar', studio.name);
    assert.equal(await picking, false);
    assert.equal(editor.document.getText(), text, 'the file is left as it was');
    assert.equal(await vscode.env.clipboard.readText(), studio.id);
    assert.equal(spy.messages.at(-1)?.message, `Put the cursor inside the body or item the id belongs to; the id ${studio.id} was copied to the clipboard.`);
  });

  test('heygen_find_avatars_and_voices finds looks and voices by name, kind, gender and language', async () => {
    const studio = (await catalogue.looks('avatar_type=studio_avatar'))[0];
    const [voice] = await catalogue.voices();
    const invoke = async (input: object): Promise<string> => {
      const result = await vscode.lm.invokeTool('heygen_find_avatars_and_voices', { input, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token);
      return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
    };
    const looks = await invoke({ query: studio.name, kind: 'avatar' });
    assert.ok(looks.includes(studio.id), `the look's id is returned: ${looks}`);
    assert.ok(looks.includes('avatar_iv'), 'with its engines');
    assert.ok(!looks.includes(voice.voice_id), 'no voices when only avatars are asked for');
    const voices = await invoke({ kind: 'voice', language: voice.language, limit: 100 });
    assert.ok(voices.includes(voice.voice_id), `the voice is found by its language: ${voices.slice(0, 300)}`);
  });

  /** Moves the real quick pick's selection down to the row named `name` and accepts it, as the keyboard does. */
  async function pickRow(shown: QuickPickShown, title: string, name: string): Promise<void> {
    assert.equal(shown.title, title);
    const index = shown.items.indexOf(name);
    assert.ok(index >= 0, `${name} is a row of ${title}: ${shown.items.slice(0, 5).join(', ')}…`);
    for (let i = 0; i < index; i++) {
      await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    }
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }

  /** The Assets view's row of an upload, as its context menu passes it to a command. */
  async function historyNode(id: string): Promise<unknown> {
    const tree = heygen.assetTree;
    const walk = async (parent?: Parameters<typeof tree.getTreeItem>[0]): Promise<unknown> => {
      for (const node of (await tree.getChildren(parent)) ?? []) {
        if ((node as { record?: { id?: string } }).record?.id === id) {
          return node;
        }
        const found = node.type === 'group' ? await walk(node) : undefined;
        if (found) {
          return found;
        }
      }
      return undefined;
    };
    const node = await walk();
    assert.ok(node, `the upload ${id} is a row of the Assets view`);
    return node;
  }

  async function uploadImage(name: string): Promise<string> {
    const file = scratch.file(name);
    fs.writeFileSync(file.fsPath, Buffer.concat([fs.readFileSync(workspaceFile('sample.png').fsPath), randomBytes(64)]));
    const result = await heygen.upload([file], { quiet: true });
    const record = result.succeeded[0]?.record;
    assert.ok(record, 'the image was uploaded');
    return record.id;
  }

  test('Create Photo Avatar on a history image: consent page, training progress, the new look in completion, its id inserted', async () => {
    const assetId = await uploadImage('portrait.png');
    await control('POST', '/__emulator/avatars/consent', { required: true });
    await control('POST', '/__emulator/avatars/training', { ms: 0 });
    // A v2 talking photo that names the uploaded image itself: its hover offers to make a photo avatar of it.
    const v2 = await openPayload('talking.json', JSON.stringify({ video_inputs: [{ character: { type: 'talking_photo', talking_photo_id: assetId } }] }));
    const offer = await hoverText(v2.document, positionIn(v2.document, assetId, 2));
    assert.ok(offer.includes('(command:heygen.createPhotoAvatar?'), `the hover offers Create Photo Avatar: ${offer}`);
    assert.ok(decodeURIComponent(offer).includes(`"assetId":"${assetId}"`), 'for this image');
    const editor = await openPayload('photo.json', '{\n  "type": "avatar",\n  "avatar_id": "",\n  "script": "Hi"\n}\n');
    const inAvatar = positionIn(editor.document, '"avatar_id": ""', 14);
    editor.selection = new vscode.Selection(inAvatar, inAvatar);

    const opened: string[] = [];
    const env = vscode.env as unknown as { openExternal: (uri: vscode.Uri) => Thenable<boolean> };
    const original = env.openExternal;
    // Opening the consent page is what approves it at HeyGen: the emulator's page records consent when fetched.
    env.openExternal = async (uri) => {
      opened.push(uri.toString(true));
      await fetch(uri.toString(true));
      return true;
    };
    restore.push(() => {
      env.openExternal = original;
    });
    const node = await historyNode(assetId);
    spy.answerInputBoxes(() => 'Presenter');
    const respond = (m: ShownMessage): string | typeof LEAVE_OPEN =>
      /needs your consent/.test(m.message) ? 'Open Consent Page' : /is ready/.test(m.message) ? 'Insert into Payload' : LEAVE_OPEN;
    spy.answerMessages(respond, respond, respond, respond, respond);
    const inserted = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === editor.document && e.document.getText().includes('"avatar_id": "') && !e.document.getText().includes('"avatar_id": ""')) {
          sub.dispose();
          resolve();
        }
      });
    });
    const result = await vscode.commands.executeCommand<{ avatarId: string; groupId: string; ready: boolean }>('heygen.createPhotoAvatar', node);
    assert.equal(result.ready, true);
    assert.equal(opened.length, 1, 'the consent page was opened');
    assert.match(opened[0], new RegExp(`/consent/${result.groupId}$`));
    const created = (await catalogue.requests('/v3/avatars')).filter((r) => r.method === 'POST' && r.path === '/v3/avatars');
    assert.deepEqual(created[0].body, { type: 'photo', name: 'Presenter', file: { type: 'asset_id', asset_id: assetId } });
    assert.ok(spy.progress.some((p) => p.title === 'Photo avatar "Presenter"' && p.reports.length > 0), 'training progress was shown');
    await inserted;
    assert.equal((JSON.parse(editor.document.getText()) as Record<string, string>).avatar_id, result.avatarId);

    const photos = await completion(editor.document, positionIn(editor.document, '"avatar_id": "', 14));
    assert.ok(photos.items.some((i) => labelOf(i) === 'Presenter'), 'the new look is offered at once');
  });

  /** The `when` clauses of the entries of `menu` that offer Create Photo Avatar… (none: not in that menu). */
  function photoAvatarMenus(menu: string): string[] {
    const manifest = vscode.extensions.getExtension('heygen-assets.heygen-assets')?.packageJSON as {
      contributes: { menus: Record<string, Array<{ command: string; when?: string }>> };
    };
    return (manifest.contributes.menus[menu] ?? []).filter((item) => item.command === 'heygen.createPhotoAvatar').map((item) => item.when ?? 'true');
  }

  /** The SHA-256 of the bytes HeyGen stored for an upload (v1 or v3). */
  async function storedSha(assetId: string): Promise<string | undefined> {
    return (await emulator.received()).find((r) => r.id === assetId && r.status === 200)?.sha256 ?? (await emulatorV3.assets()).find((a) => a.id === assetId)?.sha256;
  }

  /**
   * Runs Create Photo Avatar as an entry point starts it (`start`), names it `name`, presses Insert into Payload on
   * the ready notification, and checks what the person gets: HeyGen asked to make a photo avatar of `assetId`
   * (when known beforehand), the training notification, the ready message with the id, the id in the payload.
   */
  async function createAndInsert(name: string, start: () => Thenable<unknown>, assetId?: string): Promise<{ avatarId: string; assetId: string; prompt: string }> {
    await control('POST', '/__emulator/avatars/training', { ms: 0 });
    const editor = await openPayload(`${name}.json`, '{\n  "type": "avatar",\n  "avatar_id": "",\n  "script": "Hi"\n}\n');
    const inAvatar = positionIn(editor.document, '"avatar_id": ""', 14);
    editor.selection = new vscode.Selection(inAvatar, inAvatar);
    let prompt = '';
    spy.answerInputBoxes((options) => {
      prompt = String(options.prompt);
      return name;
    });
    const readyText = `The photo avatar "${name}" is ready: `;
    // Any photo avatar's ready message is answered so (a responder left over from an earlier run answers alike).
    const respond = (m: ShownMessage): string | typeof LEAVE_OPEN => (/^The photo avatar ".*" is ready: /.test(m.message) ? 'Insert into Payload' : LEAVE_OPEN);
    spy.answerMessages(respond, respond);
    const inserted = whenEvent('the id in the payload', vscode.workspace.onDidChangeTextDocument, () => /"avatar_id": "([^"]+)"/.exec(editor.document.getText())?.[1]);
    // Awaited below; a run that fails before then must not leave its timeout as an unhandled rejection.
    inserted.catch(() => undefined);
    const result = (await start()) as { avatarId: string; ready: boolean } | undefined;
    assert.ok(result, `the command made a photo avatar: ${spy.describe()}`);
    assert.equal(result.ready, true);
    const posts = (await catalogue.requests('/v3/avatars')).filter((r) => r.method === 'POST' && r.path === '/v3/avatars');
    assert.equal(posts.length, 1, 'one photo avatar was asked for');
    const body = posts[0].body as { type: string; name: string; file: { type: string; asset_id: string } };
    assert.deepEqual({ type: body.type, name: body.name, file: body.file.type }, { type: 'photo', name, file: 'asset_id' });
    if (assetId) {
      assert.equal(body.file.asset_id, assetId, 'made from the image the person chose');
    }
    const progress = spy.progress.find((p) => p.title === `Photo avatar "${name}"`);
    assert.ok(progress, `the training was shown in a notification: ${spy.progress.map((p) => p.title).join(', ')}`);
    assert.deepEqual(
      progress.reports.map((r) => r.message),
      ['HeyGen is training it (usually 30 to 90 seconds)…', 'Ready.'],
    );
    const ready = spy.messages.find((m) => m.message.startsWith(readyText));
    assert.equal(ready?.message, `${readyText}${result.avatarId}`, spy.describe());
    assert.deepEqual(ready.items, ['Insert into Payload', 'Copy ID']);
    assert.equal(await inserted, result.avatarId, 'the new id is in the payload');
    return { avatarId: result.avatarId, assetId: body.file.asset_id, prompt };
  }

  test('Create Photo Avatar from the palette: the picker lists the uploaded images; a picked one, or a file uploaded first', async () => {
    assert.deepEqual(photoAvatarMenus('commandPalette'), [], 'nothing hides it from the palette');
    const older = await uploadImage('older-portrait.png');
    const wanted = await uploadImage('studio-portrait.png');
    const shown = nextQuickPick(heygen);
    const made = await createAndInsert(
      'From Palette',
      async () => {
        const running = vscode.commands.executeCommand('heygen.createPhotoAvatar');
        const pick = await shown;
        assert.equal(pick.title, 'Create Photo Avatar');
        assert.deepEqual(pick.items.slice(0, 3), ['$(cloud-upload) Upload an Image File…', '$(file-media) studio-portrait.png', '$(file-media) older-portrait.png']);
        assert.deepEqual(pick.details.slice(1, 3), [wanted, older], 'each image with its id');
        // Down once and Enter, as the keyboard does: the newest image.
        await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return running;
      },
      wanted,
    );
    assert.equal(made.prompt, 'A name for the photo avatar made from "studio-portrait.png"');
    await emulator.reset();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // Upload an Image File…: the chosen file goes to HeyGen first, then the photo avatar is made of it.
    const file = scratch.file('new-face.png');
    fs.writeFileSync(file.fsPath, Buffer.concat([fs.readFileSync(workspaceFile('sample.png').fsPath), randomBytes(64)]));
    spy.answerOpenDialog([file]);
    const uploadShown = nextQuickPick(heygen);
    const uploaded = await createAndInsert('From File', async () => {
      const running = vscode.commands.executeCommand('heygen.createPhotoAvatar');
      assert.equal((await uploadShown).active, '$(cloud-upload) Upload an Image File…');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return running;
    });
    assert.deepEqual(spy.openDialogs.at(-1)?.filters, { 'JPEG, PNG': ['jpg', 'jpeg', 'png'] });
    assert.equal(await storedSha(uploaded.assetId), sha256Of(file.fsPath), 'the photo avatar is made of the bytes of the chosen file');
  });

  test('Create Photo Avatar on a Library image row (an asset this machine did not upload)', async () => {
    assert.ok(photoAvatarMenus('view/item/context').some((when) => /view == heygen\.library && viewItem =~ .*talkingPhoto/.test(when)), 'the Library rows offer it');
    const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/library/seed`, { method: 'POST', body: JSON.stringify({ count: 4, idPrefix: 'face' }) });
    assert.ok(response.ok);
    heygen.library.index.forgetListing();
    await heygen.library.refresh();
    const images = heygen.library.tree.getChildren().flatMap((group) => heygen.library.tree.getChildren(group));
    const row = images.find((n): n is Extract<LibraryNode, { type: 'asset' | 'libraryItem' }> => 'library' in n && n.library.kind === 'image');
    assert.ok(row, `the Library lists a seeded image: ${images.map((n) => n.type).join(', ')}`);
    assert.equal(heygen.history.get(row.library.id), undefined, 'not an upload of this machine');
    assert.match(String(heygen.library.tree.getTreeItem(row).contextValue), /\btalkingPhoto\b/, 'its row shows the menu entry');
    try {
      const made = await createAndInsert('From Library', () => vscode.commands.executeCommand('heygen.createPhotoAvatar', row, [row]), row.library.id);
      assert.equal(made.prompt, `A name for the photo avatar made from "${row.library.name}"`);
    } finally {
      // Later suites start from a Library that lists nothing of this one's.
      heygen.library.index.forgetListing();
    }
  });

  test('Create Photo Avatar on an image in the explorer uploads it first; a text file is refused with one sentence', async () => {
    assert.match(photoAvatarMenus('explorer/context').join(), /resourceExtname =~ .*jpe\?g\|png/);
    const file = scratch.file('explorer-face.png');
    fs.writeFileSync(file.fsPath, Buffer.concat([fs.readFileSync(workspaceFile('sample.png').fsPath), randomBytes(64)]));
    const made = await createAndInsert('From Explorer', () => vscode.commands.executeCommand('heygen.createPhotoAvatar', file, [file]));
    assert.equal(await storedSha(made.assetId), sha256Of(file.fsPath), 'the file was uploaded, and the photo avatar made of it');
    assert.equal(heygen.history.get(made.assetId)?.sourcePath, file.fsPath, 'the upload is in the history');

    const notes = scratch.file('notes.txt');
    fs.writeFileSync(notes.fsPath, 'text\n');
    spy.answerMessages(() => undefined);
    assert.equal(await vscode.commands.executeCommand('heygen.createPhotoAvatar', notes, [notes]), undefined);
    assert.equal(spy.messages.at(-1)?.message, 'A photo avatar is made from an image (JPEG or PNG).');
  });

  test('Create Photo Avatar from the hover of a talking_photo_id that names an uploaded image', async () => {
    const assetId = await uploadImage('talking.png');
    const v2 = await openPayload('hover-offer.json', JSON.stringify({ video_inputs: [{ character: { type: 'talking_photo', talking_photo_id: assetId } }] }));
    const hover = await hoverText(v2.document, positionIn(v2.document, assetId, 2));
    assert.ok(readable(hover).includes('"talking.png" is an uploaded image, not one of your photo avatars.'), hover);
    const link = /\[Create Photo Avatar…\]\(command:(heygen\.createPhotoAvatar)\?([^)]+)\)/.exec(hover);
    assert.ok(link, `the hover offers Create Photo Avatar…: ${hover}`);
    // Clicking the link runs the command with the link's arguments.
    const args = JSON.parse(decodeURIComponent(link[2])) as unknown[];
    const made = await createAndInsert('From Hover', () => vscode.commands.executeCommand(link[1], ...args), assetId);
    assert.equal(made.prompt, 'A name for the photo avatar made from "talking.png"');
  });
});
