import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { getCurrentUser, v3RequestEnvelope, type V3Endpoint } from '../../../src/core/heygen/v3Client';
import { createV3LibraryApi, type LibraryApi } from '../../../src/core/heygen/libraryApi';
import type { LibraryAsset } from '../../../src/core/heygen/libraryAsset';
import { LibraryIndex } from '../../../src/core/library/libraryIndex';
import { filterLibrary, groupLibrary } from '../../../src/core/library/libraryTree';
import { CHECK_INTERVAL_MS, StaleMarks } from '../../../src/core/library/staleMarks';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';

const HOUR = 3_600_000;

function endpointFor(emu: Emulator, apiKey = emu.apiKey): V3Endpoint {
  return { apiBaseUrl: emu.origin, apiKey, connectTimeoutMs: 2_000, idleTimeoutMs: 5_000 };
}

function apiFor(endpoint: V3Endpoint): LibraryApi {
  return createV3LibraryApi(
    () => Promise.resolve((method, p, options) => v3RequestEnvelope(endpoint, method, p, options)),
    async (signal) => (await getCurrentUser(endpoint, signal)).username,
  );
}

function tempFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-library-')), 'library.json');
}

void describe('library over the emulator (real HTTP)', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ library: { seed: 250 } });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  void it('lists 100 per page, newest first, with the username the account look-up gave, until has_more is false', async () => {
    const index = await LibraryIndex.open(tempFile(), { api: apiFor(endpointFor(emu)), owner: 'me' });
    await index.refresh();
    assert.equal(index.size, 100);
    assert.equal(index.all()[0].name, 'asset-0250.ttf', 'the newest first');
    assert.equal(index.hasMore, true);
    assert.equal(index.complete, false);
    await index.loadMore();
    assert.equal(index.size, 200);
    await index.loadMore();
    assert.equal(index.size, 250);
    assert.equal(index.complete, true);
    assert.equal(index.all()[249].name, 'asset-0001.mp4');
    const ids = index.all().map((a) => a.id);
    assert.equal(new Set(ids).size, 250, 'no asset twice');
    const stamps = index.all().map((a) => a.uploadedAt);
    assert.deepEqual(stamps, [...stamps].sort((a, b) => b - a));
    const lists = emu.library.requests.list;
    assert.equal(lists.length, 3);
    assert.ok(lists.every((l) => l.username === 'emulator-user' && l.limit === '100' && l.status === 200));
    assert.equal(lists[0].token, null);
    assert.ok(lists[1].token && lists[2].token && lists[1].token !== lists[2].token);
    // Load More at the end asks nothing.
    await index.loadMore();
    assert.equal(emu.library.requests.list.length, 3);
    index.dispose();
  });

  void it('the emulator enforces the beta username rule and the limit range', async () => {
    const ask = (query: string) => fetch(`${emu.origin}/v3/assets${query}`, { headers: { 'x-api-key': emu.apiKey } });
    const missing = await ask('?limit=10');
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { error: { param: string } }).error.param, 'username');
    assert.equal((await ask('?username=someone-else')).status, 403);
    assert.equal((await ask('?username=emulator-user&limit=101')).status, 400);
    const page = (await (await ask('?username=emulator-user&limit=5')).json()) as { data: unknown[]; has_more: boolean; next_token: string };
    assert.equal(page.data.length, 5);
    assert.equal(page.has_more, true);
    assert.equal(typeof page.next_token, 'string');
  });

  void it('shows the cached listing at once on the next start, and not to another key', async () => {
    const file = tempFile();
    const first = await LibraryIndex.open(file, { api: apiFor(endpointFor(emu)), owner: 'me' });
    await first.refresh();
    await first.loadMore();
    await first.flush();
    first.dispose();
    const requestsBefore = emu.library.requests.list.length;

    const again = await LibraryIndex.open(file, { api: apiFor(endpointFor(emu)), owner: 'me' });
    assert.equal(again.size, 200);
    assert.equal(again.fromCache, true);
    assert.equal(again.hasMore, true);
    assert.ok(again.fetchedAt !== undefined && Date.now() - again.fetchedAt < 60_000);
    assert.deepEqual(
      again.all().map((a) => a.id),
      first.all().map((a) => a.id),
    );
    assert.equal(emu.library.requests.list.length, requestsBefore, 'opening the cache asks HeyGen nothing');

    const other = await LibraryIndex.open(file, { api: apiFor(endpointFor(emu)), owner: 'someone else' });
    assert.equal(other.size, 0, 'a listing of another key is not shown');
  });

  void it('an owner still being found out (a key in SecretStorage): the cached listing follows it, and work waits', async () => {
    const file = tempFile();
    const first = await LibraryIndex.open(file, { api: apiFor(endpointFor(emu)), owner: 'me' });
    await first.refresh();
    await first.flush();
    first.dispose();
    const listed = first.size;
    assert.ok(listed > 0);

    let resolveOwner!: (owner: string | undefined) => void;
    const later = await LibraryIndex.open(file, { api: apiFor(endpointFor(emu)), owner: new Promise((resolve) => (resolveOwner = resolve)) });
    assert.equal(later.size, 0, 'nothing is shown before the owner is known');
    const changes: string[] = [];
    later.onDidChange((change) => changes.push(change.reason));
    const requestsBefore = emu.library.requests.list.length;
    const refreshed = later.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(emu.library.requests.list.length, requestsBefore, 'a refresh waits for the owner');
    resolveOwner('me');
    await later.ready;
    assert.equal(later.size, listed, 'the cached listing is shown once it is known to be theirs');
    assert.equal(later.fromCache, true);
    assert.ok(changes.includes('listing'));
    await refreshed;
    assert.equal(emu.library.requests.list.length, requestsBefore + 1);
    later.dispose();

    const stranger = await LibraryIndex.open(file, { api: apiFor(endpointFor(emu)), owner: Promise.resolve('someone else') });
    await stranger.ready;
    assert.equal(stranger.size, 0, 'a listing of another key is not shown');
    stranger.dispose();

    let resolveLate!: (owner: string | undefined) => void;
    const switched = await LibraryIndex.open(file, { api: apiFor(endpointFor(emu)), owner: new Promise((resolve) => (resolveLate = resolve)) });
    switched.setOwner('someone else');
    resolveLate('me');
    await switched.ready;
    assert.equal(switched.size, 0, 'the key set meanwhile decides, not the one found out late');
    switched.dispose();
  });

  void it('a refresh puts new uploads in front and keeps the pages loaded further down', async () => {
    const index = await LibraryIndex.open(tempFile(), { api: apiFor(endpointFor(emu)), owner: 'me' });
    await index.refresh();
    await index.loadMore();
    emu.library.add({ id: 'fresh0000000000000000000000000001', name: 'fresh.png', type: 'image', uploaded_at: Math.floor(Date.now() / 1000) + 60, url: `${emu.origin}/files/fresh.png` });
    await index.refresh();
    assert.equal(index.all()[0].name, 'fresh.png');
    assert.equal(index.size, 201);
    await index.loadMore();
    assert.equal(index.size, 251);
    assert.equal(index.complete, true);
  });

  void it('filters across pages once the rest is loaded, with progress', async () => {
    const index = await LibraryIndex.open(tempFile(), { api: apiFor(endpointFor(emu)), owner: 'me' });
    await index.refresh();
    assert.equal(filterLibrary(index.all(), { text: 'asset-0007', kinds: [] }).length, 0, 'page one does not hold it');
    const progress: number[] = [];
    const complete = await index.loadAll(undefined, (p) => progress.push(p.loaded));
    assert.equal(complete, true);
    assert.deepEqual(progress, [200, 250]);
    const hit = filterLibrary(index.all(), { text: 'ASSET-0007', kinds: [] });
    assert.deepEqual(
      hit.map((a) => a.name),
      ['asset-0007.jpg'],
    );
    const groups = groupLibrary(index.all(), { text: '', kinds: [] });
    assert.deepEqual(
      groups.map((g) => [g.kind, g.assets.length]),
      [
        ['image', 120],
        ['video', 60],
        ['audio', 60],
        ['other', 10],
      ],
    );
    assert.equal(filterLibrary(index.all(), { text: '', kinds: ['audio'] }).length, 60);
  });

  void it('a cancelled load of the rest stops between pages', async () => {
    const index = await LibraryIndex.open(tempFile(), { api: apiFor(endpointFor(emu)), owner: 'me' });
    const abort = new AbortController();
    const complete = await index.loadAll(abort.signal, (p) => {
      if (p.pages === 1) {
        abort.abort();
      }
    });
    assert.equal(complete, false);
    assert.equal(index.size, 100);
    assert.equal(emu.library.requests.list.length, 1);
  });

  void it('deletes on HeyGen, then 404s; the index drops it and marks it gone', async () => {
    const api = apiFor(endpointFor(emu));
    const index = await LibraryIndex.open(tempFile(), { api, owner: 'me' });
    await index.refresh();
    const victim = index.all()[3];
    assert.equal(await api.delete(victim.id), 'deleted');
    index.applyDeleted([victim.id]);
    assert.equal(index.get(victim.id), undefined);
    assert.equal(index.isGone(victim.id), true);
    assert.equal(emu.library.has(victim.id), false);
    assert.equal(await api.get(victim.id), undefined, 'GET answers 404 now');
    assert.equal(await api.delete(victim.id), 'notFound', 'a second delete deletes nothing and says so');
  });

  void it('says why it cannot list: the beta list refused (403), a key v3 refuses, HeyGen unreachable', async () => {
    await fetch(`${emu.origin}/__emulator/library/refuse`, { method: 'POST', body: JSON.stringify({ status: 403 }) });
    const refused = await LibraryIndex.open(tempFile(), { api: apiFor(endpointFor(emu)), owner: 'me' });
    await refused.refresh();
    assert.equal(refused.problem?.kind, 'forbidden');
    assert.equal(refused.problem?.status, 403);
    emu.reset();
    await refused.refresh();
    assert.equal(refused.problem, undefined, 'Retry clears it');
    assert.equal(refused.size, 100);

    const badKey = await LibraryIndex.open(tempFile(), { api: apiFor(endpointFor(emu, 'not-the-key-0000000000')), owner: 'me' });
    await badKey.refresh();
    assert.equal(badKey.problem?.kind, 'auth');
    assert.ok(!badKey.problem.message.includes('not-the-key'), 'the key is never in the sentence');

    const closed = await startEmulator();
    const offlineEndpoint = endpointFor(closed);
    await closed.close();
    const offline = await LibraryIndex.open(tempFile(), { api: apiFor(offlineEndpoint), owner: 'me' });
    await offline.refresh();
    assert.equal(offline.problem?.kind, 'offline');
  });

  void it('an upload in the current listing needs no request; a gone mark is lifted when HeyGen lists it again', async () => {
    const index = await LibraryIndex.open(tempFile(), { api: apiFor(endpointFor(emu)), owner: 'me' });
    await index.refresh();
    const listed = index.all()[5];
    const round = await index.checkStale([{ id: listed.id, uploadedAt: Date.now() - 20 * HOUR }]);
    assert.equal(round.asked, 0);
    assert.deepEqual(emu.library.requests.get, []);
    index.applyDeleted([listed.id]);
    assert.equal(index.isGone(listed.id), true);
    await index.refresh();
    assert.equal(index.isGone(listed.id), false, 'listed again, so it exists');
  });

  void it('uploads to the emulator (v1 and v3) join the library, newest first', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);
    const v1 = await fetch(emu.uploadUrl, { method: 'POST', headers: { 'x-api-key': emu.apiKey, 'content-type': 'image/png', 'x-file-name': 'v1.png' }, body: png });
    const v1Id = ((await v1.json()) as { data: { id: string } }).data.id;
    const form = new FormData();
    form.set('file', new Blob([png], { type: 'image/png' }), 'v3.png');
    const v3 = await fetch(`${emu.apiBaseUrl}/v3/assets`, { method: 'POST', headers: { 'x-api-key': emu.apiKey }, body: form });
    assert.equal(v3.status, 200);
    const v3Id = ((await v3.json()) as { data: { asset_id: string } }).data.asset_id;
    const index = await LibraryIndex.open(tempFile(), { api: apiFor(endpointFor(emu)), owner: 'me' });
    await index.refresh();
    const top = index.all().slice(0, 2).map((a) => a.id).sort();
    assert.deepEqual(top, [v1Id, v3Id].sort());
    const api = apiFor(endpointFor(emu));
    assert.equal((await api.get(v3Id))?.name, 'v3.png');
    assert.equal(await api.delete(v3Id), 'deleted');
    assert.equal(emu.v3Assets.has(v3Id), false, 'deleted from the v3 store too');
  });

  void it('marks uploads HeyGen no longer has: a 404, or missing from a complete listing', async () => {
    let now = Date.now() + 13 * HOUR;
    const index = await LibraryIndex.open(tempFile(), { api: apiFor(endpointFor(emu)), owner: 'me', now: () => now });
    const kept = emu.library.all()[10];
    const expired = emu.library.all()[20];
    emu.library.drop([expired.id]);
    const uploadedAt = Date.now() - HOUR;
    const result = await index.checkStale([
      { id: kept.id, uploadedAt },
      { id: expired.id, uploadedAt },
    ]);
    assert.equal(result.asked, 2);
    assert.deepEqual(result.gone, [expired.id]);
    assert.equal(index.isGone(expired.id), true);
    assert.equal(index.isGone(kept.id), false);
    assert.deepEqual([...emu.library.requests.get].sort(), [kept.id, expired.id].sort());

    // A complete listing settles the next one without a request.
    const another = emu.library.all()[30];
    emu.library.drop([another.id]);
    await index.loadAll(undefined);
    now += 1000;
    const before = emu.library.requests.get.length;
    const second = await index.checkStale([{ id: another.id, uploadedAt: Date.now() - 2 * HOUR }]);
    assert.equal(second.asked, 0);
    assert.equal(index.isGone(another.id), true);
    assert.equal(emu.library.requests.get.length, before);
  });

  void it('before an identical file reuses an upload, asks HeyGen when it was not seen for 12 hours; a 404 means gone', async () => {
    let now = Date.now();
    const index = await LibraryIndex.open(tempFile(), { api: apiFor(endpointFor(emu)), owner: 'me', now: () => now });
    const kept = emu.library.all()[10];
    const expired = emu.library.all()[20];
    const uploadedAt = now - HOUR;
    assert.equal(await index.stillOnHeyGen({ id: expired.id, uploadedAt }), true, 'uploaded an hour ago: no question');
    assert.deepEqual(emu.library.requests.get, []);
    emu.library.drop([expired.id]);
    now += 12 * HOUR;
    assert.equal(await index.stillOnHeyGen({ id: kept.id, uploadedAt }), true);
    assert.equal(await index.stillOnHeyGen({ id: expired.id, uploadedAt }), false);
    assert.equal(index.isGone(expired.id), true, 'the Assets view warns on its row');
    assert.equal(index.isGone(kept.id), false);
    assert.deepEqual([...emu.library.requests.get].sort(), [kept.id, expired.id].sort());
    // The answers hold: the next identical file asks nothing.
    assert.equal(await index.stillOnHeyGen({ id: kept.id, uploadedAt }), true);
    assert.equal(await index.stillOnHeyGen({ id: expired.id, uploadedAt }), false);
    assert.equal(emu.library.requests.get.length, 2);
  });
});

