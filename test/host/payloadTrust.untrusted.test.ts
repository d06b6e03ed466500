// In a workspace VS Code does not trust (a cloned repository), a payload naming local files is not offered
// "Upload Local Files in This Payload": a source action there could be bound to a key or to save by the repository.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hostEnv, whenEvent } from './hostSupport';

suite('Payload source action in an untrusted workspace', () => {
  suiteSetup(async () => {
    // Active before the payload opens, so the question below reaches its provider.
    await vscode.extensions.getExtension('heygen-assets.heygen-assets')?.activate();
  });

  test('"Upload Local Files in This Payload" is not offered, even when asked for by its kind', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    // Python: no other extension here answers code actions for it (the JSON server, still starting in this fresh
    // window, cancels the whole request when asked for JSON).
    const file = path.join(hostEnv.workspace, 'untrusted_payload.py');
    fs.writeFileSync(file, 'payload = {"video_inputs": [{"background": {"type": "image", "url": "./sample.png"}}]}\n');
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(document);
      // The extension reads this payload here too: the local file is a problem it reports.
      await whenEvent('the local file’s problem', vscode.languages.onDidChangeDiagnostics, () =>
        vscode.languages.getDiagnostics(document.uri).some((d) => d.source === 'HeyGen') ? true : undefined,
      );
      const kind = 'source.heygen.uploadLocalFiles';
      const asked = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(0, 0, 0, 0), kind);
      assert.deepEqual(asked.map((a) => a.title), [], 'offered when asked for by kind');
      const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(0, 0, 0, 0));
      assert.ok(!all.some((a) => a.kind?.value === kind), `offered among: ${all.map((a) => a.title).join(', ')}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(file, { force: true });
    }
  });
});
