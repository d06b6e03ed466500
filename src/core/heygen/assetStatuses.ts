/**
 * `GET /v3/assets/statuses?asset_ids=a,b` (issue 25, item 4): the statuses of up to 100 assets in one request. Each
 * entry carries its id as `video_id` (the status read model is shared with video batches); an id the account does
 * not have is `not_found`.
 */
import type { V3EnvelopeCall } from './libraryApi';

/** The schema's documented maximum per request (HeyGen answers 400 past it). */
export const MAX_STATUS_IDS = 100;

/** `exists` for any status of an asset HeyGen has (queued, processing, completed, failed); `notFound` otherwise. */
export type AssetPresence = 'exists' | 'notFound';

interface StatusEntry {
  video_id?: unknown;
  asset_id?: unknown;
  status?: unknown;
}

/** The presence of each id HeyGen answered for; ids missing from the answer are not in the map. */
export async function assetStatuses(call: V3EnvelopeCall, ids: readonly string[], signal?: AbortSignal): Promise<Map<string, AssetPresence>> {
  if (ids.length > MAX_STATUS_IDS) {
    throw new RangeError(`at most ${MAX_STATUS_IDS} ids per statuses request`);
  }
  const { data } = await call<StatusEntry[]>('GET', '/v3/assets/statuses', { query: { asset_ids: ids.join(',') }, signal });
  return parseAssetStatuses(data, ids);
}

export function parseAssetStatuses(data: unknown, asked: readonly string[]): Map<string, AssetPresence> {
  const wanted = new Set(asked);
  const out = new Map<string, AssetPresence>();
  for (const entry of Array.isArray(data) ? (data as StatusEntry[]) : []) {
    const id = typeof entry?.video_id === 'string' ? entry.video_id : typeof entry?.asset_id === 'string' ? entry.asset_id : undefined;
    if (id === undefined || !wanted.has(id) || typeof entry.status !== 'string') {
      continue;
    }
    out.set(id, entry.status === 'not_found' ? 'notFound' : 'exists');
  }
  return out;
}
