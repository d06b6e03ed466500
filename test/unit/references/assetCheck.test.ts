import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_STATUS_IDS, assetStatuses } from '../../../src/core/heygen/assetStatuses';
import { v3RequestEnvelope, type V3Endpoint } from '../../../src/core/heygen/v3Client';
import type { V3EnvelopeCall } from '../../../src/core/heygen/libraryApi';
import { CHECK_INTERVAL_MS, checkAssets, type CheckMarks } from '../../../src/core/references/assetCheck';
import { StaleMarks } from '../../../src/core/library/staleMarks';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';

const HOUR = 3_600_000;

function marksOver(marks: StaleMarks, now: () => number): CheckMarks {
  return {
    isGone: (id) => marks.isGone(id),
    lastChecked: (id) => marks.lastChecked(id),
    applyChecks: (present, gone) => {
      marks.markPresent(present, now());
      marks.markGone(gone, now());
    },
  };
}

void describe('checking referenced assets', () => {
  void it('asks in bulk, confirms what bulk did not vouch for one by one, and caches answers for 12 hours', async () => {
    let now = 1_000 * HOUR;
    const marks = new StaleMarks();
    const bulkCalls: string[][] = [];
    const singles: string[] = [];
    const existing = new Set(Array.from({ length: 230 }, (_, i) => `id${i}`).filter((id) => id !== 'id7' && id !== 'id150'));
    const deps = {
      marks: marksOver(marks, () => now),
      bulk: (ids: readonly string[]) => {
        bulkCalls.push([...ids]);
        // The bulk endpoint does not know id3 (answers nothing for it): a single GET decides.
        return Promise.resolve(new Map(ids.filter((id) => id !== 'id3').map((id) => [id, existing.has(id) ? ('exists' as const) : ('notFound' as const)])));
      },
      single: (id: string) => {
        singles.push(id);
        return Promise.resolve(existing.has(id));
      },
      batchSize: 100,
      now: () => now,
    };
    const ids = Array.from({ length: 230 }, (_, i) => `id${i}`);
    const first = await checkAssets(ids, deps);
    assert.deepEqual(bulkCalls.map((b) => b.length), [100, 100, 30]);
    assert.deepEqual(singles.sort(), ['id150', 'id3', 'id7']);
    assert.deepEqual(first.gone.sort(), ['id150', 'id7']);
    assert.equal(first.requests, 6);

    // Within 12 hours nothing is asked again, and the gone ones stay gone.
    now += CHECK_INTERVAL_MS - 1;
    const second = await checkAssets(ids, deps);
    assert.equal(second.asked, 0);
    assert.deepEqual(second.gone.sort(), ['id150', 'id7']);
    assert.equal(bulkCalls.length, 3);
    // Unless the person asks.
    const forced = await checkAssets(['id7', 'id8'], deps, { force: true });
    assert.equal(forced.asked, 2);
    assert.deepEqual(forced.gone, ['id7']);
  });

  void describe('GET /v3/assets/statuses on the emulator', () => {
    let emu: Emulator;
    let call: V3EnvelopeCall;
    before(async () => {
      emu = await startEmulator();
      const endpoint: V3Endpoint = { apiBaseUrl: emu.origin, apiKey: emu.apiKey, connectTimeoutMs: 2_000, idleTimeoutMs: 5_000 };
      call = (method, p, options) => v3RequestEnvelope(endpoint, method, p, options);
    });
    after(() => emu.close());

    void it('answers ids it never had as not found, and refuses more than the limit before sending', async () => {
      const answer = await assetStatuses(call, ['never00000000000000000000000001', 'never00000000000000000000000002']);
      assert.deepEqual([...answer], [['never00000000000000000000000001', 'notFound'], ['never00000000000000000000000002', 'notFound']]);
      await assert.rejects(assetStatuses(call, Array.from({ length: MAX_STATUS_IDS + 1 }, (_, i) => `x${i}`)), RangeError);
    });
  });
});
