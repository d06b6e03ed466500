/**
 * Direct uploads, whose bytes never pass through the API: `POST /v3/assets/direct-uploads` hands out a slot (a
 * presigned URL on the storage host, signed with the size and checksum), the client PUTs the bytes there with exactly
 * `upload_headers` and without the API key, then `POST /v3/assets/{id}/complete` makes the asset (idempotent).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import { DOCS, v3Error } from './errors';
import { faultStatus, misbehave, paceReading } from './faults';
import { sendJson } from './http';
import { jsonRoute, parseJson, type V3Context, type V3StoredAsset } from './v3Context';
import { entryFor } from './v3Multipart';

/** What the emulator grants a direct-upload slot (`max_bytes`) unless told otherwise. */
const DEFAULT_DIRECT_MAX_BYTES = 2 * 1024 * 1024 * 1024;
const SLOT_SECONDS = 3600;

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

export class DirectUploads {
  private readonly slots = new Map<string, Slot>();
  private readonly signingKey = randomBytes(32);
  private checksumFormat: 'hex' | 'base64' = 'hex';
  private expireNext = 0;
  private readonly maxBytes: number;

  constructor(
    private readonly ctx: V3Context,
    maxBytes?: number,
  ) {
    this.maxBytes = maxBytes ?? DEFAULT_DIRECT_MAX_BYTES;
  }

  /** Every slot not yet uploaded expires now (storage then refuses its URL); returns how many. */
  expireSlots(): number {
    let count = 0;
    for (const slot of this.slots.values()) {
      if (!slot.uploaded && !slot.expired) {
        slot.expired = true;
        count++;
      }
    }
    return count;
  }

  /** The next `count` slots are handed out already expired, as if the PUT came after `expires_in_seconds`. */
  expireNextSlots(count: number): void {
    this.expireNext = count;
  }

  /** Makes slots accept only base64 checksums, so a hex one is refused (the sources disagree on the format). */
  setChecksumFormat(format: 'hex' | 'base64'): void {
    this.checksumFormat = format;
  }

  reset(): void {
    this.slots.clear();
    this.checksumFormat = 'hex';
    this.expireNext = 0;
  }

  private signature(slot: Pick<Slot, 'assetId' | 'sizeBytes' | 'checksum' | 'expiresAt'>): string {
    return createHmac('sha256', this.signingKey).update(`${slot.assetId}|${slot.sizeBytes}|${slot.checksum ?? ''}|${slot.expiresAt}`).digest('hex');
  }

  handleSlot(req: http.IncomingMessage, res: http.ServerResponse): void {
    jsonRoute(this.ctx, req, res, 'slot', (body) => {
      const json = parseJson(body);
      if (!json) {
        sendJson(res, 400, v3Error('invalid_json', 'The body is not valid JSON.'));
        return;
      }
      const { filename, content_type: contentType, size_bytes: sizeBytes, checksum_sha256: checksum } = json;
      if (typeof filename !== 'string' || !filename || typeof contentType !== 'string' || !contentType) {
        sendJson(res, 400, v3Error('invalid_parameter', 'filename and content_type are required.', typeof filename === 'string' ? 'content_type' : 'filename'));
        return;
      }
      if (typeof sizeBytes !== 'number' || !Number.isInteger(sizeBytes) || sizeBytes <= 0) {
        sendJson(res, 400, v3Error('invalid_parameter', 'size_bytes must be a positive integer.', 'size_bytes'));
        return;
      }
      if (sizeBytes > this.maxBytes) {
        sendJson(res, 400, v3Error('file_too_large', `size_bytes exceeds the maximum of ${this.maxBytes} bytes.`, 'size_bytes', `${DOCS}#file-too-large`));
        return;
      }
      if (checksum !== undefined) {
        const valid =
          typeof checksum === 'string' && (this.checksumFormat === 'hex' ? /^[0-9a-f]{64}$/i.test(checksum) : /^[A-Za-z0-9+/]{43}=$/.test(checksum));
        if (!valid) {
          sendJson(res, 400, v3Error('invalid_parameter', `checksum_sha256 must be a ${this.checksumFormat} SHA-256 digest.`, 'checksum_sha256', `${DOCS}#invalid-parameter`));
          return;
        }
      }
      const slot: Slot = {
        assetId: randomBytes(16).toString('hex'),
        filename,
        contentType,
        sizeBytes,
        checksum: typeof checksum === 'string' ? checksum.toLowerCase() : undefined,
        token: randomBytes(8).toString('hex'),
        expiresAt: this.ctx.clock.seconds() + SLOT_SECONDS,
        expired: this.expireNext > 0,
        completed: false,
      };
      this.expireNext = Math.max(0, this.expireNext - 1);
      this.slots.set(slot.assetId, slot);
      sendJson(res, 200, {
        data: {
          asset_id: slot.assetId,
          upload_url: `${this.ctx.storageOrigin()}/bucket/${slot.assetId}?expires=${slot.expiresAt}&signature=${this.signature(slot)}`,
          upload_headers: { 'Content-Type': contentType, 'x-emulator-upload-token': slot.token },
          expires_in_seconds: SLOT_SECONDS,
          max_bytes: this.maxBytes,
          status: 'pending_upload',
        },
      });
    });
  }

