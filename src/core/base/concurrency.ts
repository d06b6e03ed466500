/**
 * Runs `task` over `items` with at most `limit` running at once, in order of start. Stops starting new ones once
 * `signal` is aborted or `task` returns 'stop'; the ones running finish.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void | 'stop'>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && !signal?.aborted && next < items.length) {
      const item = items[next++];
      if ((await task(item)) === 'stop') {
        stopped = true;
      }
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: lanes }, worker));
}
