// Installs test/fixtures/agent-caller (another extension that uses only vscode.lm.invokeTool) into a run's
// extensions folder, compiled by esbuild, so the host tests can call HeyGen's tools the way any other extension does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { REPO } from './proc';

const FIXTURE = path.join(REPO, 'test', 'fixtures', 'agent-caller');
export const CALLER_EXTENSION_ID = 'heygen-test.agent-caller';

export async function installCallerExtension(extensionsDir: string): Promise<void> {
  const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'package.json'), 'utf8')) as { version: string };
  const target = path.join(extensionsDir, `${CALLER_EXTENSION_ID}-${manifest.version}`);
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
