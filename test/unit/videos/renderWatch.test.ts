import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { HeyGenError } from '../../../src/core/base/heygenError';
import type { VideoInfo, VideoStatus } from '../../../src/core/heygen/videoInfo';
import { POLL_INTERVALS_MS, pollDelayMs, watchRender, type WatchProgress } from '../../../src/core/videos/renderWatch';

/** Lets promise callbacks run (setImmediate is not mocked). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Moves the mocked clock forward in small steps, letting the watch react between them. */
async function advance(ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    mock.timers.tick(Math.min(step, ms - t));
    await flush();
  }
}

/** A render that completes `renderMs` after t = 0; every status request's time is noted. */
function fakeRender(renderMs: number, faults: Map<number, HeyGenError> = new Map()): { asked: number[]; getStatus: () => Promise<VideoInfo> } {
  const asked: number[] = [];
  return {
    asked,
    getStatus: () => {
      const now = Date.now();
      asked.push(now);
      const fault = faults.get(asked.length);
      if (fault) {
        return Promise.reject(fault);
      }
      const status: VideoStatus = now >= renderMs ? 'completed' : now >= 5_000 ? 'processing' : 'waiting';
      return Promise.resolve({ id: 'v1', status, ...(status === 'completed' ? { duration: 12, videoUrl: 'https://storage.test/v1.mp4' } : {}) });
    },
  };
}

void describe('watching a render: polling backoff and Retry-After', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
  afterEach(() => mock.timers.reset());

  void it('asks every 2 s at first and backs off to every 10 s at most', () => {
    assert.deepEqual(
      Array.from({ length: 12 }, (_, n) => pollDelayMs(n)),
      [2_000, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000, 10_000, 10_000, 10_000, 10_000],
    );
    assert.equal(Math.max(...POLL_INTERVALS_MS), 10_000);
    assert.equal(pollDelayMs(0, 15_000), 15_000, 'Retry-After longer than the schedule wins');
    assert.equal(pollDelayMs(9, 1_000), 10_000, 'a shorter one does not hurry the schedule');
    assert.equal(pollDelayMs(0, 3_600_000), 300_000, 'an hour is capped at five minutes');
  });

  void it('a 120 s render costs at most 12 status requests a minute and ends with the completed answer', async () => {
    const render = fakeRender(120_000);
    const progress: WatchProgress[] = [];
    const done = watchRender({ getStatus: render.getStatus, startedAt: 0, onProgress: (p) => progress.push(p) });
    let result: VideoInfo | undefined;
    void done.then((info) => (result = info));
    await advance(130_000);
    assert.ok(result, 'the watch ended');
    assert.equal(result.status, 'completed');
    assert.deepEqual(render.asked.slice(0, 10), [2_000, 4_000, 7_000, 11_000, 16_000, 22_000, 30_000, 40_000, 50_000, 60_000]);
    for (let minute = 0; minute * 60_000 < 120_000; minute++) {
      const inMinute = render.asked.filter((t) => t > minute * 60_000 && t <= (minute + 1) * 60_000).length;
      assert.ok(inMinute <= 12, `minute ${minute + 1}: ${inMinute} requests`);
    }
    // Completed at 120 s, seen at the first poll after it: at most one interval late.
    assert.ok(render.asked.at(-1)! - 120_000 <= 10_000);
    assert.deepEqual([...new Set(progress.map((p) => p.status))], ['waiting', 'processing', 'completed']);
    assert.equal(progress.at(-1)!.elapsedMs, render.asked.at(-1));
  });

  void it('honours Retry-After on a 429 and keeps watching through 5xx and resets', async () => {
    const faults = new Map<number, HeyGenError>([
      [2, new HeyGenError('rateLimited', 'Too many requests.', { status: 429, retryAfterMs: 30_000 })],
      [3, new HeyGenError('server', 'Bad gateway.', { status: 502 })],
      [4, new HeyGenError('network', 'The connection was reset.', { code: 'ECONNRESET' })],
    ]);
    const render = fakeRender(40_000, faults);
    const troubles: string[] = [];
    const done = watchRender({ getStatus: render.getStatus, startedAt: 0, onProgress: (p) => p.trouble && troubles.push(p.trouble) });
    await advance(60_000);
    const info = await done;
    assert.equal(info.status, 'completed');
    // 2 s, 4 s (429: wait 30 s, not the 3 s scheduled), 34 s (502), then the schedule goes on: +5 s, +6 s.
    assert.deepEqual(render.asked.slice(0, 5), [2_000, 4_000, 34_000, 38_000, 43_000]);
    assert.deepEqual(troubles, ['Too many requests.', 'Bad gateway.', 'The connection was reset.']);
  });

  void it('stops on an answer that will not change, and gives up after five minutes of faults', async () => {
    const refused = new HeyGenError('auth', 'HeyGen refused the API key.', { status: 401 });
    const first = watchRender({ getStatus: () => Promise.reject(refused), startedAt: 0 });
    const rejected = assert.rejects(first, (e) => e === refused);
    await advance(2_000);
    await rejected;

    let asked = 0;
    const down = new HeyGenError('server', 'Service unavailable.', { status: 503 });
    const second = watchRender({ getStatus: () => (asked++, Promise.reject(down)), startedAt: Date.now() });
    const gaveUp = assert.rejects(second, (e) => e === down);
    await advance(6 * 60_000, 1_000);
    await gaveUp;
    assert.ok(asked >= 30 && asked <= 40, `${asked} requests in five minutes of faults`);
  });

  void it('Cancel ends the watch at once and asks nothing more', async () => {
    const render = fakeRender(600_000);
    const abort = new AbortController();
    const done = watchRender({ getStatus: render.getStatus, startedAt: 0, signal: abort.signal });
    const cancelled = assert.rejects(done, (e: HeyGenError) => e.kind === 'cancelled');
    await advance(5_000);
    abort.abort();
    await cancelled;
    const asked = render.asked.length;
    await advance(60_000, 1_000);
    assert.equal(render.asked.length, asked);
  });

  void it('a render resumed after a reload is asked at once', async () => {
    const render = fakeRender(0);
    const done = watchRender({ getStatus: render.getStatus, startedAt: -50_000, initialStatus: 'processing', firstDelayMs: 0 });
    await advance(1);
    assert.equal((await done).status, 'completed');
    assert.equal(render.asked.length, 1);
    assert.ok(render.asked[0] <= 1, `asked at ${render.asked[0]} ms, not after a poll interval`);
  });
});
