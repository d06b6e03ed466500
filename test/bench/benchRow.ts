/**
 * What every bench module returns: rows of the one table `npm run bench` prints (see bench.ts for how a module is
 * added). Keep `result` and `target` short and formatted ("1.02", "1.4 MB", "≤ 1.05"); `met` is undefined when
 * the row has no target; `how` says in one phrase what was measured.
 */
export interface BenchRow {
  measure: string;
  result: string;
  target: string;
  met?: boolean;
  how?: string;
}

/** What bench.ts hands each module: one emulator process for everyone, a scratch folder, and the run's mode. */
export interface BenchContext {
  /** `--quick`: fewer repetitions, main rows only; the whole run stays under a minute. */
  quick: boolean;
  emulator: {
    origin: string;
    uploadUrl: string;
    apiKey: string;
    pid?: number;
  };
  /** Scratch folder, removed after the run. */
  dir: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Pair `i` of a series: ours first in even pairs, the reference first in odd ones, so drift in load favours neither. */
export async function pair<O, R>(i: number, ours: () => Promise<O>, reference: () => Promise<R>): Promise<[O, R]> {
  if (i % 2 === 0) {
    const o = await ours();
    return [o, await reference()];
  }
  const r = await reference();
  return [await ours(), r];
}

/** "0.4 ms", "12 ms". */
export const ms = (v: number): string => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;

/** "312 KiB", "1.4 MB" (MB = 10^6 bytes, as the targets are written). */
export const bytes = (b: number): string => (Math.abs(b) < 1_000_000 ? `${Math.round(b / 1024)} KiB` : `${(b / 1e6).toFixed(1)} MB`);

/**
 * Rounds of (ours, reference) before a race is timed: page cache, curl binary, connection pool, and the JIT of both
 * Node processes. The emulator is a Node process too: fresh, it takes about 20 uploads to reach its steady pace
 * (measured: 30, 18, 11 … 9 ms for ours in a row), so with one warm-up round the first pairs raced a receiver still
 * compiling, and the v1 ratio read 1.15 to 1.22 where 20 rounds gave 0.94 to 1.03.
 */
export const WARM_UP_ROUNDS = 20;
