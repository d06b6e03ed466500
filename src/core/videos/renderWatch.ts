/**
 * Watching one render (issue 23 item 5): its status is asked every 2 s at first, backing off to every 10 s at most,
 * and never sooner than a Retry-After asks. A 120 s render so costs 10 status requests in its first minute and 6 in
 * its second (the bench's bound is 12 a minute). Faults that may pass (429, 5xx, a dropped connection, a timeout)
 * do not end the watch; it gives up only after five minutes of nothing but faults, or on an answer that will not
 * change by asking again (the key refused, the video unknown). Nothing here keeps a timer once the watch ends.
 */
import * as l10n from '@vscode/l10n';
import { HeyGenError } from '../base/heygenError';
import { errorMessage } from '../base/errorMessage';
import { isFinished, type VideoInfo, type VideoStatus } from '../heygen/videoInfo';
import { delay } from './idempotency';

/** The wait before each status request, by how many were made; the last entry repeats. */
export const POLL_INTERVALS_MS: readonly number[] = [2_000, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000];
/** A Retry-After longer than this is capped: a watch is never put off for hours by one answer. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;
export const GIVE_UP_AFTER_MS = 5 * 60_000;

/** The wait before status request number `pollsDone + 1`: the schedule's, or the server's Retry-After if longer. */
export function pollDelayMs(pollsDone: number, retryAfterMs?: number): number {
  const scheduled = POLL_INTERVALS_MS[Math.min(pollsDone, POLL_INTERVALS_MS.length - 1)];
  return retryAfterMs === undefined ? scheduled : Math.max(scheduled, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

export interface WatchProgress {
  status: VideoStatus;
  /** Since the render was started (across a window reload). */
  elapsedMs: number;
  polls: number;
  /** The last fault's sentence while faults keep the status from being read; cleared by the next answer. */
  trouble?: string;
}

export interface WatchOptions {
  getStatus(signal: AbortSignal): Promise<VideoInfo>;
  /** When the render was started (ms since the epoch). */
  startedAt: number;
  /** The status known so far (the create answer's, or the last one seen before a reload). */
  initialStatus?: VideoStatus;
  /** Wait before the first request; a render resumed after a reload is asked at once. */
  firstDelayMs?: number;
  signal?: AbortSignal;
  now?: () => number;
  onProgress?(progress: WatchProgress): void;
  giveUpAfterMs?: number;
}

/** Faults that asking again later may get past. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof HeyGenError)) {
    return false;
  }
  if (error.kind === 'rateLimited' || error.kind === 'server' || error.kind === 'timeout' || error.kind === 'network') {
    return true;
  }
  // A 2xx that could not be read (cut short, no status): the next answer may be whole.
  return error.kind === 'protocol' && (error.status === undefined || (error.status >= 200 && error.status < 300));
}

/**
 * Polls until the render completes or fails and resolves with that last answer. Rejects with a `cancelled`
 * HeyGenError when `signal` aborts, and with the error itself when it will not pass or faults lasted too long.
 */
export async function watchRender(options: WatchOptions): Promise<VideoInfo> {
  const now = options.now ?? Date.now;
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) {
    abort.abort();
  }
  const giveUpAfterMs = options.giveUpAfterMs ?? GIVE_UP_AFTER_MS;
  let status: VideoStatus = options.initialStatus ?? 'waiting';
  let polls = 0;
  let faultsSince: number | undefined;
  let wait = options.firstDelayMs ?? pollDelayMs(0);
  const report = (trouble?: string): void => options.onProgress?.({ status, elapsedMs: Math.max(0, now() - options.startedAt), polls, trouble });
  try {
    report();
    for (;;) {
      await delay(wait, abort.signal);
      polls++;
      let info: VideoInfo;
      try {
        info = await options.getStatus(abort.signal);
      } catch (error) {
        if (abort.signal.aborted) {
          throw new HeyGenError('cancelled', l10n.t('Watching the render was stopped.'), { cause: error });
        }
        if (!isTransient(error)) {
          throw error;
        }
        faultsSince ??= now();
        if (now() - faultsSince >= giveUpAfterMs) {
          throw error;
        }
        report(errorMessage(error));
        wait = pollDelayMs(polls, error instanceof HeyGenError ? error.retryAfterMs : undefined);
        continue;
      }
      faultsSince = undefined;
      status = info.status;
      report();
      if (isFinished(info.status)) {
        return info;
      }
      wait = pollDelayMs(polls);
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}
