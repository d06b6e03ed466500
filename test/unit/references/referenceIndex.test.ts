import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syncIndex, type FileOnDisk } from '../../../src/core/references/indexBuild';
import { ReferenceIndex } from '../../../src/core/references/referenceIndex';
import { payloadLanguageOf } from '../../../src/core/references/payloadFiles';

const v2 = (bg: string, audio: string): string => `{
  "title": "img-not-a-reference",
  "video_inputs": [
    {
      "voice": { "type": "audio", "audio_asset_id": "${audio}" },
      "background": { "type": "image", "image_asset_id": "${bg}" }
    }
  ]
}`;
const v3py = (id: string): string => `body = {\n    "type": "image",\n    "image": {"type": "asset_id", "asset_id": '${id}'},\n}\n`;
const noPayload = `{ "name": "package", "version": "1.0.0" }`;

/** A workspace in memory: file → text, with a read counter to show which files were scanned. */
function workspace(files: Record<string, string>): { disk: FileOnDisk[]; reads: string[]; fs: { read(file: string): Promise<string> } } {
  const reads: string[] = [];
  return {
    disk: Object.entries(files).map(([file, text]) => ({ file, stamp: { mtime: 1000, size: text.length } })),
    reads,
    fs: {
      read: (file) => {
        reads.push(file);
        return Promise.resolve(files[file]);
      },
    },
  };
}

void describe('reference index', () => {
  void it('indexes the files whose content is a payload, whatever their name, and answers "used in"', async () => {
    const ws = workspace({ '/w/a.json': v2('img1', 'aud1'), '/w/scenes/b.py': v3py('img1'), '/w/package.json': noPayload, '/w/notes.ts': 'const x = "img1";' });
    const index = new ReferenceIndex();
    const result = await syncIndex(index, ws.disk, ws.fs);
    assert.deepEqual(result, { scanned: 4, reused: 0, removed: 0, failed: 0 });
    assert.deepEqual(index.filesUsing('img1'), ['/w/a.json', '/w/scenes/b.py']);
    assert.deepEqual(index.filesUsing('aud1'), ['/w/a.json']);
    assert.deepEqual(index.filesUsing('img-not-a-reference'), []);
    assert.equal(index.countFilesUsing({ id: 'img1' }), 2);
    assert.deepEqual(index.referencedIds().sort(), ['aud1', 'img1']);
    const [inPython] = index.referencesTo({ id: 'img1' }).filter((f) => f.file === '/w/scenes/b.py');
    assert.deepEqual(inPython.references.map((r) => [r.path, r.line, r.character, r.endLine, r.endCharacter]), [['image.asset_id', 2, 47, 2, 51]]);
  });

  void it('counts a file once when it names an asset by id and by URL', () => {
    const index = new ReferenceIndex();
    const text = `{"video_inputs": [{"background": {"type": "image", "image_asset_id": "i9", "url": "https://r.example/i9.png"}}, {"background": {"type": "image", "url": "https://r.example/i9.png"}}]}`;
    index.update('/w/x.json', { mtime: 1, size: text.length }, text, 'json');
    assert.equal(index.countFilesUsing({ id: 'i9', url: 'https://r.example/i9.png' }), 1);
    assert.deepEqual(index.referencesTo({ id: 'i9', url: 'https://r.example/i9.png' })[0].references.length, 3);
  });

  void it('updates one file: its old references go, its new ones come, listeners hear which file', () => {
    const index = new ReferenceIndex();
    const heard: string[][] = [];
    index.onDidChange((files) => heard.push([...files]));
    index.update('/w/a.json', { mtime: 1, size: 1 }, v2('img1', 'aud1'), 'json');
    index.update('/w/a.json', { mtime: 2, size: 1 }, v2('img2', 'aud1'), 'json');
    assert.deepEqual(index.filesUsing('img1'), []);
    assert.deepEqual(index.filesUsing('img2'), ['/w/a.json']);
    // The same references again (a save without a change to them) is no change.
    index.update('/w/a.json', { mtime: 3, size: 1 }, v2('img2', 'aud1'), 'json');
    index.remove('/w/a.json');
    assert.deepEqual(index.filesUsing('aud1'), []);
    assert.deepEqual(heard, [['/w/a.json'], ['/w/a.json'], ['/w/a.json']]);
  });

  void it('reuses a persisted index: unchanged files are not read, changed and new ones are, gone ones are dropped', async () => {
    const first = workspace({ '/w/a.json': v2('img1', 'aud1'), '/w/b.json': v2('img2', 'aud2'), '/w/c.py': v3py('img3') });
    const before = new ReferenceIndex();
    await syncIndex(before, first.disk, first.fs);
    const restored = ReferenceIndex.fromSnapshot(JSON.parse(JSON.stringify(before.toSnapshot())));
    assert.deepEqual(restored.filesUsing('img3'), ['/w/c.py']);

    const second = workspace({ '/w/a.json': v2('img1', 'aud1'), '/w/b.json': v2('img9', 'aud2'), '/w/d.json': v2('img4', 'aud4') });
    second.disk[1].stamp = { mtime: 2000, size: second.disk[1].stamp.size };
    const result = await syncIndex(restored, second.disk, second.fs);
    assert.deepEqual(second.reads.sort(), ['/w/b.json', '/w/d.json']);
    assert.deepEqual(result, { scanned: 2, reused: 1, removed: 1, failed: 0 });
    assert.deepEqual(restored.filesUsing('img2'), []);
    assert.deepEqual(restored.filesUsing('img9'), ['/w/b.json']);
    assert.deepEqual(restored.filesUsing('img3'), []);
    assert.deepEqual(restored.filesUsing('img1'), ['/w/a.json']);
  });

  void it('ignores a snapshot of another version or malformed entries', () => {
    assert.equal(ReferenceIndex.fromSnapshot({ version: 99, files: { '/w/a.json': { mtime: 1, size: 1, refs: [] } } }).fileCount, 0);
    const index = ReferenceIndex.fromSnapshot({ version: 1, files: { '/w/a.json': { mtime: 1, size: 1, refs: [['x', 1, 'p', 'bad']] }, '/w/b.json': { mtime: 1, size: 1, refs: [['y', 1, 'p', 0, 0, 0, 1]] } } });
    assert.deepEqual(index.files(), ['/w/b.json']);
  });

  void it('yields to the event loop between batches, and counts files it could not read', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) {
      files[`/w/${i}.json`] = v2(`img${i}`, 'aud');
    }
    const ws = workspace(files);
    let yields = 0;
    const failing = { read: (file: string) => (file === '/w/3.json' ? Promise.reject(new Error('EACCES')) : ws.fs.read(file)) };
    const errors: string[] = [];
    const result = await syncIndex(new ReferenceIndex(), ws.disk, failing, { batchSize: 4, yieldNow: () => Promise.resolve(void yields++), onError: (f) => errors.push(f) });
    assert.equal(yields, 3);
    assert.deepEqual(result, { scanned: 9, reused: 0, removed: 0, failed: 1 });
    assert.deepEqual(errors, ['/w/3.json']);
  });

  void it('reads candidates by extension', () => {
    assert.deepEqual(['a.json', 'b.JSONC', 'c.mjs', 'd.tsx', 'e.py', 'f.txt', '.json', 'dir.py/g'].map(payloadLanguageOf), ['json', 'jsonc', 'javascript', 'typescriptreact', 'python', undefined, undefined, undefined]);
  });
});
