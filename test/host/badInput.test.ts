// Bad files and bad URLs in the real extension host. One batch mixes every kind of bad local input
// with good files; each bad one must fail with one sentence naming it and the reason, nothing of it may reach the
// history, and the good files must still be uploaded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { HeyGenAssetsApi } from '../../src/vscode/api';
import type { BatchResult } from '../../src/vscode/upload/uploadCommands';
import { MessageRecorder, RejectionWatch, heygenApi, historyIds, receivedUploads, scratchFolder, withUserSetting } from './faultKit';
import { emulator, hostEnv, sha256Of } from './hostSupport';

const MB = 1024 * 1024;
const TYPES = 'JPEG, PNG, MP4, WebM, MP3 or WAV';

let api: HeyGenAssetsApi;
const messages = new MessageRecorder();
const rejections = new RejectionWatch();

const sample = (name: string): string => path.join(hostEnv.workspace, name);

function failureByName(result: BatchResult): Map<string, { message: string; kind?: string }> {
  return new Map(result.failed.map((f) => [f.name, { message: f.message, kind: f.kind }]));
}

suite('Bad input: files that cannot be uploaded, among good ones', () => {
  suiteSetup(async () => {
    api = await heygenApi();
    messages.install();
    rejections.start();
  });

  setup(async () => {
    await emulator.reset();
    messages.clear();
  });

  suiteTeardown(async () => {
    messages.restore();
    await emulator.reset();
  });

  test('one batch of bad files among good ones: one sentence per bad file, nothing recorded, the good ones uploaded', async () => {
    const scratch = scratchFolder('bad-input');
    try {
      const put = (name: string, content: Buffer | string): vscode.Uri => {
        const uri = scratch.file(name);
        fs.writeFileSync(uri.fsPath, content);
        return uri;
      };
      const copy = (from: string, name: string): vscode.Uri => put(name, fs.readFileSync(sample(from)));

      // Sent, then changed or deleted while HeyGen is still answering (the emulator waits before it answers).
      const changed = copy('sample.mp4', 'changed.mp4');
      const deleted = copy('sample.mp3', 'deleted.mp3');
      const empty = put('empty.png', '');
      const oversize = put('big.mp4', Buffer.alloc(11 * MB, 1));
      const text = put('notes.png', 'These are my notes, not a picture.\n'.repeat(20));
      const missing = scratch.file('missing.webm');
      const fifo = scratch.file('x.wav');
      // Tests run as root, so chmod 000 would not stop a read; a named pipe is a path that cannot be read as a file.
      execFileSync('mkfifo', [fifo.fsPath]);
      const emptyFolder = scratch.file('empty-folder');
      fs.mkdirSync(emptyFolder.fsPath);
      const mislabelled = copy('sample.jpg', 'photo.png');
      const good = copy('sample.wav', 'good.wav');
      const folder = scratch.file('clips.mp4');
      fs.mkdirSync(folder.fsPath);
      fs.copyFileSync(sample('sample.webm'), path.join(folder.fsPath, 'inner.webm'));

      const before = historyIds(api);
      await emulator.behave({ mode: 'slow', delayMs: 4000 });
      const batch = api.upload([changed, deleted, empty, oversize, text, missing, fifo, emptyFolder, mislabelled, good, folder], { force: true });
      // changed.mp4 and deleted.mp3 hold the first two of the three upload slots; once their bytes are on the
      // emulator (which holds its answers back), they are changed and deleted under the upload.
      await Promise.all([emulator.bodyArrived(sha256Of(changed.fsPath)), emulator.bodyArrived(sha256Of(deleted.fsPath))]);
      fs.appendFileSync(changed.fsPath, Buffer.alloc(100));
      fs.rmSync(deleted.fsPath);
      const result = await batch;

      assert.equal(result.cancelled, false);
      const failures = failureByName(result);
      const expected: Record<string, { message: string; kind: string }> = {
        'changed.mp4': { message: '"changed.mp4" changed while uploading; upload it again once it is saved.', kind: 'invalidFile' },
        'deleted.mp3': { message: '"deleted.mp3" was deleted or moved while uploading.', kind: 'invalidFile' },
        'empty.png': { message: '"empty.png" is empty.', kind: 'invalidFile' },
        'big.mp4': { message: '"big.mp4" is 11 MB, over the 10 MB limit; HeyGen API v3 takes larger files.', kind: 'invalidFile' },
        'notes.png': {
          message: `"notes.png" is named like a PNG file, but its content is not PNG or any other supported type (${TYPES}).`,
          kind: 'invalidFile',
        },
        'missing.webm': { message: '"missing.webm" does not exist.', kind: 'invalidFile' },
        'x.wav': { message: '"x.wav" is not a regular file.', kind: 'invalidFile' },
        'empty-folder': { message: `"empty-folder" is a folder with no ${TYPES} file in it.`, kind: 'invalidFile' },
      };
      assert.deepEqual(Object.fromEntries(failures), expected);
      for (const failure of result.failed) {
        assert.equal(failure.message.split('. ').length, 1, `not one sentence: ${failure.message}`);
      }

      // The good ones: the mislabelled JPEG is sent as what it is, the folder's file is found and sent.
      const succeeded = new Map(result.succeeded.map((s) => [s.record.name, s.record]));
      assert.deepEqual([...succeeded.keys()].sort(), ['good.wav', 'inner.webm', 'photo.png']);
      const received = await receivedUploads();
      const arrived = (file: string) => received.find((r) => r.sha256 === sha256Of(file) && r.status === 200);
      const photo = arrived(mislabelled.fsPath);
      assert.ok(photo, 'photo.png did not arrive');
      assert.equal(photo.contentType, 'image/jpeg', 'JPEG bytes named .png must be sent as image/jpeg');
      assert.equal(succeeded.get('photo.png')?.mime, 'image/jpeg');
      assert.equal(arrived(good.fsPath)?.contentType, 'audio/wav');
      assert.equal(arrived(path.join(folder.fsPath, 'inner.webm'))?.contentType, 'video/webm');

      // Nothing of the bad files reached HeyGen, except the two whose bytes were sent before they changed.
      assert.equal(received.length, 5, `the emulator received ${JSON.stringify(received.map((r) => r.contentType))}`);
      const after = historyIds(api);
      const added = after.filter((id) => !before.includes(id));
      assert.deepEqual(added.sort(), result.succeeded.map((s) => s.record.id).sort(), 'the history gained something other than the good files');
      assert.equal(after.length, before.length + 3);
      const badNames = new Set(Object.keys(expected));
      assert.deepEqual(api.history.all().filter((r) => badNames.has(r.name)).map((r) => r.name), [], 'a failed file was recorded');

      // One summary for the batch; the sentences are one click away (Show Details writes them to the log).
      const shown = await messages.whenShown(1);
      assert.deepEqual(shown, [{ level: 'warning', text: '3 uploaded, 8 failed.', actions: ['Show Details'] }]);
    } finally {
      await emulator.reset();
      scratch.dispose();
    }
  });

  test('a single bad file shows its own sentence as the error', async () => {
    const scratch = scratchFolder('bad-single');
    try {
      const empty = scratch.file('silence.mp3');
      fs.writeFileSync(empty.fsPath, '');
      const before = historyIds(api);
      const result = await api.upload([empty]);
      assert.deepEqual(result.failed.map((f) => f.message), ['"silence.mp3" is empty.']);
      assert.deepEqual(await messages.whenShown(1), [{ level: 'error', text: '"silence.mp3" is empty.', actions: ['Show Log'] }]);
      assert.deepEqual(historyIds(api), before);
      assert.equal((await receivedUploads()).length, 0);
    } finally {
      scratch.dispose();
    }
  });

});

