// In a workspace VS Code does not trust (a cloned repository), a payload naming local files is not offered
// "Upload Local Files in This Payload": a source action there could be bound to a key or to save by the repository.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hostEnv } from './hostSupport';

suite('Payload source action in an untrusted workspace', () => {
  suiteSetup(async () => {
    // Active before the payload opens, so the question below reaches its provider.
    await vscode.extensions.getExtension('heygen-assets.heygen-assets')?.activate();
  });

  test('"Upload Local Files in This Payload" is not offered, even when asked for by its kind', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const file = path.join(hostEnv.workspace, 'untrusted-payload.json');
    fs.writeFileSync(file, '{ "video_inputs": [ { "background": { "type": "image", "url": "./sample.png" } } ] }\n');
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(document);
      const kind = 'source.heygen.uploadLocalFiles';
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(0, 0, 0, 0), kind);
      assert.deepEqual(actions.map((a) => a.title), [], 'offered');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(file, { force: true });
    }
  });
});
