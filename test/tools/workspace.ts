import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, VSCODE_TEST_DIR } from './proc';

export const FIXTURE_MEDIA = path.join(REPO, 'test', 'fixtures', 'media');
export const FIXTURE_WORKSPACE = path.join(REPO, 'test', 'fixtures', 'sample-workspace');
const RUNS_DIR = path.join(VSCODE_TEST_DIR, 'runs');

/** Fills `folder` with the sample media and the sample `video/generate` payload. */
export function populateSampleWorkspace(folder: string): void {
  fs.mkdirSync(folder, { recursive: true });
  for (const source of [FIXTURE_MEDIA, FIXTURE_WORKSPACE]) {
    if (!fs.existsSync(source)) {
      continue;
    }
    for (const name of fs.readdirSync(source)) {
      const from = path.join(source, name);
      if (fs.statSync(from).isFile()) {
        fs.copyFileSync(from, path.join(folder, name));
      }
    }
  }
}

export interface RunDirs {
  root: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  profileDir: string;
  report: string;
}

/**
 * A fresh set of folders for one run under .vscode-test/runs/, so no state leaks between runs.
 * Older runs of the same kind are deleted, keeping the last `keep` for post-mortems and anything
 * from the last 15 minutes, which may belong to a run still going in another terminal.
 */
export function freshRunDirs(kind: 'host' | 'ui', keep = 3): RunDirs {
  fs.mkdirSync(RUNS_DIR, { recursive: true });
  const previous = fs
    .readdirSync(RUNS_DIR)
    .filter((name) => name.startsWith(`${kind}-`))
    .sort();
  const recent = Date.now() - 15 * 60_000;
  for (const name of previous.slice(0, Math.max(0, previous.length - keep))) {
    const dir = path.join(RUNS_DIR, name);
    if (fs.statSync(dir).mtimeMs < recent) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const root = path.join(RUNS_DIR, `${kind}-${stamp}`);
  const dirs: RunDirs = {
    root,
    workspace: path.join(root, 'workspace'),
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    profileDir: path.join(root, 'chromium-profile'),
    report: path.join(root, 'report.json'),
  };
  fs.mkdirSync(dirs.userDataDir, { recursive: true });
  populateSampleWorkspace(dirs.workspace);
  return dirs;
}
