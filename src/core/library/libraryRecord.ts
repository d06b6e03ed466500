import type { AssetRecord } from '../base/assetRecord';
import type { AssetKind } from '../base/mediaKinds';
import type { LibraryAsset } from '../heygen/libraryAsset';

const MIME_BY_KIND: Record<AssetKind, string> = { image: 'image/*', video: 'video/*', audio: 'audio/*' };

/**
 * The record the item commands (copy, insert, open) take, for a media asset of the library. Ours come from the
 * history (with their source file); others are made from what HeyGen lists. Undefined for kinds the snippets
 * cannot use.
 */
export function recordForLibraryAsset(asset: LibraryAsset, fromHistory: AssetRecord | undefined): AssetRecord | undefined {
  if (fromHistory) {
    return fromHistory;
  }
  if (asset.kind === 'other') {
    return undefined;
  }
  return {
    id: asset.id,
    name: asset.name,
    fileType: asset.kind,
    mime: MIME_BY_KIND[asset.kind],
    url: asset.url ?? '',
    imageKey: null,
    createdTs: Math.floor(asset.uploadedAt / 1000),
    size: 0,
    sha256: '',
    uploadedAt: asset.uploadedAt,
    keyFingerprint: '',
  };
}
