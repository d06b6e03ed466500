// `npm test`: typecheck, lint, unit, extension host, UI, in that order. Every layer runs even when an
// earlier one failed, so one run shows everything; the exit code is non-zero if anything failed.
// The summary gives each layer's result, counts and time, and the host layer's per VS Code version.
// The last line, "N passed, M failed", sums the unit, host and UI test counts: CI reads it.
import * as path from 'node:path';
import { VSCODE_TARGETS, isCodeServerInstalled, selectedTargets } from './codeServer';
import { REPO, log, run } from './proc';
import { ensureMachine, type Need } from './provision';

type LayerName = 'typecheck' | 'lint' | 'unit' | 'host' | 'ui';

interface Layer {
  name: LayerName;
  command: string;
  args: string[];
  /** Test layers print "<prefix>: N passed, M failed"; static checks have no counts. */
  countPrefix?: string;
}

const tsx = (script: string): string[] => ['--import', 'tsx', path.join('test', 'tools', script)];

const LAYERS: Layer[] = [
  { name: 'typecheck', command: 'npx', args: ['tsc', '--noEmit', '-p', '.'] },
  { name: 'lint', command: 'npx', args: ['eslint', 'src', 'test'] },
  { name: 'unit', command: process.execPath, args: tsx('runUnitTests.ts'), countPrefix: 'unit' },
  { name: 'host', command: process.execPath, args: tsx('runHostTests.ts'), countPrefix: 'host' },
  { name: 'ui', command: process.execPath, args: tsx('runUiTests.ts'), countPrefix: 'ui' },
];

interface LayerResult {
  name: LayerName;
  ok: boolean;
  passed?: number;
  failed?: number;
  seconds: number;
  /** The host layer's counts and time per VS Code version ("host (VS Code 1.99.3): …" lines). */
  versions?: VersionCounts[];
}

export function parseCounts(output: string, prefix: string): { passed: number; failed: number } | undefined {
  const matches = [...output.matchAll(new RegExp(`^${prefix}: (\\d+) passed, (\\d+) failed`, 'gm'))];
  const last = matches[matches.length - 1];
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : undefined;
}

interface VersionCounts {
  version: string;
  passed: number;
  failed: number;
  /** All passes on that version (trusted, untrusted, pseudo-locale), when the line says. */
  seconds?: number;
}

export function parseVersionCounts(output: string): VersionCounts[] {
  return [...output.matchAll(/^host \(VS Code (\S+)\): (\d+) passed, (\d+) failed(?:.*? in ([\d.]+) s)?/gm)].map((match) => ({
    version: match[1],
    passed: Number(match[2]),
    failed: Number(match[3]),
    ...(match[4] !== undefined ? { seconds: Number(match[4]) } : {}),
  }));
}

function selectedLayers(): Layer[] {
  const wanted = process.env.HEYGEN_TEST_LAYERS?.split(',').map((name) => name.trim()).filter(Boolean);
  if (!wanted || wanted.length === 0) {
    return LAYERS;
  }
  const unknown = wanted.filter((name) => !LAYERS.some((layer) => layer.name === name));
  if (unknown.length > 0) {
    throw new Error(`HEYGEN_TEST_LAYERS names unknown layers: ${unknown.join(', ')} (known: ${LAYERS.map((layer) => layer.name).join(', ')})`);
  }
  return LAYERS.filter((layer) => wanted.includes(layer.name));
}

/** What the chosen layers need from the machine, asked for once before the first layer runs. */
function machineNeeds(layers: readonly Layer[]): Need[] {
  const needs: Need[] = [];
  if (layers.some((layer) => layer.name === 'unit')) {
    needs.push('unitTools');
  }
  if (layers.some((layer) => layer.name === 'host' || layer.name === 'ui')) {
    needs.push('browser');
    if (selectedTargets(VSCODE_TARGETS).some((target) => !isCodeServerInstalled(target))) {
      needs.push('installVsCode');
    }
  }
  return needs;
}

async function main(): Promise<number> {
  const results: LayerResult[] = [];
  const layers = selectedLayers();
  ensureMachine(machineNeeds(layers));
  for (const layer of layers) {
    log(`\n=== ${layer.name} ===`);
    const started = Date.now();
    const result = await run(layer.command, layer.args, { cwd: REPO });
    const seconds = (Date.now() - started) / 1000;
    if (!layer.countPrefix) {
      results.push({ name: layer.name, ok: result.code === 0, seconds });
      continue;
    }
    // A layer that crashed before printing its counts still counts as one failure.
    const counts = parseCounts(result.output, layer.countPrefix) ?? { passed: 0, failed: 1 };
    const versions = layer.name === 'host' ? parseVersionCounts(result.output) : [];
    results.push({ name: layer.name, ok: result.code === 0 && counts.failed === 0, ...counts, seconds, ...(versions.length > 0 ? { versions } : {}) });
  }

  log('\n=== summary ===');
  log(`${'layer'.padEnd(10)} ${'result'.padEnd(7)} ${'passed'.padStart(6)} ${'failed'.padStart(6)} ${'time'.padStart(8)}`);
  for (const result of results) {
    log(
      `${result.name.padEnd(10)} ${(result.ok ? 'ok' : 'FAILED').padEnd(7)} ${String(result.passed ?? '-').padStart(6)} ${String(result.failed ?? '-').padStart(6)} ${`${result.seconds.toFixed(1)} s`.padStart(8)}`,
    );
    for (const version of result.versions ?? []) {
      const time = version.seconds === undefined ? '-' : `${version.seconds.toFixed(1)} s`;
      log(
        `${`  ${version.version}`.padEnd(10)} ${(version.failed === 0 ? 'ok' : 'FAILED').padEnd(7)} ${String(version.passed).padStart(6)} ${String(version.failed).padStart(6)} ${time.padStart(8)}`,
      );
    }
  }
  const passed = results.reduce((sum, result) => sum + (result.passed ?? 0), 0);
  const failed = results.reduce((sum, result) => sum + (result.failed ?? 0), 0);
  const failedChecks = results.filter((result) => !result.ok && result.passed === undefined).map((result) => result.name);
  if (failedChecks.length > 0) {
    log(`failed checks: ${failedChecks.join(', ')}`);
  }
  log(`${passed} passed, ${failed} failed`);
  return results.every((result) => result.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    log('0 passed, 1 failed');
    process.exit(1);
  },
);