/** A LibraryApi that counts requests in flight, for the rules the checks keep. */
class CountingApi implements LibraryApi {
  inFlight = 0;
  maxInFlight = 0;
  asked: string[] = [];
  constructor(private readonly gone: ReadonlySet<string>) {}
  account(): Promise<string> {
    return Promise.resolve('me');
  }
  list(): Promise<{ assets: LibraryAsset[]; hasMore: boolean; nextToken: undefined }> {
    return Promise.resolve({ assets: [], hasMore: false, nextToken: undefined });
  }
  async get(id: string, signal?: AbortSignal): Promise<LibraryAsset | undefined> {
    signal?.throwIfAborted();
    this.asked.push(id);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.inFlight--;
    return this.gone.has(id) ? undefined : { id, name: id, kind: 'image', type: 'image', uploadedAt: 0, url: null, folderId: null };
  }
  delete(): Promise<'deleted'> {
    return Promise.resolve('deleted');
  }
}

void describe('stale marks: at most 4 at a time, each asset at most once every 12 hours', () => {
  const candidates = Array.from({ length: 30 }, (_, i) => ({ id: `a${i}`, uploadedAt: 0 }));

  void it('never more than 4 requests at once, every due asset asked once', async () => {
    const api = new CountingApi(new Set(['a3', 'a17']));
    const index = await LibraryIndex.open(tempFile(), { api, owner: 'me' });
    const result = await index.checkStale(candidates);
    assert.equal(result.asked, 30);
    assert.equal(api.maxInFlight, 4);
    assert.deepEqual([...api.asked].sort(), candidates.map((c) => c.id).sort());
    assert.deepEqual([...result.gone].sort(), ['a17', 'a3']);
  });

  void it('asks again only after 12 hours, and never about one known gone or freshly uploaded', async () => {
    let now = 1_000 * HOUR;
    const api = new CountingApi(new Set(['a3']));
    const file = tempFile();
    const index = await LibraryIndex.open(file, { api, owner: 'me', now: () => now });
    await index.checkStale(candidates);
    assert.equal(api.asked.length, 30);
    now += 1 * HOUR;
    assert.equal((await index.checkStale(candidates)).asked, 0, 'an hour later: nothing');
    // The rule is 12 hours, stated here in hours rather than through the constant it tests.
    now += 12 * HOUR - HOUR - 1;
    assert.equal((await index.checkStale(candidates)).asked, 0, 'just under 12 hours: nothing');
    now += 1;
    const round = await index.checkStale([...candidates, { id: 'new', uploadedAt: now - HOUR }]);
    assert.equal(round.asked, 29, 'after 12 hours: all but the gone one; the fresh upload needs no check');
    // The rule survives a restart: the times are in the cache file.
    await index.flush();
    const reopened = await LibraryIndex.open(file, { api, owner: 'me', now: () => now + HOUR });
    assert.equal((await reopened.checkStale(candidates)).asked, 0);
    assert.equal(reopened.isGone('a3'), true);
  });

  void it('a failing HeyGen ends the round instead of one failed request per upload', async () => {
    const api = new CountingApi(new Set());
    api.get = () => Promise.reject(new Error('offline'));
    const index = await LibraryIndex.open(tempFile(), { api, owner: 'me' });
    const result = await index.checkStale(candidates);
    assert.ok(result.asked <= 4, `asked ${result.asked}`);
    assert.deepEqual(result.gone, []);
  });

  void it('a base URL that answers 404 to everything marks nothing gone: the account look-up must work first', async () => {
    const api = new CountingApi(new Set(candidates.map((c) => c.id)));
    api.account = () => Promise.reject(new Error('HTTP 404'));
    const index = await LibraryIndex.open(tempFile(), { api, owner: 'me' });
    const result = await index.checkStale(candidates);
    assert.equal(result.asked, 0);
    assert.deepEqual(api.asked, []);
    assert.equal(index.isGone('a0'), false);
  });

  void it('before a reuse: HeyGen unreachable, or a base URL answering 404 to everything, reuses and marks nothing', async () => {
    const offline = new CountingApi(new Set());
    offline.get = () => Promise.reject(new Error('offline'));
    const first = await LibraryIndex.open(tempFile(), { api: offline, owner: 'me' });
    assert.equal(await first.stillOnHeyGen({ id: 'a0', uploadedAt: 0 }), true);
    assert.equal(first.isGone('a0'), false);

    const elsewhere = new CountingApi(new Set(['a0']));
    elsewhere.account = () => Promise.reject(new Error('HTTP 404'));
    const second = await LibraryIndex.open(tempFile(), { api: elsewhere, owner: 'me' });
    assert.equal(await second.stillOnHeyGen({ id: 'a0', uploadedAt: 0 }), true);
    assert.deepEqual(elsewhere.asked, ['a0']);
    assert.equal(second.isGone('a0'), false);
  });

  void it('before a reuse: a cancelled upload stops the question with the cancellation', async () => {
    const api = new CountingApi(new Set());
    const controller = new AbortController();
    // The person cancels while HeyGen is being asked.
    api.get = (_id: string, signal?: AbortSignal) => {
      controller.abort();
      signal?.throwIfAborted();
      return Promise.resolve(undefined);
    };
    const index = await LibraryIndex.open(tempFile(), { api, owner: 'me' });
    await assert.rejects(index.stillOnHeyGen({ id: 'a0', uploadedAt: 0 }, controller.signal));
  });

  void it('marks round-trip through JSON', () => {
    const marks = new StaleMarks();
    marks.markGone(['x'], 5);
    marks.markPresent(['y'], 7);
    const back = StaleMarks.fromJson(JSON.parse(JSON.stringify(marks.toJson())));
    assert.equal(back.isGone('x'), true);
    assert.equal(back.lastChecked('y'), 7);
    assert.deepEqual(back.due([{ id: 'y', uploadedAt: 0 }], 7 + CHECK_INTERVAL_MS), ['y']);
  });
});
