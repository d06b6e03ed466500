/**
 * HeyGen v3 videos (heygen-cli gen/video.go; shared/notes/heygen-videos-avatars.md section 1), one function per
 * endpoint, through the v3 client: `POST /v3/videos` with an `Idempotency-Key`, `GET /v3/videos/{id}`,
 * `GET /v3/videos` (paged) and `DELETE /v3/videos/{id}`. None retries: the caller decides (a create may only be
 * repeated with the same key).
 */
import * as l10n from '@vscode/l10n';
import { HeyGenError } from '../base/heygenError';
import { v3Request, v3RequestEnvelope, type V3Endpoint } from './v3Client';
import { readStatus, seconds, text, timestampMs, webUrl, type VideoInfo, type VideoStatus } from './videoInfo';

/** HeyGen's largest page of `GET /v3/videos` (`limit` 1-100). */
export const VIDEO_PAGE_SIZE = 100;

export interface CreatedVideo {
  videoId: string;
  status: VideoStatus;
  /** HeyGen answered a repeat of the key with the first answer (`Idempotent-Replayed`): no second render. */
  replayed?: boolean;
}

export interface VideoPage {
  videos: VideoInfo[];
  hasMore: boolean;
  nextToken: string | undefined;
}

/** `POST /v3/videos`: starts a render of `body` (the payload as written); `idempotencyKey` is sent as is. */
export async function createVideoV3(endpoint: V3Endpoint, body: unknown, idempotencyKey: string, signal?: AbortSignal): Promise<CreatedVideo> {
  const data = await v3Request<Record<string, unknown> | null>(endpoint, 'POST', '/v3/videos', {
    json: body,
    headers: { 'Idempotency-Key': idempotencyKey },
    signal,
  });
  const videoId = text(data?.video_id) ?? text(data?.id);
  if (!videoId) {
    throw new HeyGenError('protocol', l10n.t("HeyGen's answer to the new video has no video_id."));
  }
  return { videoId, status: data?.status === undefined ? 'waiting' : readStatus(data.status) };
}

/** `GET /v3/videos/{id}`: the status, and once completed fresh presigned URLs and the duration. */
export async function getVideoV3(endpoint: V3Endpoint, videoId: string, signal?: AbortSignal): Promise<VideoInfo> {
  const data = await v3Request<unknown>(endpoint, 'GET', `/v3/videos/${encodeURIComponent(videoId)}`, { signal });
  const video = parseVideoV3(data, videoId);
  if (!video) {
    throw new HeyGenError('protocol', l10n.t("HeyGen's answer about video {0} has no status.", videoId));
  }
  return video;
}

/** One page of the account's videos, newest first; `token` is the previous page's `next_token`. */
export async function listVideosV3(endpoint: V3Endpoint, token: string | undefined, signal?: AbortSignal): Promise<VideoPage> {
  const envelope = await v3RequestEnvelope<unknown>(endpoint, 'GET', '/v3/videos', { query: { limit: VIDEO_PAGE_SIZE, token }, signal, retry: true });
  if (!Array.isArray(envelope.data)) {
    throw new HeyGenError('protocol', l10n.t("HeyGen's list of videos has no data (an array was expected)."));
  }
  const videos = envelope.data.map((entry) => parseVideoV3(entry)).filter((v): v is VideoInfo => v !== undefined);
  const nextToken = text(envelope.next_token);
  return { videos, hasMore: envelope.has_more === true && nextToken !== undefined, nextToken };
}

/** `DELETE /v3/videos/{id}`: permanent. A video HeyGen no longer has (404) counts as deleted. */
export async function deleteVideoV3(endpoint: V3Endpoint, videoId: string, signal?: AbortSignal): Promise<'deleted' | 'alreadyGone'> {
  try {
    await v3Request<unknown>(endpoint, 'DELETE', `/v3/videos/${encodeURIComponent(videoId)}`, { signal, retry: true });
    return 'deleted';
  } catch (error) {
    if (error instanceof HeyGenError && error.status === 404) {
      return 'alreadyGone';
    }
    throw error;
  }
}

/** A v3 video object (`data` of GET, or an entry of the list); undefined when it has no id or status. */
export function parseVideoV3(value: unknown, fallbackId?: string): VideoInfo | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const id = text(v.id) ?? text(v.video_id) ?? fallbackId;
  if (!id || v.status === undefined) {
    return undefined;
  }
  const status = readStatus(v.status);
  return {
    id,
    status,
    title: text(v.title),
    duration: seconds(v.duration),
    videoUrl: webUrl(v.video_url),
    pageUrl: webUrl(v.video_page_url),
    createdAt: timestampMs(v.created_at),
    ...(status === 'failed' ? { failureCode: text(v.failure_code), failureMessage: text(v.failure_message) } : {}),
  };
}
