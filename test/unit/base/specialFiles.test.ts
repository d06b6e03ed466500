// Files that are not regular files (a named pipe, a device, a link to either) are refused without being opened:
// validateFile looks with lstat first and opens only what lstat calls a regular file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it, mock } from 'node:test';
import { validateFile } from '../../../src/core/base/validateFile';

const MEDIA = join(__dirname, '..', '..', 'fixtures', 'media');
const limit = { maxBytes: 10 * 1024 * 1024 };

void describe('validateFile and files that are not regular files', { skip: process.platform === 'win32' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'heygen-special-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** Every path validateFile opened (it calls fs/promises' open, looked up on the module at each call). */
  let opened: () => string[];
  beforeEach(() => {
    const spy = mock.method(fsp, 'open');
    opened = () => spy.mock.calls.map((call) => String(call.arguments[0]));
  });
  afterEach(() => mock.restoreAll());

  function fifo(name: string): string {
    const path = join(dir, name);
    assert.equal(spawnSync('mkfifo', [path]).status, 0, 'mkfifo failed');
    return path;
  }

  void it('refuses a named pipe without opening it', async () => {
    const pipe = fifo('pipe.png');
    const check = await validateFile(pipe, limit);
    assert.ok(!check.valid && check.problem === 'notFile', JSON.stringify(check));
    assert.equal(check.reason, '"pipe.png" is not a regular file.');
    assert.deepEqual(opened(), [], 'the pipe was opened');
  });

  void it('refuses a symbolic link to a named pipe or a device without opening either', async () => {
    symlinkSync(fifo('behind-link'), join(dir, 'link.wav'));
    symlinkSync('/dev/zero', join(dir, 'zero.mp3'));
    for (const name of ['link.wav', 'zero.mp3']) {
      const check = await validateFile(join(dir, name), limit);
      assert.ok(!check.valid && check.problem === 'notFile', `${name}: ${JSON.stringify(check)}`);
    }
    assert.deepEqual(opened(), [], 'a pipe or a device was opened');
  });

  void it('follows a symbolic link to a regular file and opens that file', async () => {
    copyFileSync(join(MEDIA, 'sample.png'), join(dir, 'real.png'));
    symlinkSync(join(dir, 'real.png'), join(dir, 'image-link.png'));
    const followed = await validateFile(join(dir, 'image-link.png'), limit);
    assert.ok(followed.valid, JSON.stringify(followed));
    assert.equal(followed.file.name, 'image-link.png');
    assert.equal(followed.file.type.mime, 'image/png');
    assert.deepEqual(opened(), [join(dir, 'real.png')]);
  });
});
