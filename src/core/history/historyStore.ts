import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { AssetRecord } from '../base/assetRecord';
import { Emitter, type Disposable } from '../base/disposable';
import { errorMessage } from '../base/errorMessage';
import { silentLogger, type Logger } from '../base/logger';
import { validateRecord } from './historyFormat';
import { HistoryFile } from './historyFile';
import { LOCK_TIMEOUT_MS } from './historyLock';
import { applyChanges, normalize, sanitizeMax, ShownHistory, type HistoryChange } from './historyModel';
import { HistoryWrites, RETRY_DELAY_MS, type WriteHold } from './historyWrites';

export { HISTORY_FORMAT_VERSION, parseHistory, serialize, validateRecord } from './historyFormat';
export { acquireLock, type LockHandle } from './historyLock';
export type { HistoryChange } from './historyModel';
export type { WriteHold } from './historyWrites';

export interface HistoryStoreOptions {
  maxEntries: number;
  log?: Logger;
  /** How long a write waits for another window's lock (tests shorten it). */
  lockTimeoutMs?: number;
  /** First wait before a change that could not be saved is written again (tests shorten it). */
  retryDelayMs?: number;
}

/**
 * The upload history, persisted as one JSON file (historyFormat.ts), newest first: the entries as data
 * (historyModel.ts), the file under its lock (historyFile.ts), and when changes are written (historyWrites.ts).
 *
 * Several windows (extension hosts, i.e. processes) share the file. Every change happens under an exclusive lock
 * file (historyLock.ts) on top of the file's current content, so concurrent writers never lose each other's entries.
 * Adding entries appends them in place (cost: the entries, not the history); anything else (remove, clear, a
 * replaced id, the cap) rewrites the file atomically (temp file + rename). Other writers' changes are picked up by
 * watching the folder. Changes made while a write is in flight go together in the next one.
 *
 * A change that cannot be saved (lock held too long, disk full, no permission) is not dropped: it stays
 * pending, is shown on top of every reload of the file, and is written with the next change or by a
 * retry with backoff. The call that made it still rejects, so its caller can tell the person.
 *
 * A file written by a newer release (a higher format version) is shown but never written, quarantined or
 * replaced: a window still running the old release after an update must not destroy the new one's history.
 */
export class HistoryStore {
  private readonly shown = new ShownHistory();
  private readonly disk: HistoryFile;
  private readonly writes: HistoryWrites;
  private readonly changes: Emitter<HistoryChange>;
  private watching: Disposable | undefined;
  private disposed = false;
  private maxEntries: number;
  private readonly log: Logger;

  private constructor(
    readonly file: string,
    options: HistoryStoreOptions,
  ) {
    this.maxEntries = sanitizeMax(options.maxEntries);
    this.log = options.log ?? silentLogger;
    this.changes = new Emitter((err) => this.log.error(`History: a change listener failed: ${errorMessage(err)}`));
    this.disk = new HistoryFile(file, this.log, options.lockTimeoutMs ?? LOCK_TIMEOUT_MS, () => this.maxEntries);
    const disk = this.disk;
    this.writes = new HistoryWrites(
      {
        file,
        get readOnly() {
          return disk.readOnly;
        },
        write: (changes) => disk.write(changes),
        show: (local, wrote) => this.show(local, wrote),
        fire: (change) => this.changes.fire(change),
      },
      this.log,
      options.retryDelayMs ?? RETRY_DELAY_MS,
    );
  }

  /** Opens (or creates on first write) the store. Never throws: any problem leaves an empty, working store. */
  static async open(file: string, options: HistoryStoreOptions): Promise<HistoryStore> {
    const store = new HistoryStore(path.resolve(file), options);
    try {
      await fs.mkdir(path.dirname(store.file), { recursive: true });
    } catch (err) {
      store.log.warn(`History: cannot create the folder ${path.dirname(store.file)}: ${errorMessage(err)}`);
    }
    try {
      await store.writes.enqueue(() => store.load(false));
    } catch (err) {
      store.log.error(`History: cannot load ${store.file}; starting with an empty history. ${errorMessage(err)}`);
    }
    store.watching = store.disk.watch(() => {
      if (!store.disposed) {
        store.reload().catch((err) => store.log.error(`History: reload failed: ${errorMessage(err)}`));
      }
    });
    return store;
  }

