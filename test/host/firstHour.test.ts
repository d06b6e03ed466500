// A new user's first hour, in the real extension host: what the upload notification says and what its buttons do,
// the key box and the log while a key is set, and the hover on a local path. The UI tests (test/ui/firstHour.ui.ts)
// walk the same steps in the workbench and read the screen.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HeyGenTestApi } from '../../src/vscode/api';
import type { AssetRecord } from '../../src/core/base/assetRecord';
import type { AssetTreeProvider } from '../../src/vscode/history/assetTreeView';
import { fileWhen, heygenTestApi, hostEnv, nextQuickPick, pollUntil, whenEvent, workspaceFile } from './hostSupport';
import { WindowSpy } from './windowSpy';
import { withUserSetting } from './faultKit';
import { emulatorV3 } from './v3Support';

const EXTENSION_ID = 'heygen-assets.heygen-assets';
const WRONG_KEY = 'not-the-emulators-key-0123456789';

async function api(): Promise<HeyGenTestApi> {
  return heygenTestApi();
}

/** The extension's log as written to disk: the newest HeyGen.log of this run's user data. */
function logFile(): string | undefined {
  const logs = path.join(hostEnv.workspace, '..', 'user-data', 'logs');
  if (!fs.existsSync(logs)) {
    return undefined;
  }
  const files = (fs.readdirSync(logs, { recursive: true }) as string[])
    .filter((name) => name.endsWith(path.join(EXTENSION_ID, 'HeyGen.log')))
    .map((name) => path.join(logs, name));
  return files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

/** The log's lines from `from` (a length read earlier) on, once `until` finds what it waits for. */
async function logLinesUntil(from: number, until: (lines: string[]) => boolean, what: string): Promise<string[]> {
  const file = logFile();
  assert.ok(file, 'the extension has a log file');
  return fileWhen(`the log to show ${what}`, file, (text) => {
    const lines = (text ?? '').slice(from).split('\n').filter(Boolean);
    return until(lines) ? lines : undefined;
  });
}

function logLength(): number {
  const file = logFile();
  return file ? fs.readFileSync(file, 'utf8').length : 0;
}

suite('First hour: the upload notification', () => {
  let heygen: HeyGenTestApi;
  let spy: WindowSpy;
  let dir: string;

  suiteSetup(async () => {
    heygen = await api();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-first-hour-'));
  });

  setup(() => {
    spy = new WindowSpy();
  });

  teardown(async () => {
    spy.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the sample payload in the workspace, open in an editor with the cursor inside its first item. */
  async function openPayload(): Promise<vscode.TextEditor> {
    const file = path.join(hostEnv.workspace, 'first-hour.json');
    fs.copyFileSync(workspaceFile('video.json').fsPath, file);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const text = editor.document.getText();
    const inside = editor.document.positionAt(text.indexOf('{', text.indexOf('"video_inputs"')) + 1);
    editor.selection = new vscode.Selection(inside, inside);
    return editor;
  }

  test('says "Uploaded sample.png to HeyGen." without id or URL, with Copy URL and Show in Assets; no payload open, no Insert', async () => {
    spy.answerMessages(() => undefined);
    const result = await heygen.upload([workspaceFile('sample.png')], { force: true });
    const [record] = result.succeeded.map((s) => s.record);
    assert.ok(record, spy.describe());
    const [message] = spy.messages;
    assert.equal(message?.message, 'Uploaded "sample.png" to HeyGen.', spy.describe());
    assert.ok(!message.message.includes(record.id) && !message.message.includes(record.url));
    assert.deepEqual(message.items, ['Copy URL', 'Show in Assets']);
    // The progress notification had finished before the outcome was shown (VS Code keeps it at least 800 ms).
    assert.equal(spy.progress.length, 1);
    assert.equal(spy.progress[0].done, true);
  });

  test('with a payload open, "Insert into Payload" puts the upload into it at its cursor', async () => {
    const editor = await openPayload();
    spy.click('Insert into Payload');
    const result = await heygen.upload([workspaceFile('sample.jpg')], { force: true });
    const [record] = result.succeeded.map((s) => s.record);
    assert.ok(record, spy.describe());
    assert.deepEqual(spy.messages[0]?.items, ['Copy URL', 'Insert into Payload', 'Show in Assets']);
    await whenEvent('the fragment in the payload', vscode.workspace.onDidChangeTextDocument, () => (editor.document.getText().includes(record.id) ? true : undefined));
    await vscode.commands.executeCommand('leaveSnippet');
    const payload = JSON.parse(editor.document.getText()) as { video_inputs: Array<{ background?: Record<string, string> }> };
    const background = payload.video_inputs[0].background;
    assert.ok(background && Object.values(background).some((v) => v === record.url || v === record.id), editor.document.getText());
    await vscode.commands.executeCommand('workbench.action.files.revert');
    fs.rmSync(editor.document.uri.fsPath, { force: true });
  });

  test('"Show in Assets" brings the Assets view forward with the new row selected', async () => {
    const tree = heygen.assetTree as AssetTreeProvider;
    await vscode.commands.executeCommand('workbench.view.explorer');
    spy.click('Show in Assets');
    const result = await heygen.upload([workspaceFile('sample.webm')], { force: true });
    const [record] = result.succeeded.map((s) => s.record);
    assert.ok(record, spy.describe());
    // Polled: the selection event belongs to the TreeView the extension keeps to itself.
    await pollUntil('the row selected', () => (tree.selection.some((r) => r.id === record.id) ? true : undefined));
    assert.equal(tree.viewVisible, true, 'the Assets view is on screen');
  });
});

suite('First hour: the key box and the log', () => {
  let spy: WindowSpy;
  let key: string;
  let restoreBaseUrl: () => Promise<void>;

  suiteSetup(async () => {
    await api();
    key = hostEnv.apiKey;
    // The key check (users/me) goes to the emulator, which refuses any key but its own.
    restoreBaseUrl = await withUserSetting('apiBaseUrl', emulatorV3.apiBaseUrl);
  });

  suiteTeardown(async () => {
    await restoreBaseUrl();
  });

  setup(() => {
    spy = new WindowSpy();
    // Removing the key and saving one passed as an argument are confirmed in a modal: the person says yes here.
    const confirm = (shown: { modal?: boolean; items: string[] }): string | undefined =>
      shown.modal ? (shown.items.includes('Remove Key') ? 'Remove Key' : 'Save Key') : undefined;
    // One responder answers one message: enough for every message a test here shows.
    spy.answerMessages(...Array.from({ length: 12 }, () => confirm));
  });

  teardown(async () => {
    await vscode.commands.executeCommand('heygen.setApiKey', key);
    spy.dispose();
  });

  test('a refused key keeps the same box open, busy while HeyGen is asked, and saying why', async () => {
    await vscode.commands.executeCommand('heygen.clearApiKey');
    spy.answerInputBoxes(
      () => WRONG_KEY,
      () => key,
    );
    assert.equal(await vscode.commands.executeCommand('heygen.setApiKey'), true);
    assert.equal(spy.inputBoxes.length, 2, 'asked twice');
    const [first, second] = spy.inputBoxes;
    assert.equal(second.box, first.box, 'the second question is the same box, never closed in between');
    assert.ok(first.box !== undefined);
    assert.match(second.options.prompt ?? '', /^HeyGen refused this key: /);
    assert.deepEqual(second.validationMessage, { message: 'HeyGen refused this key: Invalid API key.', severity: vscode.InputBoxValidationSeverity.Error });
    assert.equal(spy.lastContext('heygen.keyChecked'), true, 'the walkthrough step completes on the accepted key');
  });

  test('saving a key writes one line; a refused key\u2019s line says it once', async () => {
    const before = logLength();
    assert.equal(await vscode.commands.executeCommand('heygen.setApiKey', WRONG_KEY), false);
    await vscode.commands.executeCommand('heygen.clearApiKey');
    assert.equal(await vscode.commands.executeCommand('heygen.setApiKey', key), true);
    // A line after the save, so every line the save caused (its secret-storage event included) is on disk before it.
    await vscode.commands.executeCommand('heygen.clearApiKey');
    const lines = await logLinesUntil(
      before,
      (all) => all.filter((l) => l.includes('removed from secret storage')).length >= 2,
      'the key saved and removed again',
    );
    const refused = lines.filter((l) => l.includes('refused the API key'));
    assert.equal(refused.length, 1, refused.join('\n'));
    assert.doesNotMatch(refused[0], /refused the API key.*refused the API key/);
    const removed = lines.flatMap((l, i) => (l.includes('removed from secret storage') ? [i] : []));
    const saved = lines.slice(removed[0] + 1, removed[removed.length - 1]);
    assert.deepEqual(
      saved.filter((l) => /secret storage/.test(l)).map((l) => l.replace(/^.*\] /, '')),
      ['The HeyGen API key was saved to secret storage.'],
      saved.join('\n'),
    );
  });
});

suite('First hour: the hover on a local path', () => {
  let dir: string;

  suiteSetup(async () => {
    await api();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-first-hour-hover-'));
    for (const name of ['sample.jpg', 'sample.mp3']) {
      fs.copyFileSync(workspaceFile(name).fsPath, path.join(dir, name));
    }
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: string, content: string): Promise<vscode.TextDocument> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    return document;
  }

  async function hover(document: vscode.TextDocument, offset: number): Promise<string> {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(offset));
    return hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n')
      .replace(/&nbsp;/g, ' ')
      .replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, '$1');
  }

  /** Our problems on the literal at `offset` (what the same hover shows above the facts). */
  async function problemsAt(document: vscode.TextDocument, offset: number, count: number): Promise<string[]> {
    const position = document.positionAt(offset);
    const mine = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'HeyGen' && d.range.contains(position));
    return (await whenEvent('the problems', vscode.languages.onDidChangeDiagnostics, () => (mine().length >= count ? mine() : undefined))).map((d) => d.message);
  }

  test('./sample.jpg: its type, size and "Upload to HeyGen and Replace", also with the pointer on the quote', async () => {
    const document = await open('jpg.json', '{"video_inputs": [{"background": {"type": "image", "url": "./sample.jpg"}}]}');
    const quote = document.getText().indexOf('"./sample.jpg"');
    const size = Math.round(fs.statSync(path.join(dir, 'sample.jpg')).size / 1024);
    for (const offset of [quote, quote + 5]) {
      const text = await hover(document, offset);
      assert.ok(text.includes(`sample.jpg`) && text.includes(`JPEG image, ${size} KB`), text);
      assert.match(text, /\[Upload to HeyGen and Replace\]\(command:heygen\.uploadLocalReferences\?/);
    }
    assert.deepEqual(await problemsAt(document, quote + 5, 1), ['Local file: it must be uploaded to HeyGen']);
  });

  test('./sample.mp3 as a background: its facts, no upload offered, and one reason (the problem), never "needs it uploaded"', async () => {
    const document = await open('mp3.json', '{"video_inputs": [{"background": {"type": "image", "url": "./sample.mp3"}}]}');
    const at = document.getText().indexOf('./sample.mp3') + 3;
    const text = await hover(document, at);
    assert.match(text, /sample\.mp3.*MP3 audio/);
    assert.doesNotMatch(text, /Upload to HeyGen|needs it uploaded|must be uploaded/i);
    assert.deepEqual(await problemsAt(document, at, 1), ['"sample.mp3" is not an image; background.url takes a JPEG or PNG image.']);
  });
});

