// The upload tool's approval: what prepareInvocation looked at (real paths after links, outside-the-workspace marks,
// versions of files) is what invoke sends, and a file that changed since is refused in a sentence.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it, mock } from 'node:test';
import { MAX_UPLOAD_PATHS, parseUploadInput } from '../../../src/core/agentTools/toolInput';
import { ApprovalLedger, approveSources, changedSinceApproval, oneLine, type ApprovedItem } from '../../../src/core/agentTools/uploadApproval';
import { isWithin } from '../../../src/core/base/fileLook';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { uploadLocalFile } from '../../../src/core/upload/uploadEngine';

const MEDIA = join(__dirname, '..', '..', 'fixtures', 'media');

void describe('agent upload approval', () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'heygen-approval-')));
  const workspace = join(base, 'workspace');
  const elsewhere = join(base, 'elsewhere');
  mkdirSync(workspace);
  mkdirSync(elsewhere);
  after(() => rmSync(base, { recursive: true, force: true }));
  afterEach(() => mock.restoreAll());

  const parse = (paths: unknown[]): ReturnType<typeof parseUploadInput> => parseUploadInput({ paths }, (relative) => join(workspace, relative));
  async function approve(paths: unknown[]): Promise<ApprovedItem[]> {
    const parsed = parse(paths);
    assert.ok(parsed.valid);
    return approveSources(parsed.value, [workspace]);
  }

  void it('approves a workspace file with its version, and a link by the real path it leads to, marked when outside', async () => {
    copyFileSync(join(MEDIA, 'sample.png'), join(workspace, 'logo.png'));
    copyFileSync(join(MEDIA, 'sample.jpg'), join(elsewhere, 'private.jpg'));
    symlinkSync(join(elsewhere, 'private.jpg'), join(workspace, 'innocent.jpg'));
    symlinkSync(join(workspace, 'logo.png'), join(workspace, 'alias.png'));
    const [logo, innocent, alias, outside] = await approve(['logo.png', 'innocent.jpg', 'alias.png', join(elsewhere, 'private.jpg')]);
    assert.ok(logo.kind === 'file' && innocent.kind === 'file' && alias.kind === 'file' && outside.kind === 'file');
    assert.equal(logo.realPath, join(workspace, 'logo.png'));
    assert.equal(logo.outside, false);
    assert.equal(logo.stamp.size, (await fsp.stat(join(MEDIA, 'sample.png'))).size);
    assert.equal(innocent.realPath, join(elsewhere, 'private.jpg'), 'a link is shown as the file it leads to');
    assert.equal(innocent.outside, true, 'a link out of the workspace is marked');
    assert.equal(alias.realPath, join(workspace, 'logo.png'));
    assert.equal(alias.outside, false);
    assert.equal(outside.outside, true);
  });

  void it('refuses what is not a regular file, what does not exist and network paths, each in a sentence', async () => {
    mkdirSync(join(workspace, 'folder'));
    assert.equal(spawnSync('mkfifo', [join(workspace, 'pipe.png')]).status, 0);
    const items = await approve(['folder', 'pipe.png', 'absent.png', 'ftp://x.example/a.png']);
    assert.deepEqual(
      items.map((i) => (i.kind === 'refused' ? i.reason : i.kind)),
      [
        '"folder" is a folder; name the files in it to upload them.',
        '"pipe.png" is not a regular file.',
        '"absent.png" does not exist.',
        '"ftp://x.example/a.png" cannot be uploaded: only http and https URLs are supported.',
      ],
    );
    const calls = ['lstat', 'realpath', 'stat', 'open'].map((name) => mock.method(fsp, name as 'stat'));
    const [unc] = await approve(['\\\\attacker.example\\share\\a.png']);
    assert.equal(unc.kind === 'refused' ? unc.reason : unc.kind, '"\\\\attacker.example\\share\\a.png" is a network or device path, which is never uploaded.');
    assert.deepEqual(calls.map((c) => c.mock.callCount()), [0, 0, 0, 0]);
  });

  void it('keeps a URL whole, query included, as the parser reads it; results echo it without the query', async () => {
    const [url] = await approve(['https://cdn.example.com/clip.mp4?X-Amz-Signature=abc&t=1']);
    assert.ok(url.kind === 'url');
    assert.equal(url.source.url, 'https://cdn.example.com/clip.mp4?X-Amz-Signature=abc&t=1');
    assert.equal(url.source.input, 'https://cdn.example.com/clip.mp4');
    // Tabs and line breaks inside a URL are dropped by the URL parser, so the approved text is what is fetched.
    const [split] = await approve(['https://cdn.example.com/a\n.png']);
    assert.ok(split.kind === 'url');
    assert.equal(split.source.url, 'https://cdn.example.com/a.png');
  });

  void it('a file changed or removed since the approval is refused; an unchanged one passes', async () => {
    copyFileSync(join(MEDIA, 'sample.png'), join(workspace, 'changing.png'));
    copyFileSync(join(MEDIA, 'sample.png'), join(workspace, 'removed.png'));
    const [changing, removed, same] = await approve(['changing.png', 'removed.png', 'logo.png']);
    assert.ok(changing.kind === 'file' && removed.kind === 'file' && same.kind === 'file');
    appendFileSync(join(workspace, 'changing.png'), Buffer.from('more bytes'));
    unlinkSync(join(workspace, 'removed.png'));
    assert.equal(
      await changedSinceApproval(changing),
      '"changing.png" changed after it was approved (its size or modification time differs), so it was not uploaded; ask again to upload the new version.',
    );
    assert.equal(await changedSinceApproval(removed), '"removed.png" was deleted or moved after it was approved, so it was not uploaded.');
    assert.equal(await changedSinceApproval(same), undefined);
  });

  void it('the engine refuses a file whose version is not the approved one before any request', async () => {
    const file = join(workspace, 'engine.png');
    copyFileSync(join(MEDIA, 'sample.png'), file);
    const { size, mtimeMs } = await fsp.stat(file);
    // Nothing listens on port 9: an upload that got as far as a request would fail as a network error.
    const target = { endpoint: 'http://127.0.0.1:9/v1/asset', apiKey: 'k'.repeat(40), connectTimeoutMs: 500, idleTimeoutMs: 500, retry: { maxRetries: 0 } };
    const refused = await uploadLocalFile(file, target, { maxBytes: 10 * 1024 * 1024, expect: { size: size + 1, mtimeMs } }).catch((e: unknown) => e);
    assert.ok(refused instanceof HeyGenError, String(refused));
    assert.equal(refused.kind, 'invalidFile');
    assert.match(refused.message, /^"engine\.png" changed after it was approved/);
    const attempted = await uploadLocalFile(file, target, { maxBytes: 10 * 1024 * 1024, expect: { size, mtimeMs } }).catch((e: unknown) => e);
    assert.ok(attempted instanceof HeyGenError && attempted.kind !== 'invalidFile', `the approved version went on to the request: ${String(attempted)}`);
  });

  void it('takes an input’s newest approval once, and forgets the oldest beyond its capacity', () => {
    const ledger = new ApprovalLedger<string>(2);
    ledger.remember({ paths: ['a'] }, 'first');
    ledger.remember({ paths: ['a'] }, 'second');
    assert.equal(ledger.take({ paths: ['a'] }), 'second');
    assert.equal(ledger.take({ paths: ['a'] }), 'first');
    assert.equal(ledger.take({ paths: ['a'] }), undefined);
    ledger.remember({ paths: ['1'] }, 'one');
    ledger.remember({ paths: ['2'] }, 'two');
    ledger.remember({ paths: ['3'] }, 'three');
    assert.equal(ledger.take({ paths: ['1'] }), undefined);
    assert.equal(ledger.take({ paths: ['3'] }), 'three');
  });

  void it('places paths in or out of the roots, case-insensitively on Windows and macOS', () => {
    assert.equal(isWithin('/w/a/b.png', ['/w/a'], 'linux'), true);
    assert.equal(isWithin('/w/ab/b.png', ['/w/a'], 'linux'), false);
    assert.equal(isWithin('/w/a/../b.png', ['/w/a'], 'linux'), false);
    assert.equal(isWithin('/W/A/b.png', ['/w/a'], 'linux'), false);
    assert.equal(isWithin('C:\\W\\A\\b.png', ['c:\\w\\a'], 'win32'), true);
    assert.equal(isWithin('D:\\w\\a\\b.png', ['C:\\w\\a'], 'win32'), false);
    assert.equal(isWithin('/x.png', [], 'linux'), false);
  });

  void it('shows control and direction characters as escapes, so a name cannot fake a line', () => {
    assert.equal(oneLine('a\nb\u202e.png'), 'a\\u{a}b\\u{202e}.png');
    assert.equal(oneLine('plain – text.png'), 'plain – text.png');
  });

  void it('refuses more than 20 paths in one call', () => {
    const many = parse(Array.from({ length: MAX_UPLOAD_PATHS + 1 }, (_, i) => `f${i}.png`));
    assert.equal(many.valid, false);
    assert.equal(many.valid ? '' : many.reason, '21 paths were given; one call uploads at most 20: split them over several calls.');
    assert.equal(parse(Array.from({ length: MAX_UPLOAD_PATHS }, (_, i) => `f${i}.png`)).valid, true);
  });
});
