import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
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
 * The one place dropped and pasted bytes without a file path are kept until their upload is over: a private
 * folder per window session under `root`, one subfolder per drop, removed when the upload's lifetime ends (its
 * result and any Retry the person may still press), and the whole session folder when the window closes.
 */
export class TempMediaFolder {
  private readonly session: string;
  private readonly leases = new Set<TempLease>();
  /** Settles once the folders of ended sessions are removed (nothing waits for it but tests). */
  readonly swept: Promise<void>;

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

  /** The window is closing: nothing of this session can be uploaded any more. */
  async dispose(): Promise<void> {
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
        if (now - (await fs.stat(dir)).mtimeMs > STALE_MS) {
          await fs.rm(dir, { recursive: true, force: true });
        }
      } catch {
        // Gone already, or another window's: leave it.
      }
    }
  }
}
