/**
 * A plain node:http client for the emulator's own tests, so the emulator is tested independently of the product's
 * undici client. Not a test file itself.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
  text: string;
  /** The body parsed as JSON (throws when it is not). */
  json<T = Record<string, unknown>>(): T;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  /** The body, or its pieces written one after another (each after the last was flushed). */
  body?: Buffer | string | Buffer[];
  /** A JSON body (sets Content-Type). */
  json?: unknown;
  timeoutMs?: number;
}

export function send(url: string, options: SendOptions = {}): Promise<Reply> {
  const headers = { ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(parts);
        const text = bytes.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.timeoutMs) {
      req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    }
    if (Array.isArray(body)) {
      const pieces = [...body];
      const next = (): void => {
        const piece = pieces.shift();
        if (piece === undefined) {
          req.end();
        } else {
          req.write(piece, () => setImmediate(next));
        }
      };
      next();
    } else {
      req.end(body);
    }
  });
}

export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** Headers with the emulator's key (and a JSON content type). */
export const keyed = (apiKey: string, extra: Record<string, string> = {}): Record<string, string> => ({ 'x-api-key': apiKey, ...extra });

/** The v3 error envelope's `error` object of a reply. */
export function v3ErrorOf(reply: Reply): { code: string; message: string; param: string | null; doc_url: string | null } {
  return reply.json<{ error: { code: string; message: string; param: string | null; doc_url: string | null } }>().error;
}

/** Downloads `url`, hashing while it streams (a 50 MB video is never held): status, size and SHA-256 of the body. */
export function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; size: number; sha256: string; head: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        const hash = createHash('sha256');
        let size = 0;
        const head: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          if (size < 64) {
            head.push(chunk.subarray(0, 64 - size));
          }
          size += chunk.length;
          hash.update(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, size, sha256: hash.digest('hex'), head: Buffer.concat(head) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Waits, a turn of the event loop at a time (never a timer), until `condition` holds; fails after `turns`. */
export async function until(condition: () => boolean, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) {
      return;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the condition never held');
}
