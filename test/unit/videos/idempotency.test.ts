import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { createVideoV3 } from '../../../src/core/heygen/videosV3';
import type { V3Endpoint } from '../../../src/core/heygen/v3Client';
import { withRetries } from '../../../src/core/http/retryPolicy';
import { IDEMPOTENCY_KEY_PATTERN, newIdempotencyKey, startOnce, type Retrier } from '../../../src/core/videos/idempotency';

/** The uploads' retry policy with no backoff wait (the delays themselves are the upload tests' business). */
const retry: Retrier = (attempt, signal) => withRetries(attempt, { random: () => 0, maxRetryAfterMs: 0 }, signal);

void describe('one Idempotency-Key per click', () => {
  let emu: Emulator;
  let endpoint: V3Endpoint;
  const look = (): string => emu.avatars.looks.find((l) => l.group.avatarType === 'studio_avatar')!.id;
  const body = (): Record<string, unknown> => ({ type: 'avatar', avatar_id: look(), script: 'Hello from a test', title: 'Key test' });
  const createRequests = (): Array<{ key: string; status: number }> =>
    emu.requests.filter((r) => r.method === 'POST' && r.path === '/v3/videos').map((r) => ({ key: r.headers['idempotency-key'], status: r.status }));

  before(async () => {
    emu = await startEmulator();
    endpoint = { apiBaseUrl: emu.apiBaseUrl, apiKey: emu.apiKey, connectTimeoutMs: 5_000, idleTimeoutMs: 10_000 };
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  void it('makes keys HeyGen accepts, a new one each time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => newIdempotencyKey()));
    assert.equal(keys.size, 50);
    for (const key of keys) {
      assert.match(key, IDEMPOTENCY_KEY_PATTERN);
    }
  });

  void it('sends the same key in every retry of one click, and one video is made', async () => {
    emu.behaveV3({ mode: 'status', status: 503, on: 'video-create', times: 2 });
    const started = await startOnce((key) => createVideoV3(endpoint, body(), key), { retry });
    const sent = createRequests();
    assert.deepEqual(sent.map((r) => r.status), [503, 503, 200]);
    assert.equal(new Set(sent.map((r) => r.key)).size, 1, 'one key across the retries');
    assert.equal(sent[0].key, started.idempotencyKey);
    assert.equal(started.requests, 3);
    assert.equal(emu.videos.list().length, 1);
    assert.equal(emu.videos.list()[0].id, started.result.videoId);
  });

  void it('uses a different key for each click, so the same payload generated twice is two videos', async () => {
    const first = await startOnce((key) => createVideoV3(endpoint, body(), key), { retry });
    const second = await startOnce((key) => createVideoV3(endpoint, body(), key), { retry });
    assert.notEqual(first.idempotencyKey, second.idempotencyKey);
    assert.notEqual(first.result.videoId, second.result.videoId);
    assert.equal(emu.videos.list().length, 2);
  });

  void it('a retry after an answer that was lost gets the first render back, not a second one', async () => {
    // The first request made the video, but its answer never reached the client (here: thrown away by the test);
    // the retry carries the same key and HeyGen replays the first answer.
    let attempts = 0;
    const started = await startOnce(
      async (key) => {
        const created = await createVideoV3(endpoint, body(), key);
        if (++attempts === 1) {
          throw new HeyGenError('network', 'The connection was reset.', { code: 'ECONNRESET' });
        }
        return created;
      },
      { retry },
    );
    assert.equal(attempts, 2);
    assert.equal(emu.videos.list().length, 1, 'no second render');
    assert.equal(started.result.videoId, emu.videos.list()[0].id);
    assert.equal(new Set(createRequests().map((r) => r.key)).size, 1);
  });

  void it('follows the video after a 409 for its key', async () => {
    const conflicts: number[] = [];
    let calls = 0;
    const started = await startOnce(
      async (key) => {
        if (++calls === 1) {
          // The first request is still being answered when the retry arrives: HeyGen says 409 for the key.
          throw new HeyGenError('protocol', 'still in progress', { status: 409, code: 'idempotency_conflict' });
        }
        return createVideoV3(endpoint, body(), key);
      },
      { retry, conflictDelayMs: 1, onConflict: (n) => conflicts.push(n) },
    );
    assert.deepEqual(conflicts, [1]);
    assert.equal(started.result.videoId, emu.videos.list()[0].id);
  });

  void it('does not retry a refusal, and says HeyGen\u2019s sentence', async () => {
    await assert.rejects(
      startOnce((key) => createVideoV3(endpoint, { type: 'avatar', script: 'no avatar' }, key), { retry }),
      (error: HeyGenError) => error.status === 400 && /avatar_id/.test(error.message),
    );
    assert.equal(createRequests().length, 1);
  });
});
