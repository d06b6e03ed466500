/**
 * When the history's changes reach the file: one operation at a time, every change made before a write starts goes
 * into that write (group commit), writes held for a batch go together, and a change that could not be saved stays
 * pending and is retried with backoff.
 */
import type { AssetRecord } from '../base/assetRecord';
import { asError, errorMessage } from '../base/errorMessage';
import type { Logger } from '../base/logger';
import type { HistoryChange, HistoryOp, PendingChange } from './historyModel';

/** First wait before an unsaved change is written again; it doubles after each failure, up to the maximum. */
export const RETRY_DELAY_MS = 2_000;
export const MAX_RETRY_DELAY_MS = 60_000;
/** While writes are held (a batch), they are still made after this many changes or this long after the first. */
const HOLD_MAX_CHANGES = 25;
const HOLD_MAX_MS = 5_000;

/** Writes held for a batch: see HistoryStore.holdWrites. */
export interface WriteHold {
  /** Ends the hold; resolves once everything changed meanwhile is saved, rejects (after logging) if it cannot be. */
  release(): Promise<void>;
}

/** What the scheduler writes to and tells: the file, and the store that shows the entries. */
export interface WriteTarget {
  readonly file: string;
  /** The file was written by a newer release: a failure is expected and not retried. */
  readonly readOnly: boolean;
  /** Writes the changes on top of the file's current content; throws if it cannot. */
  write(changes: readonly PendingChange[]): Promise<void>;
  /** Recomputes what the window shows (the file plus what is pending) and returns what changed. */
  show(local: boolean, wrote?: readonly AssetRecord[]): HistoryChange;
  fire(change: HistoryChange): void;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  added?: AssetRecord;
}

export class HistoryWrites {
  /** Changes shown but not yet on disk, oldest first. */
  readonly pending: PendingChange[] = [];
  private waiters: Waiter[] = [];
  private flushQueued = false;
  private holds = 0;
  private heldChanges = 0;
  private holdTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAttempt = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly target: WriteTarget,
    private readonly log: Logger,
    private readonly retryDelayMs: number,
  ) {}

  /** One operation at a time per store (reads too); the lock file orders stores and processes. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Records a change and resolves once it is saved (rejects if it cannot be); under a hold, once it is shown. */
  mutate(what: string, op: HistoryOp, added?: AssetRecord): Promise<void> {
    this.pending.push({ what, op });
    if (this.holds > 0) {
      this.target.fire(this.target.show(true, added ? [added] : []));
      this.heldChanges++;
      if (this.heldChanges >= HOLD_MAX_CHANGES) {
        this.heldChanges = 0;
        this.clearHoldTimer();
        this.requestFlush();
      } else if (!this.holdTimer) {
        this.holdTimer = setTimeout(() => {
          this.holdTimer = undefined;
          this.heldChanges = 0;
          this.requestFlush();
        }, HOLD_MAX_MS);
        this.holdTimer.unref();
      }
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject, added });
      this.requestFlush();
    });
  }

  /** See HistoryStore.holdWrites. */
  hold(): WriteHold {
    this.holds++;
    let released = false;
    return {
      release: () => {
        if (released) {
          return Promise.resolve();
        }
        released = true;
        this.holds--;
        if (this.holds > 0 || this.pending.length === 0) {
          return Promise.resolve();
        }
        this.clearHoldTimer();
        this.heldChanges = 0;
        return new Promise<void>((resolve, reject) => {
          this.waiters.push({ resolve, reject });
          this.requestFlush();
        });
      },
    };
  }

  /**
   * Resolves once what is queued has run and every change shown so far is on disk (held or waiting for a retry, it
   * is written now); rejects when that write fails. For deactivate, which waits for it (bounded).
   */
  async settled(): Promise<void> {
    if (this.pending.length > 0) {
      await this.enqueue(() => (this.pending.length > 0 ? this.writePending() : Promise.resolve()));
    }
    await this.queue;
  }

  /** Stops the timers; what is still pending gets one last attempt, and the log says what is lost if it fails. */
  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.clearHoldTimer();
    if (this.pending.length > 0) {
      const whats = this.describePending();
      void this.enqueue(() => this.writePending()).then(
        () => this.log.info(`History: saved the changes that had failed before (${whats}).`),
        (err) => this.log.error(`History: these changes could not be saved to ${this.target.file} and are lost: ${whats}. ${errorMessage(err)}`),
      );
    }
  }

  /** Group commit: one write for every change made before it starts; later ones wait for the next. */
  private requestFlush(): void {
    if (this.flushQueued) {
      return;
    }
    this.flushQueued = true;
    void this.enqueue(() => this.flush());
  }

  private async flush(): Promise<void> {
    this.flushQueued = false;
    const waiters = this.waiters.splice(0);
    const wrote = waiters.flatMap((w) => (w.added ? [w.added] : []));
    if (this.pending.length === 0) {
      waiters.forEach((w) => w.resolve());
      return;
    }
    const whats = this.describePending();
    try {
      await this.writePending();
    } catch (err) {
      const error = asError(err);
      // Shown at once and kept pending, so neither a reload nor a later write loses it.
      this.target.fire(this.target.show(true, wrote));
      if (this.target.readOnly) {
        this.log.warn(`History: not saving (${whats}) to ${this.target.file}: ${error.message}. It is shown in this window only.`);
      } else {
        this.log.error(
          `History: could not save (${whats}) to ${this.target.file}: ${error.message}. It is kept in this window and saved with the next change or in ${formatDelay(this.nextRetryDelay())}.`,
        );
        this.scheduleRetry();
      }
      waiters.forEach((w) => w.reject(error));
      return;
    }
    const change = this.target.show(true, wrote);
    // Changes made under a hold were shown when they were made; their write alone changes nothing on screen.
    if (waiters.length > 0 || change.added.length > 0 || change.removed.length > 0) {
      this.target.fire(change);
    }
    waiters.forEach((w) => w.resolve());
  }

  /** Writes every pending change; once all are on disk the backoff starts over. Throws if it cannot. */
  private async writePending(): Promise<void> {
    const changes = this.pending.slice();
    await this.target.write(changes);
    this.pending.splice(0, changes.length);
    if (this.pending.length === 0) {
      this.retryAttempt = 0;
      if (this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
      }
    }
  }

  private nextRetryDelay(): number {
    return Math.min(this.retryDelayMs * 2 ** this.retryAttempt, MAX_RETRY_DELAY_MS);
  }

  private scheduleRetry(): void {
    if (this.disposed || this.retryTimer || this.pending.length === 0) {
      return;
    }
    const wait = this.nextRetryDelay();
    this.retryAttempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.enqueue(() => this.retryPending());
    }, wait);
    // A pending retry must not keep a test runner or a closing host alive.
    this.retryTimer.unref();
  }

  private clearHoldTimer(): void {
    if (this.holdTimer) {
      clearTimeout(this.holdTimer);
      this.holdTimer = undefined;
    }
  }

  private async retryPending(): Promise<void> {
    if (this.disposed || this.pending.length === 0) {
      return;
    }
    const whats = this.describePending();
    try {
      await this.writePending();
    } catch (err) {
      if (!this.target.readOnly) {
        this.log.warn(`History: still cannot save ${whats} to ${this.target.file}: ${errorMessage(err)}; trying again in ${formatDelay(this.nextRetryDelay())}.`);
        this.scheduleRetry();
      }
      return;
    }
    this.log.info(`History: saved the changes that had failed before (${whats}).`);
    this.target.fire(this.target.show(true));
  }

  private describePending(): string {
    return this.pending.map((p) => p.what).join('; ');
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
