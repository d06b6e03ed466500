import type { ApiVersion } from '../base/assetRecord';

/** `data` of a successful `POST /v1/asset` answer, as documented by HeyGen. */
export interface UploadedAsset {
  id: string;
  name: string;
  /** `image`, `video` or `audio` per the docs; kept as a string because the server may add kinds. */
  file_type: string;
  url: string;
  image_key: string | null;
  folder_id: string;
  meta: string | null;
  created_ts: number;
  /** Not HeyGen's: which API made the asset, when it came from the history (absent: v1). */
  api?: ApiVersion;
}
