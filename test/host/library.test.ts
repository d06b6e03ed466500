// The Library view inside the real extension host: what a person sees listed (v3 over real HTTP to the emulator),
// Load More, a filter that loads the rest, Delete from HeyGen with the modal answered through the window spy,
// the stale marks in the Assets view, and the welcome sentence when HeyGen refuses the list.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AssetRecord } from '../../src/core/base/assetRecord';
import type { HistoryStore } from '../../src/core/history/historyStore';
import type { LibraryAssetJson, LibraryRequests } from '../emulator/heygenLibrary';
import { keyFingerprint } from '../../src/core/base/contentHash';
import type { AssetTreeProvider } from '../../src/vscode/history/assetTreeView';
import type { LibraryController } from '../../src/vscode/library/libraryController';
import type { LibraryNode } from '../../src/vscode/library/libraryTreeView';
import { withUserSetting } from './faultKit';
import { heygenTestApi, hostEnv, nextQuickPick, pollUntil, whenEvent, workspaceFile } from './hostSupport';
import type { HeyGenTestApi } from '../../src/vscode/api';
import { WindowSpy } from './windowSpy';

const EXTENSION_ID = 'heygen-assets.heygen-assets';
const HOUR = 3_600_000;

interface Api {
  history: HistoryStore;
  assetTree: AssetTreeProvider;
  library: LibraryController;
  upload(uris: vscode.Uri[], options?: { force?: boolean }): Promise<{ succeeded: Array<{ record: AssetRecord; reused: boolean }>; failed: unknown[] }>;
  onDidShowQuickPick: HeyGenTestApi['onDidShowQuickPick'];
}

async function api(): Promise<Api> {
  return heygenTestApi<Api>();
}

async function control(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/library${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `emulator ${path} answered ${response.status}`);
  return response.json();
}

const emulatorLibrary = (): Promise<{ username: string; assets: LibraryAssetJson[]; requests: LibraryRequests }> =>
  control('') as Promise<{ username: string; assets: LibraryAssetJson[]; requests: LibraryRequests }>;

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

/** What the Library view shows: groups with counts and rows, and whether the Load More row is there. */
function visible(library: LibraryController): { groups: Array<{ group: string; count: string; rows: string[] }>; loadMore: boolean } {
  const tree = library.tree;
  const groups: Array<{ group: string; count: string; rows: string[] }> = [];
  let loadMore = false;
  for (const node of tree.getChildren()) {
    const item = tree.getTreeItem(node);
    if (node.type === 'loadMore') {
      loadMore = true;
      assert.equal(labelOf(item), 'Load More…');
      continue;
    }
    groups.push({ group: labelOf(item), count: String(item.description), rows: tree.getChildren(node).map((c) => labelOf(tree.getTreeItem(c))) });
  }
  return { groups, loadMore };
}

const rowCount = (library: LibraryController): number => visible(library).groups.reduce((n, g) => n + g.rows.length, 0);

function rowNode(library: LibraryController, name: string): LibraryNode {
  for (const group of library.tree.getChildren()) {
    for (const child of library.tree.getChildren(group)) {
      if (labelOf(library.tree.getTreeItem(child)) === name) {
        return child;
      }
    }
  }
  throw new Error(`no row ${name} in the Library view`);
}

/** Runs the Load More row's own command, as a click on it does. */
async function clickLoadMore(library: LibraryController): Promise<void> {
  const row = library.tree.getChildren().find((n) => n.type === 'loadMore');
  assert.ok(row, 'the Load More row is shown');
  const command = library.tree.getTreeItem(row).command;
  assert.ok(command);
  await vscode.commands.executeCommand(command.command, ...((command.arguments ?? []) as unknown[]));
}

/** A fresh library of `count` assets, newer than anything uploaded by other suites, listed from page one. */
async function seed(heygen: Api, count: number, idPrefix?: string): Promise<LibraryAssetJson[]> {
  await control('/seed', { count, newestAt: Date.now() + 24 * HOUR, idPrefix });
  heygen.library.index.forgetListing();
  await vscode.commands.executeCommand('heygen.clearLibraryFilter');
  return (await emulatorLibrary()).assets;
}

