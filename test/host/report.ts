/** What the extension-host suite writes to HEYGEN_TEST_REPORT for the driver outside the editor. */
export interface HostTestResult {
  title: string;
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface HostReport {
  passed: number;
  failed: number;
  pending: number;
  tests: HostTestResult[];
  /** Set when the suite could not even start (activation or loading failed). */
  fatal?: string;
  vscodeVersion?: string;
  /** Figures reported, not asserted (performance.test.ts, activation time): name → milliseconds. */
  perf?: Record<string, number>;
}

/** Where host tests put figures for the report; index.ts creates it and writes it out (one process, several bundles). */
export function hostPerf(): Record<string, number> {
  const holder = globalThis as { heygenHostPerf?: Record<string, number> };
  holder.heygenHostPerf ??= {};
  return holder.heygenHostPerf;
}
