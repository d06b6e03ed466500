// The account's looks and voices over the emulator (real HTTP): every page listed, public and private voices, the
// cache file per key and base URL, the once-a-day rule, a failure kept as a problem, and a new photo avatar kept
// through a listing that started before HeyGen had it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AvatarCatalog, REFRESH_EVERY_MS, RETRY_AFTER_FAILURE_MS, type CatalogChangeReason } from '../../../src/core/avatars/avatarCatalog';
import { cacheFileFor } from '../../../src/core/avatars/catalogCache';
import { v3CatalogSource, type CatalogSource } from '../../../src/core/avatars/catalogSource';
import { keyFingerprint } from '../../../src/core/base/contentHash';
import type { V3Endpoint } from '../../../src/core/heygen/v3Client';
import { closeHttpClient } from '../../../src/core/http/httpClient';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';

const LOOKS = 120;
const VOICES = 250;

function endpointFor(emu: Emulator, apiKey = emu.apiKey): V3Endpoint {
  return { apiBaseUrl: emu.origin, apiKey, connectTimeoutMs: 2_000, idleTimeoutMs: 5_000 };
}

function ownerOf(endpoint: V3Endpoint): string {
  return `${keyFingerprint(endpoint.apiKey)}@${endpoint.apiBaseUrl}`;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-avatars-'));
}

async function openCatalog(dir: string, endpoint: V3Endpoint, now?: () => number, source: CatalogSource = v3CatalogSource(() => Promise.resolve(endpoint))): Promise<AvatarCatalog> {
  const owner = ownerOf(endpoint);
  return AvatarCatalog.open(cacheFileFor(dir, owner), { source, owner, now });
}

