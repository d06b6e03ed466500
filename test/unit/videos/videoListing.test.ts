import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import type { V3Endpoint } from '../../../src/core/heygen/v3Client';
import { createVideoBackend } from '../../../src/core/videos/videoBackend';
import { LISTING_KEY, VideoListing } from '../../../src/core/videos/videoListing';
import { MemoryState } from './memoryState';

void describe("the account's videos, listed and cached", () => {
  let emu: Emulator;
  let endpoint: V3Endpoint;
  const api = createVideoBackend(() => Promise.resolve(endpoint));
  const listCalls = (): Array<Record<string, string>> => emu.requests.filter((r) => r.method === 'GET' && r.path === '/v3/videos').map((r) => r.query);

  before(async () => {
    emu = await startEmulator({ videos: { seed: 150 } });
    endpoint = { apiBaseUrl: emu.apiBaseUrl, apiKey: emu.apiKey, connectTimeoutMs: 5_000, idleTimeoutMs: 10_000 };
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  void it('lists nothing until asked, then 100 a page, newest first, with Load More for the rest', async () => {
    const listing = new VideoListing(new MemoryState(), api, { owner: 'fp@emu' });
    assert.deepEqual(listing.videos(), []);
    assert.equal(listCalls().length, 0, 'making the listing asks HeyGen nothing');
    await listing.refresh();
    assert.equal(listing.videos().length, 100);
    assert.equal(listing.videos()[0].title, 'Seeded video 150');
    assert.equal(listing.hasMore, true);
    await listing.loadMore();
    assert.equal(listing.videos().length, 150);
    assert.equal(listing.hasMore, false);
    assert.deepEqual(listCalls().map((q) => q.limit), ['100', '100']);
    assert.ok(listCalls()[1].token, 'the second page asks with the first page\u2019s token');
    assert.equal(listing.videos().at(-1)!.status, 'completed');
  });

  void it('shows the cached listing at once for the same owner, never another owner\u2019s, and keeps no URL', async () => {
    const state = new MemoryState();
    const first = new VideoListing(state, api, { owner: 'fp@emu' });
    await first.refresh();
    assert.doesNotMatch(state.values.get(LISTING_KEY)!, /https?:|signature/);
    const again = new VideoListing(state, api, { owner: 'fp@emu' });
    assert.equal(again.videos().length, 100);
    assert.equal(again.fromCache, true);
    assert.equal(again.hasMore, true);
    const other = new VideoListing(state, api, { owner: 'other@emu' });
    assert.deepEqual(other.videos(), []);
    const noKey = new VideoListing(state, api, { owner: undefined });
    await noKey.refresh();
    assert.deepEqual(noKey.videos(), []);
    assert.equal(listCalls().length, 1);
  });

  void it('keeps what it had and says why when HeyGen cannot list', async () => {
    const listing = new VideoListing(new MemoryState(), api, { owner: 'fp@emu' });
    await listing.refresh();
    // A 5xx is retried (the next answer is fine), a 4xx is not.
    emu.behaveV3({ mode: 'status', status: 500, on: 'video-list', times: 1 });
    await listing.refresh();
    assert.equal(listing.problem, undefined);
    emu.behaveV3({ mode: 'status', status: 400, on: 'video-list', times: 1 });
    await listing.refresh();
    assert.equal(listing.videos().length, 100);
    assert.match(listing.problem ?? '', /HeyGen refused the request/);
    listing.forget(listing.videos()[0].id);
    assert.equal(listing.videos().length, 99);
  });
});
