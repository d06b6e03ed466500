/**
 * The emulator's videos: each moves waiting → processing → completed on the schedule in force (read on the emulator's
 * clock when asked, so no timer runs), or ends `failed` when a test said so. Once finished it stays finished. Its
 * answer (`GET /v3/videos/{id}`, heygen-cli gen/video.go) carries presigned-looking URLs on the storage host, signed
 * afresh on every read and refused there once expired.
 *
 * The first status: the create answer says `waiting`, but GET's enum has `pending` and no `waiting` (the sources
 * disagree, notes section 4.1); GET answers `waiting` by default, as the create answer does, and `pendingStatus:
 * 'pending'` makes it answer the enum's word instead, so a client can be tried with both.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import type { CheckedVideo, VideoType } from './videoRequest';

export interface VideoSchedule {
  /** From creation until then, the video is waiting. */
  processingAfterMs: number;
  /** From then on it is completed (or failed). */
  completedAfterMs: number;
}

export interface VideoOptions extends Partial<VideoSchedule> {
  /** Size of every rendered MP4 (default 256 KiB; the bench uses 50 MB). */
  mp4Bytes?: number;
  /** Completed videos present at start (newest first). */
  seed?: number;
  /** How long a download URL stays valid (default 7 days, as v1's status page says). */
  urlTtlSeconds?: number;
  /** The first status's word in GET answers (see above). */
  pendingStatus?: 'waiting' | 'pending';
}

export const DEFAULT_SCHEDULE: VideoSchedule = { processingAfterMs: 2_000, completedAfterMs: 10_000 };
export const DEFAULT_MP4_BYTES = 256 * 1024;
const DEFAULT_URL_TTL_SECONDS = 7 * 24 * 3600;

export type VideoStatus = 'waiting' | 'pending' | 'processing' | 'completed' | 'failed';

export interface Failure {
  code: string;
  message: string;
}

export interface StoredVideo {
  id: string;
  type: VideoType | 'v2';
  title: string | null;
  duration: number;
  captioned: boolean;
  callbackId: string | null;
  /** Emulator clock (ms). */
  createdMs: number;
  /** Set when it failed on purpose (at completion time, or at once with `fail`). */
  failure?: Failure;
  failNow?: boolean;
  /** Frozen once it finished: a later schedule change does not move it back. */
  finished?: { status: 'completed' | 'failed'; atMs: number };
  unknownFields: string[];
}

/** The files of a video on the storage host. */
export const VIDEO_FILES = { 'video.mp4': 'video/mp4', 'captioned.mp4': 'video/mp4', 'thumbnail.png': 'image/png', 'captions.srt': 'application/x-subrip' } as const;
export type VideoFile = keyof typeof VIDEO_FILES;

export class VideoStore {
  private readonly videos = new Map<string, StoredVideo>();
  schedule: VideoSchedule;
  mp4Bytes: number;
  private readonly failNextQueue: Failure[] = [];
  private readonly signingKey = randomBytes(32);
  private readonly urlTtlSeconds: number;
  private readonly pendingStatus: 'waiting' | 'pending';

  constructor(
    private readonly clock: Clock,
    private readonly options: VideoOptions = {},
  ) {
    this.schedule = { ...DEFAULT_SCHEDULE, ...pick(options) };
    this.mp4Bytes = Math.max(64, options.mp4Bytes ?? DEFAULT_MP4_BYTES);
    this.urlTtlSeconds = options.urlTtlSeconds ?? DEFAULT_URL_TTL_SECONDS;
    this.pendingStatus = options.pendingStatus ?? 'waiting';
    this.seed(options.seed ?? 0);
  }

  create(checked: Pick<CheckedVideo, 'title' | 'duration' | 'captioned' | 'callbackId' | 'unknownFields'> & { type: StoredVideo['type'] }): StoredVideo {
    const video: StoredVideo = { id: randomBytes(16).toString('hex'), createdMs: this.clock.now(), ...checked, failure: this.failNextQueue.shift() };
    this.videos.set(video.id, video);
    return video;
  }

  /** Replaces the videos with `count` completed ones, a minute apart, the newest a minute ago. */
  seed(count: number): void {
    this.videos.clear();
    const now = this.clock.now();
    for (let n = 1; n <= count; n++) {
      const createdMs = now - (count - n + 1) * 60_000 - this.schedule.completedAfterMs;
      const id = `seed${String(n).padStart(6, '0')}`.padEnd(32, '0');
      this.videos.set(id, {
        id,
        type: 'avatar',
        title: `Seeded video ${n}`,
        duration: 8 + (n % 7),
        captioned: false,
        callbackId: null,
        createdMs,
        finished: { status: 'completed', atMs: createdMs + this.schedule.completedAfterMs },
        unknownFields: [],
      });
    }
  }

