import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../base/logger';
import { safeFileName } from './uriList';

/** Files one drop or paste had to write (content without a path), removed together by `release`. */
export interface TempLease {
  readonly paths: readonly string[];
  /** Removes the files; safe to call more than once. */
  release(): Promise<void>;
}

/** Session folders this old were left by a window that ended without cleaning up (a crash): removed at start. */
const STALE_MS = 24 * 60 * 60_000;
/**
 * Each session folder holds this file: the process and machine of its window, touched hourly while the window
 * lives. A window still holding a pasted file for Retry keeps its folder however old the file is.
 */
const ALIVE_FILE = '.alive';
const HEARTBEAT_MS = 60 * 60_000;

interface AliveMark {
  pid: number;
  host: string;
}

/** Whether a process of this machine is running (signal 0 tests without sending anything). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The one place dropped and pasted bytes without a file path are kept until their upload is over: a private
 * folder per window session under `root`, one subfolder per drop, removed when the upload's lifetime ends (its
 * result and any Retry the person may still press), and the whole session folder when the window closes.
 */
export class TempMediaFolder {
  private readonly session: string;
  private readonly leases = new Set<TempLease>();
  /** Settles once the folders of ended sessions are removed (nothing waits for it but tests). */
  readonly swept: Promise<void>;
  private marked: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    root: string,
    private readonly log: Logger,
  ) {
    this.session = path.join(root, `session-${randomUUID().slice(0, 12)}`);
    this.swept = this.sweep(root);
  }

  /** Writes each file into a fresh subfolder and returns their paths, in order, under one lease. */
  async hold(files: ReadonlyArray<{ name: string; bytes: Uint8Array }>): Promise<TempLease> {
    const dir = path.join(this.session, randomUUID().slice(0, 12));
    let released = false;
    const paths: string[] = [];
    const lease: TempLease = {
      paths,
      release: async () => {
        if (released) {
          return;
        }
        released = true;
        this.leases.delete(lease);
        await fs.rm(dir, { recursive: true, force: true }).catch((error: unknown) => this.log.warn(`Could not remove ${dir}: ${String(error)}`));
      },
    };
    if (files.length === 0) {
      released = true;
      return lease;
    }
    this.leases.add(lease);
    try {
      await fs.mkdir(dir, { recursive: true });
      await this.markAlive();
      const taken = new Set<string>();
      for (const file of files) {
        let name = safeFileName(file.name);
        // Two dropped files of the same name must not overwrite each other.
        for (let n = 2; taken.has(name); n++) {
          const ext = path.extname(safeFileName(file.name));
          name = `${path.basename(safeFileName(file.name), ext)} (${n})${ext}`;
        }
        taken.add(name);
        const target = path.join(dir, name);
        await fs.writeFile(target, file.bytes);
        paths.push(target);
      }
      return lease;
    } catch (error) {
      await lease.release();
      throw error;
    }
  }

  /** Whether any lease is still held (for tests and shutdown). */
  get held(): number {
    return this.leases.size;
  }

  /** Writes this session's mark once, then touches it hourly so other windows' sweeps see the session lives. */
  private markAlive(): Promise<void> {
    this.marked ??= (async () => {
      const mark: AliveMark = { pid: process.pid, host: os.hostname() };
      const file = path.join(this.session, ALIVE_FILE);
      await fs.writeFile(file, JSON.stringify(mark));
      this.heartbeat = setInterval(() => {
        const now = new Date();
        void fs.utimes(file, now, now).catch(() => undefined);
      }, HEARTBEAT_MS);
      this.heartbeat.unref?.();
    })().catch((error: unknown) => {
      this.marked = undefined;
      this.log.warn(`Could not mark ${this.session} as in use: ${String(error)}`);
    });
    return this.marked;
  }

  /** The window is closing: nothing of this session can be uploaded any more. */
  async dispose(): Promise<void> {
    clearInterval(this.heartbeat);
    this.leases.clear();
    await fs.rm(this.session, { recursive: true, force: true }).catch(() => undefined);
  }

  private async sweep(root: string): Promise<void> {
    let entries: string[];
    try {
      entries = await fs.readdir(root);
    } catch {
      return;
    }
    const now = Date.now();
    for (const entry of entries) {
      const dir = path.join(root, entry);
      try {
        if (now - (await this.lastSignOfLife(dir)) > STALE_MS) {
          await fs.rm(dir, { recursive: true, force: true });
        }
      } catch {
        // Gone already, or another window's: leave it.
      }
    }
  }

  /**
   * When the session was last known alive (ms since epoch): now, while its process runs on this machine; else its
   * mark's last heartbeat (a window on another machine sharing this folder); else, for a folder without a mark (an
   * older version's), the folder's own modification time.
   */
  private async lastSignOfLife(dir: string): Promise<number> {
    const file = path.join(dir, ALIVE_FILE);
    let mark: Partial<AliveMark> | undefined;
    try {
      mark = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<AliveMark>;
    } catch {
      return (await fs.stat(dir)).mtimeMs;
    }
    if (mark.host === os.hostname() && typeof mark.pid === 'number' && Number.isInteger(mark.pid) && mark.pid > 0) {
      return processRuns(mark.pid) ? Date.now() : (await fs.stat(file)).mtimeMs;
    }
    return (await fs.stat(file)).mtimeMs;
  }
}