  handleComplete(req: http.IncomingMessage, res: http.ServerResponse, assetId: string): void {
    jsonRoute(this.ctx, req, res, 'complete', () => {
      const slot = this.slots.get(assetId);
      if (!slot) {
        sendJson(res, 404, v3Error('not_found', `No direct upload ${assetId}.`, 'asset_id'));
        return;
      }
      if (!slot.uploaded) {
        sendJson(res, 400, v3Error('upload_incomplete', 'The file has not been uploaded to upload_url yet.', null, `${DOCS}#upload-incomplete`));
        return;
      }
      const ext = slot.filename.split('.').pop() ?? 'bin';
      let asset = this.ctx.assets.get(assetId);
      if (!asset) {
        asset = {
          id: assetId,
          name: slot.filename,
          type: slot.contentType.startsWith('image/') ? 'image' : slot.contentType.startsWith('audio/') ? 'audio' : 'video',
          owner: this.ctx.account.username,
          space_id: 'space_emulator',
          folder_id: null,
          uploaded_at: this.ctx.clock.seconds(),
          url: `${this.ctx.origin()}/files/${assetId}.${ext}`,
          mime_type: slot.contentType,
          size_bytes: slot.uploaded.size,
          sha256: slot.uploaded.sha256,
          status: 'processing',
          via: 'direct',
        } satisfies V3StoredAsset;
        this.ctx.assets.set(assetId, asset);
      }
      slot.completed = true;
      sendJson(res, 200, { data: { asset_id: asset.id, url: asset.url, mime_type: asset.mime_type, size_bytes: asset.size_bytes, status: asset.status } });
    });
  }

  /** `PUT /bucket/{id}` on the storage host: checks the signature (size, checksum, expiry), refuses the key, hashes. */
  handlePut(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const ctx = this.ctx;
    const entry = entryFor(ctx, req, 'storage');
    entry.apiKeyOk = false;
    const refuse = (status: number, code: string, message: string): void => {
      entry.status = status;
      ctx.received.push(entry);
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
    const slot = this.slots.get(match[1]);
    if (!slot || url.searchParams.get('signature') !== this.signature(slot) || url.searchParams.get('expires') !== String(slot.expiresAt)) {
      refuse(403, 'SignatureDoesNotMatch', 'The request signature does not match.');
      return;
    }
    if (slot.expired || ctx.clock.seconds() > slot.expiresAt) {
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
    const b = ctx.faults.take('storage');
    if (b.mode !== 'normal' && b.mode !== 'reset' && b.mode !== 'slow' && b.mode !== 'latency' && b.mode !== 'bandwidth') {
      req.resume();
      entry.status = faultStatus(b);
      ctx.received.push(entry);
      misbehave(b, req, res, () => undefined, ctx.timers.later);
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
        ctx.received.push(entry);
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
        paceReading(req, entry.size, started, b.bytesPerSecond, ctx.timers.later);
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
        ctx.timers.later(b.delayMs, finish);
      } else if (b.mode === 'latency') {
        ctx.timers.later(b.ms, finish);
      } else {
        finish();
      }
    });
  }
}
