import type { AssetKind } from './mediaKinds';

/** Which HeyGen API uploads go to (`heygen.api.version`). */
export type ApiVersion = 'v1' | 'v3';

/** One successful upload as kept in the history. Never holds the API key. */
export interface AssetRecord {
  /** HeyGen's asset id (`data.id`). */
  id: string;
  /**
   * The source's file name (of the local file, or the last segment of the URL it was downloaded from): what a person
   * recognises, so the tree, the pickers and the messages show it.
   */
  name: string;
  /** HeyGen's `data.name` when its answer had one that differs from `name`; absent in records of older versions. */
  heygenName?: string;
  fileType: AssetKind;
  /** The MIME type the file was sent with. */
  mime: string;
  url: string;
  /** `data.image_key`: what the photo-avatar flow needs; null for video and audio. */
  imageKey: string | null;
  /** HeyGen's `created_ts` (Unix seconds). */
  createdTs: number;
  /** Absolute local path the file was read from; absent for uploads from a URL. */
  sourcePath?: string;
  /** The URL the file was downloaded from, for uploads from a URL. */
  sourceUrl?: string;
  size: number;
  /** Hex SHA-256 of the bytes sent. */
  sha256: string;
  /** When the upload finished (ms since epoch). */
  uploadedAt: number;
  /**
   * A one-way fingerprint of the key the asset was uploaded with, so identical content is reused only
   * under the same account. Never the key itself.
   */
  keyFingerprint: string;
  /** The HeyGen API that made the asset; absent in records written before v3 existed, which were all v1. */
  api?: ApiVersion;
}

/** Which API made the record (old records, without the field, were made by v1). */
export function apiOf(record: Pick<AssetRecord, 'api'>): ApiVersion {
  return record.api ?? 'v1';
}