suite('Bad URLs: addresses that cannot be downloaded', () => {
  let server: http.Server;
  let origin = '';
  /** Settles when the endless stream's connection closes: true when it closed before all 50 MB were sent. */
  let endlessClosed: Promise<boolean> = new Promise(() => undefined);
  let endlessClosedResolve: (stopped: boolean) => void = () => undefined;

  /** The loopback server stands in for a web server: the exported API may reach it only with this setting on. */
  let restorePrivateNetworks: () => Promise<void> = () => Promise.resolve();

  suiteSetup(async () => {
    api = await heygenApi();
    restorePrivateNetworks = await withUserSetting('download.allowPrivateNetworks', true);
    messages.install();
    server = http.createServer((req, res) => {
      req.resume();
      const route = req.url ?? '/';
      if (route === '/good.jpg') {
        const bytes = fs.readFileSync(sample('sample.jpg'));
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(bytes.length) }).end(bytes);
      } else if (route === '/declared-huge.mp4') {
        // Says up front it is 11 MB: refused before any byte is read.
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(11 * MB) });
        res.end(Buffer.alloc(11 * MB));
      } else if (route === '/endless.mp4') {
        endlessClosed = new Promise((resolve) => (endlessClosedResolve = resolve));
        // No length: the client has to stop reading at the limit itself.
        res.writeHead(200, { 'content-type': 'video/mp4' });
        const chunk = Buffer.alloc(256 * 1024);
        let sent = 0;
        const pump = (): void => {
          while (sent < 50 * MB && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('close', () => endlessClosedResolve(sent < 50 * MB));
        pump();
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  setup(async () => {
    await emulator.reset();
    messages.clear();
  });

  suiteTeardown(async () => {
    messages.restore();
    await restorePrivateNetworks();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function expectUrlFailure(url: string, message: string): Promise<void> {
    const before = historyIds(api);
    const result = await api.uploadUrl(url, { force: true });
    assert.equal(result.succeeded.length, 0);
    assert.deepEqual(result.failed.map((f) => ({ message: f.message, kind: f.kind })), [{ message, kind: 'invalidFile' }]);
    assert.deepEqual(await messages.whenShown(1), [{ level: 'error', text: message, actions: ['Show Log'] }]);
    assert.deepEqual(historyIds(api), before);
    assert.equal((await receivedUploads()).length, 0, 'something reached HeyGen');
  }

  test('a URL answering 404', async () => {
    await expectUrlFailure(`${origin}/missing.png`, `"${origin}/missing.png" could not be downloaded: the server answered HTTP 404 (Not Found).`);
  });

  test('a URL declaring 11 MB is refused before downloading', async () => {
    await expectUrlFailure(`${origin}/declared-huge.mp4`, '"declared-huge.mp4" is 11 MB, over the 10 MB limit, so it was not downloaded.');
  });

  test('a URL streaming without a length is cut off at the limit', async () => {
    await expectUrlFailure(`${origin}/endless.mp4`, '"endless.mp4" is over the 10 MB limit, so the download was stopped.');
    assert.equal(await endlessClosed, true, 'the whole 50 MB stream was read');
  });

  test('a non-http URL', async () => {
    await expectUrlFailure('ftp://127.0.0.1/clip.mp4', '"ftp://127.0.0.1/clip.mp4" cannot be uploaded: only http and https URLs are supported.');
  });

  test('a good URL after the bad ones still uploads and is recorded once', async () => {
    const before = historyIds(api);
    const result = await api.uploadUrl(`${origin}/good.jpg`, { force: true });
    assert.deepEqual(result.failed, []);
    assert.equal(result.succeeded.length, 1);
    const { record } = result.succeeded[0];
    assert.equal(record.mime, 'image/jpeg');
    assert.equal(record.sourceUrl, `${origin}/good.jpg`);
    assert.deepEqual(historyIds(api).filter((id) => !before.includes(id)), [record.id]);
    const [arrived] = await receivedUploads();
    assert.equal(arrived.sha256, sha256Of(sample('sample.jpg')));
  });
});

suite('Bad input: extension host health', () => {
  // Every upload of the suites above was awaited.
  test('no unhandled promise rejection reached the extension host during the bad-input tests', async () => {
    const seen = await rejections.settled();
    rejections.stop();
    assert.deepEqual(seen, []);
  });
});
