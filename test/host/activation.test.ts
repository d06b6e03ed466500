import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { emulator, heygenTestApi, sha256Of, waitFor, workspaceFile } from './hostSupport';

const EXTENSION_ID = 'heygen-assets.heygen-assets';

interface Manifest {
  contributes: {
    commands: Array<{ command: string }>;
    viewsContainers: { activitybar: Array<{ id: string }> };
    views: Record<string, Array<{ id: string }>>;
  };
}

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not installed in the extension host`);
  return found;
}

suite('Activation', () => {
  test('the extension activates and returns only its public API; the test API is offered apart, in test mode', async () => {
    const api = (await extension().activate()) as Record<string, unknown> | undefined;
    assert.equal(extension().isActive, true);
    assert.ok(api, 'activate() returned nothing');
    assert.deepEqual(Reflect.ownKeys(api).map(String).sort(), ['history', 'onDidChangeHistory', 'upload', 'uploadUrl']);
    assert.ok(Object.values(api).every((member) => typeof member === 'function'), 'every member is a function');
    assert.ok(Object.isFrozen(api), 'another extension cannot replace a member');
    const testApi = await heygenTestApi();
    assert.equal(typeof testApi.upload, 'function', 'test API has no upload()');
    assert.ok(testApi.history, 'test API has no history');
    assert.ok(testApi.assetTree, 'test API has no assetTree');
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
    const manifest = extension().packageJSON as Manifest;
    assert.ok(manifest.contributes.viewsContainers.activitybar.some((container) => container.id === 'heygen'));
    assert.deepEqual(manifest.contributes.views.heygen?.map((view) => view.id), ['heygen.assets', 'heygen.library']);
    // The workbench generates these commands only for containers and views it actually registered.
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(registered.has('workbench.view.extension.heygen'), 'the activity-bar container is not registered');
    assert.ok(registered.has('heygen.assets.focus'), 'the Assets view is not registered');
    assert.ok(registered.has('heygen.library.focus'), 'the Library view is not registered');
    await vscode.commands.executeCommand('heygen.assets.focus');
  });

  test('heygen.uploadFile with a file URI sends sample.png byte for byte', async () => {
    await emulator.reset();
    const uri = workspaceFile('sample.png');
    const expected = sha256Of(uri.fsPath);
    // The command may keep a notification open after the upload, so the emulator decides when it is done.
    let commandError: Error | undefined;
    void Promise.resolve(vscode.commands.executeCommand('heygen.uploadFile', uri)).catch((error: unknown) => {
      commandError = error instanceof Error ? error : new Error(JSON.stringify(error));
    });
    const upload = await waitFor('the emulator to receive sample.png', async () => {
      if (commandError) {
        throw commandError;
      }
      return (await emulator.received()).find((entry) => entry.sha256 === expected);
    });
    assert.equal(upload.contentType, 'image/png');
    assert.equal(upload.apiKeyOk, true, 'the emulator did not accept the key the extension sent');
    assert.equal(upload.status, 200);
    const all = await emulator.received();
    assert.equal(all.length, 1, `expected one upload, the emulator got ${all.length}`);
  });
});
