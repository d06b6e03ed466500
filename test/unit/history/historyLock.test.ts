import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acquireLock } from '../../../src/core/history/historyLock';

const root = fs.mkdtemp(path.join(os.tmpdir(), 'heygen-lock-'));
let counter = 0;
async function freshLock(): Promise<string> {
  const dir = path.join(await root, `case-${++counter}`);
  await fs.mkdir(dir, { recursive: true });
  return path.join(dir, 'history.json.lock');
}

void after(async () => {
  await fs.rm(await root, { recursive: true, force: true });
});

void describe('the history lock while it is held', () => {
  void it('is refreshed, so another window does not take it from a live holder past the stale age', async () => {
    const lock = await freshLock();
    const holder = await acquireLock(lock, undefined, 1_000, { staleMs: 200 });
    // Unrefreshed, the lock would be stale after 200 ms and the second window would take it well within 800 ms.
    await assert.rejects(acquireLock(lock, undefined, 800, { staleMs: 200 }), /locked by another window/);
    assert.equal(await holder.held(), true);
    await holder();
    await (await acquireLock(lock, undefined, 100, { staleMs: 200 }))();
  });

  void it('tells its holder when another window took it over, and is then left to that window', async () => {
    const lock = await freshLock();
    let compromised!: (reason: string) => void;
    const reported = new Promise<string>((resolve) => (compromised = resolve));
    const holder = await acquireLock(lock, undefined, 1_000, { staleMs: 200, onCompromised: compromised });
    // The refresh timer keeps no process alive (a window closing must not wait for it): this test does, until the report.
    const alive = setInterval(() => undefined, 1_000);
    const other = JSON.stringify({ pid: process.pid, host: os.hostname(), token: 'the-other-window', at: Date.now() });
    await fs.writeFile(lock, other);
    assert.match(await reported, /another window/);
    clearInterval(alive);
    assert.equal(await holder.held(), false);
    await holder();
    assert.equal(await fs.readFile(lock, 'utf8'), other, "releasing a lost lock leaves the new holder's lock alone");
  });
});
