// Runs in a window of its own, against an emulator nothing else has used, with v3 pointed at it (see
// test/tools/runHostTests.ts): every request the extension sent since it activated is on the emulator's record.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulator, hostEnv, pollUntil, whenEvent } from './hostSupport';

const EXTENSION_ID = 'heygen-assets.heygen-assets';

/** Every request that reached the emulator: v3 calls ("GET /v3/users/me") and uploads. */
async function requestsSoFar(): Promise<string[]> {
  const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/v3/requests`);
  assert.equal(response.status, 200, 'the emulator has no v3 request record');
  const v3 = (await response.json()) as string[];
  const uploads = (await emulator.received()).map((upload) => `upload ${upload.sha256.slice(0, 12)}`);
  return [...v3, ...uploads];
}

function writeWorkspaceFile(name: string, text: string): vscode.Uri {
  const file = path.join(hostEnv.workspace, name);
  fs.writeFileSync(file, text);
  return vscode.Uri.file(file);
}

suite('Activation asks HeyGen nothing', () => {
  test('activation and payload features that need no asset send no request; showing a HeyGen view starts the account check', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();

    // The languages the extension activates on, as a person would open them in any project: a payload naming only a
    // local file (its problems and hover need no asset), a JSON file that is no payload, a Python script.
    const payload = writeWorkspaceFile(
      'quiet-video.json',
      `${JSON.stringify({ video_inputs: [{ character: { type: 'avatar', avatar_id: 'josh_lite3_20230714' }, background: { type: 'image', url: './sample.png' } }] }, null, 2)}\n`,
    );
    const other = writeWorkspaceFile('scenes.json', '{ "scenes": [{ "title": "Intro", "seconds": 4 }] }\n');
    const script = writeWorkspaceFile('render.py', 'payload = {"title": "Product tour"}\n');
    const payloadDocument = await vscode.workspace.openTextDocument(payload);
    await vscode.window.showTextDocument(payloadDocument);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(other), { preview: false });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(script), { preview: false });

    // The payload features are at work: the local file is a problem, and its hover answers.
    const problems = await whenEvent('the payload problem for ./sample.png', vscode.languages.onDidChangeDiagnostics, () => {
      const found = vscode.languages.getDiagnostics(payload).filter((d) => d.source === 'HeyGen');
      return found.length > 0 ? found : undefined;
    });
    assert.ok(problems.length > 0);
    const at = payloadDocument.positionAt(payloadDocument.getText().indexOf('./sample.png') + 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', payload, at);
    assert.ok(hovers.length > 0, 'no hover on the local path');

    assert.deepEqual(await requestsSoFar(), [], 'requests reached the emulator before any HeyGen view, command or asset was asked for');

    // The person opens the HeyGen container on its Assets view: now the account is asked for. The emulator's record
    // announces nothing, so it is polled.
    await vscode.commands.executeCommand('heygen.assets.focus');
    await pollUntil('the account check after the Assets view opened', async () => {
      const seen = await requestsSoFar();
      return seen.includes('GET /v3/users/me') ? seen : undefined;
    });
    // Then the Library: its listing.
    await vscode.commands.executeCommand('heygen.library.focus');
    await pollUntil('the listing after the Library opened', async () => ((await requestsSoFar()).includes('GET /v3/assets') ? true : undefined));
  });
});
