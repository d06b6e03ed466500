/**
 * Rows measured inside the real VS Code extension host: activation time and event-loop delay during uploads. Runs
 * the host suite's Performance tests (test/host/performance.test.ts) in code-server, on VS Code 1.99 (about 30 s).
 */
import { runCleanups } from '../tools/proc';
import { runHostTests } from '../tools/runHostTests';
import { ms, type BenchContext, type BenchRow } from './benchRow';

const ACTIVATION_TARGET_MS = 30;

export async function hostRows(_ctx: BenchContext): Promise<BenchRow[]> {
  const saved = { grep: process.env.HEYGEN_TEST_GREP, vscode: process.env.HEYGEN_VSCODE };
  process.env.HEYGEN_TEST_GREP = '^Performance';
  process.env.HEYGEN_VSCODE = '1.99';
  let result: Awaited<ReturnType<typeof runHostTests>>;
  try {
    result = await runHostTests();
  } finally {
    // The host run's own emulator.
    await runCleanups();
    restore('HEYGEN_TEST_GREP', saved.grep);
    restore('HEYGEN_VSCODE', saved.vscode);
  }
  const run = result.perf[0];
  const f = run?.figures ?? {};
  const where = `in the real extension host (VS Code ${run?.vscode ?? '?'}, code-server)`;
  const rows: BenchRow[] = [];
  const activation = f.activationMs;
  rows.push({
    measure: 'Activation: module load to activate returning',
    result: activation === undefined ? 'not measured' : ms(activation),
    target: `≤ ${ACTIVATION_TARGET_MS} ms`,
    met: activation !== undefined && activation <= ACTIVATION_TARGET_MS,
    how: `extension.activate() on a first activation, ${where}`,
  });
  for (const [what, p99, max] of [
    ['a 10 MB upload', f.uploadDelayP99Ms, f.uploadDelayMaxMs],
    ['a 20-file batch', f.batchDelayP99Ms, f.batchDelayMaxMs],
  ] as const) {
    rows.push({
      measure: `Extension host event-loop delay during ${what}: p99 / max`,
      result: p99 === undefined || max === undefined ? `not measured (${result.failed} failed)` : `${ms(p99)} / ${ms(max)}`,
      target: '',
      how: `monitorEventLoopDelay ${where}: reported, not asserted (the bench's own rows above carry the targets)`,
    });
  }
  return rows;
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}
