/**
 * HeyGen's `POST /v1/asset` (see shared/heygen-assets-api.md): a raw body with the file's MIME type, answered in v1's
 * shapes. The body is hashed and counted while it streams; an oversize one is refused as soon as the count passes the
 * limit. Every attempt is recorded, and the route misbehaves as `behave()` says.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { v1Error } from './errors';
import { isBehavior, paceReading, type Behavior } from './faults';
import { redactHeaders } from './http';
import type { Arrivals, ReceivedLog, ReceivedUpload } from './received';

/** Bodies up to this size are kept so `GET /files/<id>.<ext>` can serve them (image previews in the editor). */
const KEEP_FILE_MAX_BYTES = 2 * 1024 * 1024;
/** After refusing an oversize body, how much more is drained before the connection is cut. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

const SUPPORTED: ReadonlyArray<{ mime: string; kind: 'image' | 'video' | 'audio'; ext: string }> = [
  { mime: 'image/jpeg', kind: 'image', ext: 'jpg' },
  { mime: 'image/png', kind: 'image', ext: 'png' },
  { mime: 'video/mp4', kind: 'video', ext: 'mp4' },
  { mime: 'video/webm', kind: 'video', ext: 'webm' },
  { mime: 'audio/mpeg', kind: 'audio', ext: 'mp3' },
  { mime: 'audio/wav', kind: 'audio', ext: 'wav' },
];

export interface V1UploadOptions {
  apiKey: string;
  maxBytes: number;
  received: ReceivedLog;
  arrivals: Arrivals;
  /** Where a stored file is served (`data.url`). */
  publicOrigin: () => string;
  later: (ms: number, fn: () => void) => void;
  keepFile: (name: string, mime: string, bytes: Buffer) => void;
  /** An accepted upload joins the library, as on HeyGen. */
  addToLibrary: (asset: { id: string; name: string; type: string; uploaded_at: number; url: string }) => void;
  nowSeconds: () => number;
}

export class V1Upload {
  private behavior: Behavior = { mode: 'normal' };
  private remaining: number | undefined;

  constructor(private readonly o: V1UploadOptions) {}

  behave(b: Behavior): void {
    if (!isBehavior(b)) {
      throw new Error(`Unknown emulator behaviour: ${JSON.stringify(b)}`);
    }
    this.behavior = b;
    this.remaining = b.times !== undefined && b.times > 0 ? b.times : undefined;
  }

  reset(): void {
    this.behavior = { mode: 'normal' };
    this.remaining = undefined;
  }

  /** Takes the behaviour for one upload request, counting down `times`. */
  private next(): Behavior {
    const current = this.behavior;
    if (this.remaining !== undefined) {
      this.remaining -= 1;
      if (this.remaining <= 0) {
        this.reset();
      }
    }
    return current;
  }

  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const o = this.o;
    const b = this.next();
    const hash = createHash('sha256');
    const rawType = req.headers['content-type'] ?? '';
    const mediaType = rawType.split(';')[0].trim().toLowerCase();
    const supported = SUPPORTED.find((s) => s.mime === mediaType);
    const entry: ReceivedUpload = o.received.open({
      id: randomBytes(16).toString('hex'),
      contentType: rawType,
      size: 0,
      sha256: '',
      apiKeyOk: req.headers['x-api-key'] === o.apiKey,
      status: 0,
      at: Date.now(),
      headers: redactHeaders(req.headers),
    });
    let recorded = false;
    let complete = false;
    let digest: string | undefined;
    const sha256 = (): string => (digest ??= hash.digest('hex'));
    let answered = false;
    let stopCounting = false;
    // Only small bodies are kept in memory, and only while they stay small.
    let chunks: Buffer[] | undefined = [];

    const record = (status: number): void => {
      if (!recorded) {
        recorded = true;
        entry.status = status;
        entry.sha256 = sha256();
        o.received.push(entry);
      }
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
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
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
        paceReading(req, entry.size, started, b.bytesPerSecond, o.later);
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
      if (entry.size > o.maxBytes) {
        // Answer at once and stop counting. The rest of the body is drained, not read (as nginx's lingering close
        // does): closing now would reset the connection under a client still sending, and it would never see the 413.
        stopCounting = true;
        chunks = undefined;
        answer(413, v1Error(40013, `File size exceeds the limit of ${o.maxBytes} bytes.`));
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
        o.arrivals.add({ sha256: sha256(), size: entry.size, contentType: rawType });
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
          answer(bh.status, bh.body ?? v1Error(bh.status, http.STATUS_CODES[bh.status] ?? 'Error'), {
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
            JSON.stringify({ error: { code: 'rate_limit_exceeded', message: 'Too many requests, please retry later.', doc_url: null, param: null } }),
            { 'Retry-After': String(bh.retryAfterSeconds) },
          );
          return;
        case 'malformed':
          answer(200, '{"code":100,"data":{"id":"abc", "url": ');
          return;
        case 'code':
          answer(200, v1Error(bh.code, bh.message));
          return;
        case 'redirect':
          answer(307, v1Error(307, 'Moved'), { Location: bh.location });
          return;
        case 'stall':
          // Never answer; the client's idle timeout has to notice. Recorded now so tests can see it arrived.
          record(0);
          return;
        case 'slow':
          o.later(bh.delayMs, () => respond({ mode: 'normal' }, body));
          return;
        case 'latency':
          o.later(bh.ms, () => respond({ mode: 'normal' }, body));
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
        answer(401, v1Error(400112, 'Unauthorized'));
        return;
      }
      if (!supported) {
        answer(400, v1Error(40010, `Invalid content type "${mediaType || '(none)'}": supported types are ${SUPPORTED.map((s) => s.mime).join(', ')}.`));
        return;
      }
      if (entry.size === 0) {
        answer(400, v1Error(40001, 'asset data must be provided'));
        return;
      }
      const id = entry.id;
      const nameHeader = req.headers['x-file-name'];
      const name = typeof nameHeader === 'string' && nameHeader ? safeDecode(nameHeader) : `asset_${id.slice(0, 8)}`;
      if (body) {
        o.keepFile(`${id}.${supported.ext}`, supported.mime, body);
      }
      const publicUrl = `${o.publicOrigin()}/files/${id}.${supported.ext}`;
      const createdTs = o.nowSeconds();
      o.addToLibrary({ id, name, type: supported.kind, uploaded_at: createdTs, url: publicUrl });
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
            created_ts: createdTs,
          },
          msg: null,
          message: null,
        }),
      );
    };
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
