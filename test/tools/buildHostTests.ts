import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { REPO, runOrThrow } from './proc';

const HOST_SRC = path.join(REPO, 'test', 'host');
export const HOST_OUT = path.join(REPO, 'out', 'test', 'host');

/** The extension bundle (dist/extension.js), through the project's own build script. */
export async function buildExtension(): Promise<void> {
  await runOrThrow(process.execPath, [path.join(REPO, 'esbuild.mjs')]);
}

/**
 * Bundles index.ts and every *.test.ts of test/host to out/test/host/, one file each, so the
 * mocha entry can discover them at run time. Done here rather than in esbuild.mjs so each new test
 * file is picked up without touching the build script. Stale outputs are removed first: a deleted
 * test must not keep running from an old bundle.
 */
export async function buildHostTests(): Promise<string[]> {
  const entryPoints = fs
    .readdirSync(HOST_SRC)
    .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
    .map((name) => path.join(HOST_SRC, name));
  fs.rmSync(HOST_OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: HOST_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    // mocha loads its reporters dynamically and must be one instance shared by index and the tests.
    external: ['vscode', 'mocha'],
    // jsonc-parser's "main" is a UMD build whose internal requires esbuild cannot follow.
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  return entryPoints.map((file) => path.basename(file));
}
