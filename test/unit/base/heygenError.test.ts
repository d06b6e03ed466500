import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyFingerprint } from '../../../src/core/base/contentHash';
import { checkEndpoint } from '../../../src/core/http/endpointPolicy';
import { CERTIFICATE_ERROR_CODES } from '../../../src/core/http/certificateErrors';
import { DEFAULT_RETRY, isRetryable, retryDelayMs, sleep, withRetries } from '../../../src/core/http/retryPolicy';
import { HeyGenError, parseHeyGenError, parseRetryAfter, type HeyGenErrorKind } from '../../../src/core/base/heygenError';
import { interpretResponse } from '../../../src/core/heygen/v1Upload';

const ok = JSON.stringify({
  code: 100,
  data: { id: 'abc', name: 'n', file_type: 'image', url: 'https://x/y.png', image_key: 'image/abc/original', folder_id: '', meta: null, created_ts: 1 },
  msg: null,
  message: null,
});

function kindOf(status: number, body: string, headers: Record<string, string> = {}): HeyGenError {
  try {
    interpretResponse(status, headers, body, 'pic.png');
  } catch (error) {
    assert.ok(error instanceof HeyGenError);
    return error;
  }
  assert.fail(`HTTP ${status} ${body} was accepted`);
}

void describe('parseHeyGenError', () => {
  void it('reads v1 (message, msg) and v3 (error.message) shapes', () => {
    assert.deepEqual(parseHeyGenError(401, '{"code":400112,"message":"Unauthorized"}'), { code: 400112, message: 'Unauthorized' });
    assert.deepEqual(parseHeyGenError(400, '{"code":40001,"msg":"asset data must be provided","message":null}'), {
      code: 40001,
      message: 'asset data must be provided',
    });
    assert.deepEqual(parseHeyGenError(429, '{"error":{"code":"rate_limit_exceeded","message":"Slow down","doc_url":null}}'), {
      code: 'rate_limit_exceeded',
      message: 'Slow down',
    });
    assert.deepEqual(parseHeyGenError(502, '<html>Bad Gateway</html>'), {});
    assert.deepEqual(parseHeyGenError(200, 'null'), {});
  });

  void it('parses Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('0.5'), 500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});

void describe('interpretResponse', () => {
  void it('accepts only 2xx + code 100 + data.id + data.url', () => {
    const asset = interpretResponse(200, {}, ok, 'pic.png');
    assert.equal(asset.id, 'abc');
    assert.equal(asset.url, 'https://x/y.png');
    assert.equal(asset.image_key, 'image/abc/original');
  });

  void it('maps every failure to its kind with one sentence naming the file', () => {
    const cases: Array<[number, string, HeyGenErrorKind, Record<string, string>?]> = [
      [401, '{"code":400112,"message":"Unauthorized"}', 'auth'],
      [403, '{"code":400562,"message":"Forbidden"}', 'auth'],
      [200, '{"code":40009,"message":"Invalid credentials"}', 'auth'],
      [429, '{"error":{"message":"Too many"}}', 'rateLimited', { 'retry-after': '2' }],
      [413, '{"code":40013,"message":"too big"}', 'tooLarge'],
      [415, '', 'unsupported'],
      [400, '{"code":40010,"message":"Invalid content type"}', 'unsupported'],
      [500, '{"code":500,"message":"Internal"}', 'server'],
      [502, '<html>Bad Gateway</html>', 'server'],
      [307, '', 'protocol'],
      [400, '{"code":40001,"message":"asset data must be provided"}', 'protocol'],
      [200, '{"code":100,"data":{"id":', 'protocol'],
      [200, '{"code":400599,"message":"Plan tier not supported"}', 'protocol'],
      [200, '{"code":100,"data":{"id":"x"}}', 'protocol'],
      [200, '{"code":100,"data":{"url":"https://x"}}', 'protocol'],
    ];
    for (const [status, body, kind, headers] of cases) {
      const error = kindOf(status, body, headers);
      assert.equal(error.kind, kind, `${status} ${body}`);
      assert.equal(error.status, status);
      assert.match(error.message, /"pic\.png"/, error.message);
      assert.equal(error.message.split(/\.\s/).length <= 2, true, error.message);
    }
  });

  void it('carries HeyGen\'s message and the Retry-After', () => {
    const coded = kindOf(200, '{"code":400599,"message":"Plan tier not supported"}');
    assert.equal(coded.serverMessage, 'Plan tier not supported');
    assert.match(coded.message, /Plan tier not supported/);
    const limited = kindOf(429, '{"error":{"message":"Too many"}}', { 'retry-after': '2' });
    assert.equal(limited.retryAfterMs, 2000);
    assert.match(limited.message, /wait 2 s/);
    const redirect = kindOf(302, '');
    assert.match(redirect.message, /redirect.*API key elsewhere/);
  });
});

void describe('checkEndpoint', () => {
  void it('allows https anywhere and http only to loopback', () => {
    for (const url of ['https://upload.heygen.com/v1/asset', 'http://127.0.0.1:8080/v1/asset', 'http://127.1.2.3/x', 'http://localhost:3000/', 'http://[::1]:9/v1/asset']) {
      assert.equal(checkEndpoint(url).valid, true, url);
    }
    for (const url of ['http://upload.heygen.com/v1/asset', 'http://10.0.0.1/x', 'http://128.0.0.1/', 'http://localhost.example.com/', 'ftp://127.0.0.1/', 'not a url', 'https://user:pw@upload.heygen.com/']) {
      const check = checkEndpoint(url);
      assert.equal(check.valid, false, url);
      assert.ok(!check.valid && check.reason.length > 10);
    }
    const plain = checkEndpoint('http://upload.heygen.com/v1/asset');
    assert.ok(!plain.valid && /https/.test(plain.reason) && /unencrypted/.test(plain.reason));
  });
});

void describe('retry policy', () => {
  const err = (kind: HeyGenErrorKind, extra: { retryAfterMs?: number; code?: string } = {}): HeyGenError => new HeyGenError(kind, 'x', extra);

  void it('retries only rate limits, server errors, network resets and timeouts', () => {
    for (const kind of ['rateLimited', 'server', 'network', 'timeout'] as const) {
      assert.equal(isRetryable(err(kind)), true, kind);
    }
    for (const kind of ['auth', 'tooLarge', 'unsupported', 'protocol', 'invalidFile', 'cancelled', 'insecureEndpoint'] as const) {
      assert.equal(isRetryable(err(kind)), false, kind);
    }
    assert.equal(isRetryable(err('network', { code: 'ENOTFOUND' })), false);
    assert.equal(isRetryable(new Error('x')), false);
  });

  void it('retries no certificate failure, the corporate-proxy one (UNABLE_TO_GET_ISSUER_CERT_LOCALLY) included', () => {
    assert.ok(CERTIFICATE_ERROR_CODES.has('UNABLE_TO_GET_ISSUER_CERT_LOCALLY'));
    for (const code of CERTIFICATE_ERROR_CODES) {
      assert.equal(isRetryable(err('network', { code })), false, code);
    }
    assert.equal(isRetryable(err('network', { code: 'ECONNRESET' })), true, 'a reset is still retried');
  });

  void it('backs off exponentially with full jitter and honours Retry-After up to the cap', () => {
    const max = { ...DEFAULT_RETRY, random: () => 0.999999 };
    assert.equal(retryDelayMs(0, err('server'), max), 499);
    assert.equal(retryDelayMs(1, err('server'), max), 999);
    assert.equal(retryDelayMs(2, err('server'), max), 1999);
    assert.equal(retryDelayMs(10, err('server'), max), 7999);
    assert.equal(retryDelayMs(0, err('server'), { ...DEFAULT_RETRY, random: () => 0 }), 0);
    assert.equal(retryDelayMs(0, err('rateLimited', { retryAfterMs: 5000 }), max), 5000);
    assert.equal(retryDelayMs(0, err('rateLimited', { retryAfterMs: 31_000 }), max), undefined);
  });

  void it('stops after maxRetries and rethrows the last error', async () => {
    let calls = 0;
    await assert.rejects(
      withRetries(() => {
        calls++;
        return Promise.reject(err('server'));
      }, { baseDelayMs: 1 }),
      (e: unknown) => e instanceof HeyGenError && e.kind === 'server',
    );
    assert.equal(calls, 4);
  });

  void it('does not retry an auth error', async () => {
    let calls = 0;
    await assert.rejects(withRetries(() => {
      calls++;
      return Promise.reject(err('auth'));
    }, { baseDelayMs: 1 }));
    assert.equal(calls, 1);
  });

  void it('stops waiting at once when cancelled', async (t) => {
    // Mocked, the 10 s wait never ends by itself: only the cancel can end it.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const controller = new AbortController();
    const waiting = sleep(10_000, controller.signal);
    controller.abort();
    await assert.rejects(waiting, (e: unknown) => e instanceof HeyGenError && e.kind === 'cancelled');
  });

  void it('waits the backoff between attempts, never less (mock timers)', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let calls = 0;
    const waits: number[] = [];
    const done = withRetries(
      () => {
        calls++;
        return calls < 3 ? Promise.reject(err('server')) : Promise.resolve('ok');
      },
      { baseDelayMs: 1000, maxDelayMs: 8000, random: () => 0.5 },
      undefined,
      ({ delayMs }) => waits.push(delayMs),
    );
    await Promise.resolve();
    assert.deepEqual([calls, waits], [1, [500]]);
    t.mock.timers.tick(499);
    await Promise.resolve();
    assert.equal(calls, 1, 'retried before the backoff was over');
    t.mock.timers.tick(1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual([calls, waits], [2, [500, 1000]]);
    t.mock.timers.tick(1000);
    assert.equal(await done, 'ok');
    assert.equal(calls, 3);
  });
});

void describe('keyFingerprint', () => {
  void it('is a stable 16-hex one-way fingerprint that differs per key', () => {
    const a = keyFingerprint('hg-test-key-0123456789');
    assert.match(a, /^[0-9a-f]{16}$/);
    assert.equal(a, keyFingerprint('hg-test-key-0123456789'));
    assert.notEqual(a, keyFingerprint('another-key-0123456789'));
    assert.ok(!a.includes('0123456789'));
  });
});
