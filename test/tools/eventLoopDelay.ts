import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Event-loop delay of this process while `work` runs, in ms (perf_hooks.monitorEventLoopDelay at 1 ms resolution):
 * the bench's uploading process and the extension host (performance.test.ts) measure it the same way.
 */
export async function delayDuring(work: () => Promise<unknown>): Promise<{ p99: number; max: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  try {
    await work();
  } finally {
    histogram.disable();
  }
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
}
