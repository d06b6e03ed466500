import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { closeHttpClient } from '../../../src/core/http/httpClient';
import { uploadLocalFile } from '../../../src/core/upload/uploadEngine';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { runQueue } from '../../../src/core/upload/uploadQueue';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { Scratch, targetFor } from '../support/engineKit';

/** Lets `turns` microtask turns pass: work of a given length, without timers. */
async function work(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) {
    await Promise.resolve();
  }
}

/** Never settles by itself: rejects (cancelled) when `signal` aborts, at once if it already has. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const cancel = (): void => reject(new HeyGenError('cancelled', 'aborted'));
    if (signal.aborted) {
      cancel();
    } else {
      signal.addEventListener('abort', cancel, { once: true });
    }
  });
}

void describe('runQueue', () => {
  void it('never runs more than `concurrency` at once and keeps input order', async () => {
    let active = 0;
    let peak = 0;
    const results = await runQueue([50, 10, 30, 5, 20, 1], 3, async (turns) => {
      active++;
      peak = Math.max(peak, active);
      await work(turns);
      active--;
      return turns * 2;
    });
    assert.equal(peak, 3);
    assert.deepEqual(results.map((r) => (r.ok ? r.value : undefined)), [100, 20, 60, 10, 40, 2]);
    assert.deepEqual(results.map((r) => r.item), [50, 10, 30, 5, 20, 1]);
  });

  void it('one failure does not stop the others', async () => {
    const results = await runQueue(['a', 'bad', 'c'], 2, async (item) => {
      await work(3);
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
    const results = await runQueue([1, 2, 3, 4, 5, 6], 2, async (n, signal) => {
      started.push(n);
      if (n <= 2) {
        await work(2);
        return n;
      }
      // Items 3 and 4 run until cancelled; the cancel comes once both are in flight.
      if (n === 4) {
        controller.abort();
      }
      return untilAborted(signal);
    }, controller.signal);
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

  void it('uploads `concurrency` files at once: a server holding its answers sees 3 in flight, or 1', async () => {
    // The server answers only once as many uploads as the queue may run are in flight (or none can follow), so the
    // most it ever holds is exactly how many the queue sent at once.
    const files = Array.from({ length: 6 }, (_, i) => scratch.png(`l${i}.png`, 2048));
    const inFlightPeak = async (concurrency: number): Promise<number> => {
      let arrived = 0;
      let peak = 0;
      const held: http.ServerResponse[] = [];
      const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          arrived += 1;
          held.push(res);
          peak = Math.max(peak, held.length);
          if (held.length === concurrency || arrived === files.length) {
            for (const answer of held.splice(0)) {
              const id = `held${arrived}x${held.length}${Math.random().toString(16).slice(2)}`;
              answer.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 100, data: { id, url: `http://127.0.0.1/${id}.png` } }));
            }
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const uploadUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/asset`;
        const results = await runQueue(files, concurrency, (path, signal) => uploadLocalFile(path, targetFor({ uploadUrl, apiKey: 'k' }), { maxBytes: 1 << 20, signal }));
        assert.ok(results.every((r) => r.ok), JSON.stringify(results.map((r) => (r.ok ? 'ok' : String(r.error)))));
      } finally {
        server.closeAllConnections();
        server.close();
      }
      return peak;
    };
    assert.equal(await inFlightPeak(3), 3);
    assert.equal(await inFlightPeak(1), 1);
  });
});
