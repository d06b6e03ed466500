import type { ApiVersion, AssetRecord } from '../base/assetRecord';
import type { AssetKind } from '../base/mediaKinds';
import { withoutCredentials } from '../base/safeUrl';
import type { UploadedAsset } from '../heygen/uploadedAsset';

/** What was uploaded: the file or download as the engine read it. */
export interface UploadSource {
  name: string;
  size: number;
  mime: string;
  kind: AssetKind;
  sha256: string;
  path?: string;
  url?: string;
}

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
