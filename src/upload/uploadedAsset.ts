import type { AssetKind } from './mediaKinds';

/** `data` of a successful `POST /v1/asset` answer, as documented by HeyGen. */
export interface UploadedAsset {
  id: string;
  name: string;
  file_type: AssetKind | string;
  url: string;
  image_key: string | null;
  folder_id: string;
  meta: string | null;
  created_ts: number;
}
