// Issue 7 items 1 and 6: a cloned repository's .vscode/settings.json cannot redirect uploads. The
// driver opens this suite in a workspace VS Code does not trust, whose settings point
// heygen.uploadUrl at a decoy server (HEYGEN_TEST_DECOY); the user setting points at the emulator.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulator, hostEnv, sha256Of, workspaceFile } from './hostSupport';

const decoyOrigin = (): string => {
  const origin = process.env.HEYGEN_TEST_DECOY;
  assert.ok(origin, 'HEYGEN_TEST_DECOY is not set; run through `npm run test:host`');
  return origin;
};

async function decoyReceived(): Promise<number> {
  const response = await fetch(`${decoyOrigin()}/__emulator/received`);
  return ((await response.json()) as unknown[]).length;
}

suite('Untrusted workspace', () => {
  test('the workspace is not trusted, and the endpoint its settings name is ignored', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const settingsFile = path.join(hostEnv.workspace, '.vscode', 'settings.json');
    assert.ok(fs.readFileSync(settingsFile, 'utf8').includes(decoyOrigin()), 'the workspace settings do not name the decoy');
    const inspected = vscode.workspace.getConfiguration('heygen').inspect<string>('uploadUrl');
    assert.equal(inspected?.workspaceValue, undefined, 'VS Code took heygen.uploadUrl from the workspace');
    assert.equal(vscode.workspace.getConfiguration('heygen').get<string>('uploadUrl'), `${hostEnv.emulatorOrigin}/v1/asset`);
  });

  test('the extension activates and its commands run in restricted mode', async () => {
    const extension = vscode.extensions.getExtension('heygen-assets.heygen-assets');
    assert.ok(extension?.isActive, 'the extension is not active in the untrusted workspace');
    const commands = new Set(await vscode.commands.getCommands(true));
    assert.ok(commands.has('heygen.uploadFile'));
  });

  test('an upload goes to the user-level endpoint, never to the workspace-configured one', async () => {
    await emulator.reset();
    const uri = workspaceFile('sample.wav');
    const expected = sha256Of(uri.fsPath);
    // The command resolves once the upload is done.
    await vscode.commands.executeCommand('heygen.uploadFile', uri);
    const upload = (await emulator.received()).find((entry) => entry.sha256 === expected);
    assert.ok(upload, 'the emulator did not receive sample.wav');
    assert.equal(upload.status, 200);
    assert.equal(await decoyReceived(), 0, 'the decoy from the workspace settings received an upload');
  });
});