suite('Library', () => {
  let heygen: Api;
  let spy: WindowSpy;

  let restoreBaseUrl: (() => Promise<void>) | undefined;

  suiteSetup(async () => {
    heygen = await api();
    // The runner keeps v3 out of reach for the v1 suites; the Library's suite points it at the emulator.
    restoreBaseUrl = await withUserSetting('apiBaseUrl', hostEnv.emulatorOrigin);
  });

  suiteTeardown(async () => {
    // A hidden Library asks HeyGen nothing: later suites' uploads and key changes stay theirs alone.
    await vscode.commands.executeCommand('workbench.view.explorer');
    await restoreBaseUrl?.();
  });

  setup(() => {
    spy = new WindowSpy();
  });

  teardown(async () => {
    spy.dispose();
    await control('/refuse', { status: null });
    await vscode.commands.executeCommand('heygen.clearLibraryFilter');
  });

  test('opening the view lists the newest 100, grouped, newest first, with Load More and the listing age', async () => {
    const listed = await seed(heygen, 250);
    await vscode.commands.executeCommand('heygen.library.focus');
    await heygen.library.refresh();
    await whenEvent('the first page', (l) => heygen.library.index.onDidChange(l), () => (heygen.library.index.size === 100 ? true : undefined));
    // Opening the view starts a refresh of its own: its row reads "Loading…" until that one has answered too.
    await whenEvent('the Load More row', heygen.library.tree.onDidChangeTreeData, () => {
      const tree = heygen.library.tree;
      const row = tree.getChildren().find((node) => node.type === 'loadMore');
      return row && labelOf(tree.getTreeItem(row)) === 'Load More…' ? true : undefined;
    });
    const shown = visible(heygen.library);
    assert.equal(shown.loadMore, true);
    assert.equal(rowCount(heygen.library), 100);
    assert.deepEqual(
      shown.groups.map((g) => g.group),
      ['Images', 'Videos', 'Audio', 'Other'],
    );
    const newest100 = listed.slice(0, 100);
    const images = newest100.filter((a) => a.type === 'image').map((a) => a.name);
    assert.deepEqual(shown.groups[0].rows, images, 'images newest first, as HeyGen lists them');
    assert.equal(shown.groups[0].count, String(images.length));
    const requests = (await emulatorLibrary()).requests.list;
    assert.ok(requests.length >= 1 && requests.every((r) => r.username === 'emulator-user' && r.limit === '100'), JSON.stringify(requests));
    assert.match(String(heygen.library.tree.viewDescription), /updated (now|\d+ seconds? ago)/);
    assert.equal(spy.lastContext('heygen.libraryState') ?? 'ready', 'ready');
    // A row carries HeyGen's name, its age and the item actions' tokens.
    const item = heygen.library.tree.getTreeItem(rowNode(heygen.library, images[0]));
    assert.match(String(item.description), /tomorrow|in|now|ago|hours?/);
    assert.ok(String(item.contextValue).split(' ').includes('background'));
    // A font (Other) has no media actions, but its id copies like any asset's.
    const font = newest100.find((a) => a.type === 'font');
    assert.ok(font);
    const fontNode = rowNode(heygen.library, font.name);
    assert.equal(heygen.library.tree.getTreeItem(fontNode).contextValue, 'libraryAsset other asset');
    await vscode.commands.executeCommand('heygen.copyId', fontNode);
    assert.equal(await vscode.env.clipboard.readText(), font.id);
  });

  test('Load More adds the next page; after the last page the row is gone and nothing more is asked', async () => {
    await seed(heygen, 250);
    await heygen.library.refresh();
    assert.equal(rowCount(heygen.library), 100);
    await clickLoadMore(heygen.library);
    assert.equal(rowCount(heygen.library), 200);
    await clickLoadMore(heygen.library);
    assert.equal(rowCount(heygen.library), 250);
    assert.equal(visible(heygen.library).loadMore, false);
    const lists = (await emulatorLibrary()).requests.list.length;
    await vscode.commands.executeCommand('heygen.loadMoreLibrary');
    assert.equal((await emulatorLibrary()).requests.list.length, lists);
  });

  test('a filter over a partly loaded library loads the rest with progress, then shows what matches', async () => {
    await seed(heygen, 250);
    await heygen.library.refresh();
    assert.equal(heygen.library.index.size, 100);
    await vscode.commands.executeCommand('heygen.filterLibrary', { text: 'asset-0007' });
    const progress = spy.progress.find((p) => p.title === 'Loading the rest of the HeyGen library');
    assert.ok(progress, `a progress notification; saw ${JSON.stringify(spy.progress.map((p) => p.title))}`);
    assert.equal(progress.cancellable, true);
    assert.ok(progress.reports.some((r) => r.message === '250 assets listed'), JSON.stringify(progress.reports));
    assert.equal(heygen.library.index.complete, true);
    assert.deepEqual(visible(heygen.library).groups, [{ group: 'Images', count: '1', rows: ['asset-0007.jpg'] }]);
    assert.match(String(heygen.library.tree.viewDescription), /^Filter: asset-0007/);
  });

  test('cancelling the load of the rest filters what is loaded and says so', async () => {
    await seed(heygen, 250);
    await heygen.library.refresh();
    spy.onProgressReport = (_value, shown) => shown.cancel();
    await vscode.commands.executeCommand('heygen.filterLibrary', { text: 'asset-02' });
    assert.equal(heygen.library.index.complete, false);
    assert.ok(heygen.library.index.size < 250);
    assert.match(String(heygen.library.tree.viewDescription), /in the \d+ listed/);
  });

  test('Delete from HeyGen on one asset: a modal naming it, then it is gone from HeyGen and the view', async () => {
    const listed = await seed(heygen, 30);
    await heygen.library.refresh();
    const victim = listed[2];
    spy.answerMessages((shown) => (shown.modal ? 'Delete' : undefined));
    await vscode.commands.executeCommand('heygen.deleteFromHeyGen', rowNode(heygen.library, victim.name));
    const modal = spy.messages[0];
    assert.equal(modal.modal, true);
    assert.match(modal.message, new RegExp(`^Delete "${victim.name.replace('.', '\\.')}" from HeyGen\\? Deletion is permanent, and payloads that use it will stop working\\.$`));
    const after = await emulatorLibrary();
    assert.ok(!after.assets.some((a) => a.id === victim.id), 'deleted on the emulator');
    assert.deepEqual(after.requests.delete, [victim.id]);
    assert.throws(() => rowNode(heygen.library, victim.name), /no row/);
    assert.equal(heygen.library.index.isGone(victim.id), true);
    assert.ok(spy.messages.some((m) => m.kind === 'info' && m.message === `Deleted "${victim.name}" from HeyGen.`), spy.describe());
  });

  test('declining the confirmation deletes nothing', async () => {
    const listed = await seed(heygen, 10);
    await heygen.library.refresh();
    spy.answerMessages(() => undefined);
    await vscode.commands.executeCommand('heygen.deleteFromHeyGen', rowNode(heygen.library, listed[0].name));
    assert.equal(spy.messages[0].modal, true);
    assert.deepEqual((await emulatorLibrary()).requests.delete, []);
    assert.ok(rowNode(heygen.library, listed[0].name));
  });

  test('deleting three with one failing: one confirmation with the count, progress, the others deleted, the failure named with HeyGen\'s reason', async () => {
    const listed = await seed(heygen, 30);
    await heygen.library.refresh();
    const three = [listed[1], listed[4], listed[7]];
    await control('/failDelete', { id: three[1].id, status: 409, code: 'asset_in_use', message: 'Asset is used by a video that is rendering.' });
    const nodes = three.map((a) => rowNode(heygen.library, a.name));
    spy.answerMessages((shown) => (shown.modal ? 'Delete' : undefined));
    await vscode.commands.executeCommand('heygen.deleteFromHeyGen', nodes[0], nodes);
    assert.equal(spy.messages[0].message, 'Delete 3 assets from HeyGen? Deletion is permanent, and payloads that use them will stop working.');
    const progress = spy.progress.find((p) => p.title === 'Deleting 3 assets from HeyGen');
    assert.ok(progress, spy.describe());
    assert.equal(progress.reports.length, 3);
    const summary = spy.messages.find((m) => m.kind === 'error');
    assert.ok(summary, spy.describe());
    assert.equal(summary.message, `Deleted 2 of 3 assets from HeyGen; "${three[1].name}" could not be deleted: Asset is used by a video that is rendering (HTTP 409).`);
    const after = await emulatorLibrary();
    assert.deepEqual([...after.requests.delete].sort(), three.map((a) => a.id).sort(), 'each asked once');
    assert.ok(after.assets.some((a) => a.id === three[1].id));
    assert.ok(!after.assets.some((a) => a.id === three[0].id || a.id === three[2].id));
    assert.ok(rowNode(heygen.library, three[1].name), 'the failed one stays listed');
    assert.equal(heygen.library.index.isGone(three[1].id), false);
  });

  test('a delete HeyGen answers 404 is reported as not found, never as deleted', async () => {
    const listed = await seed(heygen, 5);
    await heygen.library.refresh();
    const victim = listed[1];
    // Gone from HeyGen after the listing (another window, the web app): the row is still shown.
    await control('/drop', { ids: [victim.id] });
    spy.answerMessages((shown) => (shown.modal ? 'Delete' : undefined));
    const summary = await vscode.commands.executeCommand<{ deleted: unknown[] }>('heygen.deleteFromHeyGen', rowNode(heygen.library, victim.name));
    assert.deepEqual((await emulatorLibrary()).requests.delete, [victim.id]);
    assert.deepEqual(summary.deleted, []);
    assert.ok(!spy.messages.some((m) => m.kind === 'info' && m.message.startsWith('Deleted')), spy.describe());
    const error = spy.messages.find((m) => m.kind === 'error');
    assert.equal(error?.message, `"${victim.name}" could not be deleted from HeyGen: not found on HeyGen (already deleted, or not this account's).`, spy.describe());
    assert.equal(heygen.library.index.isGone(victim.id), false, 'not marked as deleted by us');
  });

  test('an id not shaped like HeyGen\'s is never sent: "." does not become DELETE /v3/assets/', async () => {
    await seed(heygen, 3);
    spy.answerMessages((shown) => (shown.modal ? 'Delete' : undefined));
    for (const id of ['.', '..', '../users/me', 'a/b']) {
      await vscode.commands.executeCommand('heygen.deleteFromHeyGen', { id, name: id, url: 'https://x.test/a.png' });
    }
    assert.deepEqual((await emulatorLibrary()).requests.delete, []);
    assert.ok(!spy.messages.some((m) => m.modal), 'no confirmation for what cannot be sent');
    assert.ok(spy.messages.some((m) => m.kind === 'warning' && m.message === '"." is not a HeyGen asset id, so nothing was sent to delete it.'), spy.describe());
  });

  test('the Delete key acts on the focused view\'s selection only', async () => {
    const listed = await seed(heygen, 5, 'keys');
    await heygen.library.refresh();
    await vscode.commands.executeCommand('heygen.library.focus');
    const inLibrary = listed[0];
    const record: AssetRecord = {
      id: listed[3].id, name: 'selected-in-assets.png', fileType: 'image', mime: 'image/png', url: listed[3].url ?? '', imageKey: null,
      createdTs: 1, size: 1, sha256: 'e'.repeat(64), uploadedAt: Date.now(), keyFingerprint: keyFingerprint(hostEnv.apiKey),
    };
    await heygen.history.add(record);
    await vscode.commands.executeCommand('heygen.assets.focus');
    // Setting the scene, not what is tested: selecting a just-added row is a courtesy the view may skip while the
    // workbench is still fetching it (seen under load on 1.99), so the reveal is repeated until the row is selected.
    // Polled: the view's selection event belongs to the TreeView the extension keeps to itself.
    await pollUntil('the new row selected in the Assets view', async () => {
      await heygen.assetTree.reveal(record.id);
      return heygen.assetTree.selection.some((r) => r.id === record.id) ? true : undefined;
    });
    // A row selected in each view; the Library's last, without taking the focus from the Assets view.
    assert.equal(await heygen.library.reveal(inLibrary.id), true, 'the Library row is selected');
    assert.deepEqual(heygen.assetTree.selection.map((r) => r.id), [record.id]);
    assert.deepEqual(heygen.library.tree.selection.map((n) => (n.type === 'asset' || n.type === 'libraryItem' ? n.library.id : n.type)), [inLibrary.id]);
    spy.answerMessages(() => undefined);
    // Pressed in the Assets view: the contributed keybinding names it.
    await vscode.commands.executeCommand('heygen.deleteFromHeyGen', { view: 'heygen.assets' });
    assert.equal(spy.messages[0]?.modal, true, spy.describe());
    assert.match(spy.messages[0].message, /^Delete "selected-in-assets\.png" from HeyGen\?/);
    // Bound by the person without naming a view, with a selection in both: which one is meant is not clear.
    await vscode.commands.executeCommand('heygen.deleteFromHeyGen');
    assert.equal(spy.messages.filter((m) => m.modal).length, 1, spy.describe());
    assert.deepEqual((await emulatorLibrary()).requests.delete, []);
    await heygen.history.remove([record.id]);
  });

  test('stale marking: an upload HeyGen no longer has gets a warning and "deleted on HeyGen", with Upload Again; asked once per 12 hours', async () => {
    // Ids this editor has never listed: a listing counts as a check. More than one page, so no listing is ever
    // complete here: a refresh that the history changes below may start could otherwise mark the dropped asset gone by
    // its absence before the round asks HeyGen (seen on VS Code 1.139).
    const listed = await seed(heygen, 150, 'stale');
    const fingerprint = keyFingerprint(hostEnv.apiKey);
    const old = Date.now() - 13 * HOUR;
    const source = workspaceFile('sample.png').fsPath;
    const base = { fileType: 'image' as const, mime: 'image/png', imageKey: null, createdTs: Math.floor(old / 1000), size: 10, sha256: 'e'.repeat(64), uploadedAt: old, keyFingerprint: fingerprint, sourcePath: source };
    const kept: AssetRecord = { ...base, id: listed[3].id, name: 'still-there.png', url: listed[3].url ?? '' };
    const expired: AssetRecord = { ...base, id: listed[5].id, name: 'expired.png', url: listed[5].url ?? '' };
    await heygen.history.remove([kept.id, expired.id]);
    await heygen.history.add(kept);
    await heygen.history.add(expired);
    await control('/drop', { ids: [expired.id] });
    // A listing counts as a sighting: start from none, so HeyGen is asked.
    await heygen.library.index.idle();
    heygen.library.index.forgetListing();
    const before = (await emulatorLibrary()).requests.get.length;
    const round = await heygen.library.checkStale();
    assert.deepEqual(round.gone, [expired.id]);
    const gets = (await emulatorLibrary()).requests.get.slice(before);
    assert.ok(gets.includes(expired.id), JSON.stringify(gets));
    assert.equal(new Set(gets).size, gets.length, 'nothing asked twice');

    const tree = heygen.assetTree;
    const node = tree.nodeFor(expired.id);
    assert.ok(node);
    const item = tree.getTreeItem(node);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.ok(String(item.contextValue).split(' ').includes('gone'));
    assert.ok(String(item.contextValue).split(' ').includes('sourceExists'), 'Upload Again is offered: the source exists');
    const tooltip = (await tree.resolveTreeItem(item, node)).tooltip as vscode.MarkdownString;
    assert.match(tooltip.value, /deleted on HeyGen/);
    const fine = tree.getTreeItem(tree.nodeFor(kept.id) as NonNullable<ReturnType<typeof tree.nodeFor>>);
    assert.equal((fine.iconPath as vscode.Uri).fsPath, source, 'a thumbnail from the source file');

    const again = await heygen.library.checkStale();
    assert.equal(again.asked, 0, 'not asked again within 12 hours');
    await heygen.history.remove([kept.id, expired.id]);
  });

  test('an identical file whose earlier upload HeyGen deleted while unseen is uploaded again, not reused, and that row warns', async () => {
    const listed = await seed(heygen, 150, 'reuse');
    // Bytes no other test uploaded, recorded as uploaded 13 hours ago with this key as an asset HeyGen has since
    // deleted (as it does after inactivity), and not seen in a listing since.
    const file = path.join(hostEnv.workspace, `reused-${randomBytes(4).toString('hex')}.png`);
    const bytes = Buffer.concat([fs.readFileSync(workspaceFile('sample.png').fsPath), randomBytes(32)]);
    fs.writeFileSync(file, bytes);
    const old = Date.now() - 13 * HOUR;
    const earlier: AssetRecord = {
      id: listed[7].id, name: path.basename(file), url: listed[7].url ?? '', fileType: 'image', mime: 'image/png', imageKey: null,
      createdTs: Math.floor(old / 1000), size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), uploadedAt: old,
      keyFingerprint: keyFingerprint(hostEnv.apiKey), sourcePath: file,
    };
    await heygen.history.add(earlier);
    await control('/drop', { ids: [earlier.id] });
    await heygen.library.index.idle();
    heygen.library.index.forgetListing();
    let fresh: AssetRecord | undefined;
    try {
      const before = (await emulatorLibrary()).requests.get.length;
      const result = await heygen.upload([vscode.Uri.file(file)]);
      fresh = result.succeeded[0]?.record;
      assert.ok(fresh, JSON.stringify(result));
      assert.equal(result.succeeded[0].reused, false);
      assert.notEqual(fresh.id, earlier.id);
      assert.ok((await emulatorLibrary()).assets.some((a) => a.id === fresh?.id), 'the bytes reached HeyGen as a new asset');
      assert.deepEqual((await emulatorLibrary()).requests.get.slice(before), [earlier.id], 'HeyGen was asked about the earlier upload once');
      const node = heygen.assetTree.nodeFor(earlier.id);
      assert.ok(node);
      assert.equal((heygen.assetTree.getTreeItem(node).iconPath as vscode.ThemeIcon).id, 'warning', 'the earlier row warns');

      // The new upload was seen just now: the next identical file reuses it without asking.
      const again = await heygen.upload([vscode.Uri.file(file)]);
      assert.equal(again.succeeded[0]?.reused, true);
      assert.equal(again.succeeded[0]?.record.id, fresh.id);
      assert.equal((await emulatorLibrary()).requests.get.length, before + 1);
    } finally {
      await heygen.history.remove([earlier.id, ...(fresh ? [fresh.id] : [])]);
      fs.rmSync(file, { force: true });
    }
  });

  test('a 403 from the beta list shows one welcome sentence with Retry and no notification; Retry lists', async () => {
    await seed(heygen, 5);
    await control('/refuse', { status: 403 });
    await vscode.commands.executeCommand('heygen.refreshLibrary');
    await vscode.commands.executeCommand('heygen.refreshLibrary');
    assert.equal(heygen.library.tree.getChildren().length, 0, 'the tree is empty, so the welcome shows');
    assert.equal(heygen.library.tree.state, 'forbidden');
    assert.equal(spy.lastContext('heygen.libraryState'), 'forbidden');
    assert.deepEqual(spy.messages, [], 'no notification, however often it is retried');
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { viewsWelcome: Array<{ view: string; when: string; contents: string }> } };
    const welcome = pkg.contributes.viewsWelcome.find((w) => w.view === 'heygen.library' && w.when === 'heygen.libraryState == forbidden');
    assert.ok(welcome, 'a welcome for the 403');
    await control('/refuse', { status: null });
    await vscode.commands.executeCommand('heygen.refreshLibrary');
    assert.equal(heygen.library.tree.state, 'ready');
    assert.equal(rowCount(heygen.library), 5);
  });

  test('Remove from History on an asset still on HeyGen asks whether to delete it there too; the default keeps it', async () => {
    const listed = await seed(heygen, 5);
    await heygen.library.refresh();
    const record: AssetRecord = {
      id: listed[0].id, name: listed[0].name, fileType: 'image', mime: 'image/png', url: listed[0].url ?? '', imageKey: null,
      createdTs: 1, size: 1, sha256: 'f'.repeat(64), uploadedAt: Date.now(), keyFingerprint: keyFingerprint(hostEnv.apiKey),
    };
    await heygen.history.add(record);
    spy.answerMessages(() => undefined);
    await vscode.commands.executeCommand('heygen.removeFromHistory', { type: 'asset', record });
    await whenEvent('the question', spy.onDidShowMessage, () => spy.messages.find((m) => m.message.includes('still exists on HeyGen')));
    assert.equal(heygen.history.get(record.id), undefined, 'removed from the history');
    assert.deepEqual((await emulatorLibrary()).requests.delete, [], 'dismissed: nothing deleted');

    await heygen.history.add(record);
    spy.answerMessages(
      () => 'Delete from HeyGen…',
      (shown) => (shown.modal ? 'Delete' : undefined),
    );
    await vscode.commands.executeCommand('heygen.removeFromHistory', { type: 'asset', record });
    // The delete runs after the answer, without holding up the command: it ends with its own notification.
    await whenEvent('the deletion\'s notification', spy.onDidShowMessage, () => spy.messages.find((m) => m.message === `Deleted "${record.name}" from HeyGen.`));
    assert.ok(spy.messages.some((m) => m.modal && m.message.startsWith(`Delete "${record.name}" from HeyGen?`)), spy.describe());
    assert.deepEqual((await emulatorLibrary()).requests.delete, [record.id], 'HeyGen was asked to delete it');
  });

  test('Delete from HeyGen on an Assets (history) row: confirmed, deleted on HeyGen, and the row then warns', async () => {
    const listed = await seed(heygen, 5, 'hist');
    const record: AssetRecord = {
      id: listed[1].id, name: 'from-history.png', fileType: 'image', mime: 'image/png', url: listed[1].url ?? '', imageKey: null,
      createdTs: 1, size: 1, sha256: 'd'.repeat(64), uploadedAt: Date.now(), keyFingerprint: keyFingerprint(hostEnv.apiKey),
    };
    await heygen.history.add(record);
    const node = heygen.assetTree.nodeFor(record.id);
    assert.ok(node);
    spy.answerMessages((shown) => (shown.modal ? 'Delete' : undefined));
    await vscode.commands.executeCommand('heygen.deleteFromHeyGen', node, [node]);
    assert.match(spy.messages[0].message, /^Delete "from-history\.png" from HeyGen\?/);
    assert.ok(!(await emulatorLibrary()).assets.some((a) => a.id === record.id));
    const item = heygen.assetTree.getTreeItem(heygen.assetTree.nodeFor(record.id) as NonNullable<ReturnType<typeof heygen.assetTree.nodeFor>>);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning', 'the history keeps the entry and marks it gone');
    await heygen.history.remove([record.id]);
  });

  test('an upload made with another API key is not sent to HeyGen for deletion', async () => {
    const listed = await seed(heygen, 3, 'other');
    const record: AssetRecord = {
      id: 'other-account-asset-00000000000001', name: 'theirs.png', fileType: 'image', mime: 'image/png', url: listed[0].url ?? '', imageKey: null,
      createdTs: 1, size: 1, sha256: 'c'.repeat(64), uploadedAt: Date.now(), keyFingerprint: 'another-key-print',
    };
    await heygen.history.add(record);
    await vscode.commands.executeCommand('heygen.deleteFromHeyGen', { type: 'asset', record });
    assert.deepEqual(
      spy.messages.map((m) => [m.kind, m.modal, m.message]),
      [['warning', false, '"theirs.png" was uploaded with another API key, so it cannot be deleted with this one.']],
    );
    assert.deepEqual((await emulatorLibrary()).requests.delete, []);
    assert.equal(heygen.library.index.isGone(record.id), false);
    await heygen.history.remove([record.id]);
  });

  test('our own upload appears in the Library by itself: the history\'s record, a thumbnail from the source file, Reveal Source offered, Copy ID', async () => {
    await seed(heygen, 3);
    await heygen.library.refresh();
    // Forced: an identical earlier upload would be reused, and that asset is not in this freshly seeded library.
    const result = await heygen.upload([workspaceFile('sample.png')], { force: true });
    const ours = result.succeeded[0]?.record;
    assert.ok(ours, JSON.stringify(result));
    // No Refresh pressed: the Library lists page one again by itself after an upload.
    const listed = whenEvent('the upload in the Library', heygen.library.tree.onDidChangeTreeData, () => heygen.library.tree.nodeFor(ours.id), 10_000);
    await vscode.commands.executeCommand('heygen.library.focus');
    await listed;
    const node = heygen.library.tree.nodeFor(ours.id);
    assert.ok(node && node.type === 'asset');
    assert.equal(node.record.sourcePath, ours.sourcePath, 'the history record, with its source file');
    const item = heygen.library.tree.getTreeItem(node);
    assert.equal((item.iconPath as vscode.Uri).fsPath, ours.sourcePath, 'the source file as the thumbnail');
    assert.ok(String(item.contextValue).split(' ').includes('sourceExists'));
    const tooltip = (await heygen.library.tree.resolveTreeItem(item, node)).tooltip as vscode.MarkdownString;
    assert.ok(tooltip.value.includes(ours.id) && tooltip.value.includes('sample.png'), tooltip.value);
    await vscode.commands.executeCommand('heygen.copyId', node);
    assert.equal(await vscode.env.clipboard.readText(), ours.id);
  });

  test('250 assets: the newest 100, Load More, find one by name, insert it into a payload, delete another', async () => {
    const listed = await seed(heygen, 250);
    await vscode.commands.executeCommand('workbench.view.extension.heygen');
    await vscode.commands.executeCommand('heygen.library.focus');
    await heygen.library.refresh();
    assert.equal(rowCount(heygen.library), 100);
    await clickLoadMore(heygen.library);
    assert.equal(rowCount(heygen.library), 200);

    // Find one from the part not yet loaded, by name.
    const wanted = listed.find((a) => a.name === 'asset-0012.png');
    assert.ok(wanted);
    await vscode.commands.executeCommand('heygen.filterLibrary', { text: 'asset-0012' });
    assert.deepEqual(visible(heygen.library).groups, [{ group: 'Images', count: '1', rows: ['asset-0012.png'] }]);

    // Insert it into the payload through the Insert pick, where library assets follow the history's.
    const document = await vscode.workspace.openTextDocument(workspaceFile('video.json'));
    const editor = await vscode.window.showTextDocument(document);
    const original = document.getText();
    const inputs = original.indexOf('"video_inputs"');
    assert.ok(inputs > 0, 'the sample payload has video_inputs');
    const firstItem = original.indexOf('{', inputs) + 1;
    editor.selection = new vscode.Selection(document.positionAt(firstItem), document.positionAt(firstItem));
    // The Insert pick offers it after this machine's uploads; then it goes in from its Library row.
    const offered = nextQuickPick(heygen);
    const picking = vscode.commands.executeCommand('heygen.insertBackground');
    const shown = await offered;
    const at = shown.items.findIndex((label) => label.endsWith(wanted.name));
    const ours = heygen.history.all().filter((r) => r.fileType === 'image' || r.fileType === 'video').length;
    assert.ok(at > ours, `"${wanted.name}" is offered after the ${ours} uploads of this machine: ${shown.items.join(' | ')}`);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await picking, false);
    assert.equal(await vscode.commands.executeCommand('heygen.insertBackground', rowNode(heygen.library, wanted.name)), true);
    assert.ok(editor.document.getText().includes(wanted.url ?? '<no url>'), editor.document.getText());

    // Delete another through its row, answering the modal.
    await vscode.commands.executeCommand('heygen.clearLibraryFilter');
    const other = listed[0];
    spy.answerMessages((shown) => (shown.modal ? 'Delete' : undefined));
    await vscode.commands.executeCommand('heygen.deleteFromHeyGen', rowNode(heygen.library, other.name));
    assert.ok(!(await emulatorLibrary()).assets.some((a) => a.id === other.id));
    assert.throws(() => rowNode(heygen.library, other.name));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
