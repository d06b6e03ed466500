/**
 * HeyGen API v3 for the emulator, written from shared/notes/heygen-v3-api.md: `GET /v3/users/me`, multipart
 * `POST /v3/assets` (parsed with a real multipart parser: the Fetch API's `Request.formData()`), direct uploads
 * (`POST /v3/assets/direct-uploads`, a `PUT` to a storage host on a second loopback port, `POST
 * /v3/assets/{id}/complete`), the `{"error": {code, message, param, doc_url}}` envelope, and the same misbehaviours
 * as v1. Every upload is recorded in the emulator's shared `received` list, so tests check bytes the same way.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Behavior, ReceivedUpload } from './heygenEmulator';
import { boundaryOf, MultipartStream, type ReceivedForm } from './multipartStream';

/** `POST /v3/assets` takes up to 32 MB (HeyGen's limit); larger files go through direct uploads. */
export const V3_MULTIPART_MAX_BYTES = 32 * 1024 * 1024;
/** What the emulator grants a direct-upload slot (`max_bytes`) unless told otherwise. */
const DEFAULT_DIRECT_MAX_BYTES = 2 * 1024 * 1024 * 1024;
const SLOT_SECONDS = 3600;
/** Bodies up to this size are kept in memory so `/files/<id>.<ext>` can serve them. */
const KEEP_FILE_MAX_BYTES = 2 * 1024 * 1024;
/**
 * Forms declared larger than this are hashed while they arrive (their file is too large to be kept anyway); smaller
 * ones go to undici's parser whole.
 */
const STREAMED_FORM_MIN_BYTES = KEEP_FILE_MAX_BYTES + 64 * 1024;

/** The v3 routes a behaviour can be aimed at. */
export type V3Route = 'me' | 'assets' | 'slot' | 'storage' | 'complete';
export type V3Behavior = Behavior & {
  /** Which request misbehaves; default `assets` (the multipart upload). */
  on?: V3Route;
};

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

interface Slot {
  assetId: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  checksum?: string;
  token: string;
  expiresAt: number;
  expired: boolean;
  /** Set when the storage host has the bytes. */
  uploaded?: { sha256: string; size: number };
  completed: boolean;
}

export interface V3Options {
  apiKey: string;
  /** The emulator's own origin (for `url`), resolved once it listens. */
  origin(): string;
  received: ReceivedUpload[];
  keepFile(name: string, mime: string, bytes: Buffer): void;
  /** Largest `max_bytes` a slot is granted. */
  directMaxBytes?: number;
}

export interface V3Server {
  storageOrigin: string;
  /** Every v3 API request that arrived ("GET /v3/users/me"), known route or not, in order. */
  requests: string[];
  assets: Map<string, V3StoredAsset>;
  account: V3Account;
  /** Answers a request when it is a v3 route or a v3 control route; false when it is not ours. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean;
  behave(b: V3Behavior): void;
  /** Every slot not yet uploaded expires now (storage then refuses its URL). */
  expireSlots(): number;
  /** The next `count` slots are handed out already expired, as if the PUT came after `expires_in_seconds`. */
  expireNextSlots(count: number): void;
  /** How slots refuse a hex checksum, to exercise the client's fallback: 'none' accepts hex (the schema). */
  setChecksumFormat(format: 'hex' | 'base64'): void;
  reset(): void;
  close(): Promise<void>;
}

const V3_MODES = new Set(['normal', 'status', 'html502', 'rateLimit', 'malformed', 'reset', 'slow', 'stall', 'latency', 'redirect']);

export function v3Error(code: string, message: string, param: string | null = null, docUrl: string | null = null): string {
  return JSON.stringify({ error: { code, message, param, doc_url: docUrl } });
}

const DOCS = 'https://docs.heygen.com/reference/errors';

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function redactHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) {
      out[name] = name === 'x-api-key' ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return out;
}

