import type { AssetRecord } from '../history/assetRecord';
import { withoutCredentials } from './safeUrl';
import type { ApiVersion, UploadedAsset } from './uploadedAsset';
import type { UploadSource } from './uploadEngine';

/** The history record for HeyGen's answer to one upload: built once, where the answer arrives. */
export function recordForUpload(asset: UploadedAsset, source: UploadSource, keyFingerprint: string, api: ApiVersion, now = Date.now()): AssetRecord {
  const fileType = (['image', 'video', 'audio'] as const).find((k) => k === asset.file_type) ?? source.kind;
  return {
    id: asset.id,
    name: source.name,
    ...(asset.name && asset.name !== source.name ? { heygenName: asset.name } : {}),
    fileType,
    mime: source.mime,
    url: asset.url,
    imageKey: asset.image_key ?? null,
    createdTs: typeof asset.created_ts === 'number' ? asset.created_ts : Math.floor(now / 1000),
    ...(source.path !== undefined ? { sourcePath: source.path } : {}),
    ...(source.url !== undefined ? { sourceUrl: withoutCredentials(source.url) } : {}),
    size: source.size,
    sha256: source.sha256,
    uploadedAt: now,
    keyFingerprint,
    api,
  };
}
