import { lookup } from 'mime-types';
import { typeForMime, type SupportedType } from './mediaKinds';

/** How many leading bytes `sniffType` wants to see. */
export const SNIFF_BYTES = 64;

const ascii = (head: Uint8Array, offset: number, text: string): boolean => {
  if (head.length < offset + text.length) {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    if (head[offset + i] !== text.charCodeAt(i)) {
      return false;
    }
  }
  return true;
};

const bytes = (head: Uint8Array, offset: number, expected: readonly number[]): boolean =>
  head.length >= offset + expected.length && expected.every((b, i) => head[offset + i] === b);

const contains = (head: Uint8Array, text: string): boolean => Buffer.from(head).includes(text, 0, 'latin1');

/** Audio-only ISO base media brands: an .m4a is not an MP4 video HeyGen would accept as one. */
const AUDIO_ONLY_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ']);

/**
 * An MPEG audio frame header: 11 sync bits, then version, layer, bitrate and sample-rate fields that must not hold
 * their reserved values. Checking them keeps random binary starting with 0xFF from passing as MP3 (and ADTS AAC,
 * whose layer bits are 00, out).
 */
function isMpegAudioFrame(head: Uint8Array, at: number): boolean {
  if (head.length < at + 4) {
    return false;
  }
  const b1 = head[at + 1];
  const b2 = head[at + 2];
  if (head[at] !== 0xff || (b1 & 0xe0) !== 0xe0) {
    return false;
  }
  const version = (b1 >> 3) & 0x03;
  const layer = (b1 >> 1) & 0x03;
  const bitrate = (b2 >> 4) & 0x0f;
  const sampleRate = (b2 >> 2) & 0x03;
  return version !== 0x01 && layer !== 0x00 && bitrate !== 0x0f && bitrate !== 0x00 && sampleRate !== 0x03;
}

/** The supported type the content's leading bytes show, if any. The name is not consulted. */
export function sniffType(head: Uint8Array): SupportedType | undefined {
  if (bytes(head, 0, [0xff, 0xd8, 0xff])) {
    return typeForMime('image/jpeg');
  }
  if (bytes(head, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return typeForMime('image/png');
  }
  if (ascii(head, 4, 'ftyp')) {
    const brand = Buffer.from(head.subarray(8, 12)).toString('latin1');
    return AUDIO_ONLY_BRANDS.has(brand) ? undefined : typeForMime('video/mp4');
  }
  if (bytes(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) {
    // Matroska shares WebM's EBML header; its DocType says which one it is.
    return contains(head, 'matroska') ? undefined : typeForMime('video/webm');
  }
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) {
    return typeForMime('audio/wav');
  }
  if (ascii(head, 0, 'ID3') || isMpegAudioFrame(head, 0)) {
    return typeForMime('audio/mpeg');
  }
  return undefined;
}

/** Names mime-types (or other tools) give the supported types, mapped to the MIME type HeyGen documents. */
const MIME_ALIASES: Readonly<Record<string, string>> = {
  'audio/mp3': 'audio/mpeg',
  'audio/x-mp3': 'audio/mpeg',
  'audio/x-mpeg': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'image/pjpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
};

/** Normalises a MIME type (parameters dropped, aliases mapped) to a supported type, if it is one. */
export function typeFromMime(mime: string): SupportedType | undefined {
  const bare = mime.split(';')[0].trim().toLowerCase();
  return typeForMime(MIME_ALIASES[bare] ?? bare);
}

/** The supported type a file name claims by its extension, if any. */
export function typeFromName(name: string): SupportedType | undefined {
  const mime = lookup(name);
  return mime ? typeFromMime(mime) : undefined;
}
