import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, unlinkSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { describe, it } from 'node:test';
import type { AssetRecord } from '../../../src/core/base/assetRecord';
import { READ_CHUNK_BYTES } from '../../../src/core/http/httpUpload';
import { uploadLocalFile, type ReuseIndex, type UploadOptions } from '../../../src/core/upload/uploadEngine';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { MB, Scratch, allDescriptorsClosed, emulatorSuite, capturingLogger, expectError, fileSha, openDescriptors, targetFor } from '../support/engineKit';

const LIMIT = 10 * MB;

/** Resolves once `check` holds, looking again on each turn of the event loop (no timer: mock timers may be on). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

void describe('uploadLocalFile over real HTTP', () => {
  let emu: Emulator;
  let scratch: Scratch;
  const opts = (extra: Partial<UploadOptions> = {}): UploadOptions => ({ maxBytes: LIMIT, ...extra });

  emulatorSuite({ emulator: (e) => (emu = e), scratch: (s) => (scratch = s) });

  void it('uploads all six sample types with the right Content-Type, and the bytes that arrive are the file\'s', async () => {
    const expected = { jpg: 'image/jpeg', png: 'image/png', mp4: 'video/mp4', webm: 'video/webm', mp3: 'audio/mpeg', wav: 'audio/wav' };
    for (const [ext, mime] of Object.entries(expected)) {
      const path = scratch.copy(`sample.${ext}`, `sample.${ext}`);
      const outcome = await uploadLocalFile(path, targetFor(emu), opts());
      const got = emu.received.at(-1)!;
      assert.equal(got.contentType, mime);
      assert.equal(got.sha256, fileSha(path));
      assert.equal(outcome.source.sha256, fileSha(path));
      assert.equal(outcome.source.mime, mime);
      assert.equal(outcome.record.id, got.id);
      assert.equal(outcome.reused, false);
      assert.equal(outcome.source.path, path);
      assert.match(outcome.record.url, new RegExp(`/files/${got.id}\\.`));
    }
    assert.equal(emu.received.length, 6);
    assert.ok(emu.received.every((r) => r.apiKeyOk && r.status === 200));
  });

  void it('streams a 9 MB file with Content-Length and reports progress up to the total', async () => {
    const path = scratch.png('big.png', 9 * MB);
    const seen: number[] = [];
    await uploadLocalFile(path, targetFor(emu), opts({ onProgress: (sent, total) => {
      assert.equal(total, 9 * MB);
      seen.push(sent);
    } }));
    const got = emu.received[0];
    assert.equal(got.size, 9 * MB);
    assert.equal(got.headers['content-length'], String(9 * MB));
    assert.equal(got.headers['transfer-encoding'], undefined);
    assert.equal(got.sha256, fileSha(path));
    assert.equal(seen.at(-1), 9 * MB);
    assert.ok(seen.length > 5);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  });

  void it('names the asset (onAnswer) before the SHA-256 is known, and the outcome carries the hash of the bytes that arrived', async () => {
    const path = scratch.png('answer-first.png', 2 * MB + 17);
    const order: string[] = [];
    const outcome = await uploadLocalFile(path, targetFor(emu), opts({
      onAnswer: (asset) => order.push(`answer ${asset.id}`),
    }));
    order.push('outcome');
    const got = emu.received.at(-1)!;
    assert.deepEqual(order, [`answer ${got.id}`, 'outcome']);
    assert.equal(outcome.source.sha256, got.sha256, 'the recorded hash is that of the bytes HeyGen received');
  });

  void it('a Cancel that comes after HeyGen answered does not undo the upload: it is recorded with its hash', async () => {
    // HeyGen has the asset once it answered; cutting the hash that follows would lose it (it was reported as changed).
    const path = scratch.png('cancel-after-answer.png', 3 * MB + 5);
    const cancel = new AbortController();
    const outcome = await uploadLocalFile(path, targetFor(emu), opts({ signal: cancel.signal, onAnswer: () => cancel.abort() }));
    const got = emu.received.at(-1)!;
    assert.equal(outcome.record.id, got.id);
    assert.equal(outcome.source.sha256, got.sha256);
  });

  void it('a file changed between the answer and the hash is not recorded: the upload fails with one sentence', async () => {
    const path = scratch.png('changed-after.png', 1 * MB);
    const log = capturingLogger();
    await expectError(
      uploadLocalFile(path, targetFor(emu), opts({ log, onAnswer: () => appendFileSync(path, Buffer.from('more')) })),
      'invalidFile',
      /changed while uploading/,
    );
    assert.equal(emu.received.length, 1, 'the bytes were sent once');
    assert.ok(log.lines.some((l) => l.message.includes('it is not recorded')), log.lines.map((l) => l.message).join('\n'));
  });

  void it('sends exactly the file\'s bytes at chunk-boundary sizes (reused read buffers never leak stale bytes)', async () => {
    const chunk = READ_CHUNK_BYTES;
    for (const size of [8, chunk - 1, chunk, chunk + 1, 2 * chunk, 2 * chunk + 1, 3 * chunk + 7, 7 * chunk + 12345]) {
      const path = scratch.png(`s${size}.png`, size);
      const outcome = await uploadLocalFile(path, targetFor(emu), opts());
      const got = emu.received.at(-1)!;
      assert.equal(got.size, size);
      assert.equal(got.sha256, fileSha(path), `size ${size}`);
      assert.equal(outcome.source.sha256, got.sha256);
    }
  });

  void it('leaves the file open nowhere: after a sent upload, a retry, a reuse hit, a refusal by HeyGen and a cancel', async (t) => {
    const path = scratch.png('descriptors.png', 600 * 1024);
    if (openDescriptors(path) === undefined) {
      t.skip('needs /proc/self/fd');
      return;
    }
    const sent = await uploadLocalFile(path, targetFor(emu), opts());
    await allDescriptorsClosed(path);
    // The first attempt sends from the validated handle; the retry opens the file afresh and sends it whole.
    emu.behave({ mode: 'reset', afterBytes: 64 * 1024, times: 1 });
    await uploadLocalFile(path, targetFor(emu), opts());
    assert.equal(emu.received.at(-1)!.sha256, fileSha(path));
    await allDescriptorsClosed(path);
    const index: ReuseIndex = { lookup: (sha) => Promise.resolve(sha === sent.source.sha256 ? sent.record : undefined) };
    assert.equal((await uploadLocalFile(path, targetFor(emu), opts({ reuse: index }))).reused, true);
    await allDescriptorsClosed(path);
    emu.behave({ mode: 'status', status: 401 });
    await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'auth');
    await allDescriptorsClosed(path);
    emu.behave({ mode: 'normal' });
    await expectError(uploadLocalFile(path, targetFor(emu), opts({ signal: AbortSignal.abort() })), 'cancelled');
    const controller = new AbortController();
    const cancelled = uploadLocalFile(path, targetFor(emu), opts({ signal: controller.signal, onProgress: () => controller.abort() }));
    await expectError(cancelled, 'cancelled');
    await allDescriptorsClosed(path);
  });

  void it('a slow reader (constant back-pressure) still receives exactly the file\'s bytes', async () => {
    const path = scratch.png('slow.png', 3 * MB + 4321);
    const hash = createHash('sha256');
    let size = 0;
    const server = http.createServer((req, res) => {
      req.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
        req.pause();
        // Reads again only on the next turn of the loop: the socket backs up, so the client meets back-pressure.
        setImmediate(() => req.resume());
      });
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ code: 100, data: { id: 'slow', url: 'http://127.0.0.1/slow.png', name: 'slow.png', file_type: 'image', image_key: null, folder_id: '', meta: null, created_ts: 1 } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const outcome = await uploadLocalFile(path, targetFor({ uploadUrl: `http://127.0.0.1:${port}/v1/asset`, apiKey: 'k' }), opts());
      assert.equal(size, 3 * MB + 4321);
      assert.equal(hash.digest('hex'), fileSha(path));
      assert.equal(outcome.source.sha256, fileSha(path));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  void it('sends a mislabelled file (a JPEG named .png) as image/jpeg and says so in the log', async () => {
    const path = scratch.copy('sample.jpg', 'photo.png');
    const log = capturingLogger();
    const outcome = await uploadLocalFile(path, targetFor(emu), opts({ log }));
    assert.equal(emu.received[0].contentType, 'image/jpeg');
    assert.equal(outcome.source.mime, 'image/jpeg');
    assert.ok(log.lines.some((l) => l.level === 'warn' && /"photo\.png".*JPEG/.test(l.message)), log.text());
  });

  void it('refuses bad files before any byte is sent, with one sentence naming the file', async () => {
    const cases: Array<[string, RegExp]> = [
      [scratch.write('fake.png', 'this is text, not a picture'), /^"fake\.png" is named like a PNG file, but its content is not PNG/],
      [scratch.write('clip.avi', Buffer.from('RIFF\0\0\0\0AVI LIST')), /^"clip\.avi" is not a supported type \(JPEG, PNG, MP4, WebM, MP3 or WAV\)\.$/],
      [scratch.write('empty.png', ''), /^"empty\.png" is empty\.$/],
      [scratch.png('big.mp4', 12.3 * MB), /^"big\.mp4" is 12\.3 MB, over the 10 MB limit; HeyGen API v3 takes larger files\.$/],
      [`${scratch.dir}/missing.png`, /^"missing\.png" does not exist\.$/],
    ];
    mkdirSync(`${scratch.dir}/photos`);
    cases.push([`${scratch.dir}/photos`, /^"photos" is a folder, not a file\.$/]);
    for (const [path, message] of cases) {
      const error = await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'invalidFile', message);
      assert.ok(error.file);
    }
    assert.equal(emu.received.length, 0);
  });

  void it('refuses a plain-HTTP endpoint off this machine without connecting', async () => {
    const path = scratch.copy('sample.png', 'a.png');
    await expectError(
      uploadLocalFile(path, targetFor(emu, { endpoint: 'http://upload.heygen.com/v1/asset' }), opts()),
      'insecureEndpoint',
      /plain HTTP/,
    );
    assert.equal(emu.received.length, 0);
  });

  void describe('retries', () => {
    const retryCase = (behavior: Parameters<Emulator['behave']>[0], label: string): void => {
      void it(`retries after ${label} and then succeeds, re-sending the whole file`, async () => {
        const path = scratch.png('r.png', 200 * 1024);
        const log = capturingLogger();
        emu.behave(behavior);
        const outcome = await uploadLocalFile(path, targetFor(emu), opts({ log }));
        assert.equal(emu.received.length, 2, JSON.stringify(emu.received.map((r) => r.status)));
        assert.equal(emu.received[1].status, 200);
        assert.equal(emu.received[1].sha256, fileSha(path));
        assert.equal(outcome.record.id, emu.received[1].id);
        assert.ok(log.lines.some((l) => l.level === 'warn' && /Retrying in \d+ ms \(retry 1 of 3\)/.test(l.message)), log.text());
      });
    };
    retryCase({ mode: 'status', status: 500, times: 1 }, 'HTTP 500');
    retryCase({ mode: 'status', status: 503, times: 1 }, 'HTTP 503');
    retryCase({ mode: 'html502', times: 1 }, 'a 502 with an HTML body');
    retryCase({ mode: 'reset', afterBytes: 64 * 1024, times: 1 }, 'a connection reset mid-body');
    retryCase({ mode: 'reset', times: 1 }, 'a connection reset before the body');

    void it('honours Retry-After on 429 (waits that long, not less: mock timers) and then succeeds', async (t) => {
      const path = scratch.copy('sample.png', 'a.png');
      emu.behave({ mode: 'rateLimit', retryAfterSeconds: 1, times: 1 });
      // The backoff's wait is a setTimeout: mocked, it passes only when the test moves the clock.
      t.mock.timers.enable({ apis: ['setTimeout'] });
      let announced: (delayMs: number) => void = () => undefined;
      const retrying = new Promise<number>((resolve) => (announced = resolve));
      const log = { ...capturingLogger(), warn: (message: string) => announced(Number(/Retrying in (\d+) ms/.exec(message)?.[1])) };
      const upload = uploadLocalFile(path, targetFor(emu), opts({ log }));
      const delay = await retrying;
      assert.ok(delay >= 1000, `retries after ${delay} ms`);
      t.mock.timers.tick(delay - 1);
      assert.deepEqual(emu.received.map((r) => r.status), [429], 'retried before the wait was over');
      t.mock.timers.tick(1);
      await upload;
      assert.deepEqual(emu.received.map((r) => r.status), [429, 200]);
    });

    void it('gives up at once when Retry-After is over the cap, telling how long to wait', async () => {
      const path = scratch.copy('sample.png', 'a.png');
      emu.behave({ mode: 'rateLimit', retryAfterSeconds: 120 });
      const error = await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'rateLimited', /wait 2 min/);
      assert.equal(error.retryAfterMs, 120_000);
      assert.equal(error.status, 429);
      assert.match(error.serverMessage ?? '', /Too many requests/);
      assert.equal(emu.received.length, 1);
    });

    void it('stops after 3 retries of a persistent 500 with the server kind and status', async () => {
      const path = scratch.copy('sample.png', 'a.png');
      emu.behave({ mode: 'status', status: 500 });
      const error = await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'server', /"a\.png".*HTTP 500/);
      assert.equal(error.status, 500);
      assert.equal(emu.received.length, 4);
    });

    void it('times out a server that never answers, then succeeds on retry', async () => {
      const path = scratch.copy('sample.png', 'a.png');
      emu.behave({ mode: 'stall', times: 1 });
      await uploadLocalFile(path, targetFor(emu, { idleTimeoutMs: 300 }), opts());
      assert.deepEqual(emu.received.map((r) => r.status), [0, 200]);
    });

    void it('reports a timeout when every attempt stalls', async () => {
      const path = scratch.copy('sample.png', 'a.png');
      emu.behave({ mode: 'stall' });
      const target = targetFor(emu, { idleTimeoutMs: 200 });
      target.retry = { ...target.retry, maxRetries: 1 };
      await expectError(uploadLocalFile(path, target, opts()), 'timeout', /"a\.png" timed out/);
      assert.equal(emu.received.length, 2);
    });

    void it('does not retry 400 or 401 answers', async () => {
      const path = scratch.copy('sample.png', 'a.png');
      const auth = await expectError(uploadLocalFile(path, targetFor(emu, { apiKey: 'wrong-key-000000' }), opts()), 'auth', /"a\.png"/);
      assert.equal(auth.status, 401);
      assert.equal(auth.code, 400112);
      assert.ok(!auth.message.includes('wrong-key-000000'));
      assert.equal(emu.received.length, 1);
      emu.behave({ mode: 'status', status: 400, body: '{"code":40001,"message":"asset data must be provided"}' });
      const bad = await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'protocol', /asset data must be provided/);
      assert.equal(bad.status, 400);
      assert.equal(emu.received.length, 2);
    });

    void it('never follows a redirect: protocol error, and the target receives nothing', async () => {
      const elsewhere = await startEmulator();
      try {
        const path = scratch.copy('sample.png', 'a.png');
        emu.behave({ mode: 'redirect', location: elsewhere.uploadUrl });
        const error = await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'protocol', /redirect/);
        assert.equal(error.status, 307);
        assert.equal(emu.received.length, 1);
        assert.equal(elsewhere.received.length, 0);
      } finally {
        await elsewhere.close();
      }
    });
  });

  void describe('every error kind', () => {
    void it('malformed JSON and code != 100 are protocol errors with HeyGen\'s message', async () => {
      const path = scratch.copy('sample.png', 'a.png');
      emu.behave({ mode: 'malformed' });
      await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'protocol', /not valid JSON/);
      emu.behave({ mode: 'code', code: 400599, message: 'Plan tier not supported' });
      const coded = await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'protocol', /Plan tier not supported/);
      assert.equal(coded.code, 400599);
      assert.equal(emu.received.length, 2);
    });

    void it('413 is tooLarge and 415 / code 40010 are unsupported', async () => {
      const path = scratch.copy('sample.png', 'a.png');
      emu.behave({ mode: 'status', status: 413 });
      await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'tooLarge', /too large/);
      emu.behave({ mode: 'status', status: 415 });
      await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'unsupported');
      emu.behave({ mode: 'status', status: 400, body: '{"code":40010,"message":"Invalid content type"}' });
      await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'unsupported', /Invalid content type/);
    });

    void it('a body over the server\'s own limit comes back as tooLarge', async () => {
      const small = await startEmulator({ maxBytes: 256 * 1024 });
      try {
        const path = scratch.png('big.png', 2 * MB);
        const error = await expectError(uploadLocalFile(path, targetFor(small), opts()), 'tooLarge');
        assert.equal(error.status, 413);
        assert.ok(small.received[0].size < 2 * MB);
      } finally {
        await small.close();
      }
    });

    void it('a server that never accepts the connection is a timeout after the connect timeout', async (t) => {
      // A listener with a full accept queue that never accepts: further connection attempts hang (SYNs dropped).
      const py = spawn('python3', ['-c', 'import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const started = await new Promise<string | undefined>((resolve) => {
        py.once('error', () => resolve(undefined));
        py.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
      });
      if (!started) {
        t.skip('python3 is not available');
        return;
      }
      // One connection fills the queue (a backlog of 0 holds one): once it is established, further SYNs are dropped.
      const filler = net.connect(Number(started), '127.0.0.1').on('error', () => undefined);
      try {
        await new Promise((resolve) => filler.once('connect', resolve));
        const path = scratch.copy('sample.png', 'a.png');
        const target = targetFor({ uploadUrl: `http://127.0.0.1:${started}/v1/asset`, apiKey: 'k' }, { connectTimeoutMs: 300 });
        target.retry = { ...target.retry, maxRetries: 0 };
        await expectError(uploadLocalFile(path, target, opts()), 'timeout', /"a\.png" failed: could not connect to 127\.0\.0\.1:\d+ within 0\.3 s\./);
      } finally {
        filler.destroy();
        py.kill();
      }
    });

    void it('a closed port is a network error after retries', async () => {
      const port = await new Promise<number>((resolve) => {
        const server = net.createServer().listen(0, '127.0.0.1', () => {
          const p = (server.address() as net.AddressInfo).port;
          server.close(() => resolve(p));
        });
      });
      const path = scratch.copy('sample.png', 'a.png');
      const error = await expectError(
        uploadLocalFile(path, targetFor({ uploadUrl: `http://127.0.0.1:${port}/v1/asset`, apiKey: 'k' }), opts()),
        'network',
        /"a\.png".*connection was refused/,
      );
      assert.equal(error.code, 'ECONNREFUSED');
    });
  });

  void describe('cancellation', () => {
    void it('aborts mid-stream at once and nothing succeeds', async (t) => {
      const path = scratch.png('big.png', 9 * MB);
      emu.behave({ mode: 'slow', delayMs: 5_000 });
      const controller = new AbortController();
      // Mocked, the emulator's 5 s hold never ends: a cancel that waited for HeyGen's answer would never finish.
      t.mock.timers.enable({ apis: ['setTimeout'] });
      const upload = uploadLocalFile(path, targetFor(emu), opts({
        signal: controller.signal,
        onProgress: (sent) => sent >= 1 * MB && controller.abort(),
      }));
      await expectError(upload, 'cancelled', /"big\.png" was cancelled/);
      // The emulator records the cut-off body when its connection closes: the next test must not see it arrive.
      await until(() => emu.received.length === 1);
      assert.deepEqual(emu.received.map((r) => r.status), [0]);
    });

    void it('aborts while waiting for a stalled answer', async () => {
      const path = scratch.copy('sample.png', 'a.png');
      emu.behave({ mode: 'stall' });
      const controller = new AbortController();
      const upload = uploadLocalFile(path, targetFor(emu, { idleTimeoutMs: 60_000 }), opts({ signal: controller.signal }));
      // Cancelled once HeyGen has the whole body and holds its answer: only the cancel can end the wait now.
      await emu.bodyArrived(fileSha(path));
      controller.abort();
      await expectError(upload, 'cancelled');
      assert.equal(emu.received.length, 1);
    });

    void it('stops retrying when cancelled during the backoff', async (t) => {
      const path = scratch.copy('sample.png', 'a.png');
      emu.behave({ mode: 'rateLimit', retryAfterSeconds: 1 });
      const controller = new AbortController();
      // Mocked, the backoff never ends by itself; the cancel comes the moment the engine announces the retry.
      t.mock.timers.enable({ apis: ['setTimeout'] });
      const log = { ...capturingLogger(), warn: () => controller.abort() };
      await expectError(uploadLocalFile(path, targetFor(emu), opts({ signal: controller.signal, log })), 'cancelled');
      assert.equal(emu.received.length, 1);
    });

    void it('an already-aborted signal sends nothing', async () => {
      const path = scratch.copy('sample.png', 'a.png');
      await expectError(uploadLocalFile(path, targetFor(emu), opts({ signal: AbortSignal.abort() })), 'cancelled');
      assert.equal(emu.received.length, 0);
    });
  });

  void describe('files that change under us', () => {
    void it('refuses the result when the file changes while uploading', async () => {
      const path = scratch.png('grow.png', 100 * 1024);
      emu.behave({ mode: 'slow', delayMs: 200, times: 1 });
      const upload = uploadLocalFile(path, targetFor(emu), opts());
      // The file grows once HeyGen has the whole body, before it answers (the emulator runs in this process: its
      // answer's timer cannot fire before this continuation).
      await emu.bodyArrived(fileSha(path));
      appendFileSync(path, 'more');
      await expectError(upload, 'invalidFile', /"grow\.png" changed while uploading/);
    });

    void it('refuses the result when the file is deleted while uploading', async () => {
      const path = scratch.png('gone.png', 100 * 1024);
      emu.behave({ mode: 'slow', delayMs: 200, times: 1 });
      const upload = uploadLocalFile(path, targetFor(emu), opts());
      await emu.bodyArrived(fileSha(path));
      unlinkSync(path);
      await expectError(upload, 'invalidFile', /"gone\.png" was deleted or moved while uploading/);
    });
  });

  void describe('reuse of identical content', () => {
    class MemoryIndex implements ReuseIndex {
      readonly entries = new Map<string, AssetRecord>();
      lookups = 0;
      lookup(sha: string, fingerprint: string): Promise<AssetRecord | undefined> {
        this.lookups++;
        return Promise.resolve(this.entries.get(`${sha}|${fingerprint}`));
      }
    }

    void it('returns the recorded asset with no request, unless forced; another key does not match', async () => {
      const path = scratch.copy('sample.wav', 'voice.wav');
      const index = new MemoryIndex();
      const first = await uploadLocalFile(path, targetFor(emu), opts({ reuse: index }));
      assert.equal(first.reused, false);
      assert.equal(index.lookups, 1);
      index.entries.set(`${first.source.sha256}|${first.record.keyFingerprint}`, first.record);

      const copy = scratch.copy('sample.wav', 'same-content.wav');
      const progress: number[] = [];
      const second = await uploadLocalFile(copy, targetFor(emu), opts({ reuse: index, onProgress: (s) => progress.push(s) }));
      assert.equal(second.reused, true);
      assert.equal(second.record.id, first.record.id);
      assert.equal(second.source.name, 'same-content.wav');
      assert.equal(emu.received.length, 1);
      assert.deepEqual(progress, [second.source.size]);

      const forced = await uploadLocalFile(copy, targetFor(emu), opts({ reuse: index, force: true }));
      assert.equal(forced.reused, false);
      assert.notEqual(forced.record.id, first.record.id);
      assert.equal(emu.received.length, 2);

      const otherEmu = await startEmulator({ apiKey: 'another-key-0000000' });
      try {
        const other = await uploadLocalFile(copy, targetFor(otherEmu), opts({ reuse: index }));
        assert.equal(other.reused, false);
        assert.equal(otherEmu.received.length, 1);
      } finally {
        await otherEmu.close();
      }
    });

    void it('skips hashing up front when the index has no asset of that size, and still records the SHA-256', async () => {
      const path = scratch.copy('sample.mp3', 'new.mp3');
      let lookups = 0;
      const sizes: number[] = [];
      const index: ReuseIndex = {
        lookup: () => {
          lookups++;
          return Promise.resolve(undefined);
        },
        mayHave: (size) => {
          sizes.push(size);
          return false;
        },
      };
      const outcome = await uploadLocalFile(path, targetFor(emu), opts({ reuse: index }));
      assert.equal(lookups, 0);
      assert.deepEqual(sizes, [outcome.source.size]);
      assert.equal(outcome.reused, false);
      assert.equal(outcome.source.sha256, fileSha(path));
      assert.equal(emu.received.at(-1)!.sha256, fileSha(path));
    });
  });
});
