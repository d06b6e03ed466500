// The one client over real HTTP: a streamed body goes with its exact length, redirects are never followed, and every
// request has a total deadline, so a server trickling its answer cannot hold a caller (the Library's queue) forever.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { closeHttpClient, httpRequest, type HttpSettings } from '../../../src/core/http/httpClient';
import { v3Request } from '../../../src/core/heygen/v3Client';

const SETTINGS: HttpSettings = { connectTimeoutMs: 5_000, idleTimeoutMs: 60_000 };

void describe('httpRequest', () => {
  let server: http.Server;
  let origin = '';
  const seen: Array<{ path: string; contentLength?: string; transferEncoding?: string; sha256: string }> = [];
  /** Called on each byte the trickling route sends, and when its client goes away. */
  const trickle: { sent: number; onByte?: () => void; onClose?: () => void } = { sent: 0 };

  before(async () => {
    server = http.createServer((req, res) => {
      const hash = createHash('sha256');
      req.on('data', (chunk: Buffer) => hash.update(chunk));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', contentLength: req.headers['content-length'], transferEncoding: req.headers['transfer-encoding'], sha256: hash.digest('hex') });
        if (req.url === '/moved') {
          res.writeHead(302, { location: '/elsewhere' }).end();
        } else if (req.url === '/v3/slow') {
          // HeyGen's envelope, one byte at a time and never finished: the idle timeout never fires.
          res.writeHead(200, { 'content-type': 'application/json' });
          const text = '{"data": {"x": 1}'.padEnd(10_000, ' ');
          const pump = setInterval(() => {
            res.write(text[trickle.sent % text.length]);
            trickle.sent += 1;
            trickle.onByte?.();
          }, 2);
          res.on('close', () => {
            clearInterval(pump);
            trickle.onClose?.();
          });
        } else {
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await closeHttpClient();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  void it('sends a streamed body with its exact Content-Length (not chunked), the bytes whole', async () => {
    const parts = [Buffer.alloc(700_000, 1), Buffer.alloc(3, 2), Buffer.alloc(524_288, 3)];
    async function* chunks(): AsyncGenerator<Buffer> {
      for (const part of parts) {
        yield await Promise.resolve(part);
      }
    }
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    const answer = await httpRequest(SETTINGS, { url: new URL(`${origin}/stream`), method: 'PUT', body: { chunks: chunks(), length } });
    assert.equal(answer.status, 200);
    assert.equal(answer.text, 'ok');
    assert.equal(answer.proxied, false);
    const got = seen.at(-1);
    assert.equal(got?.contentLength, String(length));
    assert.equal(got?.transferEncoding, undefined);
    assert.equal(got?.sha256, createHash('sha256').update(Buffer.concat(parts)).digest('hex'));
  });

  void it('never follows a redirect: the 302 is the answer', async () => {
    const answer = await httpRequest(SETTINGS, { url: new URL(`${origin}/moved`), method: 'GET' });
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, '/elsewhere');
    assert.ok(!seen.some((s) => s.path === '/elsewhere'));
  });

  void it('a v3 answer trickled byte by byte ends at the total deadline (mock timers) with one sentence', async (t: TestContext) => {
    const deadlineMs = 45_000;
    const closed = new Promise<void>((resolve) => (trickle.onClose = resolve));
    const trickling = new Promise<void>((resolve) => {
      trickle.onByte = () => trickle.sent >= 20 && resolve();
    });
    // Only setTimeout is mocked: the deadline's timer. The server trickles on setInterval, in real time.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const pending = v3Request({ apiBaseUrl: origin, apiKey: 'k', ...SETTINGS }, 'GET', '/v3/slow', { deadlineMs }).then(
      () => assert.fail('the request finished'),
      (error: unknown) => error,
    );
    await trickling;
    t.mock.timers.tick(deadlineMs);
    const error = await pending;
    assert.ok(error instanceof HeyGenError, String(error));
    assert.equal(error.kind, 'timeout');
    assert.equal(error.message, `Could not reach HeyGen at ${new URL(origin).host}: it did not finish within 45 s.`);
    await closed;
  });
});
