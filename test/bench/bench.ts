/**
 * `npm run bench` (about 3 minutes) and `npm run bench -- --quick` (the main rows, under a minute; `-- --only v3` runs the
 * modules whose name contains the text): every figure in one
 * Markdown table with its target and whether it was met, then the machine (CPU model first). Ratios are medians of
 * alternating pairs (ours, reference, reference, ours, …) measured in the same run. Exit code 1 when a target is
 * missed.
 *
 * Adding measurements: write a module next to this file exporting
 *   export async function fooRows(ctx: BenchContext): Promise<BenchRow[]>
 * (types in benchRow.ts: a row is { measure, result, target, met?, how? }; ctx has the shared emulator, a scratch
 * folder and `quick`), then add ONE entry to MODULES below. Uploads that should be measured for memory the way the v1
 * engine is can go through uploadBench.ts's memoryGrowth with a { kind: 'module', module, exportName } uploader.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import type { BenchContext, BenchRow } from './benchRow';
import { historyRows } from './historyBench';
import { hostRows } from './hostBench';
import { libraryFigures } from './libraryBench';
import { payloadFigures } from './payloadBench';
import { v3Figures } from './v3Bench';
import { cpuModel, uploadRows } from './uploadBench';
import { videoRows } from './videoBench';

interface BenchModule {
  name: string;
  rows(ctx: BenchContext): Promise<BenchRow[]>;
  /** Runs under --quick too. */
  quick: boolean;
}

// ---- the modules, in table order: add yours here ---------------------------------------------------------------
const MODULES: BenchModule[] = [
  { name: 'v1 upload', rows: uploadRows, quick: true },
  // API v3 (issue 12): multipart against curl -F, and a 100 MB direct upload's memory. Right after v1, as races
  // should be: run after the history, library and payload modules it read 1.06 to 1.11 x curl -F in three runs, and
  // 0.85 to 0.93 on its own (those modules leave this process with a large heap to collect, the likely cause).
  { name: 'v3', rows: (ctx) => v3Figures({ origin: ctx.emulator.origin, apiKey: ctx.emulator.apiKey }, ctx.dir), quick: false },
  { name: 'history', rows: historyRows, quick: true },
  { name: 'library', rows: () => libraryFigures(), quick: true },
  { name: 'payload', rows: () => payloadFigures(), quick: true },
  { name: 'extension host', rows: hostRows, quick: false },
  // Videos (issue 23): a 120 s render watched in real time, the 50 MB MP4 saved, nothing rendering (about 2.5 min).
  { name: 'videos', rows: videoRows, quick: false },
];
// -----------------------------------------------------------------------------------------------------------------

const ROOT = join(__dirname, '..', '..');

async function startEmulatorProcess(): Promise<{ ctx: BenchContext['emulator']; proc: ChildProcess }> {
  const apiKey = 'hg-bench-key-0123456789';
  // Large enough for the 100 MB uploads other modules measure; the catalogue and video sizes the bench measures with.
  const args = ['--port', '0', '--key', apiKey, '--max-mb', '200', '--looks', '5000', '--voices', '2000', '--video-mb', '50'];
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/emulator/main.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const uploadUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // The emulator prints one JSON line: {"v1": <upload URL>, "v3": <API base URL>, "key": <API key>}.
      const line = out.split('\n').find((l) => l.startsWith('{') && out.includes(`${l}\n`));
      if (line) {
        resolve((JSON.parse(line) as { v1: string }).v1);
      }
    });
    proc.once('exit', (code) => reject(new Error(`emulator exited (${code})`)));
    setTimeout(() => reject(new Error('emulator did not start')), 30_000);
  });
  return { ctx: { origin: new URL(uploadUrl).origin, uploadUrl, apiKey, pid: proc.pid }, proc };
}

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(1)).join(' ');
}

function machine(loadAtStart: string): string {
  return [
    `CPU: ${cpuModel()}`,
    `RAM: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `Node.js: ${process.version}`,
    `load average (1, 5, 15 min) at the start ${loadAtStart}, at the end ${loadAverage()}`,
  ].join('; ');
}

function table(rows: BenchRow[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = ['| Measure | Result | Target | Met | How |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    lines.push(`| ${cell(r.measure)} | ${cell(r.result)} | ${cell(r.target)} | ${met} | ${cell(r.how ?? '')} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  // `--only v3`: the modules whose name contains the text (a developer re-measuring one area).
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;
  const started = Date.now();
  const dir = mkdtempSync(join(os.tmpdir(), 'heygen-bench-'));
  // Every process (emulator, uploaders, curl) runs at normal priority, as a user's uploads compete with whatever else
  // runs; the load average at the start and the end goes with the figures, as the races share the machine.
  const loadAtStart = loadAverage();
  const emulator = await startEmulatorProcess();
  const rows: BenchRow[] = [];
  try {
    const ctx: BenchContext = { quick, emulator: emulator.ctx, dir };
    for (const module of MODULES.filter((m) => (only ? m.name.includes(only) : !quick || m.quick))) {
      process.stderr.write(`bench: ${module.name}…\n`);
      try {
        rows.push(...(await module.rows(ctx)));
      } catch (error) {
        rows.push({ measure: `${module.name}: the measurement ran`, result: 'failed', target: '', met: false, how: error instanceof Error ? error.message : String(error) });
      }
    }
  } finally {
    emulator.proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(table(rows));
  console.log('');
  console.log(`Measured on: ${machine(loadAtStart)}; ${quick ? '--quick, ' : ''}${Math.round((Date.now() - started) / 1000)} s.`);
  const missed = rows.filter((r) => r.met === false);
  if (missed.length > 0) {
    console.log(`Targets missed: ${missed.map((r) => r.measure).join('; ')}`);
    process.exitCode = 1;
  }
}

main().then(
  // The host module's code-server and browser register cleanups; a finished run must not wait for stray handles.
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
