/**
 * The uploading side of `npm run bench`, in its own process so its time and memory are its own (the emulator runs
 * in another process, as HeyGen would). Driven over IPC by bench.ts: one request in, one reply out.
 */
import { closeUploadAgents, postFile } from '../../src/core/upload/httpUpload';
import type { AssetRecord } from '../../src/core/history/assetRecord';
import { uploadLocalFile, type ReuseIndex, type UploadTarget } from '../../src/core/upload/uploadEngine';
import { runQueue } from '../../src/core/upload/uploadQueue';
import { measurePeak } from './memoryProbe';

export type ChildRequest =
  | { cmd: 'upload'; path: string; target: UploadTarget; mode: 'newFile' | 'hashFirst' }
  | { cmd: 'post'; path: string; size: number; target: UploadTarget }
  | { cmd: 'memory'; path: string; warmupPath: string; target: UploadTarget }
  | { cmd: 'batch'; paths: string[]; concurrency: number; target: UploadTarget }
  | { cmd: 'reuse'; path: string; target: UploadTarget; runs: number }
  | { cmd: 'exit' };

export type ChildReply =
  | { ok: true; ms?: number; cpuMs?: number; sha256?: string; baselineRss?: number; peakRss?: number; sampledPeakRss?: number; withMs?: number[]; withoutMs?: number[] }
  | { ok: false; error: string };

const MAX_BYTES = 10 * 1024 * 1024;

/** CPU time of this whole process (all its threads, user and system) since `start`, in ms. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function handle(req: ChildRequest): Promise<ChildReply> {
  switch (req.cmd) {
    case 'upload': {
      // newFile: what the extension does for content it has not uploaded before (the history has no asset of that
      // size): validate, sniff, stream with SHA-256 on the way, verify. hashFirst: an asset of the same size exists,
      // so the file is hashed for the reuse lookup first, then sent.
      const index: ReuseIndex = { lookup: () => undefined, mayHave: () => req.mode === 'hashFirst' };
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const outcome = await uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, reuse: index });
      return { ok: true, ms: performance.now() - t0, cpuMs: cpuSince(c0), sha256: outcome.source.sha256 };
    }
    case 'post': {
      // The HTTP transfer alone, streamed from disk, without hashing: the same work curl does.
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await postFile({
        url: new URL(req.target.endpoint),
        apiKey: req.target.apiKey,
        path: req.path,
        size: req.size,
        contentType: 'image/png',
        fileName: 'bench.png',
        connectTimeoutMs: req.target.connectTimeoutMs,
        idleTimeoutMs: req.target.idleTimeoutMs,
        hash: false,
      });
      return { ok: true, ms: performance.now() - t0, cpuMs: cpuSince(c0) };
    }
    case 'memory': {
      // Warm up code paths and the connection pool with a small file: what is measured is what an upload of this
      // size adds, not one-time compilation.
      await uploadLocalFile(req.warmupPath, req.target, { maxBytes: MAX_BYTES, force: true });
      return { ok: true, ...(await measurePeak(() => uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, force: true }))) };
    }
    case 'batch': {
      const t0 = performance.now();
      const results = await runQueue(req.paths, req.concurrency, (path, signal) =>
        uploadLocalFile(path, req.target, { maxBytes: MAX_BYTES, signal, force: true }),
      );
      const failed = results.filter((r) => !r.ok);
      if (failed.length) {
        return { ok: false, error: `${failed.length} uploads failed: ${String((failed[0] as { error: unknown }).error)}` };
      }
      return { ok: true, ms: performance.now() - t0 };
    }
    case 'reuse': {
      const known = new Map<string, AssetRecord>();
      const index: ReuseIndex = { lookup: (sha, fp) => known.get(`${sha}|${fp}`) };
      const first = await uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, reuse: index });
      known.set(`${first.source.sha256}|${first.record.keyFingerprint}`, first.record);
      const withMs: number[] = [];
      const withoutMs: number[] = [];
      for (let i = 0; i < req.runs; i++) {
        let t0 = performance.now();
        const reused = await uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, reuse: index });
        withMs.push(performance.now() - t0);
        if (!reused.reused) {
          return { ok: false, error: 'the reuse index was not used' };
        }
        t0 = performance.now();
        await uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, reuse: index, force: true });
        withoutMs.push(performance.now() - t0);
      }
      return { ok: true, withMs, withoutMs };
    }
    case 'exit':
      await closeUploadAgents();
      process.exit(0);
  }
}

process.on('message', (message: ChildRequest) => {
  handle(message).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.send?.({ ok: true });
