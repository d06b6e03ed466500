import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { promises as fsPromises } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AssetRecord } from '../../src/core/base/assetRecord';
import { AssetTreeProvider, type AssetTreeNode } from '../../src/vscode/history/assetTreeView';
import { HistoryStore, serialize } from '../../src/core/history/historyStore';
import type { HeyGenAssetsApi } from '../../src/vscode/api';
import { emulator, nextQuickPick, pollUntil, sha256Of, whenEvent, workspaceFile } from './hostSupport';
import { WindowSpy } from './windowSpy';

const EXTENSION_ID = 'heygen-assets.heygen-assets';

interface TestApi {
  history: HistoryStore;
  assetTree: AssetTreeProvider;
  upload(uris: vscode.Uri[], options?: { force?: boolean }): Promise<{ succeeded: unknown[]; failed: unknown[] }>;
  onDidShowQuickPick: HeyGenAssetsApi['onDidShowQuickPick'];
}

async function api(): Promise<TestApi> {
  const extension = vscode.extensions.getExtension<TestApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

/** What the view shows: group labels with their descriptions, and the rows' labels under each. */
function visibleTree(tree: AssetTreeProvider): { group: string; count: string; rows: string[] }[] {
  const out: { group: string; count: string; rows: string[] }[] = [];
  for (const group of tree.getChildren()) {
    const item = tree.getTreeItem(group);
    const rows: string[] = [];
    for (const child of tree.getChildren(group)) {
      rows.push(labelOf(tree.getTreeItem(child)));
    }
    out.push({ group: labelOf(item), count: String(item.description), rows });
  }
  return out;
}

function assetNode(tree: AssetTreeProvider, label: string): Extract<AssetTreeNode, { type: 'asset' }> {
  for (const group of tree.getChildren()) {
    for (const child of tree.getChildren(group)) {
      if (child.type === 'asset' && labelOf(tree.getTreeItem(child)) === label) {
        return child;
      }
    }
  }
  throw new Error(`no row labelled ${label} in the Assets view`);
}

function record(n: number, overrides: Partial<AssetRecord> = {}): AssetRecord {
  return {
    id: `host-${n}`,
    name: `seeded-${n}.png`,
    fileType: 'image',
    mime: 'image/png',
    url: `https://files.example.test/host-${n}.png`,
    imageKey: null,
    createdTs: 1_700_000_000 + n,
    size: 100 + n,
    sha256: n.toString(16).padStart(64, 'e'),
    uploadedAt: Date.now() - 3_600_000 + n,
    keyFingerprint: 'host-test',
    ...overrides,
  };
}

/** Makes every open of `file` for reading fail with `code` in this process (the extension host), until restored. */
function refuseReads(file: string, code: string): { restore(): void } {
  const open = fsPromises.open;
  fsPromises.open = async (...args: Parameters<typeof open>) => {
    const [target, flags] = args;
    if (path.resolve(String(target)) === file && (flags === undefined || flags === 'r')) {
      throw Object.assign(new Error(`${code}: permission denied, open '${file}'`), { code, syscall: 'open', path: file });
    }
    return open(...args);
  };
  return { restore: () => void (fsPromises.open = open) };
}

suite('Asset history', () => {
  let heygen: TestApi;

  suiteSetup(async () => {
    heygen = await api();
    await heygen.history.clear();
    await vscode.commands.executeCommand('heygen.clearFilter');
    await emulator.reset();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('heygen.clearFilter');
  });

  test('uploads appear grouped by type with counts, newest first, labelled with the file name', async () => {
    const result = await heygen.upload([workspaceFile('sample.png'), workspaceFile('sample.mp4'), workspaceFile('sample.mp3')]);
    assert.equal(result.failed.length, 0, JSON.stringify(result.failed));
    await heygen.upload([workspaceFile('sample.jpg')]);
    assert.deepEqual(visibleTree(heygen.assetTree), [
      { group: 'Images', count: '2', rows: ['sample.jpg', 'sample.png'] },
      { group: 'Videos', count: '1', rows: ['sample.mp4'] },
      { group: 'Audio', count: '1', rows: ['sample.mp3'] },
    ]);
    const png = heygen.history.all().find((r) => r.name === 'sample.png');
    assert.ok(png, 'sample.png is recorded');
    assert.equal(png.sourcePath, workspaceFile('sample.png').fsPath);
    assert.equal(png.sha256, sha256Of(workspaceFile('sample.png').fsPath));
    assert.ok(png.url.startsWith('http'), png.url);
  });

  test('a record keeps the file name (what the row shows) and HeyGen\'s own name for the asset (in the tooltip)', async () => {
    const png = heygen.history.all().find((r) => r.sourcePath === workspaceFile('sample.png').fsPath);
    assert.ok(png, 'sample.png is recorded');
    assert.equal(png.name, 'sample.png');
    // The emulator names assets as HeyGen does when no name is sent: asset_ and part of the id.
    assert.match(png.heygenName ?? '', /^asset_[0-9a-f]{8}$/);
    const tree = heygen.assetTree;
    const row = assetNode(tree, 'sample.png');
    const tooltip = (await tree.resolveTreeItem(tree.getTreeItem(row), row)).tooltip as vscode.MarkdownString;
    assert.ok(tooltip.value.includes(`Name at HeyGen: ${png.heygenName!.replace(/_/g, '\\_')}`), tooltip.value);
  });

  test('rows carry a relative time, a type icon, menu tokens and a Markdown tooltip', async () => {
    const tree = heygen.assetTree;
    const png = assetNode(tree, 'sample.png');
    const item = tree.getTreeItem(png);
    assert.match(String(item.description), /now|seconds? ago|minutes? ago/);
    // An image whose source file exists shows it as a thumbnail (no download needed).
    assert.equal((item.iconPath as vscode.Uri).fsPath, png.record.sourcePath);
    const tokens = String(item.contextValue).split(' ');
    for (const token of ['asset', 'image', 'background', 'talkingPhoto', 'sourceExists']) {
      assert.ok(tokens.includes(token), `${token} in ${item.contextValue}`);
    }
    assert.equal(tokens.includes('imageKey'), png.record.imageKey !== null);
    const resolved = await tree.resolveTreeItem(item, png);
    const tooltip = resolved.tooltip as vscode.MarkdownString;
    assert.ok(tooltip instanceof vscode.MarkdownString);
    assert.equal(tooltip.isTrusted, false);
    assert.ok(!tooltip.supportHtml);
    assert.ok(tooltip.value.includes(png.record.id), 'the id is in the tooltip');
    // The emulator's URL is plain http, which the editor blocks: the preview is the source file, alt text unescaped.
    assert.ok(tooltip.value.includes('![sample.png](<file:'), `images get a preview: ${tooltip.value}`);

    const audio = tree.getTreeItem(assetNode(tree, 'sample.mp3'));
    assert.equal((audio.iconPath as vscode.ThemeIcon).id, 'unmute');
    assert.equal(audio.contextValue, 'asset audio sourceExists');
    const group = tree.getChildren()[0];
    assert.equal(tree.getParent(png)?.type, 'group');
    assert.equal(tree.getParent(group), undefined);
  });

  test('Copy URL and Copy ID put the values on the clipboard, for one row or a selection', async () => {
    const tree = heygen.assetTree;
    const png = assetNode(tree, 'sample.png');
    const mp4 = assetNode(tree, 'sample.mp4');
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('heygen.copyUrl', png, [png]);
    assert.equal(await vscode.env.clipboard.readText(), png.record.url);
    await vscode.commands.executeCommand('heygen.copyId', png);
    assert.equal(await vscode.env.clipboard.readText(), png.record.id);
    await vscode.commands.executeCommand('heygen.copyUrl', mp4, [png, mp4]);
    assert.equal(await vscode.env.clipboard.readText(), `${png.record.url}\n${mp4.record.url}`);
  });

  test('the filter narrows the tree by name and type, and clears', async () => {
    const tree = heygen.assetTree;
    await vscode.commands.executeCommand('heygen.filterHistory', { text: 'SAMPLE.P' });
    assert.deepEqual(visibleTree(tree), [{ group: 'Images', count: '1', rows: ['sample.png'] }]);
    assert.equal(tree.viewDescription, 'Filter: SAMPLE.P');
    await vscode.commands.executeCommand('heygen.filterHistory', { text: 'sample', kinds: ['image'] });
    assert.equal(tree.viewDescription, 'Filter: sample · images');
    await vscode.commands.executeCommand('heygen.filterHistory', { text: '', kinds: ['video', 'audio'] });
    assert.deepEqual(
      visibleTree(tree).map((g) => g.group),
      ['Videos', 'Audio'],
    );
    assert.deepEqual(tree.filter, { text: '', kinds: ['video', 'audio'] });
    await vscode.commands.executeCommand('heygen.filterHistory', { text: 'no such asset' });
    assert.deepEqual(tree.getChildren(), [], 'no match: empty, so the welcome text shows');
    await vscode.commands.executeCommand('heygen.clearFilter');
    assert.equal(visibleTree(tree).length, 3);
    assert.equal(tree.viewDescription, undefined);
  });

  test('the Filter… quick pick sets the type from the chosen row', async () => {
    const tree = heygen.assetTree;
    const shown = nextQuickPick(heygen);
    const pending = vscode.commands.executeCommand('heygen.filterHistory');
    assert.equal((await shown).title, 'Filter Assets');
    // Rows: All Types (current, active), Images, Videos, Audio, Images and Videos.
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await pending;
    assert.deepEqual(tree.filter, { text: '', kinds: ['video'] });
    assert.deepEqual(
      visibleTree(tree).map((g) => g.group),
      ['Videos'],
    );
    assert.equal(tree.viewDescription, 'Filter: videos');
  });

  // How fast this is, is `npm run bench`'s business (historyBench.ts holds load and children to 50 ms); here, that the
  // real provider in the real host shows all of it.
  test('10,000 entries: the real provider loads them and produces every row, and the source checks settle', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-history-10k-'));
    const file = path.join(dir, 'history.json');
    const now = Date.now();
    const many = Array.from({ length: 10_000 }, (_, i) =>
      record(i, {
        fileType: (['image', 'video', 'audio'] as const)[i % 3],
        uploadedAt: now - i * 60_000,
        sourcePath: path.join(dir, 'media', `take-${i}.png`),
      }),
    );
    fs.writeFileSync(file, serialize(many));
    const store = await HistoryStore.open(file, { maxEntries: 100_000 });
    const provider = new AssetTreeProvider({ history: store, log: console, media: undefined as never });
    try {
      assert.equal(store.all().length, 10_000);
      let rows = 0;
      for (const group of provider.getChildren()) {
        provider.getTreeItem(group);
        for (const child of provider.getChildren(group)) {
          provider.getTreeItem(child);
          rows++;
        }
      }
      assert.equal(rows, 10_000);
      await provider.sourceChecksSettled();
      // None of the 10,000 source files exists: once the background checks are in, no row offers them.
      const first = provider.getChildren(provider.getChildren()[0])[0];
      assert.ok(!String(provider.getTreeItem(first).contextValue).includes('sourceExists'));
    } finally {
      provider.dispose();
      store.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a row whose source file is missing loses its source actions once the background check answers', async () => {
    const tree = heygen.assetTree;
    const gone = path.join(os.tmpdir(), `heygen-missing-${Date.now()}.png`);
    await heygen.history.add(record(31, { name: 'moved-away.png', sourcePath: gone }));
    const refreshed: AssetTreeNode[] = [];
    const sub = tree.onDidChangeTreeData((e) => refreshed.push(...(Array.isArray(e) ? e : e ? [e] : [])));
    try {
      const row = assetNode(tree, 'moved-away.png');
      // Building the row never waits for the disk; until the check answers, the actions are offered.
      assert.ok(String(tree.getTreeItem(row).contextValue).includes('sourceExists'));
      await tree.sourceChecksSettled();
      assert.equal(tree.getTreeItem(assetNode(tree, 'moved-away.png')).contextValue, 'asset image background talkingPhoto');
      assert.ok(
        refreshed.some((n) => n.type === 'asset' && n.record.id === 'host-31'),
        'just that row is refreshed when the answer arrives',
      );
    } finally {
      sub.dispose();
      await heygen.history.remove(['host-31']);
    }
  });

  test('a new upload is revealed and selected in the Assets view while the view is visible', async () => {
    await heygen.history.add(record(40, { name: 'selected-before.png' }));
    await vscode.commands.executeCommand('heygen.assets.focus');
    // Polled here and below: the view's visibility and selection events belong to the TreeView the extension keeps to
    // itself; the provider shows only their current state.
    await pollUntil('the Assets view to show', () => (heygen.assetTree.viewVisible ? true : undefined));
    // Select another row first, so the new selection can only come from the reveal.
    await heygen.assetTree.reveal('host-40');
    await pollUntil('the seeded row to be selected', () => (heygen.assetTree.selection[0]?.id === 'host-40' ? true : undefined));
    const result = await heygen.upload([workspaceFile('sample.wav')], { force: true });
    assert.equal(result.failed.length, 0, JSON.stringify(result.failed));
    const wav = heygen.history.all().find((r) => r.name === 'sample.wav');
    assert.ok(wav, 'sample.wav is recorded');
    const selected = await pollUntil('the new upload to be selected', () => {
      const ids = heygen.assetTree.selection.map((r) => r.id);
      return ids.length === 1 && ids[0] === wav.id ? ids : undefined;
    });
    assert.deepEqual(selected, [wav.id]);
    await heygen.history.remove([wav.id, 'host-40']);
  });

  test('tree nodes keep their identity across refreshes, and getParent returns the very group the view holds', async () => {
    const tree = heygen.assetTree;
    await heygen.history.add(record(41, { name: 'identity-a.png' }));
    const group = tree.getChildren().find((g) => g.type === 'group' && g.kind === 'image');
    assert.ok(group, 'an Images group');
    const row = assetNode(tree, 'identity-a.png');
    assert.equal(tree.getParent(row), group, 'getParent is the group getChildren returned');
    tree.refresh();
    await heygen.history.add(record(42, { name: 'identity-b.png' }));
    assert.equal(tree.getChildren().find((g) => g.type === 'group' && g.kind === 'image'), group, 'the group survives a refresh and an add');
    assert.equal(assetNode(tree, 'identity-a.png'), row, 'the row survives a refresh and an add');
    assert.equal(tree.getParent(assetNode(tree, 'identity-b.png')), group);
    assert.equal(tree.nodeFor('host-41'), row);
    await heygen.history.remove(['host-41', 'host-42']);
    assert.equal(tree.nodeFor('host-41'), undefined, 'a removed record has no row');
  });

  test('uploads that land one after another are each revealed, also when their group (re)appears with them: the newest ends selected', async () => {
    const tree = heygen.assetTree;
    await vscode.commands.executeCommand('heygen.assets.focus');
    // Polled (as above): the view's own events stay inside the extension.
    await pollUntil('the Assets view to show', () => (tree.viewVisible ? true : undefined));
    const saved = heygen.history.all();
    await heygen.history.clear();
    try {
      // Each add refreshes the tree and reveals its row at once, before the view has fetched it. Removing the image
      // before the next one lands makes the Images group vanish and come back with it, so a reveal must never resolve
      // against the rows of the previous refresh (the extension host log would say "Cannot resolve tree item").
      let newest = '';
      for (let round = 0; round < 8; round++) {
        const kind = (['image', 'video', 'audio'] as const)[round % 3];
        newest = `host-${60 + round}`;
        await heygen.history.add(record(60 + round, { name: `burst-${round}.${kind}`, fileType: kind, uploadedAt: Date.now() }));
        if (round % 2 === 1) {
          await heygen.history.remove(heygen.history.all().filter((r) => r.fileType === 'image').map((r) => r.id));
          await heygen.history.add(record(80 + round, { name: `burst-${round}-again.png`, uploadedAt: Date.now() }));
          newest = `host-${80 + round}`;
        }
      }
      const selected = await pollUntil('the newest upload of the burst to be selected', () => {
        const selection = tree.selection.map((r) => r.id);
        return selection.length === 1 && selection[0] === newest ? selection : undefined;
      });
      assert.deepEqual(selected, [newest]);
    } finally {
      await heygen.history.clear();
      for (const entry of [...saved].reverse()) {
        await heygen.history.add(entry);
      }
    }
  });

  test('Upload Again sends the source file once more even though it is unchanged', async () => {
    const tree = heygen.assetTree;
    const mp3 = assetNode(tree, 'sample.mp3');
    const sha = sha256Of(mp3.record.sourcePath!);
    const before = (await emulator.received()).filter((r) => r.sha256 === sha).length;
    await vscode.commands.executeCommand('heygen.uploadAgain', mp3);
    const after = (await emulator.received()).filter((r) => r.sha256 === sha).length;
    assert.equal(after, before + 1);
  });

  test('Remove from History removes every selected row', async () => {
    const tree = heygen.assetTree;
    const jpg = assetNode(tree, 'sample.jpg');
    const mp4 = assetNode(tree, 'sample.mp4');
    await vscode.commands.executeCommand('heygen.removeFromHistory', jpg, [jpg, mp4]);
    assert.equal(heygen.history.get(jpg.record.id), undefined);
    assert.equal(heygen.history.get(mp4.record.id), undefined);
    const labels = visibleTree(tree).flatMap((g) => g.rows);
    assert.ok(!labels.includes('sample.jpg') && !labels.includes('sample.mp4'), labels.join(', '));
    assert.ok(labels.includes('sample.png'));
  });

  test('dropping files from the explorer or the OS onto the view uploads them', async () => {
    const tree = heygen.assetTree;
    assert.ok(tree.dropMimeTypes.includes('text/uri-list'));
    assert.ok(tree.dropMimeTypes.includes('files'));
    const fromExplorer = new vscode.DataTransfer();
    fromExplorer.set('text/uri-list', new vscode.DataTransferItem(`${workspaceFile('sample.wav').toString()}\r\n`));
    const cancel = new vscode.CancellationTokenSource();
    await tree.handleDrop(undefined, fromExplorer, cancel.token);
    assert.ok(
      heygen.history.all().some((r) => r.name === 'sample.wav'),
      'sample.wav dropped from the explorer is recorded',
    );

    // From the operating system in a browser-based window: bytes and a name, no path.
    const bytes = fs.readFileSync(workspaceFile('sample.webm').fsPath);
    class OsFile extends vscode.DataTransferItem {
      override asFile(): vscode.DataTransferFile {
        return { name: 'dropped clip.webm', uri: undefined, data: () => Promise.resolve(new Uint8Array(bytes)) };
      }
    }
    const fromOs = new vscode.DataTransfer();
    fromOs.set('video/webm', new OsFile(''));
    await tree.handleDrop(undefined, fromOs, cancel.token);
    const dropped = heygen.history.all().find((r) => r.name === 'dropped clip.webm');
    assert.ok(dropped, 'the file dropped from the OS is recorded');
    assert.equal(dropped.sha256, sha256Of(workspaceFile('sample.webm').fsPath));
  });

  test('dropping a web address (an image dragged from a page) uploads it from its URL', async () => {
    const bytes = fs.readFileSync(workspaceFile('sample.jpg').fsPath);
    const server = http.createServer((req, res) => {
      const found = req.url === '/pictures/dropped-photo.jpg';
      res.writeHead(found ? 200 : 404, { 'content-type': 'image/jpeg' });
      res.end(found ? bytes : undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pictures/dropped-photo.jpg`;
      const transfer = new vscode.DataTransfer();
      transfer.set('text/uri-list', new vscode.DataTransferItem(url));
      const recording = whenEvent('the dropped address to be recorded', (l) => heygen.history.onDidChange(l), () => heygen.history.all().find((r) => r.sourceUrl === url));
      await heygen.assetTree.handleDrop(undefined, transfer, new vscode.CancellationTokenSource().token);
      const recorded = await recording;
      assert.equal(recorded.sha256, sha256Of(workspaceFile('sample.jpg').fsPath));
    } finally {
      server.close();
    }
  });

  test('dropping more than five web addresses uploads the first five and says the rest were left out', async () => {
    const bytes = fs.readFileSync(workspaceFile('sample.png').fsPath);
    const requested: string[] = [];
    const server = http.createServer((req, res) => {
      requested.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const spy = new WindowSpy();
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const urls = Array.from({ length: 7 }, (_, i) => `${origin}/many/picture-${i}.png`);
      const transfer = new vscode.DataTransfer();
      transfer.set('text/uri-list', new vscode.DataTransferItem(urls.join('\r\n')));
      await heygen.assetTree.handleDrop(undefined, transfer, new vscode.CancellationTokenSource().token);
      const warnings = spy.messages.filter((m) => m.kind === 'warning').map((m) => m.message);
      assert.deepEqual(warnings, ['Only the first 5 of the 7 dropped web addresses are uploaded; drop the others in groups of 5 or fewer.']);
      assert.deepEqual(
        [...new Set(requested.filter((u) => u.startsWith('/many/')))].sort(),
        urls.slice(0, 5).map((u) => u.slice(origin.length)).sort(),
      );
    } finally {
      spy.dispose();
      server.close();
    }
  });

  test('dragging rows out carries their URLs as a uri-list', async () => {
    const tree = heygen.assetTree;
    const png = assetNode(tree, 'sample.png');
    const transfer = new vscode.DataTransfer();
    tree.handleDrag([png], transfer);
    assert.equal(await transfer.get('text/uri-list')?.asString(), png.record.url);
  });

  test('a second writer on the same file at the same time loses nothing, and the view picks it up', async () => {
    const other = await HistoryStore.open(heygen.history.file, { maxEntries: 1000 });
    try {
      const start = heygen.history.all().length;
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 20; i++) {
        writes.push(other.add(record(i, { name: `other-window-${i}.png` })));
        writes.push(heygen.history.add(record(100 + i, { name: `this-window-${i}.png` })));
      }
      await Promise.all(writes);
      // No explicit reload: the extension's store notices the other writer through its folder watch.
      await whenEvent('the extension to see the other window’s entries', (l) => heygen.history.onDidChange(l), () =>
        heygen.history.all().length === start + 40 ? true : undefined,
      );
      const labels = (visibleTree(heygen.assetTree)).flatMap((g) => g.rows);
      assert.ok(labels.includes('other-window-19.png') && labels.includes('this-window-0.png'));
      await other.reload();
      assert.equal(other.all().length, start + 40);
    } finally {
      other.dispose();
    }
  });

  test('the history persists: a fresh store on the same global-storage file sees every entry', async () => {
    // A window reload cannot happen inside one extension-host run; a new instance reads what a new window would.
    const fresh = await HistoryStore.open(heygen.history.file, { maxEntries: 1000 });
    try {
      assert.deepEqual(
        fresh.all().map((r) => r.id),
        heygen.history.all().map((r) => r.id),
      );
      assert.ok(fresh.all().some((r) => r.name === 'sample.png'));
    } finally {
      fresh.dispose();
    }
  });

  test('a corrupt store file is set aside, the view empties, and uploads still get recorded', async () => {
    const file = heygen.history.file;
    fs.writeFileSync(file, '{"version":1,"assets":[{"id":');
    await heygen.history.reload();
    assert.equal(heygen.history.all().length, 0);
    assert.deepEqual(heygen.assetTree.getChildren(), []);
    const backups = fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith(`${path.basename(file)}.corrupt-`));
    assert.ok(backups.length >= 1, 'a backup of the corrupt file exists');
    assert.ok(backups.some((b) => fs.readFileSync(path.join(path.dirname(file), b), 'utf8') === '{"version":1,"assets":[{"id":'));

    await heygen.upload([workspaceFile('sample.png')], { force: true });
    assert.deepEqual(visibleTree(heygen.assetTree), [{ group: 'Images', count: '1', rows: ['sample.png'] }]);
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; assets: unknown[] };
    assert.equal(onDisk.version, 1);
    assert.equal(onDisk.assets.length, 1);
  });

  test('a history file that cannot be read is left untouched: the view says why it is read-only for now, until it reads again', async () => {
    const file = heygen.history.file;
    await heygen.history.add(record(21, { name: 'shown-before.png' }));
    const backupsBefore = fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.corrupt-')).length;
    // Another window writes the file, which this window then may not read. The host runs as root here, which reads a
    // file of any mode, so the EACCES is injected at fs.promises.open for this one file, in this extension host.
    const written = serialize([record(22, { name: 'other-window.png' }), ...heygen.history.all()]);
    const refusing = refuseReads(file, 'EACCES');
    try {
      fs.writeFileSync(file, written);
      await heygen.history.reload();
      const message = await whenEvent('the Assets view to say the history is read-only', (l) => heygen.history.onDidChange(l), () => heygen.assetTree.viewMessage);
      assert.equal(
        message,
        'History is read-only for now: its file cannot be read (no permission to read it, EACCES). It is left untouched and read again shortly; new uploads are shown and saved once it can be read.',
      );
      const rows = visibleTree(heygen.assetTree).flatMap((g) => g.rows);
      assert.ok(rows.includes('shown-before.png') && !rows.includes('other-window.png'), `the view keeps what it showed: ${rows.join(', ')}`);
      assert.equal(fs.readFileSync(file, 'utf8'), written, 'the file is untouched');
      assert.equal(fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.corrupt-')).length, backupsBefore, 'nothing set aside as corrupt');
    } finally {
      refusing.restore();
    }
    // No explicit reload: the store reads the file again by itself (its folder watch saw the write; else its retry,
    // whose backoff starts at 2 s): the message goes and the other window's entry shows.
    await whenEvent('the store to read the history again by itself', (l) => heygen.history.onDidChange(l), () =>
      heygen.assetTree.viewMessage === undefined && visibleTree(heygen.assetTree).some((g) => g.rows.includes('other-window.png')) ? true : undefined,
    );
  });

  test('Clear History empties the history and the view (confirmation skipped for the test)', async () => {
    await heygen.history.add(record(7));
    assert.ok(heygen.history.all().length >= 2);
    await vscode.commands.executeCommand('heygen.clearHistory', { confirm: false });
    assert.equal(heygen.history.all().length, 0);
    assert.deepEqual(heygen.assetTree.getChildren(), []);
  });
});
