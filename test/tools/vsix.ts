import * as fs from 'node:fs';
import * as path from 'node:path';
import { VSCODE_TEST_DIR, runOrThrow } from './proc';

export const VSIX_PATH = path.join(VSCODE_TEST_DIR, 'heygen-assets.vsix');

/**
 * `vsce package`, which runs the production build through vscode:prepublish. Relative README links
 * are left alone: the manifest's repository is a placeholder vsce cannot turn into image URLs.
 */
export async function buildVsix(): Promise<number> {
  fs.mkdirSync(VSCODE_TEST_DIR, { recursive: true });
  fs.rmSync(VSIX_PATH, { force: true });
  await runOrThrow('npx', ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', VSIX_PATH], { quiet: true });
  return fs.statSync(VSIX_PATH).size;
}
