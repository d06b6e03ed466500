/**
 * HeyGen's v1 upload (`POST /v1/asset`, see shared/heygen-assets-api.md): the request carries the raw bytes, the
 * answer is read into the asset or a HeyGenError.
 */
import * as l10n from '@vscode/l10n';
import { HeyGenError, looksLikeHtml, parseHeyGenError, quotedFile, throwIfFailed, type HeyGenErrorKind } from '../base/heygenError';
import { sendFile, type SendFileRequest } from '../http/httpUpload';
import type { UploadedAsset } from './uploadedAsset';

/** One v1 upload: the file and where it goes (the method, headers and reading of the answer are v1's). */
export interface PostFileRequest extends Omit<SendFileRequest<UploadedAsset>, 'method' | 'headers' | 'interpret' | 'prefix' | 'suffix' | 'logUrl'> {
  apiKey: string;
  contentType: string;
}

export interface PostFileResult {
  asset: UploadedAsset;
  /** SHA-256 of the bytes actually sent; undefined when hashing was turned off. */
  sha256?: string;
}

/** One POST of the file to HeyGen's v1 upload, the raw bytes as the body. */
export async function postFile(req: PostFileRequest): Promise<PostFileResult> {
  const { value, sha256 } = await sendFile({
    ...req,
    method: 'POST',
    headers: {
      'content-type': req.contentType,
      'x-api-key': req.apiKey,
      accept: 'application/json',
    },
    interpret: (status, headers, text) => interpretResponse(status, headers, text, req.fileName),
  });
  return { asset: value, sha256 };
}

/**
 * Turns HeyGen's v1 answer into the asset or an HeyGenError. Success needs HTTP 2xx, JSON `code === 100` and both
 * `data.id` and `data.url`; anything else is an error with a kind the editor can act on.
 */
export function interpretResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string,
  file?: string,
): UploadedAsset {
  const name = quotedFile(file);
  const { code, message } = parseHeyGenError(status, bodyText);
  const details = { status, serverMessage: message, code, file };
  // A path that no longer exists, or a web page where the API answered: HeyGen may have turned v1 off.
  if (status === 404 || status === 410 || (status >= 200 && status < 300 && looksLikeHtml(headers, bodyText))) {
    return fail(
      'retired',
      l10n.t('HeyGen may have retired the v1 upload: its upload URL answered {0}, so {1} was not uploaded.', status === 404 || status === 410 ? `HTTP ${status}` : l10n.t('with a web page'), name),
    );
  }
  throwIfFailed(status, headers, bodyText, file);
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return fail('protocol', l10n.t("HeyGen's answer to {0} was not valid JSON (HTTP {1}), so the upload cannot be confirmed.", name, status));
  }
  const obj = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const v3Shaped = obj.code === undefined && typeof obj.data === 'object' && obj.data !== null && 'asset_id' in obj.data;
  if (v3Shaped) {
    // `heygen.uploadUrl` points at a v3 endpoint that took the bytes: read its answer rather than call it broken.
    const v3 = obj.data as { asset_id?: unknown; url?: unknown; mime_type?: unknown };
    if (typeof v3.asset_id === 'string' && v3.asset_id && typeof v3.url === 'string' && v3.url) {
      const top = typeof v3.mime_type === 'string' ? v3.mime_type.split('/')[0] : '';
      return { id: v3.asset_id, name: file ?? '', file_type: top, url: v3.url, image_key: null, folder_id: '', meta: null, created_ts: Math.floor(Date.now() / 1000) };
    }
  }
  if (obj.code !== 100) {
    return fail(
      'protocol',
      message
        ? l10n.t('HeyGen did not accept {0}: {1} (code {2}).', name, message, String(code))
        : l10n.t('HeyGen did not accept {0}: code {1} instead of 100.', name, String(obj.code)),
    );
  }
  const data = obj.data as Partial<UploadedAsset> | null | undefined;
  if (!data || typeof data !== 'object' || typeof data.id !== 'string' || !data.id || typeof data.url !== 'string' || !data.url) {
    return fail('protocol', l10n.t("HeyGen's answer to {0} has no asset id or URL, so the upload cannot be used.", name));
  }
  return {
    id: data.id,
    name: typeof data.name === 'string' ? data.name : (file ?? ''),
    file_type: typeof data.file_type === 'string' ? data.file_type : '',
    url: data.url,
    image_key: typeof data.image_key === 'string' ? data.image_key : null,
    folder_id: typeof data.folder_id === 'string' ? data.folder_id : '',
    meta: typeof data.meta === 'string' ? data.meta : null,
    created_ts: typeof data.created_ts === 'number' ? data.created_ts : Math.floor(Date.now() / 1000),
  };

  function fail(kind: HeyGenErrorKind, text: string): never {
    throw new HeyGenError(kind, text, details);
  }
}
