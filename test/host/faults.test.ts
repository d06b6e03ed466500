// In the real extension host: a misbehaving HeyGen (the emulator told how to misbehave) and endpoints the key must
// never reach. Every upload goes through the extension's own UploadController, so these
// tests see the retries, the one message the person is shown, and what lands in the history.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HeyGenTestApi } from '../../src/vscode/api';
import type { BatchResult } from '../../src/vscode/upload/uploadCommands';
import { MessageRecorder, RejectionWatch, heygenApi, historyIds, receivedUploads, scratchFolder, withUserSetting } from './faultKit';
import { scanForSecret } from '../tools/scanForSecret';
import { emulator, fileWhen, hostEnv, workspaceFile } from './hostSupport';

const FILE = 'sample.jpg';

let api: HeyGenTestApi;
const messages = new MessageRecorder();
const rejections = new RejectionWatch();

async function upload(uri = workspaceFile(FILE)): Promise<BatchResult> {
  // force: the same bytes were uploaded before with this key, and the reuse index would otherwise skip the network.
  return api.upload([uri], { force: true });
}

/** The upload succeeds after the fault; the history gains exactly that asset, once; one success message. */
async function expectRecovery(firstStatus: number, uri = workspaceFile(FILE)): Promise<{ result: BatchResult; elapsedMs: number }> {
  const before = historyIds(api);
  const started = Date.now();
  const result = await upload(uri);
  const elapsedMs = Date.now() - started;
  assert.deepEqual(result.failed.map((f) => f.message), [], 'the upload failed');
  assert.equal(result.succeeded.length, 1);
  const received = await receivedUploads();
  assert.deepEqual(received.map((r) => r.status), [firstStatus, 200], 'expected the fault, then one successful retry');
  const id = result.succeeded[0].record.id;
  assert.equal(id, received[1].id, 'the recorded asset is not the one HeyGen accepted');
  const after = historyIds(api);
  assert.equal(after.filter((x) => x === id).length, 1, 'the asset is not in the history exactly once');
  assert.deepEqual(after.filter((x) => x !== id).sort(), [...before].sort(), 'other history entries changed');
  const shown = await messages.whenShown(1);
  assert.deepEqual(shown.map((m) => m.level), ['information'], `shown: ${JSON.stringify(shown)}`);
  assert.equal(shown[0].text, `Uploaded "${path.basename(uri.fsPath)}" to HeyGen.`);
  return { result, elapsedMs };
}

/** The upload fails after `requests` attempts with exactly `message`, shown once as an error; history unchanged. */
async function expectFailure(expected: { message: string; kind: string; requests: number; actions: string[] }): Promise<void> {
  const before = historyIds(api);
  const result = await upload();
  assert.equal(result.succeeded.length, 0, 'the upload succeeded');
  assert.equal(result.cancelled, false);
  assert.equal(result.failed.length, 1);
  const [failure] = result.failed;
  assert.equal(failure.message, expected.message);
  assert.equal(failure.kind, expected.kind);
  assert.equal(failure.name, FILE);
  const received = await receivedUploads();
  assert.equal(received.length, expected.requests, `requests: ${JSON.stringify(received)}`);
  // A late record of an earlier suite's cut-off upload would show up here as another file.
  assert.equal(new Set(received.map((r) => r.sha256)).size, 1, 'requests for another file arrived during the test');
  assert.deepEqual(historyIds(api), before, 'the history changed after a failed upload');
  const shown = await messages.whenShown(1);
  assert.deepEqual(shown, [{ level: 'error', text: expected.message, actions: expected.actions }]);
  assert.ok(!expected.message.includes(hostEnv.apiKey));
}

