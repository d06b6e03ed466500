import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it, mock } from 'node:test';
import { PendingWrites } from '../../../src/core/base/pendingWrites';
import type { LibraryApi } from '../../../src/core/heygen/libraryApi';
import { LibraryIndex } from '../../../src/core/library/libraryIndex';
import { HistoryStore } from '../../../src/core/history/historyStore';
import type { AssetRecord } from '../../../src/core/base/assetRecord';

const NO_API: LibraryApi = {
  account: () => Promise.reject(new Error('offline')),
  list: () => Promise.reject(new Error('offline')),
  get: () => Promise.reject(new Error('offline')),
  delete: () => Promise.reject(new Error('offline')),
};

void describe('pending writes at deactivation', () => {
  void it('waits for the library cache write that was still scheduled', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-pending-')), 'library.json');
    const index = await LibraryIndex.open(file, { api: NO_API, owner: 'me' });
    const pending = new PendingWrites();
    pending.track(() => index.flush());
    // A deletion is saved a moment later (the cache writes are debounced): the window closes before that.
    index.applyDeleted(['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']);
    assert.equal(fs.existsSync(file), false, 'not written yet');
    assert.equal(await pending.settle(5_000), true);
    assert.match(fs.readFileSync(file, 'utf8'), /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/);
    index.dispose();
  });

  void it('waits for the history\'s held write: the upload shown in the view is on disk when settle resolves', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-pending-')), 'history.json');
    const store = await HistoryStore.open(file, { maxEntries: 100 });
    const pending = new PendingWrites();
    pending.track(() => store.flush());
    // A batch holds writes (one write for the whole batch): the window closes while the hold is on.
    store.holdWrites();
    const record: AssetRecord = {
      id: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', name: 'last.png', fileType: 'image', mime: 'image/png', url: 'https://x.test/last.png',
      imageKey: null, createdTs: 1, size: 1, sha256: 'c'.repeat(64), uploadedAt: Date.now(), keyFingerprint: '',
    };
    await store.add(record);
    assert.equal(store.all()[0]?.id, record.id, 'shown');
    assert.equal(fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(record.id), false, 'held: not written yet');
    assert.equal(await pending.settle(5_000), true);
    assert.ok(fs.readFileSync(file, 'utf8').includes(record.id), 'written before the window went');
    store.dispose();
  });

  void it('gives up after the bound when a write hangs, and a failing write does not reject', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const pending = new PendingWrites();
      pending.track(() => new Promise<void>(() => undefined));
      pending.track(() => Promise.reject(new Error('disk full')));
      const settled = pending.settle(3_000);
      mock.timers.tick(3_000);
      assert.equal(await settled, false);
    } finally {
      mock.timers.reset();
    }
  });

  void it('an unregistered store is not waited for', async () => {
    const pending = new PendingWrites();
    pending.track(() => new Promise<void>(() => undefined)).dispose();
    assert.equal(await pending.settle(60_000), true);
  });
});
