// Issue 12 item 1: heygen.api.version and heygen.apiBaseUrl have application scope and are restricted, so a
// cloned repository cannot switch uploads to v3 or send v3 requests (and the key) to its own server. The driver's
// untrusted workspace sets both, pointing at the decoy (HEYGEN_TEST_DECOY); the driver fails the run if the decoy
// receives any v3 request.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BatchResult } from '../../src/vscode/upload/uploadCommands';
import { emulator, sha256Of, workspaceFile } from './hostSupport';
import { WindowSpy } from './windowSpy';

const decoyOrigin = (): string => {
  const origin = process.env.HEYGEN_TEST_DECOY;
  assert.ok(origin, 'HEYGEN_TEST_DECOY is not set; run through `npm run test:host`');
  return origin;
};

async function decoyV3Requests(): Promise<string[]> {
  const response = await fetch(`${decoyOrigin()}/__emulator/v3/requests`);
  return (await response.json()) as string[];
}

suite('Untrusted workspace and API v3', () => {
  test('the workspace cannot set heygen.api.version or heygen.apiBaseUrl', () => {
    const config = vscode.workspace.getConfiguration('heygen');
    assert.equal(config.inspect('api.version')?.workspaceValue, undefined, 'VS Code took heygen.api.version from the workspace');
    assert.equal(config.inspect('apiBaseUrl')?.workspaceValue, undefined, 'VS Code took heygen.apiBaseUrl from the workspace');
    assert.equal(config.get('api.version'), 'v1');
    assert.notEqual(config.get('apiBaseUrl'), decoyOrigin());
  });

  test('an upload stays v1 to the user\'s endpoint, and checking the account never asks the decoy', async () => {
    await emulator.reset();
    const spy = new WindowSpy();
    try {
      const uri = workspaceFile('sample.mp3');
      const result = await vscode.commands.executeCommand<BatchResult>('heygen.uploadFile', uri);
      assert.equal(result.succeeded.length, 1, spy.describe());
      const [arrived] = await emulator.received();
      assert.equal(arrived.api, undefined, 'the upload went through v3');
      assert.equal(arrived.sha256, sha256Of(uri.fsPath));
      spy.answerMessages(() => undefined);
      await vscode.commands.executeCommand('heygen.showAccount');
      assert.deepEqual(await decoyV3Requests(), [], 'the decoy from the workspace settings received v3 requests');
    } finally {
      spy.dispose();
    }
  });
});
