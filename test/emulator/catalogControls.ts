/**
 * The test controls of the videos, avatars and voices, in process (`emulator.videos`, `.avatars`, `.voices`) and over
 * HTTP (`/__emulator/videos/*`, `/__emulator/avatars/*`, `/__emulator/voices/*`, `/__emulator/requests`), for tests
 * in another process (extension host, UI) and `npm run emulator`.
 */
import type * as http from 'node:http';
import type { AvatarCatalog } from './avatarCatalog';
import type { LegacyMode, LegacyVideoRoutes } from './heygenLegacyVideos';
import { readJsonBody } from './heygenLibrary';
import type { VoiceCatalog } from './heygenVoices';
import { sendJson } from './http';
import type { RecordedRequest, RequestLog } from './requestLog';
import { videoSha256 } from './videoBytes';
import type { StoredVideo, VideoSchedule, VideoStatus, VideoStore } from './videoStore';

export interface VideoControls {
  /** Changes the schedule every unfinished video follows from now on. */
  schedule(s: Partial<VideoSchedule>): void;
  readonly current: VideoSchedule;
  /** The next `count` videos made end `failed` with this message (and code) instead of completing. */
  failNext(message: string, code?: string, count?: number): void;
  /** Fails an unfinished video now. */
  fail(videoId: string, message: string, code?: string): boolean;
  /** Replaces the videos with `count` completed ones. */
  seed(count: number): void;
  /** Size of the rendered MP4 from now on. */
  setMp4Bytes(bytes: number): void;
  readonly mp4Bytes: number;
  /** Hex SHA-256 of the MP4 the storage host serves for this video (at the current size). */
  mp4Sha256(videoId: string): Promise<string>;
  status(videoId: string): VideoStatus | undefined;
  list(): StoredVideo[];
  /** What the retired v1/v2 video routes do: serve, `missing` (404) or `gone` (410). */
  legacy(mode: LegacyMode): void;
}

export function videoControls(store: VideoStore, legacy: LegacyVideoRoutes): VideoControls {
  return {
    schedule: (s) => {
      store.schedule = { ...store.schedule, ...s };
    },
    get current() {
      return { ...store.schedule };
    },
    failNext: (message, code, count) => store.failNext(message, code, count),
    fail: (id, message, code) => store.fail(id, message, code),
    seed: (count) => store.seed(count),
    setMp4Bytes: (bytes) => {
      store.mp4Bytes = Math.max(64, Math.floor(bytes));
    },
    get mp4Bytes() {
      return store.mp4Bytes;
    },
    mp4Sha256: (id) => videoSha256(id, store.mp4Bytes),
    status: (id) => {
      const video = store.get(id);
      return video ? store.status(video) : undefined;
    },
    list: () => store.list(),
    legacy: (mode) => {
      legacy.mode = mode;
    },
  };
}

const LEGACY_MODES: readonly LegacyMode[] = ['serve', 'missing', 'gone'];

/** Answers `/__emulator/videos|avatars|voices/*` and `/__emulator/requests`; false for other paths. */
export function handleCatalogControl(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  parts: { videos: VideoControls; avatars: AvatarCatalog; voices: VoiceCatalog; log: RequestLog },
): boolean {
  const path = url.pathname;
  if (!/^\/__emulator\/(videos|avatars|voices|requests)(\/|$)/.test(path)) {
    return false;
  }
  const { videos, avatars, voices, log } = parts;
  if (req.method === 'GET') {
    req.resume();
    if (path === '/__emulator/requests') {
      const prefix = url.searchParams.get('path');
      sendJson(res, 200, prefix ? log.entries.filter((e: RecordedRequest) => e.path.startsWith(prefix)) : log.entries);
    } else if (path === '/__emulator/videos') {
      sendJson(res, 200, { schedule: videos.current, mp4Bytes: videos.mp4Bytes, videos: videos.list().map((v) => ({ ...v, status: videos.status(v.id) })) });
    } else if (path === '/__emulator/videos/sha256') {
      const id = url.searchParams.get('video_id') ?? '';
      void videos.mp4Sha256(id).then((sha256) => sendJson(res, 200, { video_id: id, size: videos.mp4Bytes, sha256 }));
    } else {
      sendJson(res, 404, { ok: false, error: `unknown control GET ${path}` });
    }
    return true;
  }
  readJsonBody(req, 64 * 1024).then(
    (value) => {
      const body = (value ?? {}) as Record<string, unknown>;
      const num = (name: string): number | undefined => (typeof body[name] === 'number' ? body[name] : undefined);
      const text = (name: string): string | undefined => (typeof body[name] === 'string' ? body[name] : undefined);
      switch (path) {
        case '/__emulator/videos/schedule':
          videos.schedule({ ...(num('processingAfterMs') !== undefined ? { processingAfterMs: num('processingAfterMs') } : {}), ...(num('completedAfterMs') !== undefined ? { completedAfterMs: num('completedAfterMs') } : {}) });
          break;
        case '/__emulator/videos/fail-next':
          videos.failNext(text('message') ?? 'Rendering failed.', text('code'), num('count'));
          break;
        case '/__emulator/videos/fail':
          if (!videos.fail(text('video_id') ?? '', text('message') ?? 'Rendering failed.', text('code'))) {
            sendJson(res, 404, { ok: false, error: 'no unfinished video with that video_id' });
            return;
          }
          break;
        case '/__emulator/videos/seed':
          videos.seed(num('count') ?? 0);
          break;
        case '/__emulator/videos/size':
          videos.setMp4Bytes(num('bytes') ?? videos.mp4Bytes);
          break;
        case '/__emulator/videos/legacy':
          if (!LEGACY_MODES.includes(text('mode') as LegacyMode)) {
            sendJson(res, 400, { ok: false, error: `expected {"mode": ${LEGACY_MODES.join(' | ')}}` });
            return;
          }
          videos.legacy(text('mode') as LegacyMode);
          break;
        case '/__emulator/avatars/consent':
          avatars.consentRequired = body.required === true;
          break;
        case '/__emulator/avatars/approve': {
          const group = avatars.group(text('group_id') ?? '');
          if (!group) {
            sendJson(res, 404, { ok: false, error: 'no such group_id' });
            return;
          }
          avatars.approveConsent(group);
          break;
        }
        case '/__emulator/avatars/training':
          avatars.trainingMs = num('ms') ?? avatars.trainingMs;
          break;
        case '/__emulator/avatars/seed':
          avatars.seed(num('looks'));
          break;
        case '/__emulator/voices/seed':
          voices.seed(num('count'));
          avatars.seed();
          break;
        default:
          sendJson(res, 404, { ok: false, error: `unknown control POST ${path}` });
          return;
      }
      sendJson(res, 200, { ok: true });
    },
    (error: unknown) => sendJson(res, 400, { ok: false, error: String(error) }),
  );
  return true;
}
