/**
 * A loopback stand-in for HeyGen's `POST /v1/asset` (see shared/heygen-assets-api.md), used by the unit,
 * extension-host and UI tests, by `npm start` and by the benchmark. It answers in HeyGen's response shapes,
 * records what arrived (size and SHA-256, hashed while streaming), and can be told to misbehave.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HeygenLibrary, readJsonBody, type LibraryOptions } from './heygenLibrary';
import { paceReading, startV3, type V3Account, type V3Behavior, type V3StoredAsset } from './heygenV3';

export const DEFAULT_EMULATOR_KEY = 'hg-test-key-0123456789';
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
/** Bodies up to this size are kept so `GET /files/<id>.<ext>` can serve them (image previews in the editor). */
const KEEP_FILE_MAX_BYTES = 2 * 1024 * 1024;
const KEEP_TOTAL_MAX_BYTES = 32 * 1024 * 1024;
/** After refusing an oversize body, how much more is drained before the connection is cut. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

export interface EmulatorOptions {
  apiKey?: string;
  /** 0 (the default) picks any free port. */
  port?: number;
  maxBytes?: number;
  /** Origin used in `data.url`; defaults to the emulator's own origin. */
  publicOrigin?: string;
  /** The account's library (`GET /v3/assets`): how many assets it starts with. Uploads join it. */
  library?: LibraryOptions;
  /** The `max_bytes` a v3 direct-upload slot grants (larger sizes are refused); default 2 GiB. */
  v3DirectMaxBytes?: number;
}

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
  /** Reads the body no faster than this, as a real link would carry it; TCP back-pressure slows the client. */
  | { mode: 'bandwidth'; bytesPerSecond: number }
  | { mode: 'redirect'; location: string }
);

export interface ReceivedUpload {
  id: string;
  contentType: string;
  /** Bytes of the body that arrived (for a refused oversize body: how many were read before answering). */
  size: number;
  /** Hex SHA-256 of the bytes that arrived. */
  sha256: string;
  apiKeyOk: boolean;
  /** HTTP status answered; 0 when the connection was reset, stalled or aborted by the client. */
  status: number;
  /** Arrival time, ms since epoch. */
  at: number;
  /** Request headers, lower-case names, with the X-Api-Key value replaced by '[redacted]'. */
  headers: Record<string, string>;
  /** v3 requests only (v1 records leave these out). */
  api?: 'v3';
  /** Which v3 request: the multipart upload (`assets`) or the PUT to the storage host (`storage`). */
  route?: 'me' | 'assets' | 'slot' | 'storage' | 'complete';
  /** Multipart: the `file` part's filename and Content-Type; `size`/`sha256` are of that part's bytes. */
  fileName?: string;
  partContentType?: string;
  /** Multipart: the names of the form's fields, and the whole body's size. */
  formFields?: string[];
  bodySize?: number;
  /** Storage: an x-api-key header arrived (it must never). */
  apiKeyPresent?: boolean;
}

/** A request body that arrived whole, reported when its last byte came in: before the emulator answers (or not). */
export interface ArrivedBody {
  sha256: string;
  size: number;
  contentType: string;
}

export interface Emulator {
  origin: string;
  uploadUrl: string;
  apiKey: string;
  received: ReceivedUpload[];
  /**
   * Resolves with the first body since the last reset that has these bytes, as soon as it has arrived (also while the
   * answer is held back by 'slow' or 'stall'); rejects after `timeoutMs`. Over HTTP: GET /__emulator/body?sha256=…
   */
  bodyArrived(sha256: string, timeoutMs?: number): Promise<ArrivedBody>;
  /** The v3 library: seed, refuse, fail a delete, see the requests (also over `/__emulator/library/*`). */
  library: HeygenLibrary;
  behave(b: Behavior): void;
  reset(): void;
  close(): Promise<void>;
  /** `heygen.apiBaseUrl` for the v3 routes (the emulator's own origin). */
  apiBaseUrl: string;
  /** The direct-upload storage host (a second loopback port); it refuses anything carrying x-api-key. */
  storageOrigin: string;
  /** Every v3 API request that arrived ("GET /v3/users/me"), in order; the storage host's are in `received`. */
  v3Requests: string[];
  /** The v3 library: every asset made through v3 (multipart or completed direct upload), by id. */
  v3Assets: Map<string, V3StoredAsset>;
  /** What `GET /v3/users/me` answers; tests may change it (reset restores it). */
  v3Account: V3Account;
  /** Aims one v3 misbehaviour at a route (`on`, default the multipart upload). */
  behaveV3(b: V3Behavior): void;
  /** Expires every direct-upload slot not yet uploaded; returns how many. */
  expireV3Slots(): number;
  /** Hands out the next `count` slots already expired. */
  expireNextV3Slots(count: number): void;
  /** Makes slots accept only base64 checksums, so a hex one is refused (the sources disagree on the format). */
  setV3ChecksumFormat(format: 'hex' | 'base64'): void;
}

