// Network (UNC) and device paths a payload names are never read: not stat'ed, not checked, not uploaded. On Windows a
// stat of \\server\share\… alone connects to that server with the person's credentials.
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import { afterEach, describe, it, mock } from 'node:test';
import { findAssetReferences } from '../../../src/core/payload/assetReferences';
import type { KnownAssets } from '../../../src/core/payload/knownAssets';
import { isNetworkOrDevicePath } from '../../../src/core/payload/localPath';
import { LocalFileChecks, localPathOf, payloadProblems, problemMessages } from '../../../src/core/payload/payloadProblems';

const nobody: KnownAssets = { find: () => undefined, isGone: () => false, all: () => [], onDidChange: () => ({ dispose: () => undefined }) };

void describe('network and device paths in payloads', () => {
  afterEach(() => mock.restoreAll());

  void it('knows UNC, device-namespace and host-named file: paths on every platform, and device names on Windows', () => {
    for (const value of ['\\\\server\\share\\a.png', '//server/share/a.png', '\\\\.\\pipe\\x.png', '\\\\?\\C:\\a.png', 'file://server/share/a.png', '\\/server/a.png']) {
      assert.equal(isNetworkOrDevicePath(value, 'linux'), true, value);
      assert.equal(isNetworkOrDevicePath(value, 'win32'), true, value);
    }
    for (const value of ['C:\\media\\nul.png', 'con', './COM1.mp3', 'lpt1.wav', 'C:\\a\\aux.tar.png ', 'nul.png.']) {
      assert.equal(isNetworkOrDevicePath(value, 'win32'), true, value);
    }
    for (const value of ['./a.png', '/home/me/a.png', 'C:\\media\\a.png', 'file:///home/me/a.png', 'file://localhost/home/a.png', 'console.png', 'null.png', 'com10.png']) {
      assert.equal(isNetworkOrDevicePath(value, 'win32'), false, value);
      assert.equal(isNetworkOrDevicePath(value, 'linux'), false, value);
    }
    assert.equal(isNetworkOrDevicePath('./nul.png', 'linux'), false, 'an ordinary file name elsewhere');
  });

  void it('a payload naming one gets a warning, no local path, and no file-system call at all', async () => {
    const text = JSON.stringify({
      video_inputs: [
        { background: { type: 'image', url: '\\\\attacker.example\\share\\a.png' } },
        { background: { type: 'image', url: '//attacker.example/share/b.png' } },
        { background: { type: 'video', url: 'file://attacker.example/share/c.mp4' } },
      ],
    });
    const references = findAssetReferences(text, 'json');
    assert.equal(references.length, 3);
    assert.deepEqual(references.map((r) => localPathOf(r, '/work/payloads')), [undefined, undefined, undefined]);
    const calls = ['stat', 'lstat', 'open', 'realpath'].map((name) => mock.method(fsp, name as 'stat'));
    const checks = new LocalFileChecks(() => 10 * 1024 * 1024);
    await checks.refresh(['\\\\attacker.example\\share\\a.png', '//attacker.example/share/b.png']);
    const problems = payloadProblems(references, { documentDir: '/work/payloads', files: (p) => checks.get(p), known: nobody });
    assert.deepEqual(
      problems.map((p) => [p.code, p.severity, p.message]),
      references.map(() => ['notRead', 'warning', problemMessages.notRead()]),
    );
    assert.deepEqual(calls.map((c) => c.mock.callCount()), [0, 0, 0, 0], 'a network path reached the file system');
  });
});
