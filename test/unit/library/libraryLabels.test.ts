// Issue 26 item 1: an upload of this machine is found in the Library by the name a person knows it by (the file it
// came from), not only by the name HeyGen gave it; both filters look in every name and the id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AssetRecord } from '../../../src/core/base/assetRecord';
import type { LibraryAsset } from '../../../src/core/heygen/libraryAsset';
import { buildLibraryModel, filterLibrary, libraryLabel, libraryTooltipMarkdown } from '../../../src/core/library/libraryTree';
import { filterPredicate, normalizeFilter } from '../../../src/core/history/historyTree';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

function listed(id: string, name: string, kind: LibraryAsset['kind'] = 'image'): LibraryAsset {
  return { id, name, kind, type: kind, uploadedAt: NOW - 60_000, url: `http://127.0.0.1:9/files/${id}`, folderId: null };
}

function ours(id: string, name: string, overrides: Partial<AssetRecord> = {}): AssetRecord {
  return {
    id,
    name,
    heygenName: `asset_${id.slice(0, 8)}`,
    fileType: 'image',
    mime: 'image/png',
    url: `http://127.0.0.1:9/files/${id}`,
    imageKey: null,
    createdTs: Math.floor((NOW - 60_000) / 1000),
    sourcePath: `/work/sample-workspace/${name}`,
    size: 4915,
    sha256: '0'.repeat(64),
    uploadedAt: NOW - 60_000,
    keyFingerprint: 'fp',
    ...overrides,
  };
}

const SAMPLE_ID = '3a77b835c0ffee00112233445566778899';
const library = [listed(SAMPLE_ID, 'asset_3a77b835'), listed('b0b0b0b0', 'Team Photo.png'), listed('c1c1c1c1', 'intro', 'video')];
const history = new Map([[SAMPLE_ID, ours(SAMPLE_ID, 'sample.png')]]);
const fromHistory = (id: string): AssetRecord | undefined => history.get(id);
const text = (t: string) => ({ text: t, kinds: [] });

void describe('the Library names this machine\u2019s uploads by their source file', () => {
  void it('labels sample.png by its file name, others by HeyGen\u2019s name', () => {
    assert.equal(libraryLabel(library[0], history.get(SAMPLE_ID)), 'sample.png');
    assert.equal(libraryLabel(library[1], undefined), 'Team Photo.png');
  });

  void it('filtering "sample" finds it; so do HeyGen\u2019s name and the id', () => {
    for (const needle of ['sample', 'SAMPLE.PNG', 'asset_3a77', SAMPLE_ID.slice(0, 12)]) {
      assert.deepEqual(filterLibrary(library, text(needle), fromHistory).map((a) => a.id), [SAMPLE_ID], needle);
    }
    assert.deepEqual(filterLibrary(library, text('team'), fromHistory).map((a) => a.id), ['b0b0b0b0']);
    assert.deepEqual(filterLibrary(library, text('c1c1'), fromHistory).map((a) => a.id), ['c1c1c1c1'], 'by id too');
  });

  void it('the view\u2019s model keeps the filtered rows in their groups', () => {
    const model = buildLibraryModel(library, text('sample'), fromHistory);
    assert.deepEqual(model.groups.map((g) => [g.kind, g.count]), [['image', 1]]);
    assert.equal(model.byId.get(SAMPLE_ID)?.type, 'asset');
  });

  void it('the tooltip leads with the file name and gives HeyGen\u2019s name below it', () => {
    const markdown = libraryTooltipMarkdown(
      library[0],
      history.get(SAMPLE_ID),
      { id: 'ID', heygenName: 'Name at HeyGen', url: 'URL', uploaded: 'Uploaded', source: 'Source', kind: 'Image' },
      NOW,
    );
    assert.match(markdown.split('\n')[0], /^\*\*sample\\\.png\*\*/);
    assert.match(markdown, /Name at HeyGen: asset\\_3a77b835/);
  });
});

void describe('the Assets filter looks in the same names', () => {
  const record = ours(SAMPLE_ID, 'sample.png');
  void it('matches the file name, HeyGen\u2019s name and the id', () => {
    for (const needle of ['sample', 'asset_3a77', SAMPLE_ID.slice(0, 12)]) {
      assert.equal(filterPredicate(normalizeFilter({ text: needle }))(record), true, needle);
    }
    assert.equal(filterPredicate(normalizeFilter({ text: 'nothing-like-it' }))(record), false);
  });
});
