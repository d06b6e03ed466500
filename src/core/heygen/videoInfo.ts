/**
 * A video as the extension reads it from either API's status answer (`GET /v3/videos/{id}`,
 * `GET /v1/video_status.get`) or a v3 listing: one shape, so watching, the Videos view and the agent tools do not
 * care which version answered. URLs in it are presigned and expire: they are used at once and never stored.
 */

/**
 * `waiting` is what v3's create answer says (GET's enum has `pending` instead; the facts note, section 4.1, and the
 * batch routes' `queued` is read as `waiting` too). Anything else HeyGen may add is read as `processing` until it
 * reaches `completed` or `failed`.
 */
export type VideoStatus = 'waiting' | 'pending' | 'processing' | 'completed' | 'failed';

export interface VideoInfo {
  id: string;
  status: VideoStatus;
  title?: string;
  /** Seconds, once completed. */
  duration?: number;
  /** Presigned download URL of the MP4 (or WebM): fresh from this answer, never kept. */
  videoUrl?: string;
  /** HeyGen's page of the video (v3 only): what Open in Browser prefers. */
  pageUrl?: string;
  /** When HeyGen made it (ms since the epoch), when it says. */
  createdAt?: number;
  failureCode?: string;
  /** HeyGen's sentence when the render failed (v3 `failure_message`, v1 `error.message`). */
  failureMessage?: string;
}

export function isFinished(status: VideoStatus): boolean {
  return status === 'completed' || status === 'failed';
}

export function readStatus(value: unknown): VideoStatus {
  switch (typeof value === 'string' ? value.toLowerCase() : '') {
    case 'waiting':
    case 'queued':
      return 'waiting';
    case 'pending':
      return 'pending';
    case 'completed':
    case 'success':
      return 'completed';
    case 'failed':
    case 'error':
      return 'failed';
    default:
      return 'processing';
  }
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function seconds(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** A time HeyGen gives in seconds (or, from some endpoints, milliseconds or ISO text), as ms since the epoch. */
export function timestampMs(value: unknown): number | undefined {
  if (typeof value === 'string' && value.trim() !== '' && Number.isNaN(Number(value))) {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  const n = seconds(value);
  if (n === undefined) {
    return undefined;
  }
  // Before 2001 in ms would be after 33658 in s: the magnitude tells the unit.
  return n > 1e11 ? Math.round(n) : Math.round(n * 1000);
}

/** Only web addresses are followed or handed to a browser. */
export function webUrl(value: unknown): string | undefined {
  const url = text(value);
  return url !== undefined && /^https?:\/\//i.test(url) ? url : undefined;
}
