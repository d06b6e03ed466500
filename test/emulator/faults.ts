/**
 * The misbehaviours a test can ask of the emulator (`behave()` for v1's upload, `behaveV3()` for a v3 route), and how a
 * v3 route answers one: 429 with Retry-After, 5xx, an HTML 502, malformed JSON, a redirect, a reset connection, a
 * stall, a late answer, or a body read no faster than a link would carry it.
 */
import * as http from 'node:http';
import { DOCS, v3Error } from './errors';
import { sendJson } from './http';

export type Behavior = { times?: number } & (
  | { mode: 'normal' }
  | { mode: 'status'; status: number; body?: string; contentType?: string }
  | { mode: 'html502' }
  | { mode: 'rateLimit'; retryAfterSeconds: number }
  | { mode: 'malformed' }
  | { mode: 'code'; code: number; message: string }
  | { mode: 'reset'; afterBytes?: number }
  | { mode: 'slow'; delayMs: number }
  | { mode: 'stall' }
  | { mode: 'latency'; ms: number }
  /** Reads the body (or, for a download, writes it) no faster than this, as a real link would carry it. */
  | { mode: 'bandwidth'; bytesPerSecond: number }
  | { mode: 'redirect'; location: string }
);

/**
 * The v3 routes a behaviour can be aimed at. The legacy video routes share theirs with v3: `POST /v2/video/generate`
 * misbehaves as `video-create`, `GET /v1/video_status.get` as `video-status`.
 */
export type V3Route =
  | 'me'
  | 'assets'
  | 'slot'
  | 'storage'
  | 'complete'
  | 'asset-statuses'
  | 'video-create'
  | 'video-status'
  | 'video-list'
  | 'video-delete'
  | 'video-download'
  | 'avatars'
  | 'avatar-create'
  | 'voices';

export type V3Behavior = Behavior & {
  /** Which request misbehaves; default `assets` (the multipart upload). */
  on?: V3Route;
};

const MODES = new Set([
  'normal', 'status', 'html502', 'rateLimit', 'malformed', 'code', 'reset', 'slow', 'stall', 'latency', 'redirect', 'bandwidth',
]);
/** v1's `code` (a 200 with an error code) has no v3 equivalent. */
const V3_MODES = new Set([...MODES].filter((m) => m !== 'code'));

export function isBehavior(value: unknown): value is Behavior {
  return typeof value === 'object' && value !== null && MODES.has((value as { mode?: unknown }).mode as string);
}

export function isV3Behavior(value: unknown): value is V3Behavior {
  return isBehavior(value) && V3_MODES.has(value.mode);
}

/**
 * One v3 misbehaviour at a time, aimed at one route, counting down `times`; every other route behaves normally.
 * A new one replaces the last (so `{mode: 'normal'}` ends any).
 */
export class V3Faults {
  private behavior: V3Behavior = { mode: 'normal' };
  private remaining: number | undefined;

  set(b: V3Behavior): void {
    if (!isV3Behavior(b)) {
      throw new Error(`Unknown v3 emulator behaviour: ${JSON.stringify(b)}`);
    }
    this.behavior = b;
    this.remaining = b.times !== undefined && b.times > 0 ? b.times : undefined;
  }

  /** The behaviour for one request on `route`. */
  take(route: V3Route): Behavior {
    if ((this.behavior.on ?? 'assets') !== route || this.behavior.mode === 'normal') {
      return { mode: 'normal' };
    }
    const current = this.behavior;
    if (this.remaining !== undefined) {
      this.remaining -= 1;
      if (this.remaining <= 0) {
        this.reset();
      }
    }
    return current;
  }

  reset(): void {
    this.behavior = { mode: 'normal' };
    this.remaining = undefined;
  }
}

/** Whether `b` answers in place of the route (a late answer, `normal` and `bandwidth` leave the answer to it). */
export function answersInstead(b: Behavior): boolean {
  return b.mode !== 'normal' && b.mode !== 'bandwidth' && b.mode !== 'slow' && b.mode !== 'latency';
}

