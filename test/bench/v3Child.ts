/**
 * The uploading side of the v3 measurements (v3Bench.ts), in its own process so its time and memory are its own.
 * Driven over IPC: one request in, one reply out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { closeUploadAgents } from '../../src/core/upload/httpUpload';
import { uploadLocalFile, type UploadTarget } from '../../src/core/upload/uploadEngine';

export type V3ChildRequest =
  | { cmd: 'upload'; path: string; target: UploadTarget }
  | { cmd: 'memory'; path: string; warmupPath: string; target: UploadTarget }
  | { cmd: 'exit' };

export type V3ChildReply = { ok: true; ms?: number; baselineRss?: number; peakRss?: number; sampledPeakRss?: number } | { ok: false; error: string };

/** The v1 limit does not apply to v3; any value works. */
const MAX_BYTES = 10 * 1024 * 1024;

function procStatus(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : process.memoryUsage.rss();
}

/** Resets the kernel's peak-RSS counter (VmHWM) to the current RSS; Linux ≥ 4.0. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function handle(req: V3ChildRequest): Promise<V3ChildReply> {
  switch (req.cmd) {
    case 'upload': {
      const t0 = performance.now();
      await uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, force: true });
      return { ok: true, ms: performance.now() - t0 };
    }
    case 'memory': {
      // A direct upload of its own first: what is measured is what one more adds, not one-time compilation.
      await uploadLocalFile(req.warmupPath, req.target, { maxBytes: MAX_BYTES, force: true });
      global.gc?.();
      await new Promise((r) => setTimeout(r, 50));
      const canReset = resetPeak();
      const baselineRss = procStatus('VmRSS');
      let sampledPeakRss = baselineRss;
      const sampler = setInterval(() => {
        sampledPeakRss = Math.max(sampledPeakRss, process.memoryUsage.rss());
      }, 1);
      const t0 = performance.now();
      await uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, force: true });
      const ms = performance.now() - t0;
      clearInterval(sampler);
      sampledPeakRss = Math.max(sampledPeakRss, process.memoryUsage.rss());
      return { ok: true, ms, baselineRss, peakRss: canReset ? procStatus('VmHWM') : sampledPeakRss, sampledPeakRss };
    }
    case 'exit':
      await closeUploadAgents();
      process.exit(0);
  }
}

process.on('message', (message: V3ChildRequest) => {
  handle(message).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.send?.({ ok: true });
