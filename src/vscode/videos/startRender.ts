import * as path from 'node:path';
import { keyFingerprint } from '../../core/base/contentHash';
import { withRetries } from '../../core/http/retryPolicy';
import type { VideoStatus } from '../../core/heygen/videoInfo';
import { generateVideoV2 } from '../../core/heygen/videosLegacy';
import { createVideoV3 } from '../../core/heygen/videosV3';
import type { BodySummary } from '../../core/videos/bodyRequirements';
import { startOnce } from '../../core/videos/idempotency';
import { safeStem, videoExtension } from '../../core/videos/videoFiles';
import type { LiteralValue } from '../../core/payload/payloadLiteral';
import type { VideoService } from './videoService';

/** A body ready to send, and where it came from. */
export interface RenderRequest {
  value: LiteralValue;
  summary: BodySummary;
  /** The payload file on disk, when there is one (its folder receives the video). */
  payloadPath?: string;
  /** The payload's name without extension (`intro`), or the title's for a body given without a file. */
  stem: string;
}

export interface StartedRender {
  videoId: string;
  status: VideoStatus;
  api: BodySummary['api'];
  /** Where the video is saved once rendered. */
  target: string;
  title?: string;
}

/**
 * Sends the body once (issue 23 item 4): one Idempotency-Key for this call, the same in every retry (429, 5xx and
 * network faults retried as uploads are), a 409 followed until HeyGen replays the video; then the render is kept
 * and watched. Rejects with the HeyGenError of a refusal; the caller says it.
 */
export async function startRender(service: VideoService, apiKey: string, request: RenderRequest, signal?: AbortSignal): Promise<StartedRender> {
  const endpoint = await service.endpoint(apiKey);
  const { api } = request.summary;
  const send = (key: string): ReturnType<typeof createVideoV3> =>
    api === 'v3' ? createVideoV3(endpoint, request.value, key, signal) : generateVideoV2(endpoint, request.value, key, signal);
  const started = await startOnce(send, {
    retry: (attempt, s) => withRetries(attempt, {}, s, (event) => service.log.info(`Starting the video: retry ${event.retry} in ${event.delayMs} ms (${event.error.message}).`)),
    signal,
    onConflict: (n) => service.log.info(`HeyGen is still answering the first request for this video (409, ${n}); asking again with the same key.`),
  });
  const { videoId, status } = started.result;
  service.log.info(`HeyGen started video ${videoId} (${api}, ${request.summary.type}) after ${started.requests} request(s) with one Idempotency-Key.`);
  const folder = request.payloadPath ? path.dirname(request.payloadPath) : service.defaultFolder();
  const target = service.targetFor(folder, request.stem, videoId, videoExtension(request.value));
  await service.track({
    videoId,
    api,
    type: request.summary.type,
    title: request.summary.title,
    payloadPath: request.payloadPath,
    payloadName: request.stem,
    target,
    startedAt: Date.now(),
    status,
    watching: true,
    keyFingerprint: keyFingerprint(apiKey),
  });
  return { videoId, status, api, target, title: request.summary.title };
}

/** A body given without a file is named after its title. */
export function stemForTitle(title: string | undefined): string {
  return safeStem(title ?? '', 'video');
}
