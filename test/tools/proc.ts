import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

/** The repository root (this file lives in test/tools). */
export const REPO = path.resolve(__dirname, '..', '..');
/** Ignored cache and scratch folder, the convention of VS Code's own test tools. */
export const VSCODE_TEST_DIR = path.join(REPO, '.vscode-test');

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export interface RunResult {
  code: number;
  output: string;
}

/**
 * Runs a command to completion, echoing its output live and also returning it,
 * so callers can both show progress and parse summary lines.
 */
export function run(command: string, args: string[], options: SpawnOptions & { quiet?: boolean } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    const onData = (target: NodeJS.WriteStream) => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      if (!options.quiet) {
        target.write(text);
      }
    };
    child.stdout?.on('data', onData(process.stdout));
    child.stderr?.on('data', onData(process.stderr));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** Like `run`, but a non-zero exit becomes an error carrying the output's tail. */
export async function runOrThrow(command: string, args: string[], options: SpawnOptions & { quiet?: boolean } = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}\n${result.output.slice(-4000)}`);
  }
  return result.output;
}

/** A port the OS just handed out; free ports beat fixed ones when runs overlap. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends a detached child and everything it forked (code-server starts a file watcher and
 * extension hosts), politely first, then by force.
 */
export async function killGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) {
    return;
  }
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  // Polled: only the direct child's exit is an event; the processes it forked are seen only by signalling the group.
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groupAlive(pid)) {
    await delay(100);
  }
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone between the check and the kill.
    }
  }
}

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];
let signalsHooked = false;

/**
 * Registers work that must happen however the script ends (Ctrl+C included), so no
 * editor, browser or emulator outlives the run. Returns a function that runs it early.
 */
export function onCleanup(cleanup: Cleanup): () => Promise<void> {
  cleanups.push(cleanup);
  if (!signalsHooked) {
    signalsHooked = true;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        log(`\n${signal}: cleaning up…`);
        void runCleanups().finally(() => process.exit(130));
      });
    }
  }
  return async () => {
    const index = cleanups.indexOf(cleanup);
    if (index >= 0) {
      cleanups.splice(index, 1);
      await cleanup();
    }
  };
}

/** Runs every registered cleanup, newest first; errors are reported, not thrown. */
export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    try {
      await cleanup();
    } catch (error) {
      process.stderr.write(`cleanup failed: ${String(error)}\n`);
    }
  }
}

export function seconds(startMs: number): string {
  return `${((Date.now() - startMs) / 1000).toFixed(1)} s`;
}

/**
 * Runs a test layer as a script: cleans up, then exits 1 when anything failed or nothing passed. A crash still
 * prints "<layer>: 0 passed, 1 failed", the line `npm test` reads.
 */
export function runLayerAsMain(layer: string, run: () => Promise<{ passed: number; failed: number }>): void {
  run()
    .then(async (result) => {
      await runCleanups();
      process.exit(result.failed > 0 || result.passed === 0 ? 1 : 0);
    })
    .catch(async (error: unknown) => {
      console.error(error);
      log(`${layer}: 0 passed, 1 failed`);
      await runCleanups();
      process.exit(1);
    });
}