/** What HeyGen detects from the bytes (the answer's `mime_type`); undefined for types it refuses. */
function detectMime(head: Buffer): { mime: string; type: V3StoredAsset['type']; ext: string } | undefined {
  const at = (offset: number, text: string): boolean => head.subarray(offset, offset + text.length).toString('latin1') === text;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
    return { mime: 'image/jpeg', type: 'image', ext: 'jpg' };
  }
  if (at(0, '\x89PNG\r\n\x1a\n')) {
    return { mime: 'image/png', type: 'image', ext: 'png' };
  }
  if (at(4, 'ftyp')) {
    return { mime: 'video/mp4', type: 'video', ext: 'mp4' };
  }
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return { mime: 'video/webm', type: 'video', ext: 'webm' };
  }
  if (at(0, 'RIFF') && at(8, 'WAVE')) {
    return { mime: 'audio/wav', type: 'audio', ext: 'wav' };
  }
  if (at(0, 'ID3') || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0)) {
    return { mime: 'audio/mpeg', type: 'audio', ext: 'mp3' };
  }
  if (at(0, '%PDF-')) {
    return { mime: 'application/pdf', type: 'pdf', ext: 'pdf' };
  }
  return undefined;
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

/** The status a fault answers with (0 when it answers nothing: reset, stall). */
function faultStatus(b: Behavior): number {
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

export async function startV3(options: V3Options): Promise<V3Server> {
  const assets = new Map<string, V3StoredAsset>();
  const requests: string[] = [];
  const slots = new Map<string, Slot>();
  const account: V3Account = structuredClone(DEFAULT_V3_ACCOUNT);
  const signingKey = randomBytes(32);
  let checksumFormat: 'hex' | 'base64' = 'hex';
  let expireNext = 0;
  let behavior: V3Behavior = { mode: 'normal' };
  let remaining: number | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const directMaxBytes = options.directMaxBytes ?? DEFAULT_DIRECT_MAX_BYTES;
  let storageOrigin = '';

  function later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  /** The behaviour for one request on `route`, counting down `times`; other routes behave normally. */
  function behaviorFor(route: V3Route): Behavior {
    if ((behavior.on ?? 'assets') !== route || behavior.mode === 'normal') {
      return { mode: 'normal' };
    }
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

  function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) {
      return;
    }
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      ...headers,
    });
    res.end(body);
  }

  /**
   * Answers as `b` says when it is a misbehaviour, true if it did; `normal` (and `bandwidth`) leave the answer to the
   * route. `then` is the normal answer, for the delayed modes.
   */
  function misbehave(b: Behavior, req: http.IncomingMessage, res: http.ServerResponse, then: () => void): boolean {
    switch (b.mode) {
      case 'status':
        send(res, b.status, b.body ?? v3Error(b.status >= 500 ? 'internal_error' : 'bad_request', http.STATUS_CODES[b.status] ?? 'Error'), {
          'Content-Type': b.contentType ?? 'application/json; charset=utf-8',
        });
        return true;
      case 'html502':
        send(res, 502, '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body>\r\n</html>\r\n', {
          'Content-Type': 'text/html',
        });
        return true;
      case 'rateLimit':
        send(res, 429, v3Error('rate_limit_exceeded', 'Too many requests, please retry later.', null, `${DOCS}#rate-limits`), {
          'Retry-After': String(b.retryAfterSeconds),
        });
        return true;
      case 'malformed':
        send(res, 200, '{"data":{"asset_id":"abc", "url": ');
        return true;
      case 'redirect':
        send(res, 307, v3Error('moved', 'Moved'), { Location: b.location });
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
   * Reads the whole body (bounded), or resets the connection mid-body when the behaviour says so. With `sink`, the
   * bytes within the limit go to it as they arrive instead of being kept (`body` is then empty).
   */
  function readBody(
    req: http.IncomingMessage,
    b: Behavior,
    limit: number,
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

  function authorized(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (req.headers['x-api-key'] === options.apiKey) {
      return true;
    }
    send(res, 401, v3Error('unauthorized', 'Invalid API key.', null, `${DOCS}#unauthorized`));
    return false;
  }

  function entryFor(req: http.IncomingMessage, route: 'assets' | 'storage'): ReceivedUpload {
    return {
      id: '',
      contentType: req.headers['content-type'] ?? '',
      size: 0,
      sha256: '',
      apiKeyOk: req.headers['x-api-key'] === options.apiKey,
      status: 0,
      at: Date.now(),
      headers: redactHeaders(req.headers),
      api: 'v3',
      route,
    };
  }

  function store(asset: V3StoredAsset, bytes: Buffer | undefined, ext: string): void {
    assets.set(asset.id, asset);
    if (bytes && bytes.length <= KEEP_FILE_MAX_BYTES) {
      options.keepFile(`${asset.id}.${ext}`, asset.mime_type, bytes);
    }
  }

  function fileUrl(id: string, ext: string): string {
    return `${options.origin()}/files/${id}.${ext}`;
  }

  function handleMe(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    const answer = (): void => {
      if (authorized(req, res)) {
        send(res, 200, JSON.stringify({ data: account }));
      }
    };
    if (!misbehave(behaviorFor('me'), req, res, answer)) {
      answer();
    }
  }

  /** A small form, buffered and read by undici's `formData()`: a real parser reads what the tests send. */
  async function bufferedForm(req: http.IncomingMessage, b: Behavior): Promise<{ bodySize: number; over: boolean; form?: ReceivedForm } | undefined> {
    const read = await readBody(req, b, V3_MULTIPART_MAX_BYTES + 64 * 1024);
    if (!read) {
      return undefined;
    }
    if (read.over) {
      return { bodySize: read.body.length, over: true };
    }
    try {
      const parsed = await new Request('http://emulator.invalid/', {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type'] ?? '') },
        body: read.body,
      }).formData();
      const part = parsed.get('file');
      const bytes = part instanceof File ? Buffer.from(await part.arrayBuffer()) : undefined;
      const form: ReceivedForm = { fields: [...parsed.keys()] };
      if (part instanceof File && bytes) {
        form.file = {
          name: part.name,
          type: part.type,
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          head: bytes.subarray(0, 64),
          bytes,
        };
      }
      return { bodySize: read.body.length, over: false, form };
    } catch {
      return { bodySize: read.body.length, over: false };
    }
  }

  /** A large form, hashed while it arrives (multipartStream.ts says why). */
  async function streamedForm(req: http.IncomingMessage, b: Behavior, boundary: string): Promise<{ bodySize: number; over: boolean; form?: ReceivedForm } | undefined> {
    const parser = new MultipartStream(boundary);
    const read = await readBody(req, b, V3_MULTIPART_MAX_BYTES + 64 * 1024, (chunk) => parser.write(chunk));
    if (!read) {
      return undefined;
    }
    return { bodySize: read.size, over: read.over, form: read.over ? undefined : await parser.end() };
  }

  function handleMultipart(req: http.IncomingMessage, res: http.ServerResponse): void {
    const b = behaviorFor('assets');
    const entry = entryFor(req, 'assets');
    const boundary = boundaryOf(String(req.headers['content-type'] ?? ''));
    const declared = Number(req.headers['content-length']);
    const large = boundary !== undefined && Number.isFinite(declared) && declared > STREAMED_FORM_MIN_BYTES;
    void (large ? streamedForm(req, b, boundary) : bufferedForm(req, b)).then((read) => {
      if (!read) {
        options.received.push(entry);
        return;
      }
      entry.bodySize = read.bodySize;
      // Parsed first, so even a request answered with a fault is recorded with the file it carried.
      const file = read.form?.file;
      if (read.form) {
        entry.formFields = read.form.fields;
      }
      if (file) {
        entry.size = file.size;
        entry.sha256 = file.sha256;
        entry.fileName = file.name;
        entry.partContentType = file.type;
      }
      const answer = (): void => {
        const reply = (status: number, body: string): void => {
          entry.status = status;
          options.received.push(entry);
          send(res, status, body);
        };
        if (read.over) {
          reply(413, v3Error('file_too_large', `File exceeds the ${V3_MULTIPART_MAX_BYTES} byte limit; use a direct upload.`, 'file', `${DOCS}#file-too-large`));
          return;
        }
        if (!entry.apiKeyOk) {
          reply(401, v3Error('unauthorized', 'Invalid API key.', null, `${DOCS}#unauthorized`));
          return;
        }
        if (!file) {
          reply(400, v3Error('invalid_parameter', 'multipart/form-data with a "file" part is required.', 'file', `${DOCS}#invalid-parameter`));
          return;
        }
        const detected = detectMime(file.head);
        if (!detected || file.size === 0) {
          reply(400, v3Error('unsupported_media_type', 'The file type is not supported.', 'file', `${DOCS}#unsupported-media-type`));
          return;
        }
        const id = hex(16);
        entry.id = id;
        const asset: V3StoredAsset = {
          id,
          name: file.name,
          type: detected.type,
          owner: account.username,
          space_id: 'space_emulator',
          folder_id: null,
          uploaded_at: Math.floor(Date.now() / 1000),
          url: fileUrl(id, detected.ext),
          mime_type: detected.mime,
          size_bytes: file.size,
          sha256: entry.sha256,
          status: 'completed',
          via: 'multipart',
        };
        store(asset, file.bytes, detected.ext);
        reply(200, JSON.stringify({ data: { asset_id: id, url: asset.url, mime_type: asset.mime_type, size_bytes: asset.size_bytes } }));
      };
      if (b.mode !== 'slow' && b.mode !== 'latency' && b.mode !== 'normal' && b.mode !== 'bandwidth') {
        // The fault answers instead; the attempt is still on record (status 0 when nothing was answered).
        entry.status = faultStatus(b);
        options.received.push(entry);
      }
      if (!misbehave(b, req, res, answer)) {
        answer();
      }
    });
  }

  function signature(slot: Pick<Slot, 'assetId' | 'sizeBytes' | 'checksum' | 'expiresAt'>): string {
    return createHmac('sha256', signingKey).update(`${slot.assetId}|${slot.sizeBytes}|${slot.checksum ?? ''}|${slot.expiresAt}`).digest('hex');
  }

  /**
   * A JSON route: reads the (small) body, lets the route's misbehaviour answer if there is one, else checks the key
   * and calls `answer` with the body.
   */
  function jsonRoute(req: http.IncomingMessage, res: http.ServerResponse, route: V3Route, answer: (body: Buffer) => void): void {
    const b = behaviorFor(route);
    void readBody(req, b, 64 * 1024).then((read) => {
      if (!read) {
        return;
      }
      const normal = (): void => {
        if (authorized(req, res)) {
          answer(read.body);
        }
      };
      if (!misbehave(b, req, res, normal)) {
        normal();
      }
    });
  }

  function handleSlot(req: http.IncomingMessage, res: http.ServerResponse): void {
    jsonRoute(req, res, 'slot', (body) => {
        let json: Record<string, unknown>;
        try {
          json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        } catch {
          send(res, 400, v3Error('invalid_json', 'The body is not valid JSON.'));
          return;
        }
        const { filename, content_type: contentType, size_bytes: sizeBytes, checksum_sha256: checksum } = json;
        if (typeof filename !== 'string' || !filename || typeof contentType !== 'string' || !contentType) {
          send(res, 400, v3Error('invalid_parameter', 'filename and content_type are required.', typeof filename === 'string' ? 'content_type' : 'filename'));
          return;
        }
        if (typeof sizeBytes !== 'number' || !Number.isInteger(sizeBytes) || sizeBytes <= 0) {
          send(res, 400, v3Error('invalid_parameter', 'size_bytes must be a positive integer.', 'size_bytes'));
          return;
        }
        if (sizeBytes > directMaxBytes) {
          send(res, 400, v3Error('file_too_large', `size_bytes exceeds the maximum of ${directMaxBytes} bytes.`, 'size_bytes', `${DOCS}#file-too-large`));
          return;
        }
        if (checksum !== undefined) {
          const valid = checksumFormat === 'hex' ? typeof checksum === 'string' && /^[0-9a-f]{64}$/i.test(checksum) : typeof checksum === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(checksum);
          if (!valid) {
            send(res, 400, v3Error('invalid_parameter', `checksum_sha256 must be a ${checksumFormat} SHA-256 digest.`, 'checksum_sha256', `${DOCS}#invalid-parameter`));
            return;
          }
        }
        const slot: Slot = {
          assetId: hex(16),
          filename,
          contentType,
          sizeBytes,
          checksum: typeof checksum === 'string' ? checksum.toLowerCase() : undefined,
          token: hex(8),
          expiresAt: Math.floor(Date.now() / 1000) + SLOT_SECONDS,
          expired: expireNext > 0,
          completed: false,
        };
        expireNext = Math.max(0, expireNext - 1);
        slots.set(slot.assetId, slot);
        const uploadUrl = `${storageOrigin}/bucket/${slot.assetId}?expires=${slot.expiresAt}&signature=${signature(slot)}`;
        send(
          res,
          200,
          JSON.stringify({
            data: {
              asset_id: slot.assetId,
              upload_url: uploadUrl,
              upload_headers: { 'Content-Type': contentType, 'x-emulator-upload-token': slot.token },
              expires_in_seconds: SLOT_SECONDS,
              max_bytes: directMaxBytes,
              status: 'pending_upload',
            },
          }),
        );
    });
  }

  function handleComplete(req: http.IncomingMessage, res: http.ServerResponse, assetId: string): void {
    jsonRoute(req, res, 'complete', () => {
        const slot = slots.get(assetId);
        if (!slot) {
          send(res, 404, v3Error('not_found', `No direct upload ${assetId}.`, 'asset_id'));
          return;
        }
        if (!slot.uploaded) {
          send(res, 400, v3Error('upload_incomplete', 'The file has not been uploaded to upload_url yet.', null, `${DOCS}#upload-incomplete`));
          return;
        }
        const detected = { mime: slot.contentType, ext: slot.filename.split('.').pop() ?? 'bin' };
        let asset = assets.get(assetId);
        if (!asset) {
          asset = {
            id: assetId,
            name: slot.filename,
            type: slot.contentType.startsWith('image/') ? 'image' : slot.contentType.startsWith('audio/') ? 'audio' : 'video',
            owner: account.username,
            space_id: 'space_emulator',
            folder_id: null,
            uploaded_at: Math.floor(Date.now() / 1000),
            url: fileUrl(assetId, detected.ext),
            mime_type: slot.contentType,
            size_bytes: slot.uploaded.size,
            sha256: slot.uploaded.sha256,
            status: 'processing',
            via: 'direct',
          };
          store(asset, undefined, detected.ext);
        }
        slot.completed = true;
        send(
          res,
          200,
          JSON.stringify({ data: { asset_id: asset.id, url: asset.url, mime_type: asset.mime_type, size_bytes: asset.size_bytes, status: asset.status } }),
        );
    });
  }

  /** The storage host: checks the signature (size, checksum, expiry), refuses the API key, streams and hashes. */
  function handleStorage(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://storage.invalid');
    const entry = entryFor(req, 'storage');
    entry.apiKeyOk = false;
    const refuse = (status: number, code: string, message: string): void => {
      entry.status = status;
      options.received.push(entry);
      // Storage answers in its own (S3-like) words, not HeyGen's envelope; after the body, so the client sees the
      // answer rather than a connection closed under it.
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
      req.on('end', () => {
        if (!res.headersSent) {
          res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(body)) });
          res.end(body);
        }
      });
      req.resume();
    };
    const match = /^\/bucket\/([0-9a-f]{32})$/.exec(url.pathname);
    if (req.method !== 'PUT' || !match) {
      refuse(405, 'MethodNotAllowed', 'Only PUT to a signed upload URL.');
      return;
    }
    entry.id = match[1];
    if (req.headers['x-api-key'] !== undefined) {
      entry.apiKeyPresent = true;
      refuse(400, 'InvalidRequest', 'Unexpected x-api-key header: storage does not take the API key.');
      return;
    }
    const slot = slots.get(match[1]);
    if (!slot || url.searchParams.get('signature') !== signature(slot) || url.searchParams.get('expires') !== String(slot.expiresAt)) {
      refuse(403, 'SignatureDoesNotMatch', 'The request signature does not match.');
      return;
    }
    if (slot.expired || Date.now() / 1000 > slot.expiresAt) {
      refuse(403, 'AccessDenied', 'Request has expired');
      return;
    }
    if (req.headers['x-emulator-upload-token'] !== slot.token || req.headers['content-type'] !== slot.contentType) {
      refuse(403, 'SignatureDoesNotMatch', 'The signed headers (upload_headers) were not sent as given.');
      return;
    }
    if (req.headers['content-length'] !== String(slot.sizeBytes)) {
      refuse(400, 'InvalidRequest', `Content-Length must be the signed size ${slot.sizeBytes}.`);
      return;
    }
    const b = behaviorFor('storage');
    if (b.mode !== 'normal' && b.mode !== 'reset' && b.mode !== 'slow' && b.mode !== 'latency' && b.mode !== 'bandwidth') {
      req.resume();
      entry.status = faultStatus(b);
      options.received.push(entry);
      misbehave(b, req, res, () => undefined);
      return;
    }
    const resetAfter = b.mode === 'reset' ? (b.afterBytes ?? 0) : undefined;
    const hash = createHash('sha256');
    let recorded = false;
    const record = (status: number): void => {
      if (!recorded) {
        recorded = true;
        entry.status = status;
        entry.sha256 = hash.digest('hex');
        options.received.push(entry);
      }
    };
    const started = performance.now();
    req.on('data', (chunk: Buffer) => {
      if (recorded) {
        return;
      }
      entry.size += chunk.length;
      hash.update(chunk);
      if (b.mode === 'bandwidth') {
        paceReading(req, entry.size, started, b.bytesPerSecond, later);
      }
      if (resetAfter !== undefined && entry.size >= resetAfter) {
        record(0);
        req.socket.destroy();
      }
    });
    req.on('close', () => record(0));
    req.on('end', () => {
      if (recorded) {
        return;
      }
      const sha256 = hash.copy().digest('hex');
      const finish = (): void => {
        if (slot.checksum && sha256 !== slot.checksum) {
          record(400);
          res.writeHead(400, { 'Content-Type': 'application/xml' }).end('<Error><Code>BadDigest</Code><Message>The SHA-256 you specified did not match the content.</Message></Error>');
          return;
        }
        slot.uploaded = { sha256, size: entry.size };
        record(200);
        res.writeHead(200, { 'Content-Length': '0', ETag: `"${sha256.slice(0, 32)}"` }).end();
      };
      if (b.mode === 'slow') {
        later(b.delayMs, finish);
      } else if (b.mode === 'latency') {
        later(b.ms, finish);
      } else {
        finish();
      }
    });
  }

  const storage = http.createServer(handleStorage);
  storage.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  storage.on('clientError', (_err, socket) => socket.destroy());
  storage.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    storage.once('error', reject);
    storage.listen(0, '127.0.0.1', () => {
      storage.off('error', reject);
      resolve();
    });
  });
  storageOrigin = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;

  function behave(b: V3Behavior): void {
    if (typeof b !== 'object' || b === null || !V3_MODES.has(b.mode) && b.mode !== 'bandwidth') {
      throw new Error(`Unknown v3 emulator behaviour: ${JSON.stringify(b)}`);
    }
    behavior = b;
    remaining = b.times !== undefined && b.times > 0 ? b.times : undefined;
  }

  function expireSlots(): number {
    let count = 0;
    for (const slot of slots.values()) {
      if (!slot.uploaded && !slot.expired) {
        slot.expired = true;
        count++;
      }
    }
    return count;
  }

  function control(req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
    const reply = (status: number, value: unknown): void => send(res, status, JSON.stringify(value));
    if (path === '/__emulator/v3/behave' && req.method === 'POST') {
      void readBody(req, { mode: 'normal' }, 64 * 1024).then((read) => {
        try {
          behave(JSON.parse(read?.body.toString('utf8') ?? '') as V3Behavior);
          reply(200, { ok: true });
        } catch (error) {
          reply(400, { ok: false, error: String(error) });
        }
      });
      return true;
    }
    if (path === '/__emulator/v3/expire-slots' && req.method === 'POST') {
      // `?next=N`: the next N slots come already expired; without it, the pending ones expire now.
      req.resume();
      const next = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('next') ?? '');
      if (Number.isInteger(next) && next > 0) {
        expireNext = next;
        reply(200, { ok: true, next });
      } else {
        reply(200, { ok: true, expired: expireSlots() });
      }
      return true;
    }
    if (path === '/__emulator/v3/checksum-format' && req.method === 'POST') {
      void readBody(req, { mode: 'normal' }, 1024).then((read) => {
        const format = read?.body.toString('utf8').trim();
        if (format === 'hex' || format === 'base64') {
          checksumFormat = format;
          reply(200, { ok: true });
        } else {
          reply(400, { ok: false, error: 'expected hex or base64' });
        }
      });
      return true;
    }
    if (path === '/__emulator/v3/requests' && req.method === 'GET') {
      req.resume();
      reply(200, requests);
      return true;
    }
    if (path === '/__emulator/v3/assets' && req.method === 'GET') {
      req.resume();
      reply(200, [...assets.values()]);
      return true;
    }
    return false;
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    const path = url.pathname;
    if (path.startsWith('/__emulator/v3/')) {
      return control(req, res, path);
    }
    if (path.startsWith('/v3/')) {
      requests.push(`${req.method ?? '?'} ${path}`);
    }
    if (path === '/v3/users/me' && req.method === 'GET') {
      handleMe(req, res);
      return true;
    }
    if (path === '/v3/assets' && req.method === 'POST') {
      handleMultipart(req, res);
      return true;
    }
    if (path === '/v3/assets/direct-uploads' && req.method === 'POST') {
      handleSlot(req, res);
      return true;
    }
    const complete = /^\/v3\/assets\/([^/]+)\/complete$/.exec(path);
    if (complete && req.method === 'POST') {
      handleComplete(req, res, complete[1]);
      return true;
    }
    return false;
  }

  return {
    storageOrigin,
    requests,
    assets,
    account,
    handle,
    behave,
    expireSlots,
    expireNextSlots: (count) => {
      expireNext = count;
    },
    setChecksumFormat: (format) => {
      checksumFormat = format;
    },
    reset: () => {
      assets.clear();
      requests.length = 0;
      slots.clear();
      behavior = { mode: 'normal' };
      remaining = undefined;
      checksumFormat = 'hex';
      expireNext = 0;
      Object.assign(account, structuredClone(DEFAULT_V3_ACCOUNT));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) {
          clearTimeout(t);
        }
        timers.clear();
        storage.close(() => resolve());
        for (const socket of sockets) {
          socket.destroy();
        }
      }),
  };
}
