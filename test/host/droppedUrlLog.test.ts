import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fileWhen, hostEnv } from './hostSupport';

const EXTENSION_ID = 'heygen-assets.heygen-assets';
const CALLER_ID = 'heygen-test.agent-caller';

interface Api {
  assetTree: { handleDrop(target: undefined, transfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> };
}

suite('Dropped web addresses in the log', () => {
  test('a URL dropped on the Assets view is logged without its query', async () => {
    const api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as Api;
    // The caller extension (installed beside ours) knows where the extension host writes each extension's log.
    const caller = (await vscode.extensions.getExtension(CALLER_ID)!.activate()) as { logsFolder: string };
    const logFile = path.join(caller.logsFolder, 'heygen-assets.heygen-assets', 'HeyGen.log');
    const url = `${hostEnv.emulatorOrigin}/files/dropped-signed.png?X-Amz-Signature=droppedsecret&X-Amz-Credential=droppedcredential`;
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(url));
    await api.assetTree.handleDrop(undefined, transfer, new vscode.CancellationTokenSource().token);
    const text = await fileWhen(`${logFile} to name the dropped address`, logFile, (content) =>
      content?.includes('dropped-signed.png') ? content : undefined,
    );
    assert.match(text, /Uploading the dropped address http:\/\/127\.0\.0\.1:\d+\/files\/dropped-signed\.png\./);
    assert.ok(!text.includes('droppedsecret') && !text.includes('droppedcredential'), 'the signed query reached the log');
  });
});
