import { createHash } from 'node:crypto';
import * as http from 'node:http';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A plain node:http client, so the emulator is tested independently of the engine's undici client. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer; timeoutMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'POST', headers: options.headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.timeoutMs) {
      req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    }
    req.end(options.body);
  });
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]);

void describe('HeyGen emulator', () => {
  let emu: Emulator;
  const upload = (body: Buffer, contentType = 'image/png', key?: string, timeoutMs?: number): Promise<Reply> =>
    send(emu.uploadUrl, {
      headers: { 'Content-Type': contentType, ...(key === '' ? {} : { 'X-Api-Key': key ?? emu.apiKey }) },
      body,
      timeoutMs,
    });

  before(async () => {
    emu = await startEmulator({ maxBytes: 1024 * 1024 });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => emu.reset());

  void it('listens on loopback only and exposes the upload URL', () => {
    assert.match(emu.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emu.uploadUrl, `${emu.origin}/v1/asset`);
    assert.equal(emu.apiKey, 'hg-test-key-0123456789');
  });

  void it('reports a body as soon as it has arrived, while the answer is still held back, in process and over HTTP', async () => {
    emu.behave({ mode: 'stall' });
    const body = Buffer.concat([PNG, Buffer.from('held back')]);
    const overHttp = send(`${emu.origin}/__emulator/body?sha256=${sha(body)}&timeoutMs=10000`, { method: 'GET' });
    const stalled = upload(body, 'image/png', undefined, 10_000).catch(() => undefined);
    const arrived = await emu.bodyArrived(sha(body), 10_000);
    assert.deepEqual(arrived, { sha256: sha(body), size: body.length, contentType: 'image/png' });
    const reply = await overHttp;
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.text), arrived);
    // Already arrived: answered at once.
    assert.deepEqual(await emu.bodyArrived(sha(body), 1), arrived);
    await assert.rejects(emu.bodyArrived(sha(PNG), 50), /no body with sha256/);
    const missing = await send(`${emu.origin}/__emulator/body?sha256=${sha(PNG)}&timeoutMs=50`, { method: 'GET' });
    assert.equal(missing.status, 408);
    await emu.close();
    emu = await startEmulator({ maxBytes: 1024 * 1024 });
    await stalled;
  });

  void it('answers success in the documented shape and records the bytes that arrived', async () => {
    const reply = await upload(PNG);
    assert.equal(reply.status, 200);
    const json = JSON.parse(reply.text) as { code: number; data: Record<string, unknown>; msg: unknown; message: unknown };
    assert.equal(json.code, 100);
    assert.match(json.data.id as string, /^[0-9a-f]{32}$/);
    assert.equal(json.data.file_type, 'image');
    assert.equal(json.data.url, `${emu.origin}/files/${json.data.id as string}.png`);
    assert.equal(json.data.image_key, `image/${json.data.id as string}/original`);
    assert.equal(json.data.folder_id, '');
    assert.equal(json.data.meta, null);
    assert.equal(typeof json.data.created_ts, 'number');
    assert.equal(typeof json.data.name, 'string');
    assert.equal(emu.received.length, 1);
    const r = emu.received[0];
    assert.equal(r.id, json.data.id);
    assert.equal(r.size, PNG.length);
    assert.equal(r.sha256, sha(PNG));
    assert.equal(r.apiKeyOk, true);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-api-key'], '[redacted]');
    assert.ok(!JSON.stringify(emu.received).includes(emu.apiKey));

    const served = await send(json.data.url, { method: 'GET' });
    assert.equal(served.status, 200);
    assert.equal(served.headers['content-type'], 'image/png');
  });

  void it('gives video and audio no image_key and the right file_type', async () => {
    for (const [type, kind, ext] of [
      ['video/mp4', 'video', 'mp4'],
      ['video/webm', 'video', 'webm'],
      ['audio/mpeg', 'audio', 'mp3'],
      ['audio/wav', 'audio', 'wav'],
      ['image/jpeg', 'image', 'jpg'],
    ] as const) {
      const reply = await upload(Buffer.from('0123456789'), type);
      const json = JSON.parse(reply.text) as { code: number; data: { file_type: string; image_key: string | null; url: string } };
      assert.equal(json.code, 100, type);
      assert.equal(json.data.file_type, kind);
      assert.ok(json.data.url.endsWith(`.${ext}`));
      assert.equal(json.data.image_key === null, kind !== 'image');
    }
  });

  void it('refuses a wrong or missing key with 401 and HeyGen code 400112', async () => {
    for (const key of ['wrong-key', '']) {
      const reply = await upload(PNG, 'image/png', key);
      assert.equal(reply.status, 401);
      assert.deepEqual(JSON.parse(reply.text), { code: 400112, data: null, msg: 'Unauthorized', message: 'Unauthorized' });
    }
    assert.deepEqual(emu.received.map((r) => [r.apiKeyOk, r.status]), [[false, 401], [false, 401]]);
  });

  void it('refuses unsupported content types and empty bodies in HeyGen shape', async () => {
    const gif = await upload(PNG, 'image/gif');
    assert.equal(gif.status, 400);
    const gifJson = JSON.parse(gif.text) as { code: number; message: string };
    assert.equal(gifJson.code, 40010);
    assert.match(gifJson.message, /image\/gif/);
    const empty = await upload(Buffer.alloc(0));
    assert.equal(empty.status, 400);
    assert.deepEqual(JSON.parse(empty.text), {
      code: 40001, data: null, msg: 'asset data must be provided', message: 'asset data must be provided',
    });
  });

  void it('refuses a body over maxBytes as soon as the count passes the limit', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 1);
    let status: number;
    try {
      status = (await upload(big)).status;
    } catch {
      // The server may close while the client is still sending; what matters is what it read.
      status = 413;
    }
    assert.equal(status, 413);
    const r = emu.received[0];
    assert.equal(r.status, 413);
    assert.ok(r.size > 1024 * 1024 && r.size < 1024 * 1024 + 256 * 1024, `read ${r.size} bytes`);
  });

  void it('misbehaves on request and returns to normal after `times`', async () => {
    emu.behave({ mode: 'status', status: 500, times: 1 });
    const first = await upload(PNG);
    assert.equal(first.status, 500);
    assert.equal((JSON.parse(first.text) as { code: number }).code, 500);
    assert.equal((await upload(PNG)).status, 200);

    emu.behave({ mode: 'html502', times: 1 });
    const html = await upload(PNG);
    assert.equal(html.status, 502);
    assert.match(String(html.headers['content-type']), /text\/html/);
    assert.match(html.text, /<html>/);

    emu.behave({ mode: 'rateLimit', retryAfterSeconds: 7, times: 1 });
    const limited = await upload(PNG);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '7');
    assert.match((JSON.parse(limited.text) as { error: { message: string } }).error.message, /Too many requests/);

    emu.behave({ mode: 'malformed', times: 1 });
    const malformed = await upload(PNG);
    assert.equal(malformed.status, 200);
    assert.throws(() => JSON.parse(malformed.text) as unknown);

    emu.behave({ mode: 'code', code: 400599, message: 'Plan tier not supported', times: 1 });
    const coded = await upload(PNG);
    assert.deepEqual(JSON.parse(coded.text), {
      code: 400599, data: null, msg: 'Plan tier not supported', message: 'Plan tier not supported',
    });

    emu.behave({ mode: 'redirect', location: 'http://127.0.0.1:9/elsewhere', times: 1 });
    const moved = await upload(PNG);
    assert.equal(moved.status, 307);
    assert.equal(moved.headers.location, 'http://127.0.0.1:9/elsewhere');

    assert.equal((await upload(PNG)).status, 200);
    assert.deepEqual(emu.received.map((r) => r.status), [500, 200, 502, 429, 200, 200, 307, 200]);
  });

  void it('resets the connection after afterBytes and records the partial body', async () => {
    emu.behave({ mode: 'reset', afterBytes: 100, times: 1 });
    await assert.rejects(upload(PNG));
    assert.equal(emu.received[0].status, 0);
    assert.ok(emu.received[0].size >= 100);
    assert.equal((await upload(PNG)).status, 200);
  });

  void it('answers late in slow and latency modes', async () => {
    emu.behave({ mode: 'slow', delayMs: 150, times: 1 });
    let t0 = Date.now();
    assert.equal((await upload(PNG)).status, 200);
    assert.ok(Date.now() - t0 >= 140);
    emu.behave({ mode: 'latency', ms: 100 });
    t0 = Date.now();
    assert.equal((await upload(PNG)).status, 200);
    assert.equal((await upload(PNG)).status, 200);
    assert.ok(Date.now() - t0 >= 190);
  });

  void it('reads no faster than its bandwidth, and keeps every byte', async () => {
    // 600 KB at 4 MB/s is 150 ms on the link; unthrottled, loopback carries it in about a millisecond.
    const body = Buffer.concat([PNG, Buffer.alloc(600_000 - PNG.length, 3)]);
    emu.behave({ mode: 'bandwidth', bytesPerSecond: 4_000_000, times: 1 });
    const t0 = performance.now();
    assert.equal((await upload(body)).status, 200);
    assert.ok(performance.now() - t0 >= 140, `took ${performance.now() - t0} ms`);
    assert.equal(emu.received[0].size, body.length);
    assert.equal(emu.received[0].sha256, sha(body));
  });

  void it('never answers when stalled, and close() still ends promptly', async () => {
    const emu2 = await startEmulator();
    emu2.behave({ mode: 'stall' });
    const pending = send(emu2.uploadUrl, { headers: { 'Content-Type': 'image/png', 'X-Api-Key': emu2.apiKey }, body: PNG });
    const outcome = pending.then(() => 'answered', () => 'failed');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(emu2.received.length, 1);
    assert.equal(emu2.received[0].status, 0);
    const t0 = Date.now();
    await emu2.close();
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(await outcome, 'failed');
  });

  void it('answers an unknown v3 path with v3\u2019s not_found envelope, and other unknown paths in v1\u2019s shape', async () => {
    for (const [method, path] of [['GET', '/v3/nothing-here'], ['POST', '/v3/videos/abc/unknown'], ['GET', '/v3/'], ['PATCH', '/v3/users/me']]) {
      const reply = await send(`${emu.apiBaseUrl}${path}`, { method, headers: { 'X-Api-Key': emu.apiKey } });
      assert.equal(reply.status, 404, `${method} ${path}`);
      const json = JSON.parse(reply.text) as { error: { code: string; message: string; param: unknown; doc_url: unknown } };
      assert.deepEqual(Object.keys(json), ['error']);
      assert.equal(json.error.code, 'not_found');
      assert.match(json.error.message, /\S/);
      assert.equal(json.error.param, null);
      assert.equal(json.error.doc_url, null);
    }
    for (const path of ['/v1/nothing-here', '/v2/nothing', '/elsewhere']) {
      const reply = await send(`${emu.origin}${path}`, { method: 'GET', headers: { 'X-Api-Key': emu.apiKey } });
      assert.equal(reply.status, 404);
      assert.deepEqual(JSON.parse(reply.text), { code: 404, data: null, msg: 'Not found', message: 'Not found' });
    }
  });

  void it('is controlled over HTTP: behave, received, reset', async () => {
    const bad = await send(`${emu.origin}/__emulator/behave`, { body: Buffer.from('{"mode":"nonsense"}') });
    assert.equal(bad.status, 400);
    const ok = await send(`${emu.origin}/__emulator/behave`, { body: Buffer.from('{"mode":"status","status":503,"times":1}') });
    assert.equal(ok.status, 200);
    assert.equal((await upload(PNG)).status, 503);
    const list = await send(`${emu.origin}/__emulator/received`, { method: 'GET' });
    const items = JSON.parse(list.text) as Array<{ status: number; sha256: string; contentType: string }>;
    assert.equal(items.length, 1);
    assert.equal(items[0].status, 503);
    assert.equal(items[0].sha256, sha(PNG));
    assert.equal(items[0].contentType, 'image/png');
    await send(`${emu.origin}/__emulator/reset`, { body: Buffer.alloc(0) });
    assert.equal(emu.received.length, 0);
  });
});
