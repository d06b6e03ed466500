/**
 * The history file as this window knows it: what it held at the last read or write, how to write changes on top of
 * its current content under the cross-process lock (appending in place when it can, else rewriting atomically), how
 * to read it again, and watching its folder for other windows' writes.
 */
import { watch, type FSWatcher } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { AssetRecord } from '../base/assetRecord';
import type { Disposable } from '../base/disposable';
import { errorMessage } from '../base/errorMessage';
import type { Logger } from '../base/logger';
import {
  appendInPlace,
  HISTORY_FORMAT_VERSION,
  identityOf,
  keepCopy,
  quarantine,
  readHistoryFile,
  sameIdentity,
  serialize,
  writeAtomic,
  type DiskState,
  type FileIdentity,
} from './historyFormat';
import { acquireLock, type LockHandle } from './historyLock';
import { appendableAdds, applyChanges, normalize, prepend, type PendingChange } from './historyModel';

/** Other windows' writes arrive as a burst of watcher events; one reload per burst is enough. */
const WATCH_DEBOUNCE_MS = 75;

/** What this window knows about the file's current content, to skip re-reading its own writes. */
interface KnownFile {
  identity: FileIdentity;
  /** Entries the file holds (it may hold a few more than the cap, see historyModel's capSlack). */
  count: number;
  /** It ends the way an in-place append needs. */
  appendable: boolean;
  /** It was read only in part (an interrupted append, or one still being written when it was read). */
  torn?: boolean;
}

export class HistoryFile {
  /** What the file held at the last read or write (normalized). */
  base: AssetRecord[] = [];
  private known: KnownFile | undefined;
  /** Set while the file on disk has a newer format version than this release writes. */
  private newerVersion: number | undefined;
  /** Set while the file exists but cannot be read (an I/O error): it is left as it is and nothing is written. */
  private ioError: { code: string; reason: string } | undefined;
  private readonly lockFile: string;

  constructor(
    readonly file: string,
    private readonly log: Logger,
    private readonly lockTimeoutMs: number,
    private readonly maxEntries: () => number,
  ) {
    this.lockFile = `${file}.lock`;
  }

  /** True while the file was written by a newer release: this window shows it and does not change it. */
  get readOnly(): boolean {
    return this.newerVersion !== undefined;
  }

  /** The I/O error of the last attempt to read the file (EACCES, EPERM, EMFILE, EBUSY, …), while it lasts. */
  get unreadable(): { readonly code: string; readonly reason: string } | undefined {
    return this.ioError;
  }

  /** Writes `changes` on top of the file's current content, under the lock. Throws if it cannot. */
  async write(changes: readonly PendingChange[]): Promise<void> {
    let lock: LockHandle | undefined;
    try {
      lock = await acquireLock(this.lockFile, this.log, this.lockTimeoutMs);
      const current = await this.currentUnderLock();
      if (current.newer !== undefined) {
        throw new Error(
          l10n.t('the history was saved by a newer version of HeyGen Assets (format {0}); this window does not change it', current.newer),
        );
      }
      const known = current.known;
      const appended = known?.appendable ? appendableAdds(changes, current.records, known.count, this.maxEntries()) : undefined;
      const next = appended ? prepend(appended, current.records, this.maxEntries()) : normalize(applyChanges(changes, current.records), this.maxEntries());
      const held = lock;
      const stillOurs = async (): Promise<void> => {
        // A window paused past the lock's stale age may have lost it to another: then it must not write.
        if (!(await held.held())) {
          throw new Error(l10n.t('the history lock was taken over by another window while saving'));
        }
      };
      let identity: FileIdentity;
      if (appended && known) {
        await stillOurs();
        identity = await appendInPlace(this.file, known.identity, appended);
      } else {
        identity = await writeAtomic(this.file, serialize(next), stillOurs);
      }
      this.log.trace(`History: saved ${changes.length} change(s) by ${appended ? 'appending' : 'rewriting the file'}.`);
      this.base = next;
      this.known = { identity, count: appended && known ? known.count + appended.length : next.length, appendable: true };
      this.ioError = undefined;
    } finally {
      await lock?.();
    }
  }

