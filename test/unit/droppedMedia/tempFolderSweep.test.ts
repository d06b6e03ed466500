import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../src/core/base/logger';
import { TempMediaFolder } from '../../../src/core/droppedMedia/tempFolder';

const TWO_DAYS_AGO = new Date(Date.now() - 48 * 60 * 60_000);

/** A session folder as a window leaves it: one pasted file in a drop folder, everything two days old. */
function session(root: string, name: string, mark?: { pid: number; host: string }): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'drop'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'drop', 'pasted.png'), 'png');
  if (mark) {
    fs.writeFileSync(path.join(dir, '.alive'), JSON.stringify(mark));
    fs.utimesSync(path.join(dir, '.alive'), TWO_DAYS_AGO, TWO_DAYS_AGO);
  }
  for (const p of [path.join(dir, 'drop', 'pasted.png'), path.join(dir, 'drop'), dir]) {
    fs.utimesSync(p, TWO_DAYS_AGO, TWO_DAYS_AGO);
  }
  return dir;
}

/** The pid of a process that has ended. */
function endedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

void describe('the temporary folder sweep', () => {
  void it('never removes a session whose window still runs, however old its pasted file', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-sweep-'));
    // This test's own process plays the other live window (a pasted file waiting for Retry since two days).
    const live = session(root, 'session-live', { pid: process.pid, host: os.hostname() });
    const crashed = session(root, 'session-crashed', { pid: endedPid(), host: os.hostname() });
    const older = session(root, 'session-older-version');
    const folder = new TempMediaFolder(root, silentLogger);
    await folder.swept;
    assert.ok(fs.existsSync(path.join(live, 'drop', 'pasted.png')), 'the live window\'s pasted file was deleted');
    assert.ok(!fs.existsSync(crashed), 'a crashed window\'s folder stays');
    assert.ok(!fs.existsSync(older), 'an unmarked stale folder stays');
    await folder.dispose();
  });

  void it('keeps a session of another machine while its mark is touched, and marks its own session', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-sweep-'));
    const remote = session(root, 'session-remote', { pid: 1, host: `not-${os.hostname()}` });
    const now = new Date();
    fs.utimesSync(path.join(remote, '.alive'), now, now);
    const folder = new TempMediaFolder(root, silentLogger);
    await folder.swept;
    assert.ok(fs.existsSync(remote));
    const lease = await folder.hold([{ name: 'a.png', bytes: new Uint8Array([1]) }]);
    const own = path.dirname(path.dirname(lease.paths[0]));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(own, '.alive'), 'utf8')), { pid: process.pid, host: os.hostname() });
    await lease.release();
    await folder.dispose();
  });
});
