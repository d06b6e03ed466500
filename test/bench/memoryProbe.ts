/** Peak memory of this process around one piece of work, from the kernel's counters (Linux). */
import { readFileSync, writeFileSync } from 'node:fs';

/** Kilobytes from a /proc/self/status line (VmRSS, VmHWM), as bytes. */
export function procStatus(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : process.memoryUsage.rss();
}

/** Resets the kernel's peak-RSS counter (VmHWM) to the current RSS; Linux ≥ 4.0. */
export function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `work` after a GC and a reset of the peak counter: RSS before, the kernel's peak during (VmHWM), and what
 * 1 ms sampling saw, as a cross-check.
 */
export async function measurePeak(work: () => Promise<unknown>): Promise<{ ms: number; baselineRss: number; peakRss: number; sampledPeakRss: number }> {
  global.gc?.();
  await new Promise((r) => setTimeout(r, 50));
  const canReset = resetPeak();
  const baselineRss = procStatus('VmRSS');
  let sampledPeakRss = baselineRss;
  const sampler = setInterval(() => {
    sampledPeakRss = Math.max(sampledPeakRss, process.memoryUsage.rss());
  }, 1);
  const t0 = performance.now();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - t0;
  sampledPeakRss = Math.max(sampledPeakRss, process.memoryUsage.rss());
  return { ms, baselineRss, peakRss: canReset ? procStatus('VmHWM') : sampledPeakRss, sampledPeakRss };
}
