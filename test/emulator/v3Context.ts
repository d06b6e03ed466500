/**
 * What every v3 route of the emulator shares: the key, the clock, the asset store, the faults, the request log, and
 * the helpers that check the key and read a JSON body (with the route's misbehaviour applied first).
 */
import type * as http from 'node:http';
import type { Clock } from './clock';
import { DOCS, v3Error } from './errors';
import { misbehave, readBody, type V3Faults, type V3Route } from './faults';
import { sendJson, type Timers } from './http';
import type { ReceivedLog } from './received';
import type { RecordedRequest } from './requestLog';

export interface V3Account {
  username: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  billing_type: 'wallet' | 'subscription' | 'usage_based';
  subscription?: { plan: string; credits_remaining?: number; credits_total?: number };
  wallet?: { remaining_balance: number; currency?: string };
}

export const DEFAULT_V3_ACCOUNT: V3Account = {
  username: 'emulator-user',
  email: 'emulator-user@example.test',
  first_name: 'Emma',
  last_name: 'Ulator',
  billing_type: 'subscription',
  subscription: { plan: 'pro', credits_remaining: 420, credits_total: 600 },
};

/** One asset in the emulator's v3 library (the helper for list/get/delete reads and edits this map). */
export interface V3StoredAsset {
  id: string;
  name: string;
  type: 'image' | 'video' | 'audio' | 'pdf' | 'srt';
  owner: string;
  space_id: string;
  folder_id: string | null;
  /** Unix seconds. */
  uploaded_at: number;
  url: string | null;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  status: 'pending_upload' | 'processing' | 'completed';
  /** How it came: the multipart upload or a direct upload. */
  via: 'multipart' | 'direct';
}

export interface V3Context {
  apiKey: string;
  /** The emulator's own origin (for URLs it hands out), resolved once it listens. */
  origin: () => string;
  /** The storage host's origin (direct uploads, video downloads). */
  storageOrigin: () => string;
  clock: Clock;
  timers: Timers;
  faults: V3Faults;
  received: ReceivedLog;
  assets: Map<string, V3StoredAsset>;
  account: V3Account;
  keepFile: (name: string, mime: string, bytes: Buffer) => void;
}

/** JSON bodies of API routes (a base64 image can be large). */
export const JSON_BODY_MAX_BYTES = 20 * 1024 * 1024;

/** True when the request carries the emulator's key; else answers 401 in v3's envelope. */
export function authorized(ctx: V3Context, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.headers['x-api-key'] === ctx.apiKey) {
    return true;
  }
  sendJson(res, 401, v3Error('unauthorized', 'Invalid API key.', null, `${DOCS}#unauthorized`));
  return false;
}

/**
 * A JSON route: reads the (bounded) body, lets the route's misbehaviour answer if there is one, else checks the key
 * and calls `answer` with the body. With `entry`, the parsed body is recorded there.
 */
export function jsonRoute(
  ctx: V3Context,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  route: V3Route,
  answer: (body: Buffer) => void,
  entry?: RecordedRequest,
): void {
  const b = ctx.faults.take(route);
  void readBody(req, b, JSON_BODY_MAX_BYTES, ctx.timers.later).then((read) => {
    if (!read) {
      return;
    }
    if (entry && read.body.length > 0) {
      entry.body = parseJson(read.body) ?? read.body.toString('utf8');
    }
    const normal = (): void => {
      if (read.over) {
        sendJson(res, 413, v3Error('payload_too_large', `The body exceeds ${JSON_BODY_MAX_BYTES} bytes.`));
      } else if (authorized(ctx, req, res)) {
        answer(read.body);
      }
    };
    if (!misbehave(b, req, res, normal, ctx.timers.later)) {
      normal();
    }
  });
}

/** A JSON object from `body`, or undefined when it is not one. */
export function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Answers a body that is not a JSON object. */
export function refuseJson(res: http.ServerResponse): void {
  sendJson(res, 400, v3Error('invalid_request', 'The body must be a JSON object.', null, `${DOCS}#invalid-request`));
}