interface SupportedMime {
  mime: string;
  kind: 'image' | 'video' | 'audio';
  ext: string;
}

const SUPPORTED: readonly SupportedMime[] = [
  { mime: 'image/jpeg', kind: 'image', ext: 'jpg' },
  { mime: 'image/png', kind: 'image', ext: 'png' },
  { mime: 'video/mp4', kind: 'video', ext: 'mp4' },
  { mime: 'video/webm', kind: 'video', ext: 'webm' },
  { mime: 'audio/mpeg', kind: 'audio', ext: 'mp3' },
  { mime: 'audio/wav', kind: 'audio', ext: 'wav' },
];

const MODES = new Set([
  'normal', 'status', 'html502', 'rateLimit', 'malformed', 'code', 'reset', 'slow', 'stall', 'latency', 'redirect', 'bandwidth',
]);

function heygenError(code: number, message: string): string {
  return JSON.stringify({ code, data: null, msg: message, message });
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function redactHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) {
      continue;
    }
    out[name] = name === 'x-api-key' ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function isBehavior(value: unknown): value is Behavior {
  return typeof value === 'object' && value !== null && MODES.has((value as { mode?: unknown }).mode as string);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const apiKey = options.apiKey ?? DEFAULT_EMULATOR_KEY;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const received: ReceivedUpload[] = [];
  const files = new Map<string, { mime: string; bytes: Buffer }>();
  let keptBytes = 0;
  let behavior: Behavior = { mode: 'normal' };
  let remaining: number | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let origin = '';
  const bodies: ArrivedBody[] = [];
  const bodyWaiters = new Set<(body: ArrivedBody) => void>();

  function bodyArrived(sha256: string, timeoutMs = 30_000): Promise<ArrivedBody> {
    const wanted = sha256.toLowerCase();
    const already = bodies.find((b) => b.sha256 === wanted);
    if (already) {
      return Promise.resolve(already);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        bodyWaiters.delete(waiter);
        reject(new Error(`no body with sha256 ${wanted.slice(0, 12)}… arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      const waiter = (body: ArrivedBody): void => {
        if (body.sha256 === wanted) {
          clearTimeout(timer);
          bodyWaiters.delete(waiter);
          resolve(body);
        }
      };
      bodyWaiters.add(waiter);
    });
  }

  /** Takes the behaviour for one upload request, counting down `times`. */
  function nextBehavior(): Behavior {
    const current = behavior;
    if (remaining !== undefined) {
      remaining -= 1;
      if (remaining <= 0) {
        behavior = { mode: 'normal' };
        remaining = undefined;
      }
    }
    return current;
  }

  function later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  function keepFile(id: string, mime: string, bytes: Buffer): void {
    files.set(id, { mime, bytes });
    keptBytes += bytes.length;
    // Oldest first: Map iteration follows insertion order.
    for (const [key, value] of files) {
      if (keptBytes <= KEEP_TOTAL_MAX_BYTES) {
        break;
      }
      files.delete(key);
      keptBytes -= value.bytes.length;
    }
  }

  function handleUpload(req: http.IncomingMessage, res: http.ServerResponse): void {
    const b = nextBehavior();
    const hash = createHash('sha256');
    const rawType = req.headers['content-type'] ?? '';
    const mediaType = rawType.split(';')[0].trim().toLowerCase();
    const supported = SUPPORTED.find((s) => s.mime === mediaType);
    const entry: ReceivedUpload = {
      id: hex(16),
      contentType: rawType,
      size: 0,
      sha256: '',
      apiKeyOk: req.headers['x-api-key'] === apiKey,
      status: 0,
      at: Date.now(),
      headers: redactHeaders(req.headers),
    };
    let recorded = false;
    let complete = false;
    let digest: string | undefined;
    const sha256 = (): string => (digest ??= hash.digest('hex'));
    let answered = false;
    let stopCounting = false;
    // Only small bodies are kept in memory, and only while they stay small.
    let chunks: Buffer[] | undefined = [];

    const record = (status: number): void => {
      if (recorded) {
        return;
      }
      recorded = true;
      entry.status = status;
      entry.sha256 = sha256();
      received.push(entry);
    };

    const answer = (status: number, body: string, headers: Record<string, string> = {}): void => {
      if (answered) {
        return;
      }
      answered = true;
      if (res.destroyed) {
        record(0);
        return;
      }
      record(status);
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
        ...headers,
      });
      res.end(body);
    };

    const resetAfter = b.mode === 'reset' ? (b.afterBytes ?? 0) : undefined;
    if (resetAfter === 0) {
      record(0);
      req.socket.destroy();
      return;
    }

    const started = performance.now();
    req.on('data', (chunk: Buffer) => {
      if (stopCounting) {
        return;
      }
      entry.size += chunk.length;
      hash.update(chunk);
      if (b.mode === 'bandwidth') {
        paceReading(req, entry.size, started, b.bytesPerSecond, later);
      }
      if (chunks) {
        chunks.push(chunk);
        if (entry.size > KEEP_FILE_MAX_BYTES) {
          chunks = undefined;
        }
      }
      if (resetAfter !== undefined && entry.size >= resetAfter) {
        stopCounting = true;
        record(0);
        req.socket.destroy();
        return;
      }
      if (entry.size > maxBytes) {
        // Answer at once and stop counting. The rest of the body is drained, not read (as nginx's lingering close
        // does): closing now would reset the connection under a client still sending, and it would never see the 413.
        stopCounting = true;
        chunks = undefined;
        answer(413, heygenError(40013, `File size exceeds the limit of ${maxBytes} bytes.`));
        let drained = 0;
        req.on('data', (rest: Buffer) => {
          drained += rest.length;
          if (drained > DRAIN_MAX_BYTES) {
            req.socket.destroy();
          }
        });
      }
    });
    req.on('close', () => {
      // The client went away before we answered (cancelled upload, client-side timeout, …).
      if (!complete && !answered) {
        record(0);
      }
    });
    req.on('end', () => {
      complete = true;
      if (!stopCounting) {
        const arrived: ArrivedBody = { sha256: sha256(), size: entry.size, contentType: rawType };
        bodies.push(arrived);
        for (const waiter of [...bodyWaiters]) {
          waiter(arrived);
        }
      }
      if (answered || recorded) {
        return;
      }
      const body = chunks ? Buffer.concat(chunks) : undefined;
      chunks = undefined;
      respond(b, body);
    });

    const respond = (bh: Behavior, body: Buffer | undefined): void => {
      switch (bh.mode) {
        case 'status':
          answer(bh.status, bh.body ?? heygenError(bh.status, http.STATUS_CODES[bh.status] ?? 'Error'), {
            'Content-Type': bh.contentType ?? 'application/json; charset=utf-8',
          });
          return;
        case 'html502':
          answer(
            502,
            '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
            { 'Content-Type': 'text/html' },
          );
          return;
        case 'rateLimit':
          // HeyGen's newer error shape, so clients are exercised on both.
          answer(
            429,
            JSON.stringify({
              error: { code: 'rate_limit_exceeded', message: 'Too many requests, please retry later.', doc_url: null, param: null },
            }),
            { 'Retry-After': String(bh.retryAfterSeconds) },
          );
          return;
        case 'malformed':
          answer(200, '{"code":100,"data":{"id":"abc", "url": ');
          return;
        case 'code':
          answer(200, heygenError(bh.code, bh.message));
          return;
        case 'redirect':
          answer(307, heygenError(307, 'Moved'), { Location: bh.location });
          return;
        case 'stall':
          // Never answer; the client's idle timeout has to notice. Recorded now so tests can see it arrived.
          record(0);
          return;
        case 'slow':
          later(bh.delayMs, () => respond({ mode: 'normal' }, body));
          return;
        case 'latency':
          later(bh.ms, () => respond({ mode: 'normal' }, body));
          return;
        case 'reset':
          // The body ended before afterBytes: reset now.
          record(0);
          req.socket.destroy();
          return;
        case 'normal':
        case 'bandwidth':
          break;
      }
      if (!entry.apiKeyOk) {
        answer(401, heygenError(400112, 'Unauthorized'));
        return;
      }
      if (!supported) {
        answer(
          400,
          heygenError(
            40010,
            `Invalid content type "${mediaType || '(none)'}": supported types are ${SUPPORTED.map((s) => s.mime).join(', ')}.`,
          ),
        );
        return;
      }
      if (entry.size === 0) {
        answer(400, heygenError(40001, 'asset data must be provided'));
        return;
      }
      const id = entry.id;
      const nameHeader = req.headers['x-file-name'];
      const name = typeof nameHeader === 'string' && nameHeader ? safeDecode(nameHeader) : `asset_${id.slice(0, 8)}`;
      if (body) {
        keepFile(`${id}.${supported.ext}`, supported.mime, body);
      }
      const publicUrl = `${options.publicOrigin ?? origin}/files/${id}.${supported.ext}`;
      library.add({ id, name, type: supported.kind, uploaded_at: Math.floor(Date.now() / 1000), url: publicUrl });
      answer(
        200,
        JSON.stringify({
          code: 100,
          data: {
            id,
            name,
            file_type: supported.kind,
            url: publicUrl,
            image_key: supported.kind === 'image' ? `image/${id}/original` : null,
            folder_id: '',
            meta: null,
            created_ts: Math.floor(Date.now() / 1000),
          },
          msg: null,
          message: null,
        }),
      );
    };
  }

  const readJson = (req: http.IncomingMessage): Promise<unknown> => readJsonBody(req, 64 * 1024);

  function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
    const body = JSON.stringify(value);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  }

  function behave(b: Behavior): void {
    if (!isBehavior(b)) {
      throw new Error(`Unknown emulator behaviour: ${JSON.stringify(b)}`);
    }
    behavior = b;
    remaining = b.times !== undefined && b.times > 0 ? b.times : undefined;
  }

  function reset(): void {
    v3.reset();
    received.length = 0;
    bodies.length = 0;
    behavior = { mode: 'normal' };
    remaining = undefined;
    files.clear();
    keptBytes = 0;
    library.reset();
  }

  const v3 = await startV3({ apiKey, origin: () => options.publicOrigin ?? origin, received, keepFile, directMaxBytes: options.v3DirectMaxBytes });
  const library = new HeygenLibrary({
    ...options.library,
    apiKey,
    origin: () => options.publicOrigin ?? origin,
    account: () => v3.account.username,
    v3Assets: v3.assets,
  });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    if (v3.handle(req, res, url)) {
      return;
    }
    if (path === '/v1/asset') {
      if (req.method === 'POST') {
        handleUpload(req, res);
      } else {
        req.resume();
        sendJson(res, 405, JSON.parse(heygenError(405, 'Method not allowed')));
      }
      return;
    }
    if (path === '/__emulator/received' && req.method === 'GET') {
      req.resume();
      sendJson(res, 200, received);
      return;
    }
    if (path === '/__emulator/body' && req.method === 'GET') {
      req.resume();
      const timeoutMs = Math.min(Number(url.searchParams.get('timeoutMs') ?? 30_000) || 30_000, 120_000);
      bodyArrived(url.searchParams.get('sha256') ?? '', timeoutMs).then(
        (body) => sendJson(res, 200, body),
        (err: unknown) => sendJson(res, 408, { ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
      return;
    }
    if (path === '/__emulator/reset' && req.method === 'POST') {
      req.resume();
      reset();
      sendJson(res, 200, { ok: true });
      return;
    }
    if (path === '/__emulator/behave' && req.method === 'POST') {
      readJson(req).then(
        (value) => {
          if (!isBehavior(value)) {
            sendJson(res, 400, { ok: false, error: 'expected a JSON Behavior with a known "mode"' });
            return;
          }
          behave(value);
          sendJson(res, 200, { ok: true });
        },
        (err: unknown) => sendJson(res, 400, { ok: false, error: String(err) }),
      );
      return;
    }
    if (library.handle(req, res, url)) {
      return;
    }
    const file = /^\/files\/([0-9a-f]{32}\.[a-z0-9]+)$/.exec(path);
    if (file && (req.method === 'GET' || req.method === 'HEAD')) {
      req.resume();
      const stored = files.get(file[1]);
      if (!stored) {
        sendJson(res, 404, JSON.parse(heygenError(404, 'Not found')));
        return;
      }
      res.writeHead(200, { 'Content-Type': stored.mime, 'Content-Length': String(stored.bytes.length) });
      res.end(req.method === 'HEAD' ? undefined : stored.bytes);
      return;
    }
    req.resume();
    sendJson(res, 404, JSON.parse(heygenError(404, 'Not found')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client error (for example a reset) must not crash the test process.
  server.on('clientError', (_err, socket) => socket.destroy());
  // No request timeout: a slow upload on purpose must not be cut by the server.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  // Seeded again now that the URLs can name the origin.
  library.reset();

  return {
    origin,
    uploadUrl: `${origin}/v1/asset`,
    apiKey,
    received,
    bodyArrived,
    library,
    behave,
    reset,
    apiBaseUrl: origin,
    storageOrigin: v3.storageOrigin,
    v3Requests: v3.requests,
    v3Assets: v3.assets,
    v3Account: v3.account,
    behaveV3: (b) => v3.behave(b),
    expireV3Slots: () => v3.expireSlots(),
    expireNextV3Slots: (count) => v3.expireNextSlots(count),
    setV3ChecksumFormat: (format) => v3.setChecksumFormat(format),
    close: () =>
      Promise.all([
        v3.close(),
        new Promise<void>((resolve) => {
          for (const t of timers) {
            clearTimeout(t);
          }
          timers.clear();
          server.close(() => resolve());
          for (const socket of sockets) {
            socket.destroy();
          }
        }),
      ]).then(() => undefined),
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