  /** All entries, newest first (by upload time). */
  all(): readonly AssetRecord[] {
    return this.shown.all();
  }

  get size(): number {
    return this.shown.all().length;
  }

  /** How many changes are shown but not yet saved to the file (they are retried). */
  get unsavedChanges(): number {
    return this.writes.pending.length;
  }

  /** True while the file was written by a newer release: this window shows it and does not change it. */
  get readOnly(): boolean {
    return this.disk.readOnly;
  }

  get(id: string): AssetRecord | undefined {
    return this.shown.get(id);
  }

  /** The newest entry with these bytes uploaded under this key, if any. */
  findBySha256(sha256: string, keyFingerprint: string): AssetRecord | undefined {
    return this.shown.findBySha256(sha256, keyFingerprint);
  }

  /**
   * Adds an entry, replacing any entry with the same id. Rejects when it could not be saved; the entry
   * is still shown and is saved later (see the class comment). While writes are held it resolves once shown.
   */
  add(record: AssetRecord): Promise<void> {
    const problem = validateRecord(record);
    if (problem) {
      return Promise.reject(new Error(l10n.t('History: refusing an invalid entry ({0}).', problem)));
    }
    return this.writes.mutate(`add ${record.id} (${record.name})`, { kind: 'add', record }, record);
  }

  remove(ids: readonly string[]): Promise<void> {
    return this.writes.mutate(`remove ${ids.length}`, { kind: 'remove', ids: new Set(ids) });
  }

  /**
   * Removes every entry shown now and every entry uploaded before now. An entry another window adds
   * afterwards survives, even when this change has to be re-applied later.
   */
  clear(): Promise<void> {
    return this.writes.mutate('clear', { kind: 'clear', seen: new Set(this.shown.all().map((r) => r.id)), before: Date.now() });
  }

  /** Re-reads the file (for example after another window changed it). */
  reload(): Promise<void> {
    return this.writes.enqueue(() => this.load(true));
  }

  async setMaxEntries(n: number): Promise<void> {
    const max = sanitizeMax(n);
    if (max === this.maxEntries) {
      return;
    }
    this.maxEntries = max;
    if (this.shown.all().length > max) {
      await this.writes.mutate(`cap ${max}`, { kind: 'cap' });
    }
  }

  /**
   * Holds writes for a batch of uploads: until `release`, changes are shown at once and their calls resolve
   * without waiting for the disk, and they are saved together (every few dozen changes or seconds, and at the
   * release), so a batch of 100 uploads writes the file a handful of times instead of 100.
   */
  holdWrites(): WriteHold {
    return this.writes.hold();
  }

  onDidChange(listener: (change: HistoryChange) => void): Disposable {
    return this.changes.event(listener);
  }

  /** Resolves once every change shown so far is on disk (see HistoryWrites.settled); deactivate waits for it. */
  flush(): Promise<void> {
    return this.writes.settled();
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.changes.dispose();
    this.watching?.dispose();
    this.watching = undefined;
    // The window is closing: what is still unsaved gets one last attempt, and a record of what is lost if it fails.
    this.writes.dispose();
  }

  /** Recomputes what the window shows from the file's entries and the pending changes; returns what changed. */
  private show(local: boolean, wrote: readonly AssetRecord[] = []): HistoryChange {
    const pending = this.writes.pending;
    const records = pending.length > 0 ? normalize(applyChanges(pending, this.disk.base), this.maxEntries) : this.disk.base;
    return this.shown.show(records, local, wrote);
  }

  private async load(notify: boolean): Promise<void> {
    const changed = await this.disk.load();
    if (changed === undefined) {
      return;
    }
    // Pending changes are applied on top of what another window wrote: reloading never drops them.
    const change = this.show(false);
    if (notify && changed) {
      this.changes.fire(change);
    }
  }
}
