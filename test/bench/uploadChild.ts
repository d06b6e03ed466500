/**
 * The uploading side of `npm run bench`, in its own process so its time and memory are its own (the emulator runs
 * in another process, as HeyGen would). Driven over IPC by bench.ts: one request in, one reply out.
 */
import { createReadStream, statSync } from 'node:fs';
import * as http from 'node:http';
import { pathToFileURL } from 'node:url';
import { closeHttpClient } from '../../src/core/http/httpClient';
import { postFile } from '../../src/core/heygen/v1Upload';
import type { AssetRecord } from '../../src/core/base/assetRecord';
import { uploadLocalFile, type ReuseIndex, type UploadTarget } from '../../src/core/upload/uploadEngine';
import { runQueue } from '../../src/core/upload/uploadQueue';
import { delayDuring } from '../tools/eventLoopDelay';
import { measurePeak, oneTimeGrowth, settleAfterFirstRequest } from './memoryProbe';

/**
 * Who uploads in a memory measurement: the v1 engine (default), the naive reference (a plain
 * fs.createReadStream().pipe(http.request())), or a function another bench module exports, loaded here by path:
 * `export async function f(path: string, target: UploadTarget): Promise<void>`.
 */
export type MemoryUploader = { kind: 'engine' } | { kind: 'naive' } | { kind: 'module'; module: string; exportName: string };

export type ChildRequest =
  | { cmd: 'upload'; path: string; target: UploadTarget; mode: 'newFile' | 'hashFirst' }
  | { cmd: 'post'; path: string; size: number; target: UploadTarget }
  | { cmd: 'memory'; path: string; warmupPath: string; target: UploadTarget; uploader?: MemoryUploader }
  | { cmd: 'firstRequest'; path: string; target: UploadTarget }
  | { cmd: 'eventLoop'; path: string; batch: string[]; target: UploadTarget }
  | { cmd: 'batch'; paths: string[]; concurrency: number; target: UploadTarget }
  | { cmd: 'reuse'; path: string; target: UploadTarget; runs: number }
  | { cmd: 'exit' };

export type ChildReply =
  | {
      ok: true;
      ms?: number;
      /** Until onAnswer: the moment the asset id is known. */
      answerMs?: number;
      cpuMs?: number;
      sha256?: string;
      baselineRss?: number;
      peakRss?: number;
      sampledPeakRss?: number;
      withMs?: number[];
      withoutMs?: number[];
      /** Event-loop delay (monitorEventLoopDelay, 1 ms resolution), ms: during one upload, during a batch. */
      delay?: { upload: { p99: number; max: number }; batch: { p99: number; max: number } };
    }
  | { ok: false; error: string };

// Room for the 100 MB memory row.
const MAX_BYTES = 200 * 1024 * 1024;

/** CPU time of this whole process (all its threads, user and system) since `start`, in ms. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** What a person would write without the engine: the file piped into a request, read at the stream's own pace. */
function naiveUpload(path: string, target: UploadTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      target.endpoint,
      { method: 'POST', headers: { 'content-type': 'image/png', 'content-length': statSync(path).size, 'x-api-key': target.apiKey } },
      (response) => {
        response.resume();
        response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`))));
      },
    );
    request.on('error', reject);
    createReadStream(path).pipe(request);
  });
}

async function uploaderFor(spec: MemoryUploader | undefined): Promise<(path: string, target: UploadTarget) => Promise<unknown>> {
  if (!spec || spec.kind === 'engine') {
    return (path, target) => uploadLocalFile(path, target, { maxBytes: MAX_BYTES, force: true });
  }
  if (spec.kind === 'naive') {
    return naiveUpload;
  }
  const loaded = (await import(pathToFileURL(spec.module).href)) as Record<string, unknown> & { default?: Record<string, unknown> };
  const fn = (loaded[spec.exportName] ?? loaded.default?.[spec.exportName]) as ((path: string, target: UploadTarget) => Promise<unknown>) | undefined;
  if (typeof fn !== 'function') {
    throw new Error(`${spec.module} exports no function ${spec.exportName}`);
  }
  return fn;
}

async function handle(req: ChildRequest): Promise<ChildReply> {
  switch (req.cmd) {
    case 'upload': {
      // newFile: what the extension does for content it has not uploaded before (the history has no asset of that
      // size): validate, sniff, stream with SHA-256 on the way, verify. hashFirst: an asset of the same size exists,
      // so the file is hashed for the reuse lookup first, then sent.
      const index: ReuseIndex = { lookup: () => Promise.resolve(undefined), mayHave: () => req.mode === 'hashFirst' };
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let answerMs: number | undefined;
      const outcome = await uploadLocalFile(req.path, req.target, {
        maxBytes: MAX_BYTES,
        reuse: index,
        onAnswer: () => (answerMs = performance.now() - t0),
      });
      return { ok: true, ms: performance.now() - t0, answerMs: answerMs ?? performance.now() - t0, cpuMs: cpuSince(c0), sha256: outcome.source.sha256 };
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
      // Warm up code paths and the connection pool with a small file, and let the first request's one-time compile
      // pass (memoryProbe.ts): what is measured is what an upload of this size adds.
      const upload = await uploaderFor(req.uploader);
      await upload(req.warmupPath, req.target);
      await settleAfterFirstRequest();
      return { ok: true, ...(await measurePeak(() => upload(req.path, req.target))) };
    }
    case 'firstRequest': {
      // The one-time cost the per-upload rows leave out: this fresh process's first upload and what follows it.
      return { ok: true, ...(await oneTimeGrowth(() => uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, force: true }))) };
    }
    case 'eventLoop': {
      await uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, force: true });
      const upload = await delayDuring(() => uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, force: true }));
      const batch = await delayDuring(() =>
        runQueue(req.batch, 3, (path, signal) => uploadLocalFile(path, req.target, { maxBytes: MAX_BYTES, signal, force: true })),
      );
      return { ok: true, delay: { upload, batch } };
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
      const index: ReuseIndex = { lookup: (sha, fp) => Promise.resolve(known.get(`${sha}|${fp}`)) };
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
      await closeHttpClient();
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
