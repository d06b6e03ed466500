// A photo avatar from an uploaded image over the emulator (real HTTP): POST /v3/avatars type photo, training followed
// through the group's looks with a growing pause (the emulator's clock moves instead of the test waiting), consent,
// and the ends a training can have.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it, mock } from 'node:test';
import { v3CatalogSource } from '../../../src/core/avatars/catalogSource';
import { abortableDelay, pollDelayMs, waitUntilTrained, type TrainingProgress } from '../../../src/core/avatars/photoTraining';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { createPhotoAvatar, requestConsent } from '../../../src/core/heygen/avatarsApi';
import type { V3Endpoint } from '../../../src/core/heygen/v3Client';
import { closeHttpClient } from '../../../src/core/http/httpClient';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';

void describe('photo avatars over the emulator (real HTTP)', () => {
  let emu: Emulator;
  let endpoint: V3Endpoint;
  const image = (): string => emu.library.all().find((a) => a.type === 'image')!.id;
  /** The pause between polls passes on the emulator's clock, not the test's. */
  const emulatedSleep = (ms: number): Promise<void> => {
    emu.clock.advance(ms);
    return Promise.resolve();
  };

  before(async () => {
    // A stopped wall clock: only the emulated sleeps move the emulator's time, so a loaded machine cannot make
    // the training end between two polls earlier than the schedule says.
    const frozen = Date.parse('2026-03-01T09:00:00Z');
    emu = await startEmulator({ library: { seed: 8 }, catalog: { trainingMs: 10_000 }, now: () => frozen });
    endpoint = { apiBaseUrl: emu.origin, apiKey: emu.apiKey, connectTimeoutMs: 2_000, idleTimeoutMs: 5_000 };
  });
  after(async () => {
    await emu.close();
    await closeHttpClient();
  });
  beforeEach(() => emu.reset());

  void it('creates one from an image\u2019s asset id and follows its training until the look has a preview', async () => {
    const assetId = image();
    const created = await createPhotoAvatar(endpoint, { name: 'Me at the desk', assetId });
    const body = emu.requests.find((r) => r.method === 'POST' && r.path === '/v3/avatars')?.body;
    assert.deepEqual(body, { type: 'photo', name: 'Me at the desk', file: { type: 'asset_id', asset_id: assetId } });
    assert.equal(created.consent, undefined);
    assert.equal(created.look.name, 'Me at the desk');
    assert.equal(created.look.status, 'processing');
    assert.equal(created.look.previewImageUrl, undefined);

    const seen: TrainingProgress[] = [];
    const look = await waitUntilTrained(v3CatalogSource(() => Promise.resolve(endpoint)), { lookId: created.look.id, groupId: created.groupId, name: 'Me at the desk' }, {
      sleep: emulatedSleep,
      onProgress: (p) => seen.push(p),
      now: () => emu.clock.now(),
    });
    assert.equal(look.id, created.look.id);
    assert.ok(look.previewImageUrl, 'ready: it has a preview image');
    // 2 s, 3 s, 4.5 s (9.5 s: still training), 6.75 s (16.25 s: trained at 10 s).
    assert.deepEqual(seen.map((p) => p.stage), ['processing', 'processing', 'processing', 'completed']);
    const polls = emu.requests.filter((r) => r.path === '/v3/avatars/looks');
    assert.equal(polls.length, 4);
    assert.ok(polls.every((p) => p.query.group_id === created.groupId));
  });

  void it('waits for consent when HeyGen asks for it, and the consent page it returns starts the training', async () => {
    emu.avatars.consentRequired = true;
    const created = await createPhotoAvatar(endpoint, { name: 'Consenting', assetId: image() });
    assert.equal(created.consent, 'pending');
    const url = await requestConsent(endpoint, created.groupId);
    assert.ok(url.startsWith(emu.origin));
    const stages: string[] = [];
    const look = await waitUntilTrained(v3CatalogSource(() => Promise.resolve(endpoint)), { lookId: created.look.id, groupId: created.groupId, name: 'Consenting' }, {
      sleep: async (ms) => {
        if (stages.length === 2) {
          // The person approves on the page after two polls.
          assert.equal((await fetch(url)).status, 200);
        }
        emu.clock.advance(ms);
      },
      onProgress: (p) => stages.push(p.stage),
      now: () => emu.clock.now(),
    });
    assert.equal(look.status, 'completed');
    assert.deepEqual(stages.slice(0, 3), ['pending_consent', 'pending_consent', 'processing']);
    assert.equal(stages[stages.length - 1], 'completed');
  });

  void it('ends with one sentence when training fails or takes too long', async () => {
    const failing = { groupLooks: () => Promise.resolve([{ id: 'l', name: 'x', engines: [], status: 'failed' }]) };
    await assert.rejects(waitUntilTrained(failing, { lookId: 'l', groupId: 'g', name: 'Holiday' }, { sleep: () => Promise.resolve() }), {
      message: 'HeyGen could not train the photo avatar "Holiday".',
    });
    let now = 0;
    const slow = { groupLooks: () => Promise.resolve([{ id: 'l', name: 'x', engines: [], status: 'processing' }]) };
    const polls: number[] = [];
    await assert.rejects(
      waitUntilTrained(slow, { lookId: 'l', groupId: 'g', name: 'Holiday' }, {
        sleep: (ms) => {
          polls.push(ms);
          now += ms;
          return Promise.resolve();
        },
        now: () => now,
        timeoutMs: 60_000,
      }),
      (error: unknown) => error instanceof HeyGenError && error.kind === 'timeout' && /not ready after 1 minutes/.test(error.message),
    );
    assert.deepEqual(polls.slice(0, 5), [2_000, 3_000, 4_500, 6_750, 10_125]);
    assert.ok(polls.every((ms) => ms >= 2_000 && ms <= 15_000));
    assert.equal(pollDelayMs(20), 15_000);
  });

  void it('stops waiting at once when cancelled (mock timers)', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const abort = new AbortController();
      let settled = false;
      const pause = abortableDelay(2_000, abort.signal).finally(() => {
        settled = true;
      });
      mock.timers.tick(1_999);
      await Promise.resolve();
      assert.equal(settled, false);
      abort.abort();
      await assert.rejects(pause, (error: unknown) => error instanceof HeyGenError && error.kind === 'cancelled');
    } finally {
      mock.timers.reset();
    }
  });
});
