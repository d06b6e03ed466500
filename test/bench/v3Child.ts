/**
 * The uploading side of the v3 measurements (v3Bench.ts), in its own process so its time and memory are its own.
 * Driven over IPC: one request in, one reply out.
 */
import { closeHttpClient } from '../../src/core/http/httpClient';
import { uploadLocalFile, type UploadTarget } from '../../src/core/upload/uploadEngine';
import { measurePeak, settleAfterFirstRequest } from './memoryProbe';

export type V3ChildRequest =
  | { cmd: 'upload'; path: string; target: UploadTarget }
  | { cmd: 'memory'; path: string; warmupPath: string; target: UploadTarget }
  | { cmd: 'exit' };

export type V3ChildReply = { ok: true; ms?: number; answerMs?: number; baselineRss?: number; peakRss?: number; sampledPeakRss?: number } | { ok: false; error: string };

/** The v1 limit does not apply to v3; any value works. */
const MAX_BYTES = 10 * 1024 * 1024;

async function handle(req: V3ChildRequest): Promise<V3ChildReply> {
  switch (req.cmd) {
    case 'upload': {
      // Time to result is until the asset id is known (onAnswer); the SHA-256 for history and reuse follows it.
      const t0 = performance.now();
      let answerMs: number | undefined;
      await uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, force: true, onAnswer: () => (answerMs = performance.now() - t0) });
      const ms = performance.now() - t0;
      return { ok: true, ms, answerMs: answerMs ?? ms };
    }
    case 'memory': {
      // A direct upload of its own first, and the first request's one-time compile let pass (memoryProbe.ts): what is
      // measured is what one more adds.
      await uploadLocalFile(req.warmupPath, req.target, { maxBytes: MAX_BYTES, force: true });
      await settleAfterFirstRequest();
      return { ok: true, ...(await measurePeak(() => uploadLocalFile(req.path, req.target, { maxBytes: MAX_BYTES, force: true }))) };
    }
    case 'exit':
      await closeHttpClient();
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
