/**
 * Preview media the emulator hands out URLs for (avatar look images and videos, voice samples, video thumbnails):
 * small valid PNG, MP4 and MP3 files from the test fixtures, the same bytes for every id, served under
 * `/previews/<kind>/<id>.<ext>`. (A webview may refuse plain http: that is fine for an emulator.)
 */
import { readFileSync } from 'node:fs';
import type * as http from 'node:http';
import { join } from 'node:path';
import { sendBytes } from './http';

const MEDIA = join(__dirname, '..', 'fixtures', 'media');

export const PREVIEW_TYPES = { png: 'image/png', mp4: 'video/mp4', mp3: 'audio/mpeg' } as const;
export type PreviewExt = keyof typeof PREVIEW_TYPES;

let cache: Record<PreviewExt, Buffer> | undefined;

/** The bytes served for a preview of this extension. */
export function previewBytes(ext: PreviewExt): Buffer {
  cache ??= {
    png: readFileSync(join(MEDIA, 'sample.png')),
    mp4: readFileSync(join(MEDIA, 'sample.mp4')),
    mp3: readFileSync(join(MEDIA, 'sample.mp3')),
  };
  return cache[ext];
}

/** The URL of a preview on the emulator at `origin`. */
export function previewUrl(origin: string, kind: 'looks' | 'voices' | 'thumbnails', id: string, ext: PreviewExt): string {
  return `${origin}/previews/${kind}/${id}.${ext}`;
}

/** Serves `/previews/...`; false when the path is not a preview. */
export function handlePreview(req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
  const match = /^\/previews\/(looks|voices|thumbnails)\/[A-Za-z0-9_-]+\.(png|mp4|mp3)$/.exec(path);
  if (!match || (req.method !== 'GET' && req.method !== 'HEAD')) {
    return false;
  }
  req.resume();
  const ext = match[2] as PreviewExt;
  sendBytes(req, res, PREVIEW_TYPES[ext], previewBytes(ext), { 'Cache-Control': 'public, max-age=86400' });
  return true;
}
