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

/**
 * How long the first HTTP request's one-time cost takes to pass: V8 compiles undici's WebAssembly HTTP parser with its
 * optimising tier on background threads once the first answer has been parsed, growing the process by up to ~20 MB
 * for about 0.3 s here, once per process (an extension host pays it after its first request). Measured as its own
 * row (oneTimeGrowth); the per-upload rows wait this long after their warm-up so they show what an upload adds.
 */
export const FIRST_REQUEST_SETTLE_MS = 3_000;

export function settleAfterFirstRequest(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, FIRST_REQUEST_SETTLE_MS));
}

/** Peak RSS growth over the settle time right after `first` (the process's first request): the one-time cost. */
export async function oneTimeGrowth(first: () => Promise<unknown>): Promise<{ baselineRss: number; peakRss: number }> {
  global.gc?.();
  resetPeak();
  const baselineRss = procStatus('VmRSS');
  await first();
  await settleAfterFirstRequest();
  return { baselineRss, peakRss: procStatus('VmHWM') };
}
