// Issue 26 item 6: ages in the views are computed when shown and refreshed while visible, at most once a minute, on
// the minute of the newest upload shown, so "now" becomes "1 minute ago" when it is true and never shows seconds.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { AgeTicker, relativeTime, type TickerClock } from '../../../src/core/base/time';

const clock: TickerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

void describe('relative ages', () => {
  void it('say "now" for the whole first minute, never a count of seconds', () => {
    const at = (ms: number): string => relativeTime(0, ms);
    assert.equal(at(3_000), 'now');
    assert.equal(at(27_000), 'now');
    assert.equal(at(59_999), 'now');
    assert.equal(at(60_000), '1 minute ago');
    assert.equal(at(125_000), '2 minutes ago');
  });
});

/** Moves the mock clock on a second at a time, so each timer runs at its own moment. */
function advance(ms: number): void {
  for (let done = 0; done < ms; done += 1_000) {
    mock.timers.tick(1_000);
  }
}

void describe('AgeTicker', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
  afterEach(() => mock.timers.reset());

  void it('refreshes when the newest upload turns a minute old, then each minute; never twice within a minute', () => {
    const ticks: number[] = [];
    const uploadedAt = 20_000;
    mock.timers.tick(25_000);
    const ticker = new AgeTicker(() => ticks.push(Date.now()), () => uploadedAt, clock);
    ticker.start();
    // Shown at 25 s ("now"); a minute after that is 85 s, when "1 minute ago" (due at 80 s) is shown.
    advance(5 * 60_000);
    assert.deepEqual(ticks, [85_000, 145_000, 205_000, 265_000, 325_000]);
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]);
    assert.ok(gaps.every((gap) => gap >= 60_000), `gaps ${gaps.join(', ')}`);
    ticker.stop();
  });

  void it('shown long after the minute turned, refreshes on the newest upload\u2019s minute', () => {
    const ticks: number[] = [];
    mock.timers.tick(10_000);
    const ticker = new AgeTicker(() => ticks.push(Date.now()), () => 0, clock);
    ticker.start();
    // Shown at 10 s: "now" until 60 s, but not within a minute of the showing: at 70 s, then 130 s.
    advance(130_000);
    assert.deepEqual(ticks, [70_000, 130_000]);
    ticker.stop();
  });

  void it('ticks on the upload\u2019s own minute when shown a while after the last turn', () => {
    const ticks: number[] = [];
    mock.timers.tick(100_000);
    // Uploaded at 50 s: its label turns at 110 s, 170 s…; shown at 100 s, the refreshes come at 160 s and 220 s.
    const ticker = new AgeTicker(() => ticks.push(Date.now()), () => 50_000, clock);
    ticker.start();
    advance(140_000);
    assert.deepEqual(ticks, [160_000, 220_000]);
    ticker.stop();
  });

  void it('runs only between start and stop: a hidden view refreshes nothing', () => {
    const ticks: number[] = [];
    const ticker = new AgeTicker(() => ticks.push(Date.now()), () => undefined, clock);
    ticker.start();
    advance(60_000);
    ticker.stop();
    assert.equal(ticker.running, false);
    advance(10 * 60_000);
    assert.deepEqual(ticks, [60_000]);
  });
});
