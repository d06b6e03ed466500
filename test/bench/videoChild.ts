/**
 * The saving side of the video measurements (videoBench.ts), in its own process so its memory is its own: a completed
 * video's MP4 streamed to disk through the same code the extension runs (RenderTracker.saveTo → the HTTP client's
 * download). Driven over IPC: one request in, one reply out.
 */
import { rmSync } from 'node:fs';
import { closeHttpClient } from '../../src/core/http/httpClient';
import type { V3Endpoint } from '../../src/core/heygen/v3Client';
import { RenderList, type StateStore } from '../../src/core/videos/renderList';
import { RenderTracker } from '../../src/core/videos/renderTracker';
import { createVideoBackend } from '../../src/core/videos/videoBackend';
import { measurePeak } from './memoryProbe';

export type VideoChildRequest = { cmd: 'save'; endpoint: V3Endpoint; videoId: string; warmupVideoId: string; target: string } | { cmd: 'exit' };

export type VideoChildReply = { ok: true; ms?: number; baselineRss?: number; peakRss?: number; sampledPeakRss?: number; bytes?: number } | { ok: false; error: string };

const NO_STATE: StateStore = { get: () => undefined, update: () => Promise.resolve() };

async function handle(req: VideoChildRequest): Promise<VideoChildReply> {
  switch (req.cmd) {
    case 'save': {
      const backend = createVideoBackend(() => Promise.resolve(req.endpoint));
      const tracker = new RenderTracker(new RenderList(NO_STATE), backend);
      const save = async (videoId: string): Promise<number> => tracker.saveTo('v3', await backend.status('v3', videoId), req.target);
      // One whole save first: what is measured is what one more adds, not one-time compilation and buffers.
      await save(req.warmupVideoId);
      rmSync(req.target, { force: true });
      let bytes = 0;
      const peak = await measurePeak(async () => (bytes = await save(req.videoId)));
      return { ok: true, bytes, ...peak };
    }
    case 'exit':
      await closeHttpClient();
      process.exit(0);
  }
}

process.on('message', (message: VideoChildRequest) => {
  handle(message).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.send?.({ ok: true });
