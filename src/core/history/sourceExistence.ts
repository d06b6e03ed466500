import * as fs from 'node:fs/promises';

/** An answer is trusted this long; the view's minute timer then re-checks rows in the background. */
const DEFAULT_TTL_MS = 5 * 60_000;
/** Enough parallel stats to finish 10,000 local checks quickly without filling libuv's thread pool. */
const DEFAULT_CONCURRENCY = 8;
/** On a slow (network) drive, report what is known so far rather than after the last of 10,000 stats. */
const REPORT_EVERY_MS = 250;

export interface SourceExistenceOptions {
  /** Called with the files whose answer changed since they were last shown. */
  onChange: (files: string[]) => void;
  ttlMs?: number;
  concurrency?: number;
  /** Resolves when the file exists, rejects when it does not (fs.promises.stat by default; tests replace it). */
  stat?: (file: string) => Promise<unknown>;
}

/**
 * Whether the local source files of history entries still exist, for the "sourceExists" menu token.
 *
 * Building the Assets view must never wait for the disk: at 10,000 rows on a network drive a synchronous
 * stat per row freezes the extension host. So `exists()` answers from the cache at once (a file never
 * checked counts as existing: its menu items show, and the commands check again before acting) and queues
 * a background check; `onChange` reports the files whose answer turned out different, so the view can
 * refresh just those rows.
 */
export class SourceExistence {
  private readonly cache = new Map<string, { exists: boolean; at: number }>();
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private running = 0;
  private changed: string[] = [];
  private reportTimer: NodeJS.Timeout | undefined;
  private pumpScheduled = false;
  private idleWaiters: Array<() => void> = [];
  private disposed = false;
  private readonly ttlMs: number;
  private readonly concurrency: number;
  private readonly stat: (file: string) => Promise<unknown>;

  constructor(private readonly options: SourceExistenceOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    this.stat = options.stat ?? ((file) => fs.stat(file));
  }

  /** The last known answer, never blocking; queues a check when there is none or it is older than the TTL. */
  exists(file: string | undefined, now = Date.now()): boolean {
    if (!file) {
      return false;
    }
    const hit = this.cache.get(file);
    if (!hit || now - hit.at >= this.ttlMs) {
      this.enqueue(file);
    }
    return hit ? hit.exists : true;
  }

  /** Checks one file now (a hover, a command about to use it) and records the answer. */
  async check(file: string | undefined): Promise<boolean> {
    if (!file) {
      return false;
    }
    const exists = await this.probe(file);
    this.record(file, exists);
    this.report();
    return exists;
  }

  /** Marks answers as due for a re-check; the old answer is shown until the new one arrives (no flicker). */
  forget(file?: string): void {
    if (file) {
      const hit = this.cache.get(file);
      if (hit) {
        hit.at = 0;
      }
      return;
    }
    for (const hit of this.cache.values()) {
      hit.at = 0;
    }
  }

  /** Resolves once every queued check has finished and its changes were reported. */
  whenIdle(): Promise<void> {
    if (this.idle()) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    this.queued.clear();
    if (this.reportTimer) {
      clearTimeout(this.reportTimer);
      this.reportTimer = undefined;
    }
    this.settleWaiters();
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.running === 0 && !this.pumpScheduled;
  }

  private enqueue(file: string): void {
    if (this.disposed || this.queued.has(file)) {
      return;
    }
    this.queued.add(file);
    this.queue.push(file);
    if (!this.pumpScheduled) {
      // Start after the caller's loop over all rows, not inside it.
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  private pump(): void {
    while (!this.disposed && this.running < this.concurrency && this.queue.length > 0) {
      const file = this.queue.shift() as string;
      this.running++;
      void this.probe(file).then((exists) => {
        this.running--;
        this.queued.delete(file);
        if (this.disposed) {
          return;
        }
        this.record(file, exists);
        if (this.idle()) {
          this.report();
        } else {
          this.reportTimer ??= setTimeout(() => {
            this.reportTimer = undefined;
            this.report();
          }, REPORT_EVERY_MS);
          this.pump();
        }
      });
    }
    if (this.idle()) {
      this.report();
    }
  }

  private async probe(file: string): Promise<boolean> {
    try {
      await this.stat(file);
      return true;
    } catch {
      // As existsSync: a file that cannot be reached is as good as missing for "Reveal" and "Upload Again".
      return false;
    }
  }

  private record(file: string, exists: boolean): void {
    const hit = this.cache.get(file);
    // A file never checked was shown as existing.
    if ((hit ? hit.exists : true) !== exists) {
      this.changed.push(file);
    }
    this.cache.set(file, { exists, at: Date.now() });
  }

  private report(): void {
    if (this.reportTimer && this.idle()) {
      clearTimeout(this.reportTimer);
      this.reportTimer = undefined;
    }
    if (this.changed.length > 0 && !this.disposed) {
      const files = this.changed;
      this.changed = [];
      try {
        this.options.onChange(files);
      } catch {
        // The listener's own failure must not stop later reports.
      }
    }
    if (this.idle()) {
      this.settleWaiters();
    }
  }

  private settleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) {
      resolve();
    }
  }
}
