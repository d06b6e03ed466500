// test/fixtures/agent-caller: another extension that uses only vscode.lm.tools and vscode.lm.invokeTool, compiled by
// esbuild, so the tests can call HeyGen's tools the way any other extension (an agent) does.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { REPO, onCleanup, runOrThrow } from './proc';

const FIXTURE = path.join(REPO, 'test', 'fixtures', 'agent-caller');
export const CALLER_EXTENSION_ID = 'heygen-test.agent-caller';

async function buildInto(target: string): Promise<void> {
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(path.join(FIXTURE, 'package.json'), path.join(target, 'package.json'));
  await esbuild.build({
    entryPoints: [path.join(FIXTURE, 'extension.ts')],
    outfile: path.join(target, 'extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
}

/**
 * Into a run's extensions folder as an unpacked extension. Enough before any .vsix is installed there (VS Code then
 * scans the folder); the host tests install nothing else.
 */
export async function installCallerExtension(extensionsDir: string): Promise<void> {
  const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'package.json'), 'utf8')) as { version: string };
  await buildInto(path.join(extensionsDir, `${CALLER_EXTENSION_ID}-${manifest.version}`));
}

/** As a .vsix, for runs that install extensions the way users do (the UI tests). */
export async function packageCallerExtension(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-caller-'));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  await buildInto(dir);
  const vsix = path.join(dir, 'agent-caller.vsix');
  await runOrThrow(path.join(REPO, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix], { cwd: dir, quiet: true });
  return vsix;
}
