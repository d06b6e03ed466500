/**
 * v3's cursor paging (`limit` and `token` in the query; `has_more` and `next_token` in the answer) over any list the
 * emulator holds, and the checks every list route shares.
 */
import { createHash } from 'node:crypto';
import { ParamError } from './errors';

/** The `limit` of a list request: `fallback` when absent, else an integer from 1 to `max` (a 400 otherwise). */
export function parseLimit(query: URLSearchParams, fallback: number, max: number): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') {
    return fallback;
  }
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ParamError('limit', `limit must be an integer from 1 to ${max}.`);
  }
  return limit;
}

/** A query value that must be one of `allowed` when present (a 400 naming it otherwise). */
export function parseEnum<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') {
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ParamError(name, `${name} must be one of ${allowed.join(', ')}.`);
  }
  return raw as T;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_token: string | null;
}

/**
 * One page of `items` (in their order) after the place `token` marks. The token names the last item given (its `key`)
 * and where it stood, so a page stays right when items are added before it or the marked item is deleted.
 */
export function pageOf<T>(items: readonly T[], limit: number, token: string | null, key: (item: T) => string): Page<T> {
  let start = 0;
  if (token) {
    const cursor = decode(token);
    if (!cursor) {
      throw new ParamError('token', 'token is not valid.');
    }
    const [index, lastKey] = cursor;
    const found = items.findIndex((item) => key(item) === lastKey);
    start = found >= 0 ? found + 1 : Math.min(index, items.length);
  }
  const data = items.slice(start, start + limit);
  const hasMore = start + limit < items.length;
  return { data, has_more: hasMore, next_token: hasMore ? encode(start + data.length - 1, key(data[data.length - 1])) : null };
}

function encode(index: number, key: string): string {
  return Buffer.from(JSON.stringify([index, key]), 'utf8').toString('base64url');
}

function decode(token: string): [number, string] | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && Number.isInteger(value[0]) && typeof value[1] === 'string') {
      return [value[0] as number, value[1]];
    }
  } catch {
    // Not one of ours.
  }
  return undefined;
}

/** A stable 32-hex-digit id for the `n`th seeded thing of a kind (the same every run). */
export function seededId(kind: string, n: number): string {
  return createHash('sha256').update(`${kind}:${n}`).digest('hex').slice(0, 32);
}
