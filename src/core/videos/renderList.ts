/**
 * The renders started from this machine, newest first (issue 23 items 5 and 7): what the Videos view lists first
 * and what a window reload watches again. Kept in the editor's global state (a Memento), so they survive a reload and
 * are shared by every window. Only facts are kept: ids, the payload file, the status, the saved file; never a video
 * URL (they are presigned and expire; one is fetched fresh whenever needed).
 */
import { silentLogger, type Logger } from '../base/logger';
import type { BodyApi } from './bodyRequirements';
import type { VideoStatus } from '../heygen/videoInfo';

export const RENDERS_KEY = 'heygen.videos.renders';
/** Finished renders beyond this many are forgotten, oldest first (their files stay where they are). */
export const MAX_RENDERS = 50;

/** The part of a Memento (`ExtensionContext.globalState`) this needs. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface RenderRecord {
  videoId: string;
  /** Which API started it, so its status is asked where it lives (v2 renders at `/v1/video_status.get`). */
  api: BodyApi;
  /** v3's `type`, or `video_inputs` for a v2 body. */
  type: string;
  title?: string;
  /** The payload file (a file system path), when it was saved on disk. */
  payloadPath?: string;
  /** The payload's name without its extension: the MP4 is `<payloadName>-<videoId>.mp4`. */
  payloadName: string;
  /** Where the video goes once rendered (absolute path). */
  target: string;
  startedAt: number;
  status: VideoStatus;
  /** Watched now, and again after a reload; false once saved or failed, or after Cancel. */
  watching: boolean;
  /** A fingerprint of the key that started it: another key cannot see it. */
  keyFingerprint: string;
  finishedAt?: number;
  duration?: number;
  /** Set once the video is on disk at `target`. */
  saved?: boolean;
  failureMessage?: string;
}

export type RenderChange = { kind: 'added' | 'updated' | 'removed'; videoId: string } | { kind: 'reloaded' };

const STATUSES: readonly VideoStatus[] = ['waiting', 'pending', 'processing', 'completed', 'failed'];

/** A stored record, field by field: anything else (a URL slipped in by an older build, garbage) is dropped. */
export function readRecord(value: unknown): RenderRecord | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
  const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  const videoId = str(v.videoId);
  const target = str(v.target);
  const startedAt = num(v.startedAt);
  const status = STATUSES.find((s) => s === v.status);
  if (!videoId || !target || startedAt === undefined || !status || (v.api !== 'v3' && v.api !== 'v2')) {
    return undefined;
  }
  return {
    videoId,
    api: v.api,
    type: str(v.type) ?? '',
    title: str(v.title),
    payloadPath: str(v.payloadPath),
    payloadName: str(v.payloadName) ?? 'video',
    target,
    startedAt,
    status,
    watching: v.watching === true,
    keyFingerprint: str(v.keyFingerprint) ?? '',
    finishedAt: num(v.finishedAt),
    duration: num(v.duration),
    saved: v.saved === true ? true : undefined,
    failureMessage: str(v.failureMessage),
  };
}

function withoutUndefined(record: RenderRecord): RenderRecord {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as unknown as RenderRecord;
}

export class RenderList {
  private records: RenderRecord[] = [];
  private readonly listeners = new Set<(change: RenderChange) => void>();
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: StateStore,
    private readonly log: Logger = silentLogger,
  ) {
    this.records = this.read();
  }

  /** Newest first. */
  all(): readonly RenderRecord[] {
    return this.records;
  }

  get(videoId: string): RenderRecord | undefined {
    return this.records.find((r) => r.videoId === videoId);
  }

  /** Renders to watch again after a reload: still being watched when the window went (rendering, or downloading). */
  inFlight(): RenderRecord[] {
    return this.records.filter((r) => r.watching && r.status !== 'failed' && !r.saved);
  }

  async add(record: RenderRecord): Promise<void> {
    this.records = [record, ...this.records.filter((r) => r.videoId !== record.videoId)];
    // Beyond the cap the oldest finished ones go; one still rendering is never forgotten.
    while (this.records.length > MAX_RENDERS) {
      const index = this.records.map((r) => r.watching).lastIndexOf(false);
      if (index < 0) {
        break;
      }
      this.records.splice(index, 1);
    }
    await this.save({ kind: 'added', videoId: record.videoId });
  }

  async update(videoId: string, patch: Partial<Omit<RenderRecord, 'videoId'>>): Promise<RenderRecord | undefined> {
    const index = this.records.findIndex((r) => r.videoId === videoId);
    if (index < 0) {
      return undefined;
    }
    const next = { ...this.records[index], ...patch };
    this.records = [...this.records.slice(0, index), next, ...this.records.slice(index + 1)];
    await this.save({ kind: 'updated', videoId });
    return next;
  }

  async remove(videoId: string): Promise<void> {
    const before = this.records.length;
    this.records = this.records.filter((r) => r.videoId !== videoId);
    if (this.records.length !== before) {
      await this.save({ kind: 'removed', videoId });
    }
  }

  /** Reads the store again (what a new window sees). */
  reload(): void {
    this.records = this.read();
    this.fire({ kind: 'reloaded' });
  }

  onDidChange(listener: (change: RenderChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private read(): RenderRecord[] {
    const stored = this.store.get<unknown>(RENDERS_KEY);
    if (!Array.isArray(stored)) {
      return [];
    }
    const seen = new Set<string>();
    return stored.map(readRecord).filter((r): r is RenderRecord => r !== undefined && !seen.has(r.videoId) && seen.add(r.videoId) !== undefined);
  }

  private save(change: RenderChange): Promise<void> {
    const snapshot = this.records.map(withoutUndefined);
    this.fire(change);
    // In order: a later write never lands before an earlier one.
    this.writing = this.writing.then(() => this.store.update(RENDERS_KEY, snapshot)).catch((error: unknown) => this.log.warn(`The renders could not be saved: ${String(error)}`));
    return this.writing;
  }

  private fire(change: RenderChange): void {
    for (const listener of [...this.listeners]) {
      listener(change);
    }
  }
}