suite('First hour: titles name their view', () => {
  test('the Library\u2019s filter box is "Filter Library", the Assets\u2019 "Filter Assets"', async () => {
    const heygen = await api();
    for (const [command, title] of [
      ['heygen.filterLibrary', 'Filter Library'],
      ['heygen.filterHistory', 'Filter Assets'],
    ]) {
      const shown = nextQuickPick(heygen);
      const pending = vscode.commands.executeCommand(command);
      assert.equal((await shown).title, title);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await pending;
    }
  });
});


suite('First hour: ages and group rows', () => {
  /** The description of the row `find` picks among a tree's rows, as VS Code would show it now. */
  function described<N>(tree: vscode.TreeDataProvider<N>, pick: (node: N) => boolean): string | undefined {
    for (const group of tree.getChildren() as N[]) {
      for (const node of (tree.getChildren(group) as N[] | undefined) ?? []) {
        if (pick(node)) {
          const item = tree.getTreeItem(node) as vscode.TreeItem;
          return typeof item.description === 'string' ? item.description : undefined;
        }
      }
    }
    return undefined;
  }

  test('a Library row\u2019s "now" turns into "1 minute ago" while the view is on screen (within a minute of its showing)', async function () {
    // Up to a minute of waiting for the refresh, beyond mocha's 60 s per test.
    this.timeout(100_000);
    const heygen = await api();
    const restore = await withUserSetting('apiBaseUrl', hostEnv.emulatorOrigin);
    try {
      const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/library/seed`, {
        method: 'POST',
        body: JSON.stringify({ count: 1, newestAt: Date.now() - 55_000, idPrefix: 'age' }),
      });
      assert.ok(response.ok);
      heygen.library.index.forgetListing();
      await vscode.commands.executeCommand('heygen.library.focus');
      await heygen.library.refresh();
      const tree = heygen.library.tree;
      const row = (): string | undefined => described(tree, (n) => n.type !== 'loadMore' && n.type !== 'libraryGroup' && n.library.id.startsWith('age'));
      await whenEvent('the seeded row', (l) => heygen.library.index.onDidChange(l), () => row());
      assert.equal(row(), 'now');
      // Ages refresh at most once a minute, counted from the view's own refresh: the row turns within 60 s of it.
      // Before, the Library refreshed only its description each minute, and the row said "now" until the next listing.
      await whenEvent('the row to say "1 minute ago"', tree.onDidChangeTreeData, () => (row() === '1 minute ago' ? true : undefined), 75_000);
    } finally {
      await vscode.commands.executeCommand('workbench.view.explorer');
      await restore();
    }
  });

  test('a screen reader hears "Images, 1 asset" for a group of one, in both views', async () => {
    const heygen = await api();
    const tree = heygen.assetTree as AssetTreeProvider;
    const id = 'first-hour-one';
    await heygen.history.add({
      id,
      name: 'first-hour-one-of-a-kind.png',
      fileType: 'image',
      mime: 'image/png',
      url: 'https://files.example.test/first-hour-one.png',
      imageKey: null,
      createdTs: Math.floor(Date.now() / 1000),
      size: 100,
      sha256: 'b'.repeat(64),
      uploadedAt: Date.now(),
      keyFingerprint: 'host-test',
    });
    try {
      tree.setFilter({ text: 'first-hour-one-of-a-kind' });
      const [group] = tree.getChildren();
      assert.equal(tree.getTreeItem(group).accessibilityInformation?.label, 'Images, 1 asset');
    } finally {
      tree.setFilter(undefined);
      await heygen.history.remove([id]);
    }
    const library = heygen.library.tree;
    library.setFilter({ text: 'asset-0001', kinds: [] });
    try {
      for (const group of library.getChildren().filter((n) => n.type === 'libraryGroup')) {
        const label = library.getTreeItem(group).accessibilityInformation?.label ?? '';
        assert.match(label, group.type === 'libraryGroup' && group.count === 1 ? /, 1 asset$/ : /, \d+ assets$/, label);
      }
    } finally {
      library.setFilter({ text: '', kinds: [] });
    }
  });
});

suite('First hour: the first look and the Assets view\u2019s ages', () => {
  let heygen: HeyGenTestApi;
  let kept: AssetRecord[] = [];
  let restoreBaseUrl: () => Promise<void>;

  /** The Assets view as if this machine had uploaded nothing: the history is emptied for the test, then restored. */
  suiteSetup(async () => {
    heygen = await api();
    restoreBaseUrl = await withUserSetting('apiBaseUrl', hostEnv.emulatorOrigin);
    kept = [...heygen.history.all()];
    await heygen.history.remove(kept.map((r) => r.id));
  });

  suiteTeardown(async () => {
    for (const record of kept) {
      await heygen.history.add(record);
    }
    await vscode.commands.executeCommand('workbench.view.explorer');
    await restoreBaseUrl();
  });

  test('with no uploads and 130 assets on the account, the Assets view says "more than 100"; Show Library shows the Library; an upload ends it', async () => {
    const tree = heygen.assetTree as AssetTreeProvider;
    const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/library/seed`, { method: 'POST', body: JSON.stringify({ count: 130, idPrefix: 'look' }) });
    assert.ok(response.ok);
    heygen.library.index.forgetListing();
    await vscode.commands.executeCommand('workbench.view.explorer');
    assert.equal(heygen.library.viewVisible, false);
    await vscode.commands.executeCommand('heygen.assets.focus');
    // Earlier suites listed the Library already: its next listing is the one a new session would make.
    await heygen.library.refresh();
    const expected = 'No uploads from this machine yet. Your HeyGen account holds more than 100 assets.';
    await whenEvent('the first look', (l) => heygen.library.index.onDidChange(l), () => (tree.viewMessage === expected ? true : undefined));
    await vscode.commands.executeCommand('heygen.showLibrary');
    assert.equal(heygen.library.viewVisible, true, 'Show Library brought the Library on screen');
    await heygen.history.add(record('first-look-upload', Date.now()));
    assert.equal(tree.viewMessage, undefined, 'an upload from this machine: the rows, no count');
    await heygen.history.remove(['first-look-upload']);
    assert.equal(tree.viewMessage, expected);
  });

  test('an Assets row\u2019s "now" turns into "1 minute ago" while the view is on screen', async function () {
    // Ages turn at most once a minute, counted from the view's last refresh (the add below): up to 60 s of waiting.
    this.timeout(100_000);
    const tree = heygen.assetTree as AssetTreeProvider;
    await vscode.commands.executeCommand('heygen.assets.focus');
    // The newest upload shown sets when ages turn: 57 s old, it says "1 minute ago" at the first tick after it.
    await heygen.history.add(record('first-look-age', Date.now() - 57_000));
    try {
      const described = (): string | undefined => {
        for (const group of tree.getChildren()) {
          for (const node of tree.getChildren(group)) {
            if (node.type === 'asset' && node.record.id === 'first-look-age') {
              const description = tree.getTreeItem(node).description;
              return typeof description === 'string' ? description : undefined;
            }
          }
        }
        return undefined;
      };
      assert.match(described() ?? '', /^now/);
      await whenEvent('the row to say "1 minute ago"', tree.onDidChangeTreeData, () => (/^1 minute ago/.test(described() ?? '') ? true : undefined), 75_000);
    } finally {
      await heygen.history.remove(['first-look-age']);
    }
  });
});

function record(id: string, uploadedAt: number): AssetRecord {
  return {
    id,
    name: `${id}.png`,
    fileType: 'image',
    mime: 'image/png',
    url: `https://files.example.test/${id}.png`,
    imageKey: null,
    createdTs: Math.floor(uploadedAt / 1000),
    size: 100,
    sha256: 'c'.repeat(64),
    uploadedAt,
    keyFingerprint: 'host-test',
  };
}
