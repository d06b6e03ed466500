import type { AssetKind } from '../base/mediaKinds';

/** The view's groups: HeyGen's media kinds, and everything else it stores (fonts, PDFs, subtitles…). */
export type LibraryKind = AssetKind | 'other';

export const LIBRARY_KINDS: readonly LibraryKind[] = ['image', 'video', 'audio', 'other'];

/** One asset of the account as `GET /v3/assets` lists it. Never holds the API key. */
export interface LibraryAsset {
  readonly id: string;
  /** HeyGen's name; the id when HeyGen gave none. */
  readonly name: string;
  readonly kind: LibraryKind;
  /** HeyGen's `type` as answered ('image', 'font', …). */
  readonly type: string;
  /** HeyGen's `uploaded_at`, as ms since epoch (0 when missing). */
  readonly uploadedAt: number;
  readonly url: string | null;
  readonly folderId: string | null;
}

export function kindOfType(type: string): LibraryKind {
  return type === 'image' || type === 'video' || type === 'audio' ? type : 'other';
}

/** One entry of the list's `data`, or undefined when it is not an asset (no id). */
export function parseLibraryAsset(value: unknown): LibraryAsset | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const id = typeof raw.id === 'string' && raw.id ? raw.id : typeof raw.asset_id === 'string' && raw.asset_id ? raw.asset_id : undefined;
  if (!id) {
    return undefined;
  }
  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : 'other';
  const uploaded = typeof raw.uploaded_at === 'number' && Number.isFinite(raw.uploaded_at) ? raw.uploaded_at : 0;
  return {
    id,
    name: typeof raw.name === 'string' && raw.name.trim() ? raw.name : id,
    kind: kindOfType(type),
    type,
    // Seconds in the documented schema; a value past the year 33658 in seconds can only be milliseconds.
    uploadedAt: uploaded > 1e12 ? uploaded : uploaded * 1000,
    url: typeof raw.url === 'string' && raw.url ? raw.url : null,
    folderId: typeof raw.folder_id === 'string' ? raw.folder_id : null,
  };
}