  get(id: string): StoredVideo | undefined {
    return this.videos.get(id);
  }

  delete(id: string): boolean {
    return this.videos.delete(id);
  }

  /** Newest first (ties by id). */
  list(): StoredVideo[] {
    return [...this.videos.values()].sort((a, b) => b.createdMs - a.createdMs || (a.id < b.id ? -1 : 1));
  }

  /** The next `count` videos made end failed with this message (and code) when they would have completed. */
  failNext(message: string, code = 'render_failed', count = 1): void {
    for (let i = 0; i < count; i++) {
      this.failNextQueue.push({ code, message });
    }
  }

  /** Fails a video now; false when there is none or it already finished. */
  fail(id: string, message: string, code = 'render_failed'): boolean {
    const video = this.videos.get(id);
    if (!video || this.status(video) === 'completed' || this.status(video) === 'failed') {
      return false;
    }
    video.failure = { code, message };
    video.failNow = true;
    return true;
  }

  status(video: StoredVideo): VideoStatus {
    if (video.finished) {
      return video.finished.status;
    }
    const elapsed = this.clock.now() - video.createdMs;
    if (video.failNow || elapsed >= this.schedule.completedAfterMs) {
      const status = video.failure ? 'failed' : 'completed';
      video.finished = { status, atMs: video.failNow ? this.clock.now() : video.createdMs + this.schedule.completedAfterMs };
      return status;
    }
    return elapsed >= this.schedule.processingAfterMs ? 'processing' : this.pendingStatus;
  }

  /** A presigned URL on `storageOrigin` for a file of a video, valid for the URL lifetime from now. */
  signedUrl(storageOrigin: string, id: string, file: VideoFile): string {
    const expires = this.clock.seconds() + this.urlTtlSeconds;
    const nonce = randomBytes(6).toString('hex');
    return `${storageOrigin}/videos/${id}/${file}?expires=${expires}&nonce=${nonce}&signature=${this.sign(id, file, expires, nonce)}`;
  }

  /** Why a storage URL is refused (`forbidden` for a bad signature, `expired`), or undefined when it is good. */
  checkUrl(id: string, file: string, query: URLSearchParams): 'forbidden' | 'expired' | undefined {
    const expires = Number(query.get('expires'));
    const signature = query.get('signature') ?? '';
    if (!Number.isInteger(expires) || signature !== this.sign(id, file, expires, query.get('nonce') ?? '')) {
      return 'forbidden';
    }
    return this.clock.seconds() > expires ? 'expired' : undefined;
  }

  private sign(id: string, file: string, expires: number, nonce: string): string {
    return createHmac('sha256', this.signingKey).update(`${id}/${file}|${expires}|${nonce}`).digest('hex');
  }

  /** The video as GET /v3/videos/{id} answers it (URLs only once completed; failure fields only when failed). */
  json(video: StoredVideo, origin: string, storageOrigin: string): Record<string, unknown> {
    const status = this.status(video);
    const done = status === 'completed';
    const url = (file: VideoFile): string | null => (done ? this.signedUrl(storageOrigin, video.id, file) : null);
    return {
      id: video.id,
      title: video.title,
      status,
      created_at: Math.floor(video.createdMs / 1000),
      completed_at: done && video.finished ? Math.floor(video.finished.atMs / 1000) : null,
      duration: done ? video.duration : null,
      folder_id: null,
      video_url: url('video.mp4'),
      captioned_video_url: video.captioned ? url('captioned.mp4') : null,
      subtitle_url: url('captions.srt'),
      thumbnail_url: url('thumbnail.png'),
      gif_url: null,
      video_page_url: `${origin}/videos/${video.id}`,
      ...(status === 'failed' ? { failure_code: video.failure?.code ?? 'render_failed', failure_message: video.failure?.message ?? 'Rendering failed.' } : {}),
    };
  }

  reset(): void {
    this.schedule = { ...DEFAULT_SCHEDULE, ...pick(this.options) };
    this.mp4Bytes = Math.max(64, this.options.mp4Bytes ?? DEFAULT_MP4_BYTES);
    this.failNextQueue.length = 0;
    this.seed(this.options.seed ?? 0);
  }
}

function pick(options: Partial<VideoSchedule>): Partial<VideoSchedule> {
  const out: Partial<VideoSchedule> = {};
  if (options.processingAfterMs !== undefined) {
    out.processingAfterMs = options.processingAfterMs;
  }
  if (options.completedAfterMs !== undefined) {
    out.completedAfterMs = options.completedAfterMs;
  }
  return out;
}
