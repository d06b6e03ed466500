// The vscode-free half of the dropped-media module: the one text/uri-list parser, the offset that follows edits
// (where a retried drop inserts) and the temporary folder whose files live as long as their upload.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TempMediaFolder } from '../../../src/core/droppedMedia/tempFolder';
import { shiftOffset } from '../../../src/core/droppedMedia/trackedOffset';
import { parseUriList, safeFileName, uriListLines } from '../../../src/core/droppedMedia/uriList';
import { silentLogger } from '../../../src/core/base/logger';

void describe('parseUriList', () => {
  void it('reads one URI per line, CRLF or LF, skipping comments and blank lines', () => {
    assert.deepEqual(uriListLines('# dragged from the explorer\r\nfile:///a.png\r\n\r\n  file:///b.mp3  \n#x\n'), ['file:///a.png', 'file:///b.mp3']);
  });

  void it('maps file and vscode-remote URIs to local paths with their names, and keeps web addresses', () => {
    const local = path.join(os.tmpdir(), 'with space', 'été.png');
    const text = [pathToFileURL(local).href, 'vscode-remote://ssh-remote%2Bbox/home/me/clip%20one.mp4', 'https://example.com/images/bg.jpg?size=large', 'http://example.com/a.wav'].join('\r\n');
    assert.deepEqual(parseUriList(text), [
      { kind: 'file', path: local, name: 'été.png' },
      { kind: 'file', path: path.normalize('/home/me/clip one.mp4'), name: 'clip one.mp4' },
      { kind: 'web', url: 'https://example.com/images/bg.jpg?size=large' },
      { kind: 'web', url: 'http://example.com/a.wav' },
    ]);
  });

  void it('leaves out what is no file here and no web address: other schemes, other hosts\' files, text that is no URI', () => {
    assert.deepEqual(parseUriList('untitled:Untitled-1\nvscode-notebook-cell:/x.ipynb#c1\nnot a uri\nftp://example.com/a.png\nfile://otherhost/share/a.png'), []);
  });
});

void describe('safeFileName', () => {
  void it('keeps a plain base name and never lets a dropped name leave the folder', () => {
    assert.equal(safeFileName('photo.png'), 'photo.png');
    assert.equal(safeFileName('../../etc/passwd'), 'passwd');
    assert.equal(safeFileName('C:\\Users\\me\\clip.mp4'), 'clip.mp4');
    assert.equal(safeFileName('a<b>:c|d?.png'), 'a_b__c_d_.png');
    assert.equal(safeFileName('..'), 'dropped-file');
    assert.equal(safeFileName(''), 'dropped-file');
  });
});

void describe('shiftOffset', () => {
  const change = (rangeOffset: number, rangeLength: number, text: string) => ({ rangeOffset, rangeLength, text });

  void it('moves with text inserted or deleted before it, and stays for changes after it', () => {
    assert.equal(shiftOffset(10, [change(2, 0, 'abc')]), 13);
    assert.equal(shiftOffset(10, [change(2, 4, '')]), 6);
    assert.equal(shiftOffset(10, [change(12, 3, 'xy')]), 10);
  });

  void it('text typed at the offset lands before it; text replaced from it leaves it after the new text', () => {
    assert.equal(shiftOffset(10, [change(10, 0, 'ab')]), 12);
    // The drop's placeholder removed from where it stood: the drop's place stays.
    assert.equal(shiftOffset(10, [change(10, 30, '')]), 10);
    // The placeholder replaced by the fragment: what a Retry adds goes after it.
    assert.equal(shiftOffset(10, [change(10, 30, 'fragment')]), 18);
  });

  void it('a change around it leaves it at the end of the new text; several changes of one edit all count', () => {
    assert.equal(shiftOffset(10, [change(8, 5, 'z')]), 9);
    assert.equal(shiftOffset(10, [change(20, 0, 'later'), change(0, 0, '12'), change(4, 2, '')]), 10);
  });
});

void describe('TempMediaFolder', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-temp-media-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  void it('writes dropped content under safe, distinct names and removes it when the lease is released', async () => {
    const folder = new TempMediaFolder(root, silentLogger);
    const lease = await folder.hold([
      { name: '../clip.png', bytes: Buffer.from('one') },
      { name: 'clip.png', bytes: Buffer.from('two') },
    ]);
    assert.deepEqual(lease.paths.map((p) => path.basename(p)), ['clip.png', 'clip (2).png']);
    assert.deepEqual(lease.paths.map((p) => fs.readFileSync(p, 'utf8')), ['one', 'two']);
    assert.ok(lease.paths.every((p) => p.startsWith(root + path.sep)), 'inside the folder');
    assert.equal(folder.held, 1);
    await lease.release();
    await lease.release();
    assert.ok(lease.paths.every((p) => !fs.existsSync(p)));
    assert.equal(folder.held, 0);
    await folder.dispose();
  });

  void it('keeps a lease\'s files until released, and removes everything of its session when disposed', async () => {
    const folder = new TempMediaFolder(root, silentLogger);
    const lease = await folder.hold([{ name: 'keep.mp3', bytes: Buffer.from('x') }]);
    assert.ok(fs.existsSync(lease.paths[0]), 'still there: a Retry may need it');
    await folder.dispose();
    assert.ok(!fs.existsSync(lease.paths[0]));
  });

  void it('an empty hold writes nothing; a start removes session folders a crashed window left a day ago, not current ones', async () => {
    const stale = path.join(root, 'session-stale');
    const current = path.join(root, 'session-other-window');
    fs.mkdirSync(stale);
    fs.mkdirSync(current);
    const dayAgo = new Date(Date.now() - 25 * 60 * 60_000);
    fs.utimesSync(stale, dayAgo, dayAgo);
    const folder = new TempMediaFolder(root, silentLogger);
    assert.deepEqual((await folder.hold([])).paths, []);
    await folder.swept;
    assert.ok(!fs.existsSync(stale), 'the stale session folder is gone');
    assert.ok(fs.existsSync(current), 'another window\'s folder stays');
    await folder.dispose();
  });
});
