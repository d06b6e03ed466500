import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HeyGenAssetsApi } from '../../src/vscode/api';
import type { AssetTreeProvider } from '../../src/vscode/history/assetTreeView';
import { emulator, pollUntil, sha256Of, workspaceFile } from './hostSupport';

const EXTENSION_ID = 'heygen-assets.heygen-assets';

interface Manifest {
  contributes: {
    commands: Array<{ command: string }>;
  };
}

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not installed in the extension host`);
  return found;
}

suite('Activation', () => {
  test('the extension activates and returns its test API', async () => {
    const api = (await extension().activate()) as Record<string, unknown> | undefined;
    assert.equal(extension().isActive, true);
    assert.ok(api, 'activate() returned nothing');
    assert.equal(typeof api.upload, 'function', 'test API has no upload()');
    assert.ok(api.history, 'test API has no history');
    assert.ok(api.assetTree, 'test API has no assetTree');
  });

  test('every command in package.json is registered', async () => {
    const manifest = extension().packageJSON as Manifest;
    const contributed = manifest.contributes.commands.map((entry) => entry.command);
    assert.ok(contributed.length >= 20, `only ${contributed.length} commands contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('the HeyGen view container and its Assets view exist and open', async () => {
    // The workbench generates these commands only for containers and views it actually registered.
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(registered.has('workbench.view.extension.heygen'), 'the activity-bar container is not registered');
    assert.ok(registered.has('heygen.assets.focus'), 'the Assets view is not registered');
    assert.ok(registered.has('heygen.library.focus'), 'the Library view is not registered');
    assert.ok(registered.has('heygen.videos.focus'), 'the Videos view is not registered');
    // Opened, the view the extension created is the one on screen.
    // Polled: the view's visibility event belongs to the TreeView the extension keeps to itself.
    const tree = ((await extension().activate()) as HeyGenAssetsApi).assetTree as AssetTreeProvider;
    await vscode.commands.executeCommand('workbench.view.explorer');
    await pollUntil('the Assets view to be hidden behind the explorer', () => (tree.viewVisible ? undefined : true), 10_000);
    await vscode.commands.executeCommand('heygen.assets.focus');
    await pollUntil('the Assets view to be visible', () => (tree.viewVisible ? true : undefined), 10_000);
  });

  test('heygen.uploadFile with a file URI sends sample.png byte for byte', async () => {
    await emulator.reset();
    const uri = workspaceFile('sample.png');
    const expected = sha256Of(uri.fsPath);
    // The command resolves once the upload is done; its notification stays open without holding it up.
    await vscode.commands.executeCommand('heygen.uploadFile', uri);
    const upload = (await emulator.received()).find((entry) => entry.sha256 === expected);
    assert.ok(upload, 'the emulator did not receive sample.png');
    assert.equal(upload.contentType, 'image/png');
    assert.equal(upload.apiKeyOk, true, 'the emulator did not accept the key the extension sent');
    assert.equal(upload.status, 200);
    const all = await emulator.received();
    assert.equal(all.length, 1, `expected one upload, the emulator got ${all.length}`);
  });
});
