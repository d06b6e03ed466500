// Issue 11 item 1: a drop onto the Assets view of content without a path (a browser-based editor, the OS) is kept
// in a temporary file for its upload. Retry used to re-run that file after it was deleted ("does not exist"); the
// file now lives as long as the upload, Retry included, and is removed after.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { HeyGenTestApi } from '../../src/vscode/api';
import { contentOnlyTransfer, emulator, heygenTestApi, removed, whenEvent, workspaceFile } from './hostSupport';
import { WindowSpy } from './windowSpy';


suite('Dropped media onto the Assets view', () => {
  let heygen: HeyGenTestApi;
  let spy: WindowSpy;

  suiteSetup(async () => {
    heygen = await heygenTestApi<HeyGenTestApi>();
  });

  setup(async () => {
    await emulator.reset();
    spy = new WindowSpy();
  });

  teardown(async () => {
    spy.dispose();
    await emulator.behave({ mode: 'normal' });
  });

  test('Retry after a failed drop of content without a path uploads the kept file and records it', async () => {
    const view = heygen.assetTree as unknown as vscode.TreeDragAndDropController<unknown>;
    const bytes = Buffer.concat([fs.readFileSync(workspaceFile('sample.jpg').fsPath), randomBytes(16)]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await emulator.behave({ mode: 'rateLimit', retryAfterSeconds: 120, times: 1 });
    let retried!: () => void;
    const retryDone = new Promise<void>((resolve) => (retried = resolve));
    spy.answerMessages((shown) => (shown.message.includes('view-drop.jpg') && shown.items.includes('Retry') ? 'Retry' : undefined));
    // The Retry's own outcome (asserted below): dismissed.
    spy.answerMessages(() => {
      retried();
      return undefined;
    });
    await view.handleDrop!(undefined, contentOnlyTransfer('view-drop.jpg', bytes), new vscode.CancellationTokenSource().token);
    await retryDone;
    const [failure, outcome] = spy.messages;
    assert.equal(failure.kind, 'error', spy.describe());
    assert.deepEqual(failure.items, ['Retry', 'Show Log'], spy.describe());
    assert.equal(outcome.message, 'Uploaded "view-drop.jpg" to HeyGen.', spy.describe());
    const accepted = (await emulator.received()).filter((r) => r.status === 200 && r.sha256 === sha);
    assert.equal(accepted.length, 1, 'HeyGen received the dropped bytes on Retry');
    const record = await whenEvent('the retried upload in the history', (l) => heygen.history.onDidChange(l), () => heygen.history.all().find((r) => r.sha256 === sha));
    assert.equal(record.name, 'view-drop.jpg');
    assert.ok(record.sourcePath, 'the record names the file it was uploaded from');
    await removed('the temporary file', record.sourcePath);
    await heygen.history.remove([record.id]);
  });
});
