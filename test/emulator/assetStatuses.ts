/**
 * `GET /v3/assets/statuses?asset_ids=a,b` (heygen-cli gen/asset.go, AssetStatusesList): the statuses of up to 100
 * assets at once. As the schema says, each entry carries its id as `video_id` (the status read model is shared with
 * video batches) and a status of queued | processing | completed | failed, or `not_found` for an id the account does
 * not have. `batch_ids` expands nothing here (the emulator has no batches), so only unknown ids come of it.
 */
import type * as http from 'node:http';
import { v3Error } from './errors';
import { misbehave } from './faults';
import { sendJson } from './http';
import { authorized, type V3Context } from './v3Context';

/** The schema's documented maximum per request. */
export const MAX_STATUS_IDS = 100;

export type AssetStatusOf = (id: string) => 'queued' | 'processing' | 'completed' | 'failed' | undefined;

export function handleAssetStatuses(ctx: V3Context, req: http.IncomingMessage, res: http.ServerResponse, url: URL, statusOf: AssetStatusOf): boolean {
  if (url.pathname !== '/v3/assets/statuses' || req.method !== 'GET') {
    return false;
  }
  req.resume();
  const answer = (): void => {
    if (!authorized(ctx, req, res)) {
      return;
    }
    const list = (name: string): string[] => (url.searchParams.get(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const ids = list('asset_ids');
    const batches = list('batch_ids');
    if (ids.length === 0 && batches.length === 0) {
      sendJson(res, 400, v3Error('invalid_parameter', 'asset_ids (comma-separated) or batch_ids is required.', 'asset_ids'));
      return;
    }
    if (ids.length + batches.length > MAX_STATUS_IDS) {
      sendJson(res, 400, v3Error('invalid_parameter', `At most ${MAX_STATUS_IDS} ids per request.`, ids.length > MAX_STATUS_IDS ? 'asset_ids' : 'batch_ids'));
      return;
    }
    const data = [
      ...ids.map((id) => ({ video_id: id, status: statusOf(id) ?? 'not_found', error: null })),
      ...batches.map((batchId) => ({ video_id: null, batch_id: batchId, status: 'not_found', error: null })),
    ];
    sendJson(res, 200, { data, has_more: false, next_token: null });
  };
  if (!misbehave(ctx.faults.take('asset-statuses'), req, res, answer, ctx.timers.later)) {
    answer();
  }
  return true;
}
