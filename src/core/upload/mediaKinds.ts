/** HeyGen's `file_type` values. */
export type AssetKind = 'image' | 'video' | 'audio';

/** One of the six content types HeyGen documents for `POST /v1/asset`. */
export interface SupportedType {
  readonly mime: string;
  readonly kind: AssetKind;
  /** Short human name: "JPEG", "PNG", … */
  readonly label: string;
  readonly extensions: readonly string[];
}

export const SUPPORTED_TYPES: readonly SupportedType[] = [
  { mime: 'image/jpeg', kind: 'image', label: 'JPEG', extensions: ['jpg', 'jpeg'] },
  { mime: 'image/png', kind: 'image', label: 'PNG', extensions: ['png'] },
  { mime: 'video/mp4', kind: 'video', label: 'MP4', extensions: ['mp4'] },
  { mime: 'video/webm', kind: 'video', label: 'WebM', extensions: ['webm'] },
  { mime: 'audio/mpeg', kind: 'audio', label: 'MP3', extensions: ['mp3'] },
  { mime: 'audio/wav', kind: 'audio', label: 'WAV', extensions: ['wav'] },
];

export const SUPPORTED_EXTENSIONS: readonly string[] = SUPPORTED_TYPES.flatMap((t) => t.extensions);

export function typeForMime(mime: string): SupportedType | undefined {
  return SUPPORTED_TYPES.find((t) => t.mime === mime);
}
