/**
 * A record of the API requests the emulator answered (v3 and the legacy video routes): method, path, query, headers
 * with the key redacted, the JSON body, and the status answered (0 when none was: a reset or a stall), so a test can
 * assert what arrived and count, say, status polls.
 */
import type * as http from 'node:http';
import { redactHeaders } from './http';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The parsed JSON body, when the route read one (the raw text when it did not parse). */
  body?: unknown;
  status: number;
  /** Arrival, on the emulator's clock (ms since epoch). */
  at: number;
}

export class RequestLog {
  readonly entries: RecordedRequest[] = [];

  constructor(private readonly now: () => number) {}

  /** Records a request now; its status is filled in when the answer has been sent. */
  start(req: http.IncomingMessage, res: http.ServerResponse, url: URL): RecordedRequest {
    const entry: RecordedRequest = {
      method: req.method ?? '?',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: redactHeaders(req.headers),
      status: 0,
      at: this.now(),
    };
    this.entries.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    return entry;
  }

  /** How many requests of `method` went to a path matching `path` (exact text or a pattern). */
  count(method: string, path: string | RegExp): number {
    return this.entries.filter((e) => e.method === method && (typeof path === 'string' ? e.path === path : path.test(e.path))).length;
  }

  reset(): void {
    this.entries.length = 0;
  }
}
