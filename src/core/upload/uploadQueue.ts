import * as l10n from '@vscode/l10n';
import { HeyGenError } from '../base/heygenError';

export type QueueResult<T, R> = { item: T; ok: true; value: R } | { item: T; ok: false; error: unknown };

/** The error recorded for items that never started because the queue was cancelled. */
export function notStartedError(): HeyGenError {
  return new HeyGenError('cancelled', l10n.t('Cancelled before it started.'));
}

/**
 * Runs `worker` over `items` with at most `concurrency` at a time. Results come back in input order; one failure
 * does not stop the others. Aborting `signal` aborts the workers in flight (through the signal each one gets) and
 * marks the items not yet started as cancelled.
 */
export async function runQueue<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): Promise<Array<QueueResult<T, R>>> {
  const results = new Array<QueueResult<T, R>>(items.length);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) {
    controller.abort(signal.reason);
  } else {
    signal?.addEventListener('abort', onAbort, { once: true });
  }
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (controller.signal.aborted) {
        results[index] = { item, ok: false, error: notStartedError() };
        continue;
      }
      try {
        results[index] = { item, ok: true, value: await worker(item, controller.signal) };
      } catch (error) {
        results[index] = { item, ok: false, error };
      }
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return results;
}
