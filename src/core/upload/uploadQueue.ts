import * as l10n from '@vscode/l10n';
import { forEachLimited } from '../base/concurrency';
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
  const indices = items.map((_, index) => index);
  try {
    await forEachLimited(
      indices,
      concurrency,
      async (index) => {
        try {
          results[index] = { item: items[index], ok: true, value: await worker(items[index], controller.signal) };
        } catch (error) {
          results[index] = { item: items[index], ok: false, error };
        }
      },
      controller.signal,
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  for (const index of indices) {
    results[index] ??= { item: items[index], ok: false, error: notStartedError() };
  }
  return results;
}
