// Assets that know where they are used (issue 25): the workspace index (exclusions, watching), "used in N files"
// on Library rows, Find References listing exactly the files that use an asset, and Delete from HeyGen naming them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LibraryAssetJson } from '../emulator/heygenLibrary';
import type { LibraryNode } from '../../src/vscode/library/libraryTreeView';
import { heygenApi, withUserSetting } from './faultKit';
import { hostEnv, whenEvent } from './hostSupport';
import { WindowSpy } from './windowSpy';
import type { HeyGenTestApi } from '../../src/vscode/api';
import { silentLogger } from '../../src/core/base/logger';
import { WorkspaceReferences } from '../../src/vscode/references/workspaceReferences';

const HOUR = 3_600_000;

async function control(p: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/library${p}`, { method: body === undefined ? 'GET' : 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
  assert.ok(response.ok, `emulator ${p} answered ${response.status}`);
  return response.json();
}

const v2 = (bg: string, audio?: string): string =>
  JSON.stringify({ video_inputs: [{ background: { type: 'image', image_asset_id: bg }, ...(audio ? { voice: { type: 'audio', audio_asset_id: audio } } : {}) }] }, null, 2);
const v3py = (id: string): string => `body = {\n    "type": "image",\n    "image": {"type": "asset_id", "asset_id": "${id}"},\n}\n`;
const v2ts = (id: string): string => `export const payload = {\n  video_inputs: [{ background: { type: 'image', image_asset_id: '${id}' } }],\n};\n`;

function write(relative: string, text: string): string {
  const file = path.join(hostEnv.workspace, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const labelOf = (item: vscode.TreeItem): string => (typeof item.label === 'string' ? item.label : (item.label?.label ?? ''));

function rowNode(heygen: HeyGenTestApi, name: string): LibraryNode {
  for (const group of heygen.library.tree.getChildren()) {
    for (const child of heygen.library.tree.getChildren(group)) {
      if (labelOf(heygen.library.tree.getTreeItem(child)) === name) {
        return child;
      }
    }
  }
  throw new Error(`no row ${name} in the Library view`);
}

/** Sets the workspace's `files.exclude` and resolves once this extension host (and so the index) has heard of it. */
async function setFilesExclude(value: unknown): Promise<void> {
  const current = (): string => JSON.stringify(vscode.workspace.getConfiguration('files').inspect('exclude')?.workspaceValue);
  const applied = whenEvent('files.exclude to change', vscode.workspace.onDidChangeConfiguration, () => (current() === JSON.stringify(value) ? true : undefined));
  applied.catch(() => undefined);
  await vscode.workspace.getConfiguration('files').update('exclude', value, vscode.ConfigurationTarget.Workspace);
  await applied;
}

suite('Asset references across the workspace', () => {
  let heygen: HeyGenTestApi;
  let spy: WindowSpy;
  let restoreBaseUrl: (() => Promise<void>) | undefined;
  let used: LibraryAssetJson;
  let other: LibraryAssetJson;
  let unused: LibraryAssetJson;

  suiteSetup(async () => {
    heygen = await heygenApi();
    restoreBaseUrl = await withUserSetting('apiBaseUrl', hostEnv.emulatorOrigin);
    await control('/seed', { count: 20, newestAt: Date.now() + 48 * HOUR, idPrefix: 'refs' });
    heygen.library.index.forgetListing();
    await vscode.commands.executeCommand('heygen.clearLibraryFilter');
    await heygen.library.refresh();
    const assets = ((await control('')) as { assets: LibraryAssetJson[] }).assets.filter((a) => a.type === 'image');
    [used, other, unused] = assets;
    // Two payloads use `used` (JSON by id, Python v3), one uses `other` only; a TypeScript file that is no payload
    // and an excluded folder name `used` too and must not count.
    write('.gitignore', 'renders/\n');
    write('refs/scene-a.json', v2(used.id, other.id));
    write('refs/scene-b.py', v3py(used.id));
    write('refs/scene-c.ts', v2ts(other.id));
    write('refs/notes.ts', `const comment = "${used.id}"; // not at a payload place\n`);
    write('renders/out.json', v2(used.id));
    write('node_modules/pkg/fixture.json', v2(used.id));
    await heygen.references.rescan();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.explorer');
    await restoreBaseUrl?.();
  });

  setup(() => {
    spy = new WindowSpy();
  });

  teardown(() => spy.dispose());

  test('the index holds the payloads that use an asset, and skips .gitignored, search.exclude\'d and non-payload files', () => {
    assert.deepEqual(heygen.references.files({ id: used.id }), ['refs/scene-a.json', 'refs/scene-b.py']);
    assert.deepEqual(heygen.references.files({ id: other.id }), ['refs/scene-a.json', 'refs/scene-c.ts']);
    assert.deepEqual(heygen.references.files({ id: unused.id }), []);
  });

  test('a folder a .gitignore negation takes back is indexed; a .js that files.exclude hides "when" its .ts exists is not', async () => {
    // Ids no other test names: the index does not ask HeyGen, and Check Payloads below judges only refs/.
    write('ignoring/.gitignore', 'drafts/*\n!drafts/keep/\n');
    write('ignoring/drafts/keep/scene.json', v2('refs-negated'));
    write('ignoring/drafts/old/scene.json', v2('refs-negated'));
    write('ignoring/compiled/scene.ts', v2ts('refs-when'));
    write('ignoring/compiled/scene.js', v2ts('refs-when'));
    write('ignoring/compiled/alone.js', v2ts('refs-when'));
    const previous = vscode.workspace.getConfiguration('files').inspect('exclude')?.workspaceValue;
    await setFilesExclude({ '**/*.js': { when: '$(basename).ts' } });
    try {
      await heygen.references.rescan();
      assert.deepEqual(heygen.references.files({ id: 'refs-negated' }), ['ignoring/drafts/keep/scene.json']);
      assert.deepEqual(heygen.references.files({ id: 'refs-when' }), ['ignoring/compiled/alone.js', 'ignoring/compiled/scene.ts']);
    } finally {
      await setFilesExclude(previous);
      fs.rmSync(path.join(hostEnv.workspace, 'ignoring'), { recursive: true, force: true });
      await heygen.references.rescan();
    }
  });

  test('a Library row says "used in N files" and its tooltip lists them', async () => {
    const tree = heygen.library.tree;
    const row = rowNode(heygen, used.name);
    const item = tree.getTreeItem(row);
    assert.match(String(item.description), /· used in 2 files$/);
    const resolved = await tree.resolveTreeItem(item, row);
    const tooltip = (resolved.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /used in 2 files:\n\n- refs\/scene\\-a\\\.json\n- refs\/scene\\-b\\\.py/);
    assert.doesNotMatch(String(tree.getTreeItem(rowNode(heygen, unused.name)).description), /used in/);
  });

  test('editing a payload updates the count through the file watcher', async () => {
    write('refs/scene-c.ts', v2ts(used.id));
    await whenEvent('scene-c.ts now uses the asset', heygen.references.onDidChange, () => (heygen.references.count({ id: used.id }) === 3 ? true : undefined));
    assert.deepEqual(heygen.references.files({ id: other.id }), ['refs/scene-a.json']);
    assert.match(String(heygen.library.tree.getTreeItem(rowNode(heygen, used.name)).description), /used in 3 files$/);
    write('refs/scene-c.ts', v2ts(other.id));
    await whenEvent('scene-c.ts back to the other asset', heygen.references.onDidChange, () => (heygen.references.count({ id: used.id }) === 2 ? true : undefined));
  });

  test('after a restore from the saved index, payloads written into folders just created are indexed, and a deleted folder takes them along', async () => {
    // What a window reload does: a new index restored from what the last one saved, then started.
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-refs-'));
    const first = await WorkspaceReferences.open(storage, silentLogger);
    first.start();
    await first.whenReady();
    await first.flush();
    first.dispose();
    const restored = await WorkspaceReferences.open(storage, silentLogger);
    const files = (): string[] => restored.files({ id: 'refs-new-folder' });
    try {
      assert.ok(restored.fileCount > 0, 'the index was restored from its saved state');
      restored.start();
      await restored.whenReady();
      // mkdir then write at once, as a checkout, an unzip or `mkdir x && cp` does: on Linux the watcher reports the
      // new folders but misses most of the files written into them before it watches those folders.
      const expected: string[] = [];
      for (let i = 0; i < 8; i++) {
        expected.push(path.relative(hostEnv.workspace, write(`new-folders/f${i}/scene.json`, v2('refs-new-folder'))));
      }
      expected.push(path.relative(hostEnv.workspace, write('new-folders/deep/a/b/scene.py', v3py('refs-new-folder'))));
      await whenEvent(() => `the new payloads in the index (it has ${files().join(', ')})`, restored.onDidChange, () => (files().length === expected.length ? true : undefined));
      assert.deepEqual(files(), expected.sort());
      fs.rmSync(path.join(hostEnv.workspace, 'new-folders'), { recursive: true, force: true });
      await whenEvent(() => `the deleted payloads gone from the index (it has ${files().join(', ')})`, restored.onDidChange, () => (files().length === 0 ? true : undefined));
    } finally {
      // dispose() saves the index once more without waiting: saved first, that last write has nothing left to do
      // while the folder is removed (ENOTEMPTY on 1.139 under load).
      await restored.flush();
      restored.dispose();
      fs.rmSync(path.join(hostEnv.workspace, 'new-folders'), { recursive: true, force: true });
      fs.rmSync(storage, { recursive: true, force: true, maxRetries: 5 });
    }
  });

  test('Find References on a Library row lists exactly the files that use the asset, and opens the first', async () => {
    const locations = await vscode.commands.executeCommand<vscode.Location[]>('heygen.findAssetReferences', rowNode(heygen, used.name));
    assert.deepEqual(
      locations.map((l) => `${vscode.workspace.asRelativePath(l.uri)}:${l.range.start.line + 1}`),
      ['refs/scene-a.json:6', 'refs/scene-b.py:3'],
    );
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is open');
    assert.equal(vscode.workspace.asRelativePath(editor.document.uri), 'refs/scene-a.json');
    assert.ok(locations[0].range.contains(editor.selection.active), 'the cursor is on the first reference');
    // The same list for Find All References on the id in the payload.
    const fromEditor = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', editor.document.uri, editor.selection.active);
    assert.deepEqual([...new Set(fromEditor.map((l) => vscode.workspace.asRelativePath(l.uri)))].sort(), ['refs/scene-a.json', 'refs/scene-b.py']);
  });

  test('Find References on an asset no payload uses says so', async () => {
    const locations = await vscode.commands.executeCommand<vscode.Location[]>('heygen.findAssetReferences', rowNode(heygen, unused.name));
    assert.deepEqual(locations, []);
    assert.ok(spy.messages.some((m) => m.message === `No payload in this workspace uses "${unused.name}".`), spy.describe());
  });

  test('Go to Asset from an id in a payload reveals it in the Library view', async () => {
    // The watcher events of the test before may still be queued: each change refreshes the Library's rows, and while
    // VS Code fetches them again the view's selection reads empty.
    await heygen.references.whenReady();
    const doc = await vscode.workspace.openTextDocument(path.join(hostEnv.workspace, 'refs/scene-b.py'));
    const offset = doc.getText().indexOf(used.id) + 3;
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(doc.positionAt(offset), doc.positionAt(offset)) });
    const shown = await vscode.commands.executeCommand<{ view: string; id: string }>('heygen.goToAsset');
    assert.deepEqual(shown, { view: 'heygen.library', id: used.id });
    assert.deepEqual(heygen.library.tree.selection.map((n) => (n.type === 'libraryItem' || n.type === 'asset' ? n.library.id : '')), [used.id]);
  });

  test('Delete from HeyGen names the files that use the asset and needs "Delete Anyway"; declining deletes nothing', async () => {
    spy.answerMessages(() => undefined);
    await vscode.commands.executeCommand('heygen.deleteFromHeyGen', rowNode(heygen, used.name));
    const modal = spy.messages[0];
    assert.equal(modal.modal, true);
    assert.deepEqual(modal.items, ['Delete Anyway']);
    assert.equal(modal.detail, 'Used in 2 files:\nrefs/scene-a.json\nrefs/scene-b.py');
    const { requests } = (await control('')) as { requests: { delete: string[] } };
    assert.deepEqual(requests.delete, []);
  });

  test('Delete from HeyGen on an asset nothing uses says so and offers the plain Delete', async () => {
    spy.answerMessages((shown) => (shown.modal ? 'Delete' : undefined));
    await vscode.commands.executeCommand('heygen.deleteFromHeyGen', rowNode(heygen, unused.name));
    const modal = spy.messages[0];
    assert.deepEqual(modal.items, ['Delete']);
    assert.equal(modal.detail, 'No payload in this workspace uses it.');
    assert.equal(heygen.library.index.isGone(unused.id), true);
  });

  test('Check Payloads flags, in a file that is not open, each reference to an asset HeyGen no longer has', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await control('/drop', { ids: [other.id] });
    const result = await vscode.commands.executeCommand<{ gone: string[]; files: string[] }>('heygen.checkPayloads');
    // Other suites leave payloads in the shared workspace that name ids this emulator never had: only this suite's
    // folder and assets are judged here.
    const ours = new Set([used.id, unused.id, other.id]);
    assert.deepEqual(result.gone.filter((id) => ours.has(id)), [other.id]);
    assert.deepEqual(
      result.files.map((f) => vscode.workspace.asRelativePath(f)).filter((f) => f.startsWith('refs/')),
      ['refs/scene-a.json', 'refs/scene-c.ts'],
    );
    const closed = vscode.Uri.file(path.join(hostEnv.workspace, 'refs/scene-c.ts'));
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === closed.toString()), 'scene-c.ts is not open');
    const problems = vscode.languages.getDiagnostics(closed).filter((d) => d.source === 'HeyGen');
    // Named by the asset's name while the Library still lists it, else by its id (a refresh drops it from the listing).
    assert.deepEqual(
      problems.map((d) => [d.code, d.range.start.line, d.message.replace(other.name, other.id)]),
      [['gone', 1, `HeyGen no longer has ${other.id}: upload its source again or choose another asset.`]],
    );
    assert.deepEqual(vscode.languages.getDiagnostics(vscode.Uri.file(path.join(hostEnv.workspace, 'refs/scene-b.py'))).filter((d) => d.source === 'HeyGen'), []);
    const expected = `HeyGen no longer has ${result.gone.length} of the assets your payloads use (${result.files.length} files affected).`;
    assert.ok(spy.messages.some((m) => m.kind === 'warning' && m.message === expected), spy.describe());
  });
});
