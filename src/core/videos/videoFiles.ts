/**
 * Where a rendered video goes (issue 23 item 6): `<payload folder>/<payload name>-<video id>.mp4`, or under
 * `heygen.video.saveFolder` taken relative to the payload's folder. A video not started from a payload (one of the
 * account's, opened from the Videos view) is named after its title instead.
 */
import * as path from 'node:path';

/** A file name part without path separators, control or reserved characters, nor a trailing dot or space. */
export function safeStem(text: string, fallback = 'video'): string {
  const cleaned = text
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f<>:"/\\|?*\u007f]+/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[. ]+$/, '')
    .slice(0, 80);
  return cleaned === '' || /^\.+$/.test(cleaned) ? fallback : cleaned;
}

/** The payload's name without its extension: `intro.json` → `intro`. */
export function payloadStem(fileName: string): string {
  const base = path.basename(fileName);
  const ext = path.extname(base);
  return safeStem(ext && ext !== base ? base.slice(0, -ext.length) : base, 'payload');
}

/** The folder videos go to: the payload's folder, or `saveFolder` relative to it (an absolute one as it is). */
export function saveFolderFor(payloadDir: string, saveFolder: string): string {
  const folder = saveFolder.trim();
  return folder === '' ? payloadDir : path.resolve(payloadDir, folder);
}

/** `webm` when the body asks for a transparent WebM (`output_format`), else `mp4`. */
export function videoExtension(body: unknown): 'mp4' | 'webm' {
  return typeof body === 'object' && body !== null && (body as { output_format?: unknown }).output_format === 'webm' ? 'webm' : 'mp4';
}

export function videoFileName(stem: string, videoId: string, extension: 'mp4' | 'webm' = 'mp4'): string {
  return `${safeStem(stem)}-${safeStem(videoId, 'id')}.${extension}`;
}