void describe('the avatar and voice catalogue over the emulator (real HTTP)', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ catalog: { looks: LOOKS, voices: VOICES } });
  });
  after(async () => {
    await emu.close();
    await closeHttpClient();
  });
  beforeEach(() => emu.reset());

  void it('announces the end of a listing once it is no longer loading (a picker\u2019s busy bar reads it then)', async () => {
    const catalog = await openCatalog(tempDir(), endpointFor(emu));
    const seen: Array<{ reason: CatalogChangeReason; loading: boolean; complete: boolean }> = [];
    catalog.onDidChange((reason) => seen.push({ reason, loading: catalog.loading, complete: catalog.complete }));
    await catalog.refresh();
    assert.deepEqual(seen.at(-1), { reason: 'listing', loading: false, complete: true });
    assert.ok(seen.slice(0, -1).every((s) => s.reason === 'page' && s.loading), 'pages arrive while loading');
    emu.behaveV3({ mode: 'status', status: 403, on: 'voices', times: 1 });
    await catalog.refresh();
    assert.deepEqual(seen.at(-1), { reason: 'problem', loading: false, complete: true });
    catalog.dispose();
  });

  void it('lists every page of looks (50 each) and of public and private voices (100 each), in HeyGen\u2019s order', async () => {
    const catalog = await openCatalog(tempDir(), endpointFor(emu));
    assert.equal(catalog.complete, false);
    assert.equal(catalog.looks().length, 0, 'nothing before a listing: opening asks HeyGen nothing');
    assert.equal(emu.requestLog.entries.length, 0);
    await catalog.refresh();
    assert.equal(catalog.complete, true);
    assert.equal(catalog.looks().length, LOOKS);
    assert.equal(catalog.voices().length, VOICES);
    const looksListed = emu.requests.filter((r) => r.path === '/v3/avatars/looks');
    assert.deepEqual(looksListed.map((r) => r.query.limit), ['50', '50', '50']);
    assert.equal(looksListed[0].query.token, undefined);
    assert.ok(looksListed[1].query.token && looksListed[2].query.token);
    const voicesListed = emu.requests.filter((r) => r.path === '/v3/voices');
    assert.deepEqual(voicesListed.map((r) => r.query.type), ['public', 'public', 'public', 'private']);
    const served = emu.voices.all();
    assert.deepEqual(new Set(catalog.voices().map((v) => v.id)), new Set(served.map((v) => v.voice_id)));
    assert.equal(catalog.voices().filter((v) => v.type === 'private').length, served.filter((v) => v.type === 'private').length);
    assert.deepEqual(catalog.looks().map((l) => l.id), emu.avatars.looks.map((l) => l.id));
    const photo = catalog.looks().find((l) => l.avatarType === 'photo_avatar')!;
    assert.equal(photo.gender, 'female');
    assert.deepEqual([...photo.engines], ['avatar_iv', 'avatar_iii']);
    assert.match(photo.previewImageUrl ?? '', /\/previews\/looks\/.+\.png$/);
    assert.ok(catalog.voice(photo.defaultVoiceId!), 'the default voice is listed');
    catalog.dispose();
  });

  void it('shows a first listing page by page, but keeps the previous listing until a refresh is whole', async () => {
    const dir = tempDir();
    const catalog = await openCatalog(dir, endpointFor(emu));
    const sizes: Array<[CatalogChangeReason, number, boolean]> = [];
    catalog.onDidChange((reason) => sizes.push([reason, catalog.looks().length, catalog.complete]));
    await catalog.refresh();
    assert.deepEqual(
      sizes.filter(([r]) => r === 'page').map(([, n]) => n),
      [50, 100, 120, 120, 120],
      'three pages of looks, then the voices of each type',
    );
    assert.deepEqual(sizes[sizes.length - 1], ['listing', 120, true]);
    sizes.length = 0;
    emu.avatars.seed(30);
    await catalog.refresh();
    assert.deepEqual(sizes, [['listing', 30, true]], 'no page of a refresh is shown on its own');
    catalog.dispose();
  });

  void it('keeps the listing in a cache file per key and base URL, which a new window reads without asking HeyGen', async () => {
    const dir = tempDir();
    const endpoint = endpointFor(emu);
    const first = await openCatalog(dir, endpoint);
    await first.refresh();
    await first.flush();
    first.dispose();
    const requests = emu.requestLog.entries.length;

    const again = await openCatalog(dir, endpoint);
    assert.equal(again.complete, true);
    assert.equal(again.looks().length, LOOKS);
    assert.equal(again.voices().length, VOICES);
    assert.deepEqual(again.look(emu.avatars.looks[5].id)?.engines, first.look(emu.avatars.looks[5].id)?.engines);
    await again.ensureFresh();
    assert.equal(emu.requestLog.entries.length, requests, 'a listing younger than a day is not asked for again');

    const otherKey = await openCatalog(dir, endpointFor(emu, 'another-key-0123456789'));
    assert.equal(otherKey.looks().length, 0, 'another key sees nothing of this one');
    const otherBase = await openCatalog(dir, { ...endpoint, apiBaseUrl: emu.origin.replace('127.0.0.1', 'localhost') });
    assert.equal(otherBase.looks().length, 0, 'another base URL sees nothing of this one');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 1);
    const text = fs.readFileSync(path.join(dir, files[0]), 'utf8');
    assert.ok(!text.includes(emu.apiKey), 'the key is never written');
  });

  void it('refreshes at most once a day when something needs the lists, and at once when asked', async () => {
    let now = Date.parse('2026-03-01T09:00:00Z');
    const catalog = await openCatalog(tempDir(), endpointFor(emu), () => now);
    await catalog.ensureFresh();
    const lists = (): number => emu.requestLog.count('GET', '/v3/avatars/looks');
    assert.equal(lists(), 3);
    now += REFRESH_EVERY_MS - 1;
    await Promise.all([catalog.ensureFresh(), catalog.ensureFresh()]);
    assert.equal(lists(), 3, 'not within a day');
    await catalog.refresh();
    assert.equal(lists(), 6, 'the refresh command lists at once');
    now += REFRESH_EVERY_MS;
    await Promise.all([catalog.ensureFresh(), catalog.ensureFresh()]);
    assert.equal(lists(), 9, 'a day after the last listing: once, however many ask');
    catalog.dispose();
  });

  void it('keeps what it had when a listing fails, says why, and waits a minute before a need asks again', async () => {
    let now = Date.parse('2026-03-01T09:00:00Z');
    const catalog = await openCatalog(tempDir(), endpointFor(emu), () => now);
    await catalog.refresh();
    now += REFRESH_EVERY_MS;
    emu.behaveV3({ mode: 'status', status: 403, on: 'voices', times: 1 });
    const reasons: CatalogChangeReason[] = [];
    catalog.onDidChange((r) => reasons.push(r));
    await catalog.ensureFresh();
    assert.deepEqual(reasons, ['problem']);
    assert.match(catalog.problem ?? '', /403|denied|permission|refused|access/i);
    assert.equal(catalog.looks().length, LOOKS, 'the previous listing stays');
    assert.equal(catalog.complete, true);
    const lists = emu.requestLog.count('GET', '/v3/avatars/looks');
    now += RETRY_AFTER_FAILURE_MS - 1;
    await catalog.ensureFresh();
    assert.equal(emu.requestLog.count('GET', '/v3/avatars/looks'), lists, 'not again within a minute');
    now += 1;
    await catalog.ensureFresh();
    assert.equal(emu.requestLog.count('GET', '/v3/avatars/looks'), lists + 3);
    assert.equal(catalog.problem, undefined);
    catalog.dispose();
  });

  void it('keeps a photo avatar made here through a listing that started before HeyGen listed it', async () => {
    const endpoint = endpointFor(emu);
    const real = v3CatalogSource(() => Promise.resolve(endpoint));
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The listing's first page is answered before the look exists; the rest waits until it was put in.
    const source: CatalogSource = {
      ...real,
      looksPage: async (token, signal) => {
        const page = await real.looksPage(token, signal);
        await held;
        return page;
      },
    };
    const catalog = await openCatalog(tempDir(), endpoint, undefined, source);
    const listing = catalog.refresh();
    const made = { id: 'f'.repeat(32), name: 'Me in the garden', avatarType: 'photo_avatar', engines: [], status: 'processing' };
    catalog.putLook(made);
    assert.equal(catalog.looks()[0].id, made.id, 'first, at once');
    release!();
    await listing;
    assert.equal(catalog.look(made.id)?.name, 'Me in the garden');
    assert.equal(catalog.looks().length, LOOKS + 1);
    catalog.dispose();
  });
});