suite('Server faults: retried where it helps, one message, the history unchanged', () => {
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
    rejections.stop();
    await emulator.reset();
  });

  test('HTTP 500 once, then success: retried and recorded once', async () => {
    await emulator.behave({ mode: 'status', status: 500, times: 1 });
    await expectRecovery(500);
  });

  test('HTTP 502 with an HTML body once, then success', async () => {
    await emulator.behave({ mode: 'html502', times: 1 });
    await expectRecovery(502);
  });

  test('HTTP 429 with Retry-After: 1, then success, not earlier than HeyGen asked', async () => {
    await emulator.behave({ mode: 'rateLimit', retryAfterSeconds: 1, times: 1 });
    const { elapsedMs } = await expectRecovery(429);
    const [limited, retried] = await receivedUploads();
    const gap = Number(retried.at) - Number(limited.at);
    assert.ok(gap >= 990, `retried ${gap} ms after the 429`);
    assert.ok(elapsedMs >= 1000, `the upload took only ${elapsedMs} ms`);
  });

  test('connection reset in the middle of the body once, then success', async () => {
    // 3 MB, so the client is still sending when the emulator cuts the connection after the first megabyte.
    const scratch = scratchFolder('faults-reset');
    try {
      const big = scratch.file('large.jpg');
      const bytes = randomBytes(3 * 1024 * 1024);
      bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
      fs.writeFileSync(big.fsPath, bytes);
      await emulator.behave({ mode: 'reset', afterBytes: 1024 * 1024, times: 1 });
      await expectRecovery(0, big);
      const [cut, complete] = await receivedUploads();
      assert.ok(cut.size >= 1024 * 1024 && cut.size < bytes.length, `the first attempt delivered ${cut.size} bytes`);
      assert.equal(complete.size, bytes.length);
      assert.equal(complete.sha256, createHash('sha256').update(bytes).digest('hex'), 'the retry did not send the whole file');
    } finally {
      scratch.dispose();
    }
  });

  test('malformed JSON on every answer: one clear message, not retried, history unchanged', async () => {
    await emulator.behave({ mode: 'malformed' });
    await expectFailure({
      message: `HeyGen's answer to "${FILE}" was not valid JSON (HTTP 200), so the upload cannot be confirmed.`,
      kind: 'protocol',
      requests: 1,
      actions: ['Show Log'],
    });
  });

  test('code other than 100 with a message: the message names HeyGen\u2019s reason', async () => {
    await emulator.behave({ mode: 'code', code: 40002, message: 'The asset could not be processed' });
    await expectFailure({
      message: `HeyGen did not accept "${FILE}": The asset could not be processed (code 40002).`,
      kind: 'protocol',
      requests: 1,
      actions: ['Show Log'],
    });
  });

  test('no answer within heygen.upload.idleTimeoutSeconds: retried, then one timeout message', async () => {
    const restore = await withUserSetting('upload.idleTimeoutSeconds', 1);
    try {
      await emulator.behave({ mode: 'stall' });
      const started = Date.now();
      await expectFailure({
        message: `Uploading "${FILE}" timed out: HeyGen did not respond for 1 s.`,
        kind: 'timeout',
        requests: 4,
        actions: ['Retry', 'Show Log'],
      });
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 4000 && elapsed < 30_000, `four 1 s timeouts took ${elapsed} ms`);
    } finally {
      await restore();
    }
  });

  test('HTTP 500 on every attempt: three retries, then one message', async () => {
    await emulator.behave({ mode: 'status', status: 500 });
    await expectFailure({
      message: `HeyGen had a server error while uploading "${FILE}": Internal Server Error (HTTP 500).`,
      kind: 'server',
      requests: 4,
      actions: ['Retry', 'Show Log'],
    });
    assert.deepEqual((await receivedUploads()).map((r) => r.status), [500, 500, 500, 500]);
  });

  test('after every fault above, the key is in no file of the user data (HeyGen log, history, state, settings)', async () => {
    // The driver lays a run out as <run>/workspace and <run>/user-data (test/tools/workspace.ts).
    const userData = path.join(hostEnv.workspace, '..', 'user-data');
    const logs = path.join(userData, 'logs');
    assert.ok(fs.existsSync(logs), `no logs folder at ${logs}`);
    // The log channel is written behind the calls, by another process: wait until the fault sentences have reached
    // the file, so the scan covers the error paths (messages with causes, retries) and not an empty log.
    const [log] = heygenLogs(logs).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    assert.ok(log, `no HeyGen.log under ${logs}`);
    await fileWhen('the HeyGen log to hold the timeout failure', log, (text) =>
      text?.includes('timed out: HeyGen did not respond for 1 s') && text.includes('Retrying in') ? true : undefined,
    );
    const { files, hits } = scanForSecret([userData], hostEnv.apiKey);
    assert.ok(files > 10, `only ${files} files scanned`);
    assert.deepEqual(hits, [], 'the API key was written to disk');
  });

  // Last in the suite: every upload above was awaited.
  test('no unhandled promise rejection reached the extension host during the fault tests', async () => {
    assert.deepEqual(await rejections.settled(), []);
  });
});