  /**
   * Reads the file again unless it is still what this window last read or wrote. Resolves undefined when nothing was
   * read, else whether the content changed. A file whose content does not parse is moved aside under the lock; one
   * that cannot be read (an I/O error) is left as it is, and what this window shows stays as it was (see unreadable).
   */
  async load(): Promise<boolean | undefined> {
    const before = this.known?.identity;
    // While the file could not be read, it is read again even when its stat did not change (a chmod keeps it).
    if (before && !this.ioError) {
      // Our own last write (or the last load) is still what is on disk: nothing to read.
      const st = await fs.stat(this.file).catch(() => undefined);
      if (st && sameIdentity(identityOf(st), before)) {
        return undefined;
      }
    }
    let disk = await readHistoryFile(this.file, this.log);
    if (disk.kind === 'corrupt') {
      // Another writer might be replacing the file right now: decide under the lock, on a fresh read.
      let lock: LockHandle | undefined;
      try {
        lock = await acquireLock(this.lockFile, this.log, this.lockTimeoutMs);
        disk = await readHistoryFile(this.file, this.log);
        if (disk.kind === 'corrupt') {
          await quarantine(this.file, disk.reason, this.log);
          disk = { kind: 'missing' };
        }
      } catch (err) {
        this.log.error(`History: could not set the unreadable store aside: ${errorMessage(err)}`);
        disk = { kind: 'missing' };
      } finally {
        await lock?.();
      }
    }
    if (disk.kind === 'unreadable') {
      this.ioError = { code: disk.code, reason: disk.reason };
      return false;
    }
    const changed = disk.kind === 'missing' ? this.base.length > 0 || this.known !== undefined : !sameIdentity(disk.identity, before);
    this.adopt(disk);
    return changed;
  }

  /** Calls `onChange` (debounced) when the file may have been changed by another window. */
  watch(onChange: () => void): Disposable {
    const folder = path.dirname(this.file);
    const name = path.basename(this.file);
    let watcher: FSWatcher | undefined;
    let debounce: NodeJS.Timeout | undefined;
    let closed = false;
    const changed = (): void => {
      if (debounce) {
        clearTimeout(debounce);
      }
      debounce = setTimeout(() => {
        debounce = undefined;
        if (!closed) {
          onChange();
        }
      }, WATCH_DEBOUNCE_MS);
    };
    try {
      watcher = watch(folder, { persistent: false }, (_event, filename) => {
        if (!closed && (!filename || filename.toString() === name)) {
          changed();
        }
      });
      watcher.on('error', (err) => {
        this.log.warn(`History: stopped watching ${folder} (${errorMessage(err)}); other windows' uploads appear after Refresh.`);
        watcher?.close();
        watcher = undefined;
      });
    } catch (err) {
      this.log.warn(`History: cannot watch ${folder} (${errorMessage(err)}); other windows' uploads appear after Refresh.`);
    }
    return {
      dispose: () => {
        closed = true;
        watcher?.close();
        watcher = undefined;
        if (debounce) {
          clearTimeout(debounce);
          debounce = undefined;
        }
      },
    };
  }

  /**
   * The file's entries right now, under the lock: from memory when the file is still what this window last read
   * or wrote (the common case: no read at all), else read again; a file whose content does not parse is moved aside,
   * one that cannot be read makes the write fail (it is retried), as writing would replace content never seen.
   */
  private async currentUnderLock(): Promise<{ records: AssetRecord[]; known: KnownFile | undefined; newer?: number }> {
    const stat = await fs.stat(this.file).catch(() => undefined);
    const unchanged = this.known && !this.known.torn && stat && sameIdentity(identityOf(stat), this.known.identity);
    if (unchanged && this.newerVersion === undefined && !this.ioError) {
      return { records: this.base, known: this.known };
    }
    let disk = await readHistoryFile(this.file, this.log);
    if (disk.kind === 'unreadable') {
      this.ioError = { code: disk.code, reason: disk.reason };
      throw new Error(l10n.t('the history file cannot be read ({0}); it is left as it is until it can be', disk.code));
    }
    if (disk.kind === 'corrupt') {
      await quarantine(this.file, disk.reason, this.log);
      disk = { kind: 'missing' };
    } else if (disk.kind === 'ok' && disk.torn) {
      await keepCopy(this.file, disk.torn, this.log);
    }
    this.adopt(disk);
    return { records: this.base, known: this.known, ...(disk.kind === 'newer' ? { newer: disk.version } : {}) };
  }

  /** Takes what was read as the new `base` (and `known`). */
  private adopt(disk: DiskState): void {
    this.ioError = undefined;
    if (disk.kind === 'ok' || disk.kind === 'newer') {
      this.base = normalize(disk.records, this.maxEntries());
      const torn = disk.kind === 'ok' && disk.torn !== undefined;
      this.known = { identity: disk.identity, count: disk.records.length, appendable: disk.kind === 'ok' && disk.appendable, ...(torn ? { torn } : {}) };
    } else {
      this.base = [];
      this.known = undefined;
    }
    const newer = disk.kind === 'newer' ? disk.version : undefined;
    if (newer !== undefined && this.newerVersion !== newer) {
      this.log.warn(
        `History: ${this.file} was written by a newer version of HeyGen Assets (format ${newer}, this one writes ${HISTORY_FORMAT_VERSION}); this window shows it but does not change it. Update the extension to change the history here.`,
      );
    }
    this.newerVersion = newer;
  }
}
