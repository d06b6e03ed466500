// Folder expansion for uploads: the supported media under a folder, in a stable order, without tool folders.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isFolder, supportedFilesIn } from '../../../src/core/upload/folderFiles';
import { Scratch } from '../support/engineKit';

void describe('supportedFilesIn', () => {
  let scratch: Scratch;
  beforeEach(() => {
    scratch = new Scratch();
  });
  afterEach(() => scratch.cleanup());

  void it('finds supported files by extension in every subfolder, depth first in name order, skipping tool folders', async () => {
    for (const rel of ['b.PNG', 'a.mp3', 'notes.txt', 'clips/z.webm', 'clips/deeper/y.wav', 'node_modules/pkg/icon.png', '.git/x.jpg']) {
      fs.mkdirSync(path.dirname(path.join(scratch.dir, rel)), { recursive: true });
      scratch.write(rel, 'x');
    }
    const found = (await supportedFilesIn(scratch.dir)).map((f) => path.relative(scratch.dir, f));
    assert.deepEqual(found, ['a.mp3', 'b.PNG', path.join('clips', 'deeper', 'y.wav'), path.join('clips', 'z.webm')]);
    assert.equal(await isFolder(scratch.dir), true);
    assert.equal(await isFolder(path.join(scratch.dir, 'a.mp3')), false);
    assert.equal(await isFolder(path.join(scratch.dir, 'missing')), false);
    assert.deepEqual(await supportedFilesIn(path.join(scratch.dir, 'missing')), []);
  });
});
