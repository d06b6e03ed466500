// Issue 23 item 1: when HeyGen API v3 answers as if it does not exist (a 404 at users/me or the asset endpoints, or a
// web page), the failure says so as its own kind, so the editor offers "Use API v1"; any other 404 stays the resource's.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { getCurrentUser, v3Request, type V3Endpoint } from '../../../src/core/heygen/v3Client';
import { noticeFor } from '../../../src/core/upload/uploadBatch';
import { uploadLocalFile } from '../../../src/core/upload/uploadEngine';
import { closeHttpClient } from '../../../src/core/http/httpClient';
import { Scratch, targetFor } from '../support/engineKit';

/** A loopback server answering every request with what `answer` says for its path. */
function serve(answer: (path: string) => { status: number; type: string; body: string }): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const { status, type, body } = answer(new URL(req.url ?? '/', 'http://x').pathname);
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

const JSON_404 = { status: 404, type: 'application/json', body: JSON.stringify({ code: 404, message: 'Not found' }) };
const V3_404 = { status: 404, type: 'application/json', body: JSON.stringify({ error: { code: 'not_found', message: 'Asset not found', param: null, doc_url: null } }) };
const PAGE = { status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><html><body>Welcome to the network</body></html>' };

async function failureOf(promise: Promise<unknown>): Promise<HeyGenError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HeyGenError, String(error));
    return error;
  }
  assert.fail('it succeeded');
}

void describe('a v3 that answers as if it does not exist', () => {
  const scratch = new Scratch();
  let nothing: Awaited<ReturnType<typeof serve>>;
  let portal: Awaited<ReturnType<typeof serve>>;
  let assetGone: Awaited<ReturnType<typeof serve>>;
  const endpoint = (origin: string): V3Endpoint => ({ apiBaseUrl: `${origin}/base`, apiKey: 'key-1234567890', connectTimeoutMs: 5000, idleTimeoutMs: 5000 });

  before(async () => {
    nothing = await serve(() => JSON_404);
    portal = await serve(() => PAGE);
    assetGone = await serve(() => V3_404);
  });
  after(async () => {
    await Promise.all([nothing.close(), portal.close(), assetGone.close()]);
    await closeHttpClient();
    scratch.cleanup();
  });

  void it('users/me answered 404: v3Absent, naming where it asked', async () => {
    const error = await failureOf(getCurrentUser(endpoint(nothing.origin)));
    assert.equal(error.kind, 'v3Absent');
    assert.equal(error.message, `HeyGen API v3 answered HTTP 404 at ${new URL(nothing.origin).host}/base/v3/users/me, as if it does not exist there.`);
  });

  void it('the asset list answered with a web page: v3Absent', async () => {
    const error = await failureOf(v3Request(endpoint(portal.origin), 'GET', '/v3/assets', { query: { username: 'u' } }));
    assert.equal(error.kind, 'v3Absent');
    assert.match(error.message, /answered with a web page at .*\/base\/v3\/assets, as if it does not exist there\.$/);
  });

  void it('an upload to /v3/assets answered 404: v3Absent naming the file, and the batch notice offers API v1 for it', async () => {
    const path = scratch.copy('sample.png', 'poster.png');
    const target = { ...targetFor({ uploadUrl: `${nothing.origin}/v1/asset`, apiKey: 'key-1234567890' }), api: 'v3' as const, apiBaseUrl: `${nothing.origin}/base` };
    const error = await failureOf(uploadLocalFile(path, target, { maxBytes: 10 * 1024 * 1024 }));
    assert.equal(error.kind, 'v3Absent');
    assert.match(error.message, /^HeyGen API v3 answered HTTP 404 at .*\/base\/v3\/assets, as if it does not exist there, so "poster\.png" was not uploaded\.$/);
    const failure = { source: { kind: 'file' as const, ref: 1, name: 'poster.png', path }, message: error.message, kind: error.kind, retryable: false, offerV1: true };
    const other = { ...failure, source: { ...failure.source, name: 'b.png' }, kind: 'server' as const, offerV1: undefined };
    const notice = noticeFor({ succeeded: [], failed: [failure, other], cancelled: false });
    assert.deepEqual(notice?.type === 'summary' && notice.useV1?.map((f) => f.source.name), ['poster.png']);
  });

  void it("a 404 for one asset is the asset's (deleted), not the API's", async () => {
    const error = await failureOf(v3Request(endpoint(assetGone.origin), 'GET', '/v3/assets/a-1'));
    assert.equal(error.kind, 'protocol');
    assert.equal(error.status, 404);
  });
});