suite('Transport: where the key may go', () => {
  suiteSetup(async () => {
    api = await heygenApi();
    messages.install();
  });

  setup(async () => {
    await emulator.reset();
    messages.clear();
  });

  suiteTeardown(async () => {
    messages.restore();
    await emulator.reset();
  });

  test('a plain-HTTP endpoint that is not loopback is refused before connecting', async () => {
    // A server on this machine's own network address, which is not loopback: a connection the refusal should have
    // prevented would reach it. Without such an address, .invalid (RFC 2606), which never resolves.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((address) => address?.family === 'IPv4' && !address.internal)?.address;
    let connections = 0;
    const listener = http.createServer((_req, res) => res.writeHead(500).end());
    listener.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve));
    const origin = external ? `http://${external}:${(listener.address() as AddressInfo).port}` : 'http://heygen.invalid';
    const restore = await withUserSetting('uploadUrl', `${origin}/v1/asset`);
    try {
      const before = historyIds(api);
      const result = await upload();
      const reason = `The upload URL ${origin} uses plain HTTP, which would send the API key unencrypted; use https (plain http is allowed only to 127.0.0.1, ::1 or localhost).`;
      assert.deepEqual(
        result.failed.map((f) => ({ message: f.message, kind: f.kind })),
        [{ message: reason, kind: 'insecureEndpoint' }],
      );
      assert.equal(result.succeeded.length, 0);
      assert.equal(connections, 0, `the extension connected to ${origin}`);
      assert.deepEqual(historyIds(api), before);
      assert.deepEqual(await messages.whenShown(1), [{ level: 'error', text: `Nothing was uploaded: ${reason}`, actions: ['Open Settings'] }]);
    } finally {
      await restore();
      listener.closeAllConnections();
      await new Promise((resolve) => listener.close(resolve));
    }
    assert.equal((await receivedUploads()).length, 0);
    // The real endpoint works again once the setting is back.
    const again = await upload();
    assert.equal(again.succeeded.length, 1, JSON.stringify(again.failed));
  });

  test('a redirect from the upload URL is not followed: the key never reaches the target', async () => {
    const hits: string[] = [];
    const target = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url} key=${req.headers['x-api-key'] === undefined ? 'absent' : 'present'}`);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":100,"data":{"id":"stolen","url":"http://127.0.0.1/x"}}');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    try {
      const port = (target.address() as AddressInfo).port;
      await emulator.behave({ mode: 'redirect', location: `http://127.0.0.1:${port}/v1/asset` });
      const before = historyIds(api);
      await expectFailureOf(
        `Uploading "${FILE}" was stopped: the upload URL answered with a redirect (HTTP 307), which is refused because following it would send the API key elsewhere.`,
      );
      assert.deepEqual(hits, [], 'the redirect target was contacted');
      assert.deepEqual(historyIds(api), before);
    } finally {
      target.closeAllConnections();
      await new Promise((resolve) => target.close(resolve));
    }
  });

  async function expectFailureOf(message: string): Promise<void> {
    const result = await upload();
    assert.deepEqual(result.failed.map((f) => f.message), [message]);
    assert.deepEqual(await messages.whenShown(1), [{ level: 'error', text: message, actions: ['Show Log'] }]);
  }
});

/** The extension's log channel files (one per window session). */
function heygenLogs(logs: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name === 'HeyGen.log') {
        found.push(full);
      }
    }
  };
  walk(logs);
  return found;
}
