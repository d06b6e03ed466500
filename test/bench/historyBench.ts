import type { BenchRow } from './benchRow';

/** History-store figures for `npm run bench`; filled in by the history work. */
export async function historyFigures(): Promise<BenchRow[]> {
  return [];
}
