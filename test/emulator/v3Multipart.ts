/**
 * `POST /v3/assets`: a multipart/form-data body with one `file` part (max 32 MB), parsed while it streams
 * (multipartForm.ts), answered `data: {asset_id, url, mime_type, size_bytes}` with the type detected from the bytes.
 * Every attempt is recorded in the shared `received` list with the file part's name, type, size and SHA-256.
 */
import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import { DOCS, v3Error } from './errors';
import { answersInstead, faultStatus, misbehave, readBody } from './faults';
import { redactHeaders, sendJson } from './http';
import { receiveForm, type ReceivedForm } from './multipartForm';
import type { ReceivedUpload } from './received';
import type { V3Context, V3StoredAsset } from './v3Context';

/** `POST /v3/assets` takes up to 32 MB (HeyGen's limit); larger files go through direct uploads. */
export const V3_MULTIPART_MAX_BYTES = 32 * 1024 * 1024;
/** Files up to this size are kept in memory so `/files/<id>.<ext>` can serve them. */
export const KEEP_FILE_MAX_BYTES = 2 * 1024 * 1024;
/** Room for the form's own bytes (delimiters, part headers) around a file of the largest size. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/** What HeyGen detects from the bytes (the answer's `mime_type`); undefined for types it refuses. */
export function detectMime(head: Buffer): { mime: string; type: V3StoredAsset['type']; ext: string } | undefined {
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

export function entryFor(ctx: V3Context, req: http.IncomingMessage, route: 'assets' | 'storage'): ReceivedUpload {
  return ctx.received.open({
    id: '',
    contentType: req.headers['content-type'] ?? '',
    size: 0,
    sha256: '',
    apiKeyOk: req.headers['x-api-key'] === ctx.apiKey,
    status: 0,
    at: Date.now(),
    headers: redactHeaders(req.headers),
    api: 'v3',
    route,
  });
}

/** Reads the form while it arrives; undefined when the connection went away (or was reset on purpose). */
async function readForm(
  ctx: V3Context,
  req: http.IncomingMessage,
  b: ReturnType<V3Context['faults']['take']>,
): Promise<{ bodySize: number; over: boolean; form?: ReceivedForm } | undefined> {
  const receiver = receiveForm(String(req.headers['content-type'] ?? ''), { fileMaxBytes: V3_MULTIPART_MAX_BYTES, keepMaxBytes: KEEP_FILE_MAX_BYTES });
  const read = await readBody(req, b, V3_MULTIPART_MAX_BYTES + FORM_OVERHEAD_BYTES, ctx.timers.later, (chunk) => receiver?.write(chunk));
  if (!read) {
    return undefined;
  }
  if (read.over || !receiver) {
    return { bodySize: read.size, over: read.over };
  }
  const form = await receiver.end();
  return { bodySize: read.size, over: form?.tooLarge === true, form };
}

export function handleMultipart(ctx: V3Context, req: http.IncomingMessage, res: http.ServerResponse): void {
  const b = ctx.faults.take('assets');
  const entry = entryFor(ctx, req, 'assets');
  void readForm(ctx, req, b).then((read) => {
    if (!read) {
      ctx.received.push(entry);
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
        ctx.received.push(entry);
        sendJson(res, status, body);
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
      const id = randomBytes(16).toString('hex');
      entry.id = id;
      const asset: V3StoredAsset = {
        id,
        name: file.name,
        type: detected.type,
        owner: ctx.account.username,
        space_id: 'space_emulator',
        folder_id: null,
        uploaded_at: ctx.clock.seconds(),
        url: `${ctx.origin()}/files/${id}.${detected.ext}`,
        mime_type: detected.mime,
        size_bytes: file.size,
        sha256: entry.sha256,
        status: 'completed',
        via: 'multipart',
      };
      ctx.assets.set(id, asset);
      if (file.bytes) {
        ctx.keepFile(`${id}.${detected.ext}`, asset.mime_type, file.bytes);
      }
      reply(200, JSON.stringify({ data: { asset_id: id, url: asset.url, mime_type: asset.mime_type, size_bytes: asset.size_bytes } }));
    };
    if (answersInstead(b)) {
      // The fault answers instead; the attempt is still on record (status 0 when nothing was answered).
      entry.status = faultStatus(b);
      ctx.received.push(entry);
    }
    if (!misbehave(b, req, res, answer, ctx.timers.later)) {
      answer();
    }
  });
}
