/**
 * A rendered video's files on the storage host: `GET|HEAD /videos/{id}/{video.mp4 | captioned.mp4 | thumbnail.png |
 * captions.srt}?expires&nonce&signature`. As a presigned storage URL: the API key is refused (403), so is a bad
 * signature or an expired URL (403, S3's XML words); one byte range is served (206). The MP4 is streamed chunk by
 * chunk with back-pressure (videoBytes.ts), and a fault aimed at `video-download` can cut, stall, delay or pace it.
 */
import type * as http from 'node:http';
import { misbehave, type Behavior } from './faults';
import { previewBytes } from './previewMedia';
import type { V3Context } from './v3Context';
import { videoChunks } from './videoBytes';
import { VIDEO_FILES, type StoredVideo, type VideoFile, type VideoStore } from './videoStore';

function refuse(res: http.ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** The SRT sidecar: one caption over the whole video. */
function srt(video: StoredVideo): Buffer {
  const end = new Date(Math.round(video.duration * 1000)).toISOString().slice(11, 23).replace('.', ',');
  return Buffer.from(`1\n00:00:00,000 --> ${end}\n${video.title ?? 'HeyGen emulator video'}\n\n`, 'utf8');
}

/** `Range: bytes=a-b | a- | -n` against `size`: the span, undefined for none, 'bad' for one that cannot be served. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'bad' | undefined {
  if (!header) {
    return undefined;
  }
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) {
    return 'bad';
  }
  const start = match[1] === '' ? Math.max(0, size - Number(match[2])) : Number(match[1]);
  const end = match[1] === '' || match[2] === '' ? size : Math.min(size, Number(match[2]) + 1);
  return start < end ? { start, end } : 'bad';
}

/** Writes `chunks` with back-pressure; `b` may cut the connection after some bytes or pace the writing. */
function stream(res: http.ServerResponse, chunks: Iterator<Buffer>, b: Behavior, later: (ms: number, fn: () => void) => void): void {
  const cutAfter = b.mode === 'reset' ? (b.afterBytes ?? 0) : undefined;
  const started = performance.now();
  let sent = 0;
  const pump = (): void => {
    while (!res.destroyed) {
      const next = chunks.next();
      if (next.done) {
        res.end();
        return;
      }
      let chunk = next.value;
      if (cutAfter !== undefined && sent + chunk.length >= cutAfter) {
        chunk = chunk.subarray(0, cutAfter - sent);
        res.write(chunk, () => res.destroy());
        return;
      }
      sent += chunk.length;
      const ok = res.write(chunk);
      if (b.mode === 'bandwidth' && b.bytesPerSecond > 0) {
        const ahead = (sent / b.bytesPerSecond) * 1000 - (performance.now() - started);
        if (ahead >= 1) {
          later(ahead, () => (ok ? pump() : res.once('drain', pump)));
          return;
        }
      }
      if (!ok) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

export function handleVideoDownload(
  ctx: V3Context,
  store: VideoStore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): boolean {
  const match = /^\/videos\/([0-9a-z]{32})\/([a-z0-9.]+)$/.exec(url.pathname);
  if (!match || (req.method !== 'GET' && req.method !== 'HEAD')) {
    return false;
  }
  req.resume();
  const [, id, file] = match;
  if (req.headers['x-api-key'] !== undefined) {
    refuse(res, 403, 'AccessDenied', 'Unexpected x-api-key header: a presigned URL takes no API key.');
    return true;
  }
  const refused = store.checkUrl(id, file, url.searchParams);
  if (refused) {
    refuse(res, 403, refused === 'expired' ? 'AccessDenied' : 'SignatureDoesNotMatch', refused === 'expired' ? 'Request has expired' : 'The request signature does not match.');
    return true;
  }
  const video = store.get(id);
  if (!video || store.status(video) !== 'completed' || !(file in VIDEO_FILES) || (file === 'captioned.mp4' && !video.captioned)) {
    refuse(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    return true;
  }
  const b = ctx.faults.take('video-download');
  const answer = (): void => {
    const type = VIDEO_FILES[file as VideoFile];
    if (file === 'thumbnail.png' || file === 'captions.srt') {
      const bytes = file === 'thumbnail.png' ? previewBytes('png') : srt(video);
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(bytes.length) });
      res.end(req.method === 'HEAD' ? undefined : bytes);
      return;
    }
    const size = store.mp4Bytes;
    const range = parseRange(req.headers.range, size);
    if (range === 'bad') {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: size };
    res.writeHead(range ? 206 : 200, {
      'Content-Type': type,
      'Content-Length': String(end - start),
      'Accept-Ranges': 'bytes',
      ETag: `"${id}-${size}"`,
      ...(range ? { 'Content-Range': `bytes ${start}-${end - 1}/${size}` } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    stream(res, videoChunks(id, size, start, end), b, ctx.timers.later);
  };
  if (b.mode === 'reset' || b.mode === 'bandwidth' || !misbehave(b, req, res, answer, ctx.timers.later)) {
    answer();
  }
  return true;
}
