import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { download, keyed, send, sha256, v3ErrorOf, type Reply } from './client';

interface VideoJson {
  id: string;
  status: string;
  title: string | null;
  video_url: string | null;
  thumbnail_url: string | null;
  subtitle_url: string | null;
  captioned_video_url: string | null;
  video_page_url: string | null;
  duration: number | null;
  created_at: number;
  completed_at: number | null;
  failure_code?: string;
  failure_message?: string;
}

const MP4_BYTES = 300_000;

void describe('emulated v3 videos', () => {
  let emu: Emulator;
  const api = (path: string): string => `${emu.apiBaseUrl}${path}`;
  const create = (body: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
    send(api('/v3/videos'), { method: 'POST', headers: keyed(emu.apiKey, headers), json: body });
  const get = async (id: string): Promise<VideoJson> => {
    const reply = await send(api(`/v3/videos/${id}`), { headers: keyed(emu.apiKey) });
    assert.equal(reply.status, 200, reply.text);
    return reply.json<{ data: VideoJson }>().data;
  };
  const studioLook = (): string => emu.avatars.looks.find((l) => l.group.avatarType === 'studio_avatar')!.id;
  const newVideo = async (extra: Record<string, unknown> = {}): Promise<string> => {
    const reply = await create({ type: 'avatar', avatar_id: studioLook(), script: 'Hello from the emulator', ...extra });
    assert.equal(reply.status, 200, reply.text);
    return reply.json<{ data: { video_id: string } }>().data.video_id;
  };

  before(async () => {
    emu = await startEmulator({ videos: { processingAfterMs: 1_000, completedAfterMs: 5_000, mp4Bytes: MP4_BYTES } });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  void it('creates a video that moves waiting \u2192 processing \u2192 completed on the emulator\u2019s clock', async () => {
    const reply = await create({ type: 'avatar', avatar_id: studioLook(), script: 'Hello from the emulator', title: 'Greeting' });
    assert.equal(reply.status, 200);
    const data = reply.json<{ data: { video_id: string; status: string } }>().data;
    assert.equal(data.status, 'waiting');
    assert.match(data.video_id, /^[0-9a-f]{32}$/);
    const waiting = await get(data.video_id);
    assert.equal(waiting.status, 'waiting');
    assert.equal(waiting.video_url, null);
    assert.equal(waiting.title, 'Greeting');
    emu.clock.advance(1_000);
    assert.equal((await get(data.video_id)).status, 'processing');
    emu.clock.advance(4_000);
    const done = await get(data.video_id);
    assert.equal(done.status, 'completed');
    assert.equal(typeof done.duration, 'number');
    assert.equal(done.completed_at, done.created_at + 5);
    assert.ok(done.video_url?.startsWith(`${emu.storageOrigin}/videos/${data.video_id}/video.mp4?`));
    assert.match(done.video_url ?? '', /[?&]expires=\d+/);
    assert.match(done.video_url ?? '', /[?&]signature=[0-9a-f]{64}/);
    assert.ok(done.thumbnail_url && done.subtitle_url && done.video_page_url);
    assert.equal(done.captioned_video_url, null, 'no caption style asked for');
    assert.equal(done.failure_code, undefined);
    assert.equal(emu.requestLog.count('GET', `/v3/videos/${data.video_id}`), 3, 'three status polls arrived');
    assert.equal(emu.requests[0].headers['x-api-key'], '[redacted]');
    assert.deepEqual(emu.requests[0].body, { type: 'avatar', avatar_id: studioLook(), script: 'Hello from the emulator', title: 'Greeting' });
    assert.ok(!JSON.stringify(emu.requests).includes(emu.apiKey));
  });

  void it('serves the completed video\u2019s deterministic bytes from fresh presigned URLs', async () => {
    const id = await newVideo({ caption: { style: 'default' } });
    emu.clock.advance(5_000);
    const first = await get(id);
    const second = await get(id);
    assert.notEqual(first.video_url, second.video_url, 'each read signs afresh');
    const got = await download(first.video_url!);
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'video/mp4');
    assert.equal(got.size, MP4_BYTES);
    assert.equal(got.sha256, await emu.videos.mp4Sha256(id));
    assert.equal(got.head.subarray(4, 8).toString('latin1'), 'ftyp');
    assert.equal((await download(second.video_url!)).sha256, got.sha256);
    assert.equal((await download(first.captioned_video_url!)).status, 200);
    const thumb = await send(first.thumbnail_url!);
    assert.equal(thumb.headers['content-type'], 'image/png');
    assert.equal(thumb.bytes.subarray(1, 4).toString('latin1'), 'PNG');
    const srt = await send(first.subtitle_url!);
    assert.match(srt.text, /^1\n00:00:00,000 --> /);
    const page = await send(first.video_page_url!);
    assert.equal(page.status, 200);
    // A range, as a resumed download asks.
    const range = await send(first.video_url!, { headers: { Range: 'bytes=1000-1999' } });
    assert.equal(range.status, 206);
    assert.equal(range.headers['content-range'], `bytes 1000-1999/${MP4_BYTES}`);
    assert.equal(range.bytes.length, 1000);
  });

  void it('storage refuses the API key, a tampered signature and an expired URL with 403', async () => {
    const id = await newVideo();
    emu.clock.advance(5_000);
    const { video_url: url } = await get(id);
    assert.equal((await send(url!, { headers: keyed(emu.apiKey) })).status, 403);
    assert.equal((await send(url!.replace(/signature=[0-9a-f]/, 'signature=x'))).status, 403);
    assert.equal((await send(url!)).status, 200);
    emu.clock.advance(7 * 24 * 3600 * 1000 + 1_000);
    const expired = await send(url!);
    assert.equal(expired.status, 403);
    assert.match(expired.text, /expired/);
    assert.equal((await download((await get(id)).video_url!)).status, 200, 'a fresh read gives a working URL');
  });

  void it('streams a 50 MB video byte for byte', async () => {
    emu.videos.setMp4Bytes(50 * 1024 * 1024);
    const id = await newVideo();
    emu.clock.advance(5_000);
    const got = await download((await get(id)).video_url!);
    assert.equal(got.size, 50 * 1024 * 1024);
    assert.equal(got.sha256, await emu.videos.mp4Sha256(id));
  });

  void it('fails the next video when a test asks, in process and over HTTP', async () => {
    emu.videos.failNext('The avatar could not be rendered.', 'avatar_render_failed');
    const failing = await newVideo();
    const fine = await newVideo();
    emu.clock.advance(5_000);
    const failed = await get(failing);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.failure_code, 'avatar_render_failed');
    assert.equal(failed.failure_message, 'The avatar could not be rendered.');
    assert.equal(failed.video_url, null);
    assert.equal((await get(fine)).status, 'completed');
    const control = await send(`${emu.origin}/__emulator/videos/fail-next`, { json: { message: 'Out of credits.' } });
    assert.equal(control.status, 200);
    const next = await newVideo();
    emu.clock.advance(5_000);
    assert.equal((await get(next)).failure_message, 'Out of credits.');
    // A schedule set over HTTP.
    await send(`${emu.origin}/__emulator/videos/schedule`, { json: { processingAfterMs: 0, completedAfterMs: 0 } });
    assert.equal((await get(await newVideo())).status, 'completed');
  });

  void it('lists videos newest first in pages, and deletes one for good', async () => {
    emu.videos.seed(25);
    const pages: VideoJson[][] = [];
    let token: string | null = null;
    do {
      const reply = await send(api(`/v3/videos?limit=10${token ? `&token=${token}` : ''}`), { headers: keyed(emu.apiKey) });
      assert.equal(reply.status, 200, reply.text);
      const page = reply.json<{ data: VideoJson[]; has_more: boolean; next_token: string | null }>();
      pages.push(page.data);
      assert.equal(page.has_more, page.next_token !== null);
      token = page.next_token;
    } while (token);
    assert.deepEqual(pages.map((p) => p.length), [10, 10, 5]);
    const all = pages.flat();
    assert.equal(new Set(all.map((v) => v.id)).size, 25);
    assert.ok(all.every((v, i) => i === 0 || v.created_at <= all[i - 1].created_at), 'newest first');
    assert.ok(all.every((v) => v.status === 'completed' && v.video_url));
    for (const bad of ['limit=0', 'limit=101', 'limit=x', 'token=nonsense']) {
      const reply = await send(api(`/v3/videos?${bad}`), { headers: keyed(emu.apiKey) });
      assert.equal(reply.status, 400, bad);
      assert.equal(v3ErrorOf(reply).param, bad.split('=')[0]);
    }
    const gone = all[3];
    const deleted = await send(api(`/v3/videos/${gone.id}`), { method: 'DELETE', headers: keyed(emu.apiKey) });
    assert.deepEqual(deleted.json(), { data: { id: gone.id, deleted: true } });
    const after = await send(api(`/v3/videos/${gone.id}`), { headers: keyed(emu.apiKey) });
    assert.equal(after.status, 404);
    assert.equal(v3ErrorOf(after).code, 'not_found');
    assert.equal((await send(gone.video_url!)).status, 404, 'its files are gone too');
    assert.equal((await send(api(`/v3/videos/${gone.id}`), { method: 'DELETE', headers: keyed(emu.apiKey) })).status, 404);
  });

  void it('misbehaves on the video routes as aimed: 429, 500, a cut download, then normal', async () => {
    const id = await newVideo();
    emu.clock.advance(5_000);
    emu.behaveV3({ mode: 'rateLimit', retryAfterSeconds: 3, on: 'video-status', times: 1 });
    const limited = await send(api(`/v3/videos/${id}`), { headers: keyed(emu.apiKey) });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '3');
    assert.equal((await get(id)).status, 'completed');
    emu.behaveV3({ mode: 'status', status: 500, on: 'video-list', times: 1 });
    assert.equal((await send(api('/v3/videos'), { headers: keyed(emu.apiKey) })).status, 500);
    emu.behaveV3({ mode: 'status', status: 503, on: 'video-create', times: 1 });
    assert.equal((await create({ type: 'avatar', avatar_id: studioLook(), script: 'x' })).status, 503);
    const url = (await get(id)).video_url!;
    emu.behaveV3({ mode: 'reset', afterBytes: 10_000, on: 'video-download', times: 1 });
    await assert.rejects(download(url));
    assert.equal((await download(url)).size, MP4_BYTES);
    assert.equal(emu.requestLog.count('GET', `/videos/${id}/video.mp4`), 2, 'both download attempts are on record');
    assert.deepEqual(emu.requestLog.entries.filter((e) => e.path === `/videos/${id}/video.mp4`).map((e) => e.status), [0, 200], 'the cut one was never answered in full');
  });

  void it('refuses a wrong key on every video route with 401 in v3\u2019s envelope', async () => {
    for (const [method, path] of [['POST', '/v3/videos'], ['GET', '/v3/videos'], ['GET', '/v3/videos/abc'], ['DELETE', '/v3/videos/abc']]) {
      const reply = await send(api(path), { method, headers: { 'x-api-key': 'wrong' }, ...(method === 'POST' ? { json: {} } : {}) });
      assert.equal(reply.status, 401, `${method} ${path}`);
      assert.equal(v3ErrorOf(reply).code, 'unauthorized');
    }
  });

  void it('a digest of the served bytes is also over HTTP', async () => {
    const id = await newVideo();
    const reply = await send(`${emu.origin}/__emulator/videos/sha256?video_id=${id}`);
    assert.deepEqual(reply.json(), { video_id: id, size: MP4_BYTES, sha256: await emu.videos.mp4Sha256(id) });
    assert.notEqual(sha256(id), reply.json<{ sha256: string }>().sha256);
  });
});
