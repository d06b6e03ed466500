/**
 * Renders from start to file: watches each (renderWatch.ts), keeps its record up to date (renderList.ts), and once
 * it completes streams the video to its target with a URL asked for just then. One watch per video: a second
 * request to watch the same one joins the first. Stopping a watch (Cancel) leaves the render going on HeyGen; a
 * window that closes leaves its records marked as watched, so the next window watches them again.
 */
import { access } from 'node:fs/promises';
import * as l10n from '@vscode/l10n';
import { HeyGenError } from '../base/heygenError';
import { errorMessage } from '../base/errorMessage';
import { silentLogger, type Logger } from '../base/logger';
import type { VideoInfo } from '../heygen/videoInfo';
import { isUrlRefused } from '../heygen/videoDownload';
import type { BodyApi } from './bodyRequirements';
import type { RenderList, RenderRecord } from './renderList';
import { watchRender, type WatchProgress } from './renderWatch';

export interface VideoBackend {
  /** The render's status where it lives (`GET /v3/videos/{id}`, or v1's status for a v2 render), with fresh URLs. */
  status(api: BodyApi, videoId: string, signal?: AbortSignal): Promise<VideoInfo>;
  /** Streams `url` to `target`; resolves with the bytes written. */
  download(url: string, target: string, signal?: AbortSignal): Promise<number>;
}

export type WatchOutcome =
  | { kind: 'completed'; record: RenderRecord; info: VideoInfo }
  /** Rendered, but the video could not be saved: Open tries again with a fresh URL. */
  | { kind: 'notSaved'; record: RenderRecord; info: VideoInfo; error: unknown }
  | { kind: 'failed'; record: RenderRecord; info: VideoInfo }
  /** Cancel: the render goes on, unwatched. */
  | { kind: 'stopped'; record: RenderRecord }
  /** The status could not be read (the key refused, the video unknown, faults for too long). */
  | { kind: 'error'; record: RenderRecord; error: unknown };

export interface WatchObserver {
  progress?(progress: WatchProgress): void;
  /** The render completed and its video is being saved now. */
  downloading?(): void;
}

export interface TrackerOptions {
  log?: Logger;
  now?: () => number;
}

export async function fileExists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

