import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatMegabytes } from '../../../src/core/base/sizes';
import { validateFile } from '../../../src/core/base/validateFile';
import { MB, Scratch, allDescriptorsClosed, capturingLogger, openDescriptors } from '../support/engineKit';

void describe('validateFile', () => {
  const scratch = new Scratch();
  after(() => scratch.cleanup());
  const limit = { maxBytes: 10 * MB };

  void it('accepts a correctly named file with its content type', async () => {
    const check = await validateFile(scratch.copy('sample.webm', 'clip.webm'), limit);
    assert.ok(check.valid);
    assert.equal(check.file.type.mime, 'video/webm');
    assert.equal(check.file.mislabelled, false);
    assert.equal(check.file.name, 'clip.webm');
    assert.ok(check.file.size > 0);
  });

  void it('with keepOpenWithBytes, a valid file stays open with its first bytes read, handed over once; a refused one is closed', async (t) => {
    const path = scratch.png('first-chunk.png', 300 * 1024);
    if (openDescriptors(path) === undefined) {
      t.skip('needs /proc/self/fd');
      return;
    }
    const check = await validateFile(path, { ...limit, keepOpenWithBytes: 256 * 1024 });
    assert.ok(check.valid && check.opened);
    assert.equal(openDescriptors(path), 1);
    const first = check.opened.take()!;
    assert.equal(first.bytesRead, 256 * 1024);
    assert.ok(first.buffer.subarray(0, first.bytesRead).equals(readFileSync(path).subarray(0, 256 * 1024)));
    assert.equal(check.opened.take(), undefined, 'handed over once only');
    check.opened.close(); // Taken: closing is the taker's job, so this closes nothing.
    assert.equal(openDescriptors(path), 1);
    await first.handle.close();
    assert.equal(openDescriptors(path), 0);

    // Without the option nothing stays open, and neither does a refused file with it.
    assert.equal((await validateFile(path, limit)).valid, true);
    await allDescriptorsClosed(path);
    const text = scratch.write('notes.png', 'plain text, not an image');
    const refused = await validateFile(text, { ...limit, keepOpenWithBytes: 256 * 1024 });
    assert.equal(refused.valid, false);
    await allDescriptorsClosed(text);
    const tooLarge = await validateFile(path, { maxBytes: 1024, keepOpenWithBytes: 256 * 1024 });
    assert.equal(tooLarge.valid, false);
    await allDescriptorsClosed(path);
  });

  void it('flags a mislabelled file, keeps the content type and warns in the log', async () => {
    const log = capturingLogger();
    const check = await validateFile(scratch.copy('sample.png', 'voice.mp3'), { ...limit, log });
    assert.ok(check.valid);
    assert.equal(check.file.type.mime, 'image/png');
    assert.equal(check.file.nameType?.mime, 'audio/mpeg');
    assert.equal(check.file.mislabelled, true);
    assert.match(log.text(), /warn: "voice\.mp3" is named like MP3 but its content is PNG; sending it as image\/png\./);
  });

  void it('accepts supported content behind an unknown extension', async () => {
    const check = await validateFile(scratch.copy('sample.wav', 'recording.bin'), limit);
    assert.ok(check.valid);
    assert.equal(check.file.type.mime, 'audio/wav');
    assert.equal(check.file.mislabelled, false);
  });

  void it('refuses with a problem code and one sentence', async () => {
    const cases: Array<[string, string, RegExp]> = [
      [scratch.write('empty.png', ''), 'empty', /^"empty\.png" is empty\.$/],
      [scratch.png('big.png', 12.3 * MB), 'tooLarge', /^"big\.png" is 12\.3 MB, over the 10 MB limit\.$/],
      [`${scratch.dir}/nope/x.png`, 'missing', /^"x\.png" does not exist\.$/],
      [scratch.dir, 'notFile', /is a folder, not a file\.$/],
      [scratch.write('x.gif', 'GIF89a......'), 'unsupported', /^"x\.gif" is not a supported type \(JPEG, PNG, MP4, WebM, MP3 or WAV\)\.$/],
    ];
    for (const [path, problem, reason] of cases) {
      const check = await validateFile(path, limit);
      assert.ok(!check.valid, path);
      assert.equal(check.problem, problem);
      assert.match(check.reason, reason);
    }
  });

  void it('refuses a named pipe as not a regular file without waiting for a writer', { skip: process.platform === 'win32', timeout: 10_000 }, async () => {
    // The file is opened while its stat runs; a blocking open of a pipe would hold a thread-pool thread for good.
    const fifo = join(scratch.dir, 'pipe.png');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo failed');
    const check = await validateFile(fifo, limit);
    assert.ok(!check.valid && check.problem === 'notFile', JSON.stringify(check));
    assert.match(check.reason, /^"pipe\.png" is not a regular file\.$/);
    // The pool still serves: were a thread stuck in open(), four pipes would starve it.
    for (let i = 0; i < 4; i++) {
      assert.equal((await validateFile(fifo, limit)).valid, false);
    }
    assert.equal((await validateFile(scratch.copy('sample.jpg', 'after-pipe.jpg'), limit)).valid, true);
  });

  void it('follows a symlink to a real file and refuses a dangling one', async () => {
    const target = scratch.copy('sample.jpg', 'real.jpg');
    symlinkSync(target, `${scratch.dir}/link.jpg`);
    symlinkSync(`${scratch.dir}/gone.jpg`, `${scratch.dir}/dangling.jpg`);
    assert.equal((await validateFile(`${scratch.dir}/link.jpg`, limit)).valid, true);
    const dangling = await validateFile(`${scratch.dir}/dangling.jpg`, limit);
    assert.ok(!dangling.valid && dangling.problem === 'missing');
  });

  void it('refuses an unreadable file', async (t) => {
    const path = scratch.copy('sample.jpg', 'secret.jpg');
    chmodSync(path, 0o000);
    if (process.getuid?.() !== 0) {
      const check = await validateFile(path, limit);
      assert.ok(!check.valid && check.problem === 'unreadable');
      assert.match(check.reason, /^"secret\.jpg" cannot be read \(permission denied\)\.$/);
      return;
    }
    // Root reads every file, so ask as the unprivileged user "nobody" in a child process.
    chmodSync(scratch.dir, 0o755);
    // The child runs the sources with tsx, so it needs the checkout as well as the scratch folder.
    const repo = join(__dirname, '..', '..', '..');
    const blocked = [...ancestors(scratch.dir), ...ancestors(repo)].find((dir) => (statSync(dir).mode & 0o001) === 0);
    if (blocked) {
      t.skip(`"nobody" cannot reach ${blocked} (a private TMPDIR or checkout folder), so the permission check cannot be run as that user`);
      return;
    }
    const script = scratch.write(
      'check.ts',
      `import { validateFile } from ${JSON.stringify(join(__dirname, '..', '..', '..', 'src', 'core', 'base', 'validateFile'))};\n` +
        'void validateFile(process.argv[2]!, { maxBytes: 1 << 20 }).then((r) => console.log(JSON.stringify(r)));\n',
    );
    chmodSync(script, 0o644);
    // tsx caches compiled files under $TMPDIR, which may not be writable by "nobody" (a private TMPDIR on CI).
    const childTmp = join(scratch.dir, 'tmp-nobody');
    mkdirSync(childTmp);
    chmodSync(childTmp, 0o777);
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, path], {
      uid: 65534,
      gid: 65534,
      env: { ...process.env, TMPDIR: childTmp },
      cwd: join(__dirname, '..', '..', '..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), {
      valid: false,
      problem: 'unreadable',
      reason: '"secret.jpg" cannot be read (permission denied).',
    });
  });

  void it('formats sizes like file managers do', () => {
    assert.equal(formatMegabytes(10 * MB), '10 MB');
    assert.equal(formatMegabytes(12.3 * MB), '12.3 MB');
  });
});

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    out.push(current);
    if (dirname(current) === current) {
      return out;
    }
  }
}
