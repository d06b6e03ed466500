/**
 * Which referenced assets HeyGen no longer has (issue 25, item 4): asked in bulk, as many ids per request as HeyGen
 * allows, then one `GET /v3/assets/{id}` for each id the bulk answer did not vouch for (missing, or `not_found`,
 * which a single GET confirms before anything is marked gone). Results go into the library's stale marks, so each
 * asset is asked about at most once per 12 hours unless the person asks.
 */
import { forEachLimited } from '../base/concurrency';
import type { AssetPresence } from '../heygen/assetStatuses';

export const CHECK_INTERVAL_MS = 12 * 60 * 60 * 1000;
const SINGLE_CONCURRENCY = 4;

/** The library's stale marks, as this check reads and writes them. */
export interface CheckMarks {
  isGone(id: string): boolean;
  lastChecked(id: string): number | undefined;
  applyChecks(present: readonly string[], gone: readonly string[]): void;
}

export interface AssetCheckDeps {
  marks: CheckMarks;
  bulk(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, AssetPresence>>;
  /** True when HeyGen has the asset, false on 404. */
  single(id: string, signal?: AbortSignal): Promise<boolean>;
  batchSize: number;
  now(): number;
  /** Runs once before the first single request (the adapter confirms HeyGen knows the key there). */
  beforeSingle?(signal?: AbortSignal): Promise<void>;
}

export interface AssetCheckResult {
  /** Every id of the question that HeyGen does not have (newly found or known from the marks). */
  gone: string[];
  /** Ids asked about in this run (the rest were answered from the marks). */
  asked: number;
  requests: number;
}

export async function checkAssets(ids: readonly string[], deps: AssetCheckDeps, options: { force?: boolean; signal?: AbortSignal } = {}): Promise<AssetCheckResult> {
  const unique = [...new Set(ids)];
  const now = deps.now();
  const due = options.force ? unique : unique.filter((id) => !deps.marks.isGone(id) && now - (deps.marks.lastChecked(id) ?? 0) >= CHECK_INTERVAL_MS);
  const present: string[] = [];
  const gone: string[] = [];
  const unsure: string[] = [];
  let requests = 0;
  for (let i = 0; i < due.length; i += deps.batchSize) {
    const batch = due.slice(i, i + deps.batchSize);
    requests++;
    const answer = await deps.bulk(batch, options.signal);
    for (const id of batch) {
      (answer.get(id) === 'exists' ? present : unsure).push(id);
    }
  }
  if (unsure.length > 0) {
    await deps.beforeSingle?.(options.signal);
  }
  await forEachLimited(
    unsure,
    SINGLE_CONCURRENCY,
    async (id) => {
      requests++;
      ((await deps.single(id, options.signal)) ? present : gone).push(id);
    },
    options.signal,
  );
  deps.marks.applyChecks(present, gone);
  const found = new Set(present);
  const stillGone = unique.filter((id) => !found.has(id) && deps.marks.isGone(id));
  return { gone: stillGone, asked: due.length, requests };
}
