import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import type { V3Endpoint } from '../../../src/core/heygen/v3Client';
import { createVideoV3 } from '../../../src/core/heygen/videosV3';
import { generateVideoV2 } from '../../../src/core/heygen/videosLegacy';
import { RENDERS_KEY, RenderList, type RenderRecord } from '../../../src/core/videos/renderList';
import { MemoryState } from './memoryState';
import { RenderTracker } from '../../../src/core/videos/renderTracker';
import { createVideoBackend } from '../../../src/core/videos/videoBackend';

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

void describe('renders from start to file', () => {
  let emu: Emulator;
  let endpoint: V3Endpoint;
  let dir: string;
  const backend = createVideoBackend(() => Promise.resolve(endpoint));
  const look = (): string => emu.avatars.looks.find((l) => l.group.avatarType === 'studio_avatar')!.id;
  const voice = (): string => emu.avatars.looks.find((l) => l.group.avatarType === 'studio_avatar')!.group.defaultVoiceId;

  async function started(list: RenderList, api: 'v3' | 'v2' = 'v3', title = 'Launch'): Promise<RenderRecord> {
    const created =
      api === 'v3'
        ? await createVideoV3(endpoint, { type: 'avatar', avatar_id: look(), script: 'Hello there', title }, `test:${Math.random()}`)
        : await generateVideoV2(
            endpoint,
            { title, video_inputs: [{ character: { type: 'avatar', avatar_id: look() }, voice: { type: 'text', voice_id: voice(), input_text: 'Hello' } }] },
            `test:${Math.random()}`,
          );
    const record: RenderRecord = {
      videoId: created.videoId,
      api,
      type: api === 'v3' ? 'avatar' : 'video_inputs',
      title,
      payloadPath: path.join(dir, 'intro.json'),
      payloadName: 'intro',
      target: path.join(dir, `intro-${created.videoId}.mp4`),
      startedAt: Date.now(),
      status: created.status,
      watching: true,
      keyFingerprint: 'fp',
    };
    await list.add(record);
    return record;
  }

  before(async () => {
    emu = await startEmulator({ videos: { processingAfterMs: 1_000, completedAfterMs: 5_000, mp4Bytes: 700_000 } });
    endpoint = { apiBaseUrl: emu.apiBaseUrl, apiKey: emu.apiKey, connectTimeoutMs: 5_000, idleTimeoutMs: 10_000 };
  });
  after(() => emu.close());
  beforeEach(() => {
    emu.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-videos-'));
  });

  void it('watches a v3 render until it completes and streams the MP4 to its target, bytes as HeyGen serves them', async () => {
    const state = new MemoryState();
    const list = new RenderList(state);
    const record = await started(list);
    const tracker = new RenderTracker(list, backend);
    const statuses: string[] = [];
    let downloading = 0;
    // The first status request comes 2 s after the start; the render is done by then.
    emu.clock.advance(5_000);
    const outcome = await tracker.watch(record.videoId, { progress: (p) => statuses.push(p.status), downloading: () => downloading++ });
    assert.equal(outcome.kind, 'completed');
    assert.equal(sha256(record.target), await emu.videos.mp4Sha256(record.videoId));
    assert.equal(downloading, 1);
    assert.equal(fs.statSync(record.target).size, 700_000);
    assert.ok(!fs.existsSync(`${record.target}.part`));
    assert.deepEqual(statuses, ['waiting', 'completed']);
    const saved = list.get(record.videoId)!;
    assert.equal(saved.status, 'completed');
    assert.equal(saved.saved, true);
    assert.equal(saved.watching, false);
    assert.equal(saved.duration, 1);
    assert.equal(tracker.watching, 0);
    // What is kept holds no URL: video URLs are presigned and expire.
    assert.doesNotMatch(state.values.get(RENDERS_KEY)!, /https?:|signature|expires=/);
    assert.equal(emu.requestLog.count('GET', `/v3/videos/${record.videoId}`), 1);
  });

  void it('a failed render ends with HeyGen\u2019s sentence, v3 and v2 alike', async () => {
    const list = new RenderList(new MemoryState());
    const tracker = new RenderTracker(list, backend);
    emu.videos.failNext('The avatar could not be lip-synced.', 'avatar_render_failed', 2);
    const v3 = await started(list, 'v3');
    const v2 = await started(list, 'v2');
    emu.clock.advance(5_000);
    const [a, b] = await Promise.all([tracker.watch(v3.videoId, {}, true), tracker.watch(v2.videoId, {}, true)]);
    assert.equal(a.kind, 'failed');
    assert.equal(b.kind, 'failed');
    assert.equal(a.kind === 'failed' && a.info.failureMessage, 'The avatar could not be lip-synced.');
    assert.equal(b.kind === 'failed' && b.info.failureMessage, 'The avatar could not be lip-synced.');
    assert.equal(list.get(v2.videoId)!.failureMessage, 'The avatar could not be lip-synced.');
    assert.equal(emu.requestLog.count('GET', '/v1/video_status.get'), 1, 'a v2 render is asked at v1\u2019s status route');
    assert.ok(!fs.existsSync(v3.target));
  });

  void it('a window that closes leaves its renders to the next one, which watches them again; Cancel does not', async () => {
    const state = new MemoryState();
    const list = new RenderList(state);
    const kept = await started(list, 'v3', 'Kept');
    const cancelled = await started(list, 'v3', 'Cancelled');
    const first = new RenderTracker(list, backend);
    const keptWatch = first.watch(kept.videoId);
    const cancelledWatch = first.watch(cancelled.videoId);
    first.stop(cancelled.videoId);
    assert.equal((await cancelledWatch).kind, 'stopped');
    await first.suspendAll();
    assert.equal((await keptWatch).kind, 'stopped');
    assert.equal(emu.videos.status(kept.videoId), 'waiting', 'the renders go on');

    // The next window: its own list and tracker, read from the same global state.
    const reloaded = new RenderList(state);
    assert.deepEqual(reloaded.inFlight().map((r) => r.videoId), [kept.videoId]);
    assert.equal(reloaded.get(cancelled.videoId)?.watching, false);
    emu.clock.advance(5_000);
    const second = new RenderTracker(reloaded, backend);
    const outcome = await second.watch(kept.videoId, {}, true);
    assert.equal(outcome.kind, 'completed');
    assert.equal(sha256(kept.target), await emu.videos.mp4Sha256(kept.videoId));
    assert.deepEqual(reloaded.inFlight(), []);
  });

  void it('asks for a fresh URL when the one it had expired, and leaves no partial file when a download breaks', async () => {
    const list = new RenderList(new MemoryState());
    const tracker = new RenderTracker(list, backend);
    const record = await started(list);
    emu.clock.advance(5_000);
    const stale = await backend.status('v3', record.videoId);
    emu.clock.advance(8 * 24 * 3600_000);
    await tracker.saveTo('v3', stale, record.target);
    assert.equal(sha256(record.target), await emu.videos.mp4Sha256(record.videoId));
    const downloads = emu.requests.filter((r) => r.path.endsWith('/video.mp4')).map((r) => r.status);
    assert.deepEqual(downloads, [403, 200]);

    fs.rmSync(record.target);
    emu.behaveV3({ mode: 'reset', afterBytes: 100_000, on: 'video-download', times: 1 });
    await assert.rejects(tracker.ensureSaved(record.videoId), /could not be downloaded|failed|reset|socket/i);
    assert.deepEqual(fs.readdirSync(dir), [], 'neither the MP4 nor its .part');
    const saved = await tracker.ensureSaved(record.videoId);
    assert.equal(sha256(saved.target), await emu.videos.mp4Sha256(record.videoId));
  });
});
