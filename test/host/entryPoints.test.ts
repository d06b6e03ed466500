// Issue 4 items 1, 2, 4 and 7 inside the real extension host: every way a person starts an upload (explorer
// selection, folder, editor title, active tab, palette dialog, URL), the refusals, the progress notification
// and its Cancel. What is asserted is what the person gets: the bytes HeyGen received, the rows in the Assets
// view and the messages with their buttons.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HeyGenTestApi } from '../../src/vscode/api';
import type { BatchResult } from '../../src/vscode/upload/uploadCommands';
import { emulator, heygenTestApi, hostEnv, pollUntil, sha256Of, whenEvent, withDeadline, workspaceFile, type ReceivedUpload } from './hostSupport';
import { withUserSetting } from './faultKit';
import { WindowSpy } from './windowSpy';

const EXTENSION_ID = 'heygen-assets.heygen-assets';
const MEDIA_EXTENSIONS = ['jpg', 'jpeg', 'png', 'mp4', 'webm', 'mp3', 'wav'];

async function api(): Promise<HeyGenTestApi> {
  return heygenTestApi<HeyGenTestApi>();
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

/** Labels of every asset row in the Assets view, as the person sees them. */
async function assetRows(heygen: HeyGenTestApi): Promise<string[]> {
  const tree = heygen.assetTree;
  const rows: string[] = [];
  const groups = ((await tree.getChildren()) ?? []);
  for (const group of groups) {
    for (const child of ((await tree.getChildren(group)) ?? [])) {
      rows.push(labelOf(await tree.getTreeItem(child)));
    }
  }
  return rows.sort();
}

async function run(command: string, ...args: unknown[]): Promise<BatchResult | undefined> {
  return vscode.commands.executeCommand<BatchResult | undefined>(command, ...args);
}

function receivedShas(received: ReceivedUpload[]): string[] {
  return received.filter((r) => r.status === 200).map((r) => r.sha256).sort();
}

/** A copy of sample.png with distinct trailing bytes: still a PNG by content, but a different file to HeyGen. */
function pngVariant(file: string, n: number): void {
  fs.writeFileSync(file, Buffer.concat([fs.readFileSync(workspaceFile('sample.png').fsPath), Buffer.from(`variant ${n}`)]));
}

/** A folder under the workspace, removed at teardown. */
function scratchFolder(name: string): string {
  const folder = path.join(hostEnv.workspace, name);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  return folder;
}

suite('Upload entry points', () => {
  let heygen: HeyGenTestApi;
  let spy: WindowSpy;
  const scratch: string[] = [];

  suiteSetup(async () => {
    heygen = await api();
  });

  setup(async () => {
    await emulator.reset();
    await heygen.history.clear();
    spy = new WindowSpy();
  });

  teardown(async () => {
    spy.dispose();
    await emulator.reset();
    for (const folder of scratch.splice(0)) {
      fs.rmSync(folder, { recursive: true, force: true });
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('explorer shape (clicked, all selected) via "Upload to HeyGen": three files in one batch, one notification, three rows', async () => {
    const files = ['sample.png', 'sample.mp4', 'sample.mp3'].map(workspaceFile);
    const result = await run('heygen.uploadToHeyGen', files[1], files);
    assert.ok(result, 'the command returned no result');
    assert.equal(result.failed.length, 0, spy.describe());
    assert.equal(result.succeeded.length, 3);

    assert.deepEqual(receivedShas(await emulator.received()), files.map((f) => sha256Of(f.fsPath)).sort());
    const types = (await emulator.received()).map((r) => r.contentType).sort();
    assert.deepEqual(types, ['audio/mpeg', 'image/png', 'video/mp4']);
    assert.deepEqual(await assetRows(heygen), ['sample.mp3', 'sample.mp4', 'sample.png']);

    // One progress notification for the batch, with Cancel, naming each file and counting to 100 %.
    assert.equal(spy.progress.length, 1, 'one notification per batch');
    const [progress] = spy.progress;
    assert.equal(progress.title, 'Uploading 3 files to HeyGen');
    assert.equal(progress.cancellable, true);
    for (const name of ['sample.png', 'sample.mp4', 'sample.mp3']) {
      assert.ok(
        progress.reports.some((r) => r.message?.startsWith(`${name} \u2014 `)),
        `progress never named ${name}: ${JSON.stringify(progress.reports)}`,
      );
    }
    assert.ok(progress.reports.some((r) => /\u2014 100% \(\d\/3\)$/.test(r.message ?? '')), JSON.stringify(progress.reports));
    const total = progress.reports.reduce((sum, r) => sum + (r.increment ?? 0), 0);
    assert.ok(Math.abs(total - 100) < 0.01, `the bar reached ${total} %`);

    const summary = spy.messages.filter((m) => m.kind !== 'error');
    assert.deepEqual(summary.map((m) => m.message), ['3 uploaded to HeyGen.']);
    assert.equal(spy.messages.filter((m) => m.kind === 'error').length, 0, spy.describe());
    // One status-bar item while the batch ran, gone afterwards.
    const items = spy.statusItems.filter((item) => item.id === 'heygen.uploads');
    assert.equal(items.length, 1, JSON.stringify(spy.statusItems));
    assert.ok(items[0].shownTexts.length > 0 && items[0].shownTexts.every((text) => text === '$(sync~spin) HeyGen: uploading'), JSON.stringify(items));
    assert.equal(items[0].visible, false, 'the status-bar item stayed after the batch');
    assert.equal(items[0].disposed, true);
  });

  test('heygen.uploadFile takes the explorer shape too (palette id used from the explorer)', async () => {
    const files = ['sample.jpg', 'sample.webm', 'sample.wav'].map(workspaceFile);
    const result = await run('heygen.uploadFile', files[0], files);
    assert.equal(result?.succeeded.length, 3, spy.describe());
    assert.deepEqual(receivedShas(await emulator.received()), files.map((f) => sha256Of(f.fsPath)).sort());
    assert.deepEqual(await assetRows(heygen), ['sample.jpg', 'sample.wav', 'sample.webm']);
  });

  test('a folder uploads its supported files only (subfolders included, .txt and node_modules left out)', async () => {
    const folder = scratchFolder('upload-folder');
    scratch.push(folder);
    fs.copyFileSync(workspaceFile('sample.wav').fsPath, path.join(folder, 'voice.wav'));
    fs.copyFileSync(workspaceFile('sample.webm').fsPath, path.join(folder, 'clip.webm'));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not media\n');
    fs.mkdirSync(path.join(folder, 'nested'));
    pngVariant(path.join(folder, 'nested', 'deep.png'), 1);
    fs.mkdirSync(path.join(folder, 'node_modules'));
    pngVariant(path.join(folder, 'node_modules', 'dependency.png'), 2);

    const uri = vscode.Uri.file(folder);
    const result = await run('heygen.uploadToHeyGen', uri, [uri]);
    assert.equal(result?.succeeded.length, 3, spy.describe());
    const expected = ['voice.wav', 'clip.webm', path.join('nested', 'deep.png')].map((f) => sha256Of(path.join(folder, f)));
    const received = await emulator.received();
    assert.deepEqual(receivedShas(received), expected.sort());
    assert.equal(received.length, 3, 'notes.txt and node_modules/ were not sent');
    assert.deepEqual(await assetRows(heygen), ['clip.webm', 'deep.png', 'voice.wav']);
    assert.deepEqual(spy.messages.map((m) => m.message), ['3 uploaded to HeyGen.']);
  });

  test('a folder of 20 files uploads without asking; 21 asks first (modal), and "No" sends nothing', async () => {
    const folder = scratchFolder('twenty-one');
    scratch.push(folder);
    for (let n = 1; n <= 20; n++) {
      pngVariant(path.join(folder, `frame-${String(n).padStart(2, '0')}.png`), n);
    }
    const uri = vscode.Uri.file(folder);
    const twenty = await run('heygen.uploadToHeyGen', uri, [uri]);
    assert.equal(twenty?.succeeded.length, 20, spy.describe());
    assert.ok(!spy.messages.some((m) => m.modal), `asked about 20 files:\n${spy.describe()}`);
    assert.equal((await emulator.received()).length, 20);

    pngVariant(path.join(folder, 'frame-21.png'), 21);
    await emulator.reset();
    spy.messages.length = 0;
    spy.answerMessages(() => undefined); // The person closes the modal.
    const declined = await run('heygen.uploadToHeyGen', uri, [uri]);
    const [question] = spy.messages;
    assert.ok(question?.modal, `no modal question:\n${spy.describe()}`);
    assert.equal(question.message, '"twenty-one" holds 21 supported files. Upload them all to HeyGen?');
    assert.deepEqual(question.items, ['Upload 21 Files']);
    assert.deepEqual(declined, { succeeded: [], failed: [], cancelled: true });
    assert.equal(spy.messages.length, 1, 'declining says nothing more');
    assert.equal((await emulator.received()).length, 0, 'declining sends nothing');

    spy.messages.length = 0;
    spy.click('Upload 21 Files');
    const accepted = await run('heygen.uploadToHeyGen', uri, [uri]);
    assert.equal(accepted?.failed.length, 0, spy.describe());
    // Twenty were uploaded a moment ago with this key: those are reused, only frame-21 travels.
    assert.equal(accepted?.succeeded.length, 21);
    assert.deepEqual(receivedShas(await emulator.received()), [sha256Of(path.join(folder, 'frame-21.png'))]);
    assert.equal(spy.messages.at(-1)?.message, '21 uploaded to HeyGen.');
  });

  test('a folder selected together with a file inside it sends that file once; a plain path string works too', async () => {
    const folder = scratchFolder('overlap');
    scratch.push(folder);
    const inside = path.join(folder, 'inside.png');
    pngVariant(inside, 7);
    fs.copyFileSync(workspaceFile('sample.mp3').fsPath, path.join(folder, 'inside.mp3'));
    const folderUri = vscode.Uri.file(folder);
    const result = await run('heygen.uploadToHeyGen', folderUri, [folderUri, vscode.Uri.file(inside)]);
    assert.equal(result?.succeeded.length, 2, spy.describe());
    assert.equal((await emulator.received()).length, 2, 'inside.png was not sent twice');

    await emulator.reset();
    await heygen.history.clear();
    const byPath = await run('heygen.uploadFile', workspaceFile('sample.wav').fsPath);
    assert.equal(byPath?.succeeded.length, 1, spy.describe());
    assert.deepEqual(receivedShas(await emulator.received()), [sha256Of(workspaceFile('sample.wav').fsPath)]);
  });

  test('editor title / tab shape (uri, {groupId}) uploads that file and offers Copy URL and Copy ID', async () => {
    const uri = workspaceFile('sample.webm');
    const result = await run('heygen.uploadToHeyGen', uri, { groupId: 1 });
    assert.equal(result?.succeeded.length, 1, spy.describe());
    const [arrived] = await emulator.received();
    assert.equal(arrived.sha256, sha256Of(uri.fsPath));
    assert.equal(arrived.contentType, 'video/webm');
    const [message] = spy.messages;
    assert.equal(message.kind, 'info');
    // The id and the URL are in the Assets row, its tooltip and the log; the notification says what happened.
    assert.equal(message.message, 'Uploaded "sample.webm" to HeyGen.');
    // "Insert into Payload" joins them when a payload is open (the first-hour tests cover it).
    assert.deepEqual(message.items.filter((item) => item !== 'Insert into Payload'), ['Copy URL', 'Show in Assets']);
    assert.equal(spy.progress[0]?.title, 'Uploading to HeyGen');
  });

  test('"Upload to HeyGen" with no argument uploads the active tab (an image preview)', async () => {
    const uri = workspaceFile('sample.png');
    const active = whenEvent('sample.png to be the active tab', vscode.window.tabGroups.onDidChangeTabs, () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
      return input?.uri?.fsPath === uri.fsPath ? true : undefined;
    });
    await vscode.commands.executeCommand('vscode.open', uri);
    await active;
    const result = await run('heygen.uploadToHeyGen');
    assert.equal(result?.succeeded.length, 1, spy.describe());
    assert.deepEqual(receivedShas(await emulator.received()), [sha256Of(uri.fsPath)]);
    assert.equal(spy.openDialogs.length, 0, 'no file dialog when a file is active');
  });

  test('"Upload to HeyGen" with a text editor active refuses it by name and sends nothing', async () => {
    const uri = workspaceFile('video.json');
    await vscode.window.showTextDocument(uri);
    const result = await run('heygen.uploadToHeyGen');
    assert.equal(result?.succeeded.length, 0);
    assert.equal((await emulator.received()).length, 0);
    const [error] = spy.messages;
    assert.equal(error?.kind, 'error', spy.describe());
    assert.match(error.message, /"video\.json" is not a supported type/);
    assert.ok(!error.items.includes('Retry'), 'retrying cannot help an unsupported file');
    assert.ok(error.items.includes('Show Log'));
  });

  test('from the palette heygen.uploadFile opens a multi-select dialog filtered to media; cancelling it does nothing', async () => {
    const files = [workspaceFile('sample.jpg'), workspaceFile('sample.mp3')];
    spy.answerOpenDialog(files);
    const result = await run('heygen.uploadFile');
    assert.equal(spy.openDialogs.length, 1);
    const [dialog] = spy.openDialogs;
    assert.equal(dialog.canSelectMany, true);
    assert.equal(dialog.canSelectFolders, false);
    const filtered = Object.values(dialog.filters ?? {}).flat();
    assert.deepEqual([...new Set(filtered)].sort(), [...MEDIA_EXTENSIONS].sort());
    assert.equal(result?.succeeded.length, 2, spy.describe());
    assert.deepEqual(receivedShas(await emulator.received()), files.map((f) => sha256Of(f.fsPath)).sort());

    // "Upload to HeyGen" with no editor open falls back to the same dialog.
    await emulator.reset();
    await heygen.history.clear();
    spy.answerOpenDialog([workspaceFile('sample.png')]);
    assert.equal((await run('heygen.uploadToHeyGen'))?.succeeded.length, 1, spy.describe());
    assert.equal(spy.openDialogs.length, 2);
    assert.deepEqual(receivedShas(await emulator.received()), [sha256Of(workspaceFile('sample.png').fsPath)]);

    await emulator.reset();
    spy.messages.length = 0;
    spy.answerOpenDialog(undefined);
    assert.equal(await run('heygen.uploadFile'), undefined);
    assert.equal((await emulator.received()).length, 0);
    assert.deepEqual(spy.messages, [], 'closing the dialog is not an error');
  });

  test('an unsupported file passed by command gets one clear refusal naming it; nothing is sent', async () => {
    const folder = scratchFolder('refusals');
    scratch.push(folder);
    const notes = path.join(folder, 'notes.txt');
    fs.writeFileSync(notes, 'meeting notes\n');
    const fake = path.join(folder, 'fake.png');
    fs.writeFileSync(fake, 'this is text, not a PNG\n');

    const result = await run('heygen.uploadFile', vscode.Uri.file(notes));
    assert.deepEqual(result?.succeeded, []);
    assert.equal(spy.messages.length, 1, spy.describe());
    assert.equal(spy.messages[0].kind, 'error');
    assert.match(spy.messages[0].message, /^"notes\.txt" is not a supported type \(.*JPEG.*\)\.$/);

    spy.messages.length = 0;
    await run('heygen.uploadFile', vscode.Uri.file(fake));
    assert.equal(spy.messages.length, 1, spy.describe());
    assert.match(spy.messages[0].message, /^"fake\.png" is named like a PNG file, but its content is not PNG/);
    assert.equal((await emulator.received()).length, 0, 'nothing reached HeyGen');
    assert.deepEqual(await assetRows(heygen), []);
  });

  test('a selection mixing media and a text file: the media goes, the summary says "1 uploaded, 1 failed." with Show Details', async () => {
    const folder = scratchFolder('mixed');
    scratch.push(folder);
    const notes = vscode.Uri.file(path.join(folder, 'readme.txt'));
    fs.writeFileSync(notes.fsPath, 'text\n');
    const png = workspaceFile('sample.png');
    const result = await run('heygen.uploadToHeyGen', png, [png, notes]);
    assert.equal(result?.succeeded.length, 1);
    assert.equal(result?.failed.length, 1);
    assert.deepEqual(receivedShas(await emulator.received()), [sha256Of(png.fsPath)]);
    const summary = spy.messages.at(-1);
    assert.equal(summary?.message, '1 uploaded, 1 failed.', spy.describe());
    assert.equal(summary.kind, 'warning');
    assert.deepEqual(summary.items, ['Show Details'], 'an unsupported file is not offered a retry');
  });

  test('explorer and editor menus offer "Upload to HeyGen" for exactly the types an upload accepts', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { menus: Record<string, Array<{ command: string; when?: string }>> };
    };
    const offered = (menu: string, extname: string): boolean => {
      const entry = manifest.contributes.menus[menu]?.find((item) => item.command === 'heygen.uploadToHeyGen');
      assert.ok(entry?.when, `${menu} has no "Upload to HeyGen" entry with a when-clause`);
      const match = /resourceExtname =~ \/(.+?)\/(\w*)/.exec(entry.when);
      assert.ok(match, `${menu}: no resourceExtname test in ${entry.when}`);
      return new RegExp(match[1], match[2]).test(extname);
    };
    for (const menu of ['explorer/context', 'editor/title', 'editor/title/context']) {
      for (const ext of MEDIA_EXTENSIONS) {
        assert.ok(offered(menu, `.${ext}`), `${menu} hides Upload for .${ext}`);
        assert.ok(offered(menu, `.${ext.toUpperCase()}`), `${menu} hides Upload for .${ext.toUpperCase()}`);
      }
      for (const ext of ['.json', '.txt', '.gif', '.mov', '.pdf', '.png.bak', '.mp3x']) {
        assert.ok(!offered(menu, ext), `${menu} offers Upload for ${ext}`);
      }
    }
  });

  suite('from a URL (loopback server inside the extension host)', () => {
    let server: http.Server;
    let origin: string;
    const mp4 = (): Buffer => fs.readFileSync(workspaceFile('sample.mp4').fsPath);

    /** The loopback server stands in for a web server: a URL handed to the command may reach it only with this setting. */
    let restorePrivateNetworks: () => Promise<void> = () => Promise.resolve();

    suiteSetup(async () => {
      restorePrivateNetworks = await withUserSetting('download.allowPrivateNetworks', true);
      server = http.createServer((req, res) => {
        if (req.url === '/media/clip.mp4') {
          const body = mp4();
          res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(body.length) });
          res.end(body);
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not found');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    suiteTeardown(async () => {
      await restorePrivateNetworks();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    test('heygen.uploadFromUrl with a URL argument: HeyGen receives the same bytes and the view shows the file', async () => {
      const url = `${origin}/media/clip.mp4`;
      const result = await run('heygen.uploadFromUrl', url);
      assert.equal(result?.succeeded.length, 1, spy.describe());
      const [arrived] = await emulator.received();
      assert.equal(arrived.sha256, sha256Of(workspaceFile('sample.mp4').fsPath));
      assert.equal(arrived.contentType, 'video/mp4');
      assert.deepEqual(await assetRows(heygen), ['clip.mp4']);
      assert.equal(heygen.history.all()[0]?.sourceUrl, url);
      assert.equal(spy.messages[0]?.message, 'Uploaded "clip.mp4" to HeyGen.');
    });

    test('from the palette: the input box validates as one types, then the URL uploads', async () => {
      const url = `${origin}/media/clip.mp4`;
      const seen: unknown[] = [];
      spy.answerInputBoxes((options) => {
        const validate = (value: string): unknown => options.validateInput?.(value);
        for (const typed of ['', 'example.com/a.png', 'ftp://example.com/a.png', 'https://', url]) {
          seen.push(validate(typed));
        }
        return `  ${url}  `;
      });
      const result = await run('heygen.uploadFromUrl');
      const [box] = spy.inputBoxes;
      assert.equal(box.options.ignoreFocusOut, true);
      assert.deepEqual(seen, [
        'Enter the address of a JPEG, PNG, MP4, WebM, MP3 or WAV file.',
        'That is not a complete URL (it should start with https://).',
        'Only http and https addresses can be downloaded, not ftp:',
        'That is not a complete URL (it should start with https://).',
        undefined,
      ]);
      assert.equal(result?.succeeded.length, 1, spy.describe());
      assert.deepEqual(receivedShas(await emulator.received()), [sha256Of(workspaceFile('sample.mp4').fsPath)]);
    });

    test('a URL that answers 404 fails with one sentence naming it; nothing is sent to HeyGen', async () => {
      const result = await run('heygen.uploadFromUrl', `${origin}/media/missing.mp4`);
      assert.equal(result?.succeeded.length, 0);
      assert.equal((await emulator.received()).length, 0);
      assert.equal(spy.messages.length, 1, spy.describe());
      assert.equal(spy.messages[0].kind, 'error');
      assert.match(spy.messages[0].message, /missing\.mp4.*404/);
    });

    test('a command argument that is not a URL is refused in words, not with an exception', async () => {
      const result = await run('heygen.uploadFromUrl', 'not a url');
      assert.equal(result?.succeeded.length ?? 0, 0);
      assert.equal((await emulator.received()).length, 0);
      assert.equal(spy.messages.length, 1, spy.describe());
      assert.equal(spy.messages[0].kind, 'error');
      assert.match(spy.messages[0].message, /not a url/);
    });
  });

  suite('cancel', () => {
    test('Cancel on the progress notification aborts the upload in flight: "Upload cancelled", no asset recorded', async () => {
      const before = heygen.history.all().length;
      await emulator.behave({ mode: 'stall' });
      const uri = workspaceFile('sample.mp4');
      const pending = run('heygen.uploadFile', uri);
      // The emulator has the whole body and is holding the answer back: the upload is in flight, under its progress
      // notification (shown before the upload starts).
      await emulator.bodyArrived(sha256Of(uri.fsPath));
      const [progress] = spy.progress;
      assert.ok(progress, 'no progress notification while uploading');
      assert.equal(progress.cancellable, true);
      progress.cancel();
      // Without the abort, the stalled request would wait out the 60 s idle timeout, and its retries after it.
      const result = await withDeadline('the upload stopping after Cancel', pending, 20_000);
      assert.equal(result?.cancelled, true);
      assert.deepEqual(result?.succeeded, []);
      assert.deepEqual(spy.messages.map((m) => `${m.kind}: ${m.message}`), ['info: Upload cancelled. Nothing was uploaded.']);
      assert.equal(heygen.history.all().length, before, 'no asset recorded');
      assert.deepEqual(await assetRows(heygen), []);
      const items = spy.statusItems.filter((item) => item.id === 'heygen.uploads');
      assert.ok(items.length > 0 && items.every((item) => item.disposed && !item.visible), `the status-bar item stayed: ${JSON.stringify(items)}`);
    });

    test('Cancel after the first file of a batch finished: it stays recorded, files not started are never sent', async () => {
      const files = ['sample.png', 'sample.jpg', 'sample.mp3', 'sample.wav'].map(workspaceFile);
      // HeyGen is slow to answer one of the three sent at once, so it is still in flight when the person presses Cancel.
      await emulator.behave({ mode: 'slow', delayMs: 2000, times: 1 });
      let cancelledAt: string | undefined;
      spy.onProgressReport = (value, shown) => {
        // The first answer has arrived when the counter moves on to the second file.
        if (cancelledAt === undefined && / \(2\/4\)$/.test(value.message ?? '') && value.message?.includes('100%')) {
          cancelledAt = value.message;
          shown.cancel();
        }
      };
      const pending = run('heygen.uploadFile', files[0], files);
      const result = await pending;
      assert.ok(cancelledAt, `Cancel was never pressed; progress: ${JSON.stringify(spy.progress[0]?.reports)}`);
      assert.equal(result?.cancelled, true);
      const done = result?.succeeded.length ?? 0;
      assert.ok(done >= 1 && done <= 2, `succeeded ${done}: the slow one should have been cut off`);
      assert.equal(heygen.history.all().length, done, 'only finished uploads are recorded');
      assert.equal((await assetRows(heygen)).length, done);
      assert.equal(spy.messages.at(-1)?.message, `Upload cancelled. ${done} uploaded before cancelling.`);
      // The emulator records the cut-off request only when its delayed answer finds the connection gone; wait for
      // that here, so the record does not land in the next test's list. Polled: the emulator announces a body's
      // arrival, not its answers.
      const received = await pollUntil('the emulator to give up on the cut-off request', async () => {
        const all = await emulator.received();
        return all.some((r) => r.status === 0) ? all : undefined;
      });
      assert.ok(received.length <= 3, 'the fourth file never started');
    });
  });
});
