import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeHttpClient } from '../../../src/core/http/httpClient';
import { uploadLocalFile } from '../../../src/core/upload/uploadEngine';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { runQueue } from '../../../src/core/upload/uploadQueue';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { Scratch, targetFor } from '../support/engineKit';

const wait = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new HeyGenError('cancelled', 'aborted'));
    }, { once: true });
  });

void describe('runQueue', () => {
  void it('never runs more than `concurrency` at once and keeps input order', async () => {
    let active = 0;
    let peak = 0;
    const results = await runQueue([50, 10, 30, 5, 20, 1], 3, async (ms) => {
      active++;
      peak = Math.max(peak, active);
      await wait(ms);
      active--;
      return ms * 2;
    });
    assert.equal(peak, 3);
    assert.deepEqual(results.map((r) => (r.ok ? r.value : undefined)), [100, 20, 60, 10, 40, 2]);
    assert.deepEqual(results.map((r) => r.item), [50, 10, 30, 5, 20, 1]);
  });

  void it('one failure does not stop the others', async () => {
    const results = await runQueue(['a', 'bad', 'c'], 2, async (item) => {
      await wait(5);
      if (item === 'bad') {
        throw new Error('boom');
      }
      return item.toUpperCase();
    });
    assert.deepEqual(results.map((r) => r.ok), [true, false, true]);
    assert.equal(results[1].ok ? undefined : (results[1].error as Error).message, 'boom');
    assert.deepEqual(results.filter((r) => r.ok).map((r) => (r.ok ? r.value : '')), ['A', 'C']);
  });

  void it('cancelling aborts the workers in flight and marks the rest cancelled', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    setTimeout(() => controller.abort(), 40);
    const t0 = Date.now();
    const results = await runQueue([1, 2, 3, 4, 5, 6], 2, async (n, signal) => {
      started.push(n);
      await wait(n <= 2 ? 10 : 10_000, signal);
      return n;
    }, controller.signal);
    assert.ok(Date.now() - t0 < 500);
    assert.deepEqual(started, [1, 2, 3, 4]);
    assert.deepEqual(results.map((r) => r.ok), [true, true, false, false, false, false]);
    for (const r of results.slice(2)) {
      assert.ok(!r.ok && r.error instanceof HeyGenError && r.error.kind === 'cancelled');
    }
  });

  void it('an already-cancelled queue starts nothing', async () => {
    let calls = 0;
    const results = await runQueue([1, 2], 2, () => {
      calls++;
      return Promise.resolve(1);
    }, AbortSignal.abort());
    assert.equal(calls, 0);
    assert.ok(results.every((r) => !r.ok));
  });

  void it('handles an empty list and odd concurrency values', async () => {
    assert.deepEqual(await runQueue([], 3, () => Promise.resolve(1)), []);
    const results = await runQueue([1, 2], 0, (n) => Promise.resolve(n));
    assert.deepEqual(results.map((r) => r.ok && r.value), [1, 2]);
  });
});

void describe('runQueue with real uploads', () => {
  let emu: Emulator;
  let scratch: Scratch;
  before(async () => {
    emu = await startEmulator();
    scratch = new Scratch();
  });
  after(async () => {
    scratch.cleanup();
    await closeHttpClient();
    await emu.close();
  });

  void it('uploads a batch with one bad file: the others still arrive, results per file', async () => {
    const files = [
      scratch.copy('sample.png', 'a.png'),
      scratch.write('broken.png', 'not an image'),
      scratch.copy('sample.mp4', 'b.mp4'),
      scratch.copy('sample.mp3', 'c.mp3'),
    ];
    const results = await runQueue(files, 3, (path, signal) => uploadLocalFile(path, targetFor(emu), { maxBytes: 10 * 1024 * 1024, signal }));
    assert.deepEqual(results.map((r) => r.ok), [true, false, true, true]);
    const bad = results[1];
    assert.ok(!bad.ok && bad.error instanceof HeyGenError && bad.error.kind === 'invalidFile');
    assert.equal(emu.received.length, 3);
    assert.deepEqual(emu.received.map((r) => r.contentType).sort(), ['audio/mpeg', 'image/png', 'video/mp4']);
  });

  void it('with 100 ms latency, concurrency 3 finishes 6 files in about a third of the time', async () => {
    emu.reset();
    emu.behave({ mode: 'latency', ms: 100 });
    const files = Array.from({ length: 6 }, (_, i) => scratch.png(`l${i}.png`, 2048));
    const timed = async (concurrency: number): Promise<number> => {
      const t0 = Date.now();
      const results = await runQueue(files, concurrency, (path, signal) => uploadLocalFile(path, targetFor(emu), { maxBytes: 1 << 20, signal }));
      assert.ok(results.every((r) => r.ok));
      return Date.now() - t0;
    };
    const serial = await timed(1);
    const parallel = await timed(3);
    assert.ok(serial >= 600, `serial ${serial} ms`);
    assert.ok(parallel < serial * 0.5, `parallel ${parallel} ms vs serial ${serial} ms`);
    emu.reset();
  });
});
