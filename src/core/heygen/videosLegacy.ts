/**
 * The legacy video routes HeyGen retires on 2026-11-01 (facts note section 2): `POST /v2/video/generate` for a v2
 * body and `GET /v1/video_status.get?video_id=` for its status, under the same base URL and key as v3. A 404 or
 * 410 on generate means the route is gone: the caller offers the conversion to v3.
 */
import * as l10n from '@vscode/l10n';
import { HeyGenError } from '../base/heygenError';
import { v3Request, type V3Endpoint } from './v3Client';
import type { CreatedVideo } from './videosV3';
import { readStatus, seconds, text, timestampMs, webUrl, type VideoInfo } from './videoInfo';

/**
 * `POST /v2/video/generate`. The `Idempotency-Key` goes along: HeyGen documents it for `POST /v3/videos` only, and a
 * server that ignores it loses nothing.
 */
export async function generateVideoV2(endpoint: V3Endpoint, body: unknown, idempotencyKey: string, signal?: AbortSignal): Promise<CreatedVideo> {
  const data = await v3Request<Record<string, unknown> | null>(endpoint, 'POST', '/v2/video/generate', {
    json: body,
    headers: { 'Idempotency-Key': idempotencyKey },
    signal,
  });
  const videoId = text(data?.video_id);
  if (!videoId) {
    throw new HeyGenError('protocol', l10n.t("HeyGen's answer to the new video has no video_id."));
  }
  return { videoId, status: 'pending' };
}

/** `GET /v1/video_status.get?video_id=`: v1's shape, read into the same VideoInfo as v3's. */
export async function getVideoStatusV1(endpoint: V3Endpoint, videoId: string, signal?: AbortSignal): Promise<VideoInfo> {
  const data = await v3Request<Record<string, unknown> | null>(endpoint, 'GET', '/v1/video_status.get', { query: { video_id: videoId }, signal });
  if (!data || data.status === undefined) {
    throw new HeyGenError('protocol', l10n.t("HeyGen's answer about video {0} has no status.", videoId));
  }
  const status = readStatus(data.status);
  const error = typeof data.error === 'object' && data.error !== null ? (data.error as Record<string, unknown>) : undefined;
  return {
    id: text(data.id) ?? videoId,
    status,
    title: text(data.title),
    duration: seconds(data.duration),
    videoUrl: webUrl(data.video_url),
    createdAt: timestampMs(data.created_at),
    ...(status === 'failed'
      ? { failureCode: typeof error?.code === 'string' || typeof error?.code === 'number' ? String(error.code) : undefined, failureMessage: text(error?.message) ?? text(error?.detail) }
      : {}),
  };
}

/** The generate route answered as if it no longer exists. */
export function isRetiredRoute(error: unknown): boolean {
  return error instanceof HeyGenError && (error.status === 404 || error.status === 410);
}
