import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SourceExistence } from '../../../src/core/history/sourceExistence';

let dir: string;

void before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'heygen-sources-'));
});
void after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

void describe('SourceExistence (the "sourceExists" menu token of the Assets view)', () => {
  void it('answers at once without touching the disk, then reports the files that turned out missing, in one batch', async () => {
    const present = path.join(dir, 'present.png');
    await fs.writeFile(present, 'x');
    const missing = [path.join(dir, 'gone-1.png'), path.join(dir, 'gone-2.png')];
    const reports: string[][] = [];
    const sources = new SourceExistence({ onChange: (files) => reports.push(files) });

    // Unknown files read as existing (the menus offer the actions; the commands check before acting).
    assert.equal(sources.exists(present), true);
    assert.equal(sources.exists(missing[0]), true);
    assert.equal(sources.exists(missing[1]), true);
    assert.equal(sources.exists(undefined), false, 'an upload from a URL has no source file');
    assert.deepEqual(reports, [], 'nothing is reported synchronously');

    await sources.whenIdle();
    assert.deepEqual(
      reports.map((files) => [...files].sort()),
      [missing],
      'one report, with only the answers that changed',
    );
    assert.equal(sources.exists(present), true);
    assert.equal(sources.exists(missing[0]), false);
    assert.equal(sources.exists(missing[1]), false);
    sources.dispose();
  });

  void it('never blocks the caller, keeps at most `concurrency` stats in flight, and checks each file once per TTL', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    const slowStat = async (file: string): Promise<void> => {
      calls++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      if (file.endsWith('7')) {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      }
    };
    const reports: string[][] = [];
    const sources = new SourceExistence({ onChange: (files) => reports.push(files), concurrency: 4, stat: slowStat, ttlMs: 60_000 });
    const files = Array.from({ length: 200 }, (_, i) => `/network/share/take-${i}`);
    const started = performance.now();
    for (const file of files) {
      sources.exists(file);
    }
    for (const file of files) {
      sources.exists(file); // asked twice before any answer: still one check
    }
    assert.ok(performance.now() - started < 50, 'building the rows does not wait for the stats');
    assert.equal(calls, 0, 'the checks start after the caller has finished its rows');

    await sources.whenIdle();
    assert.equal(calls, 200);
    assert.ok(maxInFlight <= 4, `at most 4 at once, saw ${maxInFlight}`);
    const reported = reports.flat().sort();
    assert.deepEqual(reported, files.filter((f) => f.endsWith('7')).sort());
    for (const file of files) {
      sources.exists(file);
    }
    await sources.whenIdle();
    assert.equal(calls, 200, 'fresh answers are not checked again');
    sources.dispose();
  });

  void it('after forget(), shows the old answer until the new one arrives, then reports the change', async () => {
    const file = path.join(dir, 'later.wav');
    const reports: string[][] = [];
    const sources = new SourceExistence({ onChange: (files) => reports.push(files) });
    sources.exists(file);
    await sources.whenIdle();
    assert.equal(sources.exists(file), false);

    await fs.writeFile(file, 'x');
    assert.equal(sources.exists(file), false, 'still the cached answer within the TTL');
    sources.forget();
    assert.equal(sources.exists(file), false, 'no flicker: the old answer until the check returns');
    await sources.whenIdle();
    assert.equal(sources.exists(file), true);
    assert.deepEqual(reports, [[file], [file]]);
    sources.dispose();
  });

  void it('check() looks at the disk now and updates the cached answer', async () => {
    const file = path.join(dir, 'checked.mp4');
    const reports: string[][] = [];
    const sources = new SourceExistence({ onChange: (files) => reports.push(files) });
    assert.equal(await sources.check(file), false);
    assert.equal(sources.exists(file), false);
    await fs.writeFile(file, 'x');
    assert.equal(await sources.check(file), true);
    assert.equal(sources.exists(file), true);
    assert.deepEqual(reports, [[file], [file]]);
    assert.equal(await sources.check(undefined), false);
    sources.dispose();
  });
});