export class RenderTracker {
  private readonly watches = new Map<string, { abort: AbortController; done: Promise<WatchOutcome>; observers: Set<WatchObserver>; stopped: boolean }>();
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(
    private readonly list: RenderList,
    private readonly backend: VideoBackend,
    options: TrackerOptions = {},
  ) {
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  isWatching(videoId: string): boolean {
    return this.watches.has(videoId);
  }

  /** How many renders this window watches now (the bench and the idle check read it). */
  get watching(): number {
    return this.watches.size;
  }

  /**
   * Watches the render until it completes (then saves it), fails, or is stopped. `resumed`: it was started before a
   * reload, so its status is asked at once.
   */
  watch(videoId: string, observer: WatchObserver = {}, resumed = false): Promise<WatchOutcome> {
    const running = this.watches.get(videoId);
    if (running) {
      running.observers.add(observer);
      return running.done;
    }
    const record = this.list.get(videoId);
    if (!record) {
      return Promise.reject(new Error(l10n.t('No render {0} is known.', videoId)));
    }
    const abort = new AbortController();
    const observers = new Set([observer]);
    const entry = { abort, observers, stopped: false, done: Promise.resolve<WatchOutcome>({ kind: 'stopped', record }) };
    entry.done = this.run(record, abort.signal, observers, resumed, () => entry.stopped).finally(() => this.watches.delete(videoId));
    this.watches.set(videoId, entry);
    return entry.done;
  }

  /** Cancel: stops watching; the render goes on, and its record says it is no longer watched. */
  stop(videoId: string): void {
    const entry = this.watches.get(videoId);
    if (entry) {
      entry.stopped = true;
      entry.abort.abort();
    }
  }

  /**
   * The window is going: stop every watch but leave the records as they are, to be watched again after a reload.
   * Resolves once every watch has ended.
   */
  async suspendAll(): Promise<void> {
    const ending = [...this.watches.values()].map((entry) => {
      entry.abort.abort();
      return entry.done.catch(() => undefined);
    });
    await Promise.all(ending);
  }

  /**
   * The video on disk: the render's target if it is there, else downloaded now from a freshly asked URL. Rejects
   * with a sentence when it is not completed (yet) or cannot be saved.
   */
  async ensureSaved(videoId: string, signal?: AbortSignal): Promise<RenderRecord> {
    const record = this.list.get(videoId);
    if (!record) {
      throw new Error(l10n.t('No render {0} is known.', videoId));
    }
    if (record.saved && (await fileExists(record.target))) {
      return record;
    }
    const info = await this.backend.status(record.api, videoId, signal);
    await this.recordStatus(record, info);
    if (info.status !== 'completed') {
      throw new HeyGenError(
        'protocol',
        info.status === 'failed'
          ? l10n.t('The video "{0}" failed to render: {1}', record.title ?? videoId, info.failureMessage ?? l10n.t('HeyGen gave no reason.'))
          : l10n.t('The video "{0}" is not ready yet (HeyGen says {1}).', record.title ?? videoId, info.status),
      );
    }
    await this.saveTo(record.api, info, record.target, signal);
    return (await this.list.update(videoId, { saved: true, watching: false })) ?? record;
  }

  /** Downloads a completed video to `target` with its URL from `info` (asked again once if that one was refused). */
  async saveTo(api: BodyApi, info: VideoInfo, target: string, signal?: AbortSignal): Promise<number> {
    let url = info.videoUrl;
    for (let attempt = 0; ; attempt++) {
      if (!url) {
        const fresh = await this.backend.status(api, info.id, signal);
        url = fresh.videoUrl;
        if (!url) {
          throw new HeyGenError('protocol', l10n.t('HeyGen gave no URL for the video "{0}".', info.title ?? info.id));
        }
      }
      try {
        return await this.backend.download(url, target, signal);
      } catch (error) {
        // A presigned URL may have expired between the answer and the download: one more try with a fresh one.
        if (attempt > 0 || !isUrlRefused(error)) {
          throw error;
        }
        url = undefined;
      }
    }
  }

  private async run(record: RenderRecord, signal: AbortSignal, observers: Set<WatchObserver>, resumed: boolean, stoppedByPerson: () => boolean): Promise<WatchOutcome> {
    const { videoId } = record;
    await this.list.update(videoId, { watching: true });
    let info: VideoInfo;
    try {
      info = await watchRender({
        getStatus: (s) => this.backend.status(record.api, videoId, s),
        startedAt: record.startedAt,
        initialStatus: record.status,
        firstDelayMs: resumed ? 0 : undefined,
        signal,
        now: this.now,
        onProgress: (progress) => {
          if (progress.status !== this.list.get(videoId)?.status) {
            void this.list.update(videoId, { status: progress.status });
          }
          for (const o of observers) {
            o.progress?.(progress);
          }
        },
      });
    } catch (error) {
      const latest = this.list.get(videoId) ?? record;
      if (signal.aborted) {
        if (stoppedByPerson()) {
          this.log.info(`Stopped watching video ${videoId}; it goes on rendering on HeyGen.`);
          return { kind: 'stopped', record: (await this.list.update(videoId, { watching: false })) ?? latest };
        }
        return { kind: 'stopped', record: latest };
      }
      this.log.warn(`Watching video ${videoId} ended: ${errorMessage(error)}`);
      return { kind: 'error', record: (await this.list.update(videoId, { watching: false })) ?? latest, error };
    }
    const finished = await this.recordStatus(record, info);
    if (info.status === 'failed') {
      this.log.warn(`Video ${videoId} failed to render: ${info.failureCode ?? ''} ${info.failureMessage ?? '(no reason given)'}`);
      return { kind: 'failed', record: finished, info };
    }
    for (const o of observers) {
      o.downloading?.();
    }
    try {
      await this.saveTo(finished.api, info, finished.target, signal);
    } catch (error) {
      if (signal.aborted && !stoppedByPerson()) {
        return { kind: 'stopped', record: finished };
      }
      this.log.warn(`Video ${videoId} rendered but was not saved: ${errorMessage(error)}`);
      return { kind: 'notSaved', record: (await this.list.update(videoId, { watching: false })) ?? finished, info, error };
    }
    return { kind: 'completed', record: (await this.list.update(videoId, { saved: true, watching: false })) ?? finished, info };
  }

  private async recordStatus(record: RenderRecord, info: VideoInfo): Promise<RenderRecord> {
    const finished = info.status === 'completed' || info.status === 'failed';
    return (
      (await this.list.update(record.videoId, {
        status: info.status,
        // A completed render stays watched until it is on disk: a reload during the download downloads it again.
        ...(finished ? { finishedAt: this.list.get(record.videoId)?.finishedAt ?? this.now() } : {}),
        ...(info.status === 'failed' ? { watching: false } : {}),
        ...(info.duration !== undefined ? { duration: info.duration } : {}),
        ...(info.title !== undefined && record.title === undefined ? { title: info.title } : {}),
        ...(info.status === 'failed' ? { failureMessage: info.failureMessage } : {}),
      })) ?? record
    );
  }
}