/** The status a fault answers with (0 when it answers nothing: reset, stall). */
export function faultStatus(b: Behavior): number {
  switch (b.mode) {
    case 'status':
      return b.status;
    case 'html502':
      return 502;
    case 'rateLimit':
      return 429;
    case 'malformed':
      return 200;
    case 'redirect':
      return 307;
    default:
      return 0;
  }
}

/**
 * Answers as `b` says in v3's shapes when it is a misbehaviour, true if it did; `normal` and `bandwidth` leave the
 * answer to the route. `then` is the normal answer, for the delayed modes.
 */
export function misbehave(
  b: Behavior,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  then: () => void,
  later: (ms: number, fn: () => void) => void,
): boolean {
  switch (b.mode) {
    case 'status':
      sendJson(res, b.status, b.body ?? v3Error(b.status >= 500 ? 'internal_error' : 'bad_request', http.STATUS_CODES[b.status] ?? 'Error'), {
        'Content-Type': b.contentType ?? 'application/json; charset=utf-8',
      });
      return true;
    case 'html502':
      sendJson(res, 502, '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body>\r\n</html>\r\n', {
        'Content-Type': 'text/html',
      });
      return true;
    case 'rateLimit':
      sendJson(res, 429, v3Error('rate_limit_exceeded', 'Too many requests, please retry later.', null, `${DOCS}#rate-limits`), {
        'Retry-After': String(b.retryAfterSeconds),
      });
      return true;
    case 'malformed':
      sendJson(res, 200, '{"data":{"asset_id":"abc", "url": ');
      return true;
    case 'redirect':
      sendJson(res, 307, v3Error('moved', 'Moved'), { Location: b.location });
      return true;
    case 'stall':
      return true;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'slow':
      later(b.delayMs, then);
      return true;
    case 'latency':
      later(b.ms, then);
      return true;
    default:
      return false;
  }
}

/**
 * Reads a body no faster than `bytesPerSecond`, as a real link would carry it: when the `received` bytes are ahead
 * of what the link would have carried since `startedAt`, reading pauses until it catches up (TCP back-pressure then
 * slows the client). Computed from the start, so timer overshoot does not add up.
 */
export function paceReading(
  req: http.IncomingMessage,
  received: number,
  startedAt: number,
  bytesPerSecond: number,
  later: (ms: number, fn: () => void) => void,
): void {
  if (bytesPerSecond <= 0) {
    return;
  }
  const ahead = (received / bytesPerSecond) * 1000 - (performance.now() - startedAt);
  if (ahead >= 1) {
    req.pause();
    later(ahead, () => req.resume());
  }
}

/**
 * Reads the whole body (bounded), or resets the connection mid-body when the behaviour says so. With `sink`, the
 * bytes within the limit go to it as they arrive instead of being kept (`body` is then empty). Undefined when the
 * connection was reset or closed before the body ended.
 */
export function readBody(
  req: http.IncomingMessage,
  b: Behavior,
  limit: number,
  later: (ms: number, fn: () => void) => void,
  sink?: (chunk: Buffer) => void,
): Promise<{ body: Buffer; size: number; over: boolean } | undefined> {
  const resetAfter = b.mode === 'reset' ? (b.afterBytes ?? 0) : undefined;
  const started = performance.now();
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    let over = false;
    if (resetAfter === 0) {
      req.socket.destroy();
      resolve(undefined);
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (b.mode === 'bandwidth') {
        paceReading(req, size, started, b.bytesPerSecond, later);
      }
      if (resetAfter !== undefined && size >= resetAfter) {
        req.socket.destroy();
        resolve(undefined);
        return;
      }
      if (size > limit) {
        over = true;
        parts.length = 0;
      } else if (!over) {
        if (sink) {
          sink(chunk);
        } else {
          parts.push(chunk);
        }
      }
    });
    req.on('end', () => resolve({ body: Buffer.concat(parts), size, over }));
    req.on('close', () => resolve(undefined));
    req.on('error', () => resolve(undefined));
  });
}
