/**
 * HeyGen's asset ids as both APIs answer them: letters, digits, '-' and '_' (v1's are 32 hex characters). Checked
 * before any request names an id in its path: '.', '..', a slash or a '?' would send the request somewhere else
 * (`DELETE /v3/assets/.` is `DELETE /v3/assets/`).
 */
const ASSET_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function isAssetId(value: string): boolean {
  return ASSET_ID.test(value);
}
