import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { getCurrentUser, v3Request, type V3Endpoint } from '../../../src/core/heygen/v3Client';
import type { AssetRecord } from '../../../src/core/base/assetRecord';
import { uploadFromUrl, uploadLocalFile, type ReuseIndex, type UploadOptions, type UploadTarget } from '../../../src/core/upload/uploadEngine';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { writeMediaFile } from '../../tools/mediaFile';
import { MB, Scratch, emulatorSuite, capturingLogger, expectError, fileSha, targetFor } from '../support/engineKit';

const V1_LIMIT = 10 * MB;

/** An MP4-looking file of `size` bytes, written in pieces so the test never holds it whole. */
function bigMp4(scratch: Scratch, name: string, size: number): string {
  return writeMediaFile(join(scratch.dir, name), 'mp4', size);
}

void describe('API v3 uploads over real HTTP', () => {
  let emu: Emulator;
  let scratch: Scratch;
  const v3 = (extra: Partial<UploadTarget> = {}): UploadTarget => targetFor(emu, { api: 'v3', apiBaseUrl: emu.apiBaseUrl, ...extra });
  const opts = (extra: Partial<UploadOptions> = {}): UploadOptions => ({ maxBytes: V1_LIMIT, ...extra });
  const storage = (): typeof emu.received => emu.received.filter((r) => r.route === 'storage');

  emulatorSuite({ emulator: (e) => (emu = e), scratch: (s) => (scratch = s) });

  void it('multipart: the file part parsed back by a real multipart parser is the file, with its name, type and an exact Content-Length', async () => {
    const expected = { jpg: 'image/jpeg', png: 'image/png', mp4: 'video/mp4', webm: 'video/webm', mp3: 'audio/mpeg', wav: 'audio/wav' };
    for (const [ext, mime] of Object.entries(expected)) {
      const path = scratch.copy(`sample.${ext}`, `my "sample".${ext}`);
      const outcome = await uploadLocalFile(path, v3(), opts());
      const got = emu.received.at(-1)!;
      assert.equal(got.api, 'v3');
      assert.equal(got.route, 'assets');
      assert.equal(got.status, 200);
      assert.deepEqual(got.formFields, ['file']);
      assert.equal(got.fileName, `my "sample".${ext}`);
      assert.equal(got.partContentType, mime);
      assert.equal(got.sha256, fileSha(path));
      assert.equal(got.headers['content-length'], String(got.bodySize));
      assert.equal(got.headers['transfer-encoding'], undefined);
      assert.match(got.headers['content-type'], /^multipart\/form-data; boundary=/);
      assert.equal(outcome.record.api, 'v3');
      assert.equal(outcome.record.id, got.id);
      assert.equal(outcome.source.sha256, fileSha(path));
      assert.equal(emu.v3Assets.get(got.id)?.mime_type, mime);
      assert.equal(outcome.record.url, emu.v3Assets.get(got.id)?.url);
    }
  });

  void it('multipart takes files over the v1 limit up to 32 MB, streamed with progress to the total', async () => {
    const path = scratch.png('big.png', 31 * MB);
    const seen: number[] = [];
    const outcome = await uploadLocalFile(path, v3(), opts({ onProgress: (sent) => seen.push(sent) }));
    const got = emu.received.at(-1)!;
    assert.equal(got.route, 'assets');
    assert.equal(got.size, 31 * MB);
    assert.equal(got.sha256, fileSha(path));
    assert.equal(outcome.record.id, got.id);
    assert.equal(seen.at(-1), 31 * MB);
    assert.ok(seen.length > 10, `progress reported ${seen.length} times`);
  });

  void it('direct upload beyond 32 MB: slot, PUT to the storage host with exactly upload_headers and never the key, complete', async () => {
    const path = bigMp4(scratch, 'clip.mp4', 40 * MB);
    const log = capturingLogger();
    const seen: number[] = [];
    const outcome = await uploadLocalFile(path, v3(), opts({ log, onProgress: (sent) => seen.push(sent) }));
    assert.equal(emu.received.filter((r) => r.route === 'assets').length, 0, 'a 40 MB file must not go through POST /v3/assets');
    const [put] = storage();
    assert.equal(storage().length, 1);
    assert.equal(put.status, 200);
    assert.equal(put.size, 40 * MB);
    assert.equal(put.sha256, fileSha(path));
    assert.equal(put.apiKeyPresent, undefined, 'the API key reached the storage host');
    assert.equal(put.headers['x-api-key'], undefined);
    assert.equal(put.headers['content-type'], 'video/mp4');
    assert.ok(put.headers['x-emulator-upload-token'], 'upload_headers were not sent');
    assert.equal(put.headers['content-length'], String(40 * MB));
    const asset = emu.v3Assets.get(outcome.record.id);
    assert.ok(asset, 'the asset was not completed');
    assert.equal(asset.via, 'direct');
    assert.equal(asset.sha256, fileSha(path));
    assert.equal(outcome.record.url, asset.url);
    assert.equal(outcome.source.sha256, fileSha(path));
    assert.equal(seen.at(-1), 40 * MB);
    assert.ok(seen.slice(0, -1).every((n) => n < 40 * MB), 'progress reached 100 % before complete');
    // The signed URL (its query) never reaches the log.
    assert.doesNotMatch(log.text(), /signature=|expires=/);
    assert.doesNotMatch(log.text(), new RegExp(emu.apiKey));
  });

  void it('a 100 MB direct upload arrives byte for byte', async () => {
    const path = bigMp4(scratch, 'long.mp4', 100 * MB);
    const outcome = await uploadLocalFile(path, v3(), opts());
    const [put] = storage();
    assert.equal(put.size, 100 * MB);
    assert.equal(put.sha256, fileSha(path));
    assert.equal(emu.v3Assets.get(outcome.record.id)?.size_bytes, 100 * MB);
  });

  void it('a failed PUT is retried into the same slot; a reset mid-body too', async () => {
    const path = bigMp4(scratch, 'retry.mp4', 34 * MB);
    emu.behaveV3({ mode: 'status', status: 503, on: 'storage', times: 1 });
    const first = await uploadLocalFile(path, v3(), opts());
    assert.deepEqual(storage().map((r) => r.status), [503, 200]);
    assert.equal(new Set(storage().map((r) => r.id)).size, 1, 'a second slot was created');
    assert.equal(storage()[0].id, first.record.id);

    emu.reset();
    emu.behaveV3({ mode: 'reset', afterBytes: 5 * MB, on: 'storage', times: 1 });
    const second = await uploadLocalFile(path, v3(), opts());
    assert.deepEqual(storage().map((r) => r.status), [0, 200]);
    assert.equal(storage()[1].sha256, fileSha(path));
    assert.equal(new Set(storage().map((r) => r.id)).size, 1);
    assert.equal(emu.v3Assets.size, 1);
    assert.equal(second.record.id, storage()[1].id);
  });

  void it('an expired slot is replaced by a new one', async () => {
    const path = bigMp4(scratch, 'late.mp4', 33 * MB);
    emu.expireNextV3Slots(1);
    const log = capturingLogger();
    const outcome = await uploadLocalFile(path, v3(), opts({ log }));
    const puts = storage();
    assert.deepEqual(puts.map((r) => r.status), [403, 200]);
    assert.notEqual(puts[0].id, puts[1].id, 'the expired slot was used again');
    assert.equal(outcome.record.id, puts[1].id);
    assert.match(log.text(), /Request has expired.*Replacing direct upload slot/);
  });

  void it('completing twice is harmless: a reset answer to complete is retried and yields one asset', async () => {
    const path = bigMp4(scratch, 'twice.mp4', 33 * MB);
    emu.behaveV3({ mode: 'reset', on: 'complete', times: 1 });
    const outcome = await uploadLocalFile(path, v3(), opts());
    assert.equal(emu.v3Assets.size, 1);
    assert.ok(emu.v3Assets.has(outcome.record.id));
  });

  void it('a refused hex checksum: the slot is created again without it, once, and the log says so', async () => {
    const path = bigMp4(scratch, 'sum.mp4', 33 * MB);
    emu.setV3ChecksumFormat('base64');
    const log = capturingLogger();
    const outcome = await uploadLocalFile(path, v3(), opts({ log }));
    assert.ok(emu.v3Assets.has(outcome.record.id));
    assert.match(log.text(), /refused the hex checksum_sha256.*without a checksum/);
  });

  void it('a file over the slot\'s max_bytes is refused by HeyGen in a sentence that names the limit; nothing is PUT', async () => {
    const small = await startEmulator({ v3DirectMaxBytes: 33 * MB });
    try {
      const path = bigMp4(scratch, 'huge.mp4', 34 * MB);
      const error = await expectError(uploadLocalFile(path, targetFor(small, { api: 'v3', apiBaseUrl: small.apiBaseUrl }), opts()), 'protocol', /"huge\.mp4".*34603008 bytes.*file_too_large/);
      assert.equal(error.status, 400);
      assert.equal(small.received.filter((r) => r.route === 'storage').length, 0);
    } finally {
      await small.close();
    }
  });

  void it('cancelling during the PUT stops the direct upload; nothing is completed', async () => {
    const path = bigMp4(scratch, 'stop.mp4', 40 * MB);
    emu.behaveV3({ mode: 'bandwidth', bytesPerSecond: 20 * MB, on: 'storage' });
    const controller = new AbortController();
    const promise = uploadLocalFile(path, v3(), opts({
      signal: controller.signal,
      onProgress: (sent) => {
        if (sent > 2 * MB) {
          controller.abort();
        }
      },
    }));
    await expectError(promise, 'cancelled', /"stop\.mp4" was cancelled/);
    assert.equal(emu.v3Assets.size, 0);
  });

  for (const on of ['slot', 'complete'] as const) {
    void it(`cancelling while HeyGen holds the ${on === 'slot' ? 'slot request' : 'complete request'} stops at once; nothing is recorded`, async () => {
      const path = bigMp4(scratch, `wait-${on}.mp4`, 33 * MB);
      emu.behaveV3({ mode: 'slow', delayMs: 5_000, on });
      const controller = new AbortController();
      const log = capturingLogger();
      const watch = setInterval(() => {
        // The slot request is the first v3 request; complete comes after the PUT.
        if (emu.v3Requests.some((r) => (on === 'slot' ? r.endsWith('/direct-uploads') : r.endsWith('/complete')))) {
          clearInterval(watch);
          controller.abort();
        }
      }, 5);
      const started = Date.now();
      try {
        await expectError(uploadLocalFile(path, v3(), opts({ signal: controller.signal, log })), 'cancelled');
      } finally {
        clearInterval(watch);
      }
      assert.ok(Date.now() - started < 4_000, 'the cancel waited for HeyGen');
      assert.equal(emu.v3Assets.size, 0);
    });
  }

  void it('an upload from a URL goes through v3 too', async () => {
    const path = scratch.copy('sample.png', 'hosted.png');
    const hosted = await uploadLocalFile(path, targetFor(emu), opts());
    const outcome = await uploadLocalFile(path, v3(), opts({ force: true }));
    assert.equal(outcome.record.api, 'v3');
    const fromUrl = await uploadFromUrl(hosted.record.url, v3(), opts({ force: true, addresses: 'named' }));
    assert.equal(fromUrl.record.api, 'v3');
    const got = emu.received.at(-1)!;
    assert.equal(got.route, 'assets');
    assert.equal(got.sha256, fileSha(path));
    assert.equal(fromUrl.record.id, got.id);
  });

  void it('identical content is reused across versions under the same key', async () => {
    const path = scratch.copy('sample.png', 'same.png');
    const remembered = new Map<string, AssetRecord>();
    const reuse: ReuseIndex = { lookup: (sha) => Promise.resolve(remembered.get(sha)) };
    const first = await uploadLocalFile(path, targetFor(emu), opts({ reuse }));
    assert.equal(first.record.api, 'v1');
    remembered.set(first.source.sha256, { ...first.record, api: 'v1' });
    const count = emu.received.length;
    const second = await uploadLocalFile(path, v3(), opts({ reuse }));
    assert.equal(second.reused, true);
    assert.equal(second.record.id, first.record.id);
    assert.equal(second.record.api, 'v1');
    assert.equal(emu.received.length, count, 'a request was sent for reused content');
  });

  void describe('v3 error shapes', () => {
    void it('a refused key: auth, HeyGen\'s message and code, and the doc_url', async () => {
      const path = scratch.copy('sample.jpg', 'a.jpg');
      const error = await expectError(uploadLocalFile(path, v3({ apiKey: 'wrong-key-0000' }), opts()), 'auth', /^HeyGen refused the API key while uploading "a\.jpg": Invalid API key \(HTTP 401, code unauthorized\)\.$/);
      assert.equal(error.docUrl, 'https://docs.heygen.com/reference/errors#unauthorized');
      assert.equal(emu.received.at(-1)?.status, 401);
    });

    void it('429 honours Retry-After, then succeeds', async () => {
      const path = scratch.copy('sample.jpg', 'b.jpg');
      emu.behaveV3({ mode: 'rateLimit', retryAfterSeconds: 1, times: 1 });
      const outcome = await uploadLocalFile(path, v3(), opts());
      const attempts = emu.received.filter((r) => r.route === 'assets');
      assert.deepEqual(attempts.map((r) => r.status), [429, 200]);
      assert.ok(attempts[1].at - attempts[0].at >= 950, `retried after ${attempts[1].at - attempts[0].at} ms`);
      assert.equal(outcome.record.id, attempts[1].id);
    });

    void it('500 and a 502 HTML page are retried; on every attempt they end as a server error', async () => {
      const path = scratch.copy('sample.jpg', 'c.jpg');
      emu.behaveV3({ mode: 'html502', times: 1 });
      await uploadLocalFile(path, v3(), opts({ force: true }));
      emu.reset();
      emu.behaveV3({ mode: 'status', status: 500 });
      const error = await expectError(uploadLocalFile(path, v3(), opts()), 'server', /^HeyGen had a server error while uploading "c\.jpg": Internal Server Error \(HTTP 500, code internal_error\)\.$/);
      assert.equal(error.status, 500);
      assert.equal(emu.received.length, 4);
    });

    void it('a reset mid-body is retried with the whole file', async () => {
      const path = scratch.png('d.png', 3 * MB);
      emu.behaveV3({ mode: 'reset', afterBytes: MB, times: 1 });
      const outcome = await uploadLocalFile(path, v3(), opts());
      assert.equal(emu.received.at(-1)?.sha256, fileSha(path));
      assert.equal(outcome.record.id, emu.received.at(-1)?.id);
    });

    void it('bad JSON is not retried and cannot be confirmed', async () => {
      const path = scratch.copy('sample.jpg', 'e.jpg');
      emu.behaveV3({ mode: 'malformed' });
      await expectError(uploadLocalFile(path, v3(), opts()), 'protocol', /^HeyGen's answer to "e\.jpg" was not valid JSON \(HTTP 200\), so the upload cannot be confirmed\.$/);
      assert.equal(emu.received.length, 1);
    });

    void it('a redirect is refused and not followed', async () => {
      const path = scratch.copy('sample.jpg', 'f.jpg');
      emu.behaveV3({ mode: 'redirect', location: `${emu.origin}/v1/asset` });
      await expectError(uploadLocalFile(path, v3(), opts()), 'protocol', /redirect \(HTTP 307\).*API key elsewhere/);
      assert.equal(emu.received.length, 1);
    });

    void it('a 400 envelope keeps HeyGen\'s code, message, param and doc_url', async () => {
      const path = scratch.copy('sample.jpg', 'g.jpg');
      emu.behaveV3({
        mode: 'status',
        status: 400,
        body: JSON.stringify({ error: { code: 'invalid_parameter', message: 'file is required.', param: 'file', doc_url: 'https://docs.heygen.com/x' } }),
      });
      const error = await expectError(uploadLocalFile(path, v3(), opts()), 'protocol', /^HeyGen refused "g\.jpg": file is required \(HTTP 400, code invalid_parameter\)\.$/);
      assert.equal(error.code, 'invalid_parameter');
      assert.equal(error.param, 'file');
      assert.equal(error.docUrl, 'https://docs.heygen.com/x');
    });

    void it('plain HTTP to a non-loopback base URL is refused before any connection', async () => {
      const path = scratch.copy('sample.jpg', 'h.jpg');
      await expectError(uploadLocalFile(path, v3({ apiBaseUrl: 'http://api.heygen.invalid' }), opts()), 'insecureEndpoint', /plain HTTP/);
    });
  });

  void describe('answers parsed by shape', () => {
    void it('the v1 engine reads a v3-shaped answer, and the v3 engine a v1-shaped one', async () => {
      const path = scratch.copy('sample.jpg', 'i.jpg');
      // heygen.uploadUrl misconfigured to a v3 answer shape.
      emu.behave({ mode: 'status', status: 200, body: JSON.stringify({ data: { asset_id: 'v3id', url: 'https://x/v3id.jpg', mime_type: 'image/jpeg', size_bytes: 1 } }) });
      const v1 = await uploadLocalFile(path, targetFor(emu), opts({ force: true }));
      assert.equal(v1.record.id, 'v3id');
      emu.behaveV3({ mode: 'status', status: 200, body: JSON.stringify({ code: 100, data: { id: 'v1id', url: 'https://x/v1id.jpg', file_type: 'image' } }) });
      const v3Outcome = await uploadLocalFile(path, v3(), opts({ force: true }));
      assert.equal(v3Outcome.record.id, 'v1id');
    });

    void it('a v1 error body sent to v3 still gives HeyGen\'s sentence', async () => {
      const path = scratch.copy('sample.jpg', 'j.jpg');
      emu.behaveV3({ mode: 'status', status: 400, body: JSON.stringify({ code: 40001, message: 'asset data must be provided' }) });
      await expectError(uploadLocalFile(path, v3(), opts()), 'protocol', /asset data must be provided \(HTTP 400, code 40001\)/);
    });
  });

  void describe('v1 retirement detection', () => {
    for (const [label, behavior] of [
      ['404', { mode: 'status', status: 404, body: '<html><body>Not Found</body></html>', contentType: 'text/html' }],
      ['410', { mode: 'status', status: 410 }],
      ['an HTML page with 200', { mode: 'status', status: 200, body: '<!DOCTYPE html><html><head><title>HeyGen</title></head></html>', contentType: 'text/html; charset=utf-8' }],
    ] as const) {
      void it(`v1 answering ${label} is reported as a possibly retired v1 upload, not retried`, async () => {
        const path = scratch.copy('sample.jpg', 'old.jpg');
        emu.behave(behavior);
        await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'retired', /^HeyGen may have retired the v1 upload: its upload URL answered .*, so "old\.jpg" was not uploaded\.$/);
        assert.equal(emu.received.length, 1);
      });
    }

    void it('a 502 HTML page from a proxy is still a server error, not retirement', async () => {
      const path = scratch.copy('sample.jpg', 'proxy.jpg');
      emu.behave({ mode: 'html502' });
      await expectError(uploadLocalFile(path, targetFor(emu), opts()), 'server');
    });
  });

  void describe('the v3 client', () => {
    const endpoint = (extra: Partial<V3Endpoint> = {}): V3Endpoint => ({
      apiBaseUrl: emu.apiBaseUrl,
      apiKey: emu.apiKey,
      connectTimeoutMs: 2000,
      idleTimeoutMs: 2000,
      ...extra,
    });

    void it('getCurrentUser reads the account', async () => {
      const user = await getCurrentUser(endpoint());
      assert.equal(user.username, 'emulator-user');
      assert.equal(user.subscription?.plan, 'pro');
      assert.equal(user.email, 'emulator-user@example.test');
    });

    void it('a refused key is auth with HeyGen\'s words and doc_url, in a sentence without a file', async () => {
      const error = await expectError(getCurrentUser(endpoint({ apiKey: 'nope-nope-nope' })), 'auth', /^HeyGen refused the API key: Invalid API key \(HTTP 401, code unauthorized\)\.$/);
      assert.equal(error.status, 401);
      assert.ok(error.docUrl);
    });

    void it('429 carries Retry-After; an unreachable host is a network error naming it', async () => {
      emu.behaveV3({ mode: 'rateLimit', retryAfterSeconds: 7, on: 'me' });
      const limited = await expectError(getCurrentUser(endpoint()), 'rateLimited', /HeyGen asks to wait 7 s\.$/);
      assert.equal(limited.retryAfterMs, 7000);
      const closed = await startEmulator();
      const base = closed.apiBaseUrl;
      await closed.close();
      await expectError(getCurrentUser(endpoint({ apiBaseUrl: base })), 'network', /^Could not reach HeyGen at 127\.0\.0\.1:\d+: the connection was refused\.$/);
    });

    void it('v3Request sends the query and JSON, and never follows a redirect', async () => {
      emu.behaveV3({ mode: 'redirect', location: 'http://127.0.0.1:1/elsewhere', on: 'me' });
      await expectError(v3Request(endpoint(), 'GET', '/v3/users/me', { query: { a: 1 } }), 'protocol', /^HeyGen answered with a redirect \(HTTP 307\)/);
      const sha = createHash('sha256').update('x').digest('hex');
      const slot = await v3Request<{ asset_id: string; max_bytes: number }>(endpoint(), 'POST', '/v3/assets/direct-uploads', {
        json: { filename: 'x.mp4', content_type: 'video/mp4', size_bytes: 1, checksum_sha256: sha },
      });
      assert.match(slot.asset_id, /^[0-9a-f]{32}$/);
      assert.ok(slot.max_bytes > 0);
    });
  });
});
