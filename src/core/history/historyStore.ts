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
import { HistoryWrites, MAX_RETRY_DELAY_MS, RETRY_DELAY_MS, type WriteHold } from './historyWrites';

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
 *
 * Only a file whose content does not parse is set aside as corrupt. One that cannot be read (EACCES, EPERM, EMFILE,
 * EBUSY: a permission, too many open files, a lock of another program) is left untouched: the window keeps showing
 * what it last read, changes stay pending, `readOnlyReason` says why, and the file is read again with backoff.
 */
export class HistoryStore {
  private readonly shown = new ShownHistory();
  private readonly disk: HistoryFile;
  private readonly writes: HistoryWrites;
  private readonly changes: Emitter<HistoryChange>;
  private watching: Disposable | undefined;
  private readRetry: NodeJS.Timeout | undefined;
  private readRetryAttempt = 0;
  private readonly retryDelayMs: number;
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
    this.retryDelayMs = options.retryDelayMs ?? RETRY_DELAY_MS;
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
      this.retryDelayMs,
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

  /**
   * Why the history cannot be changed in this window right now, as one sentence for the Assets view; undefined when
   * it can. Changes to it come with an onDidChange event.
   */
  get readOnlyReason(): string | undefined {
    const io = this.disk.unreadable;
    if (io) {
      return l10n.t(
        'History is read-only for now: its file cannot be read ({0}, {1}). It is left untouched and read again shortly; new uploads are shown and saved once it can be read.',
        ioErrorMeaning(io.code),
        io.code,
      );
    }
    return this.disk.readOnly ? l10n.t('History is read-only: it was saved by a newer version of HeyGen Assets. Update the extension to change it here.') : undefined;
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
    if (this.readRetry) {
      clearTimeout(this.readRetry);
      this.readRetry = undefined;
    }
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
    const reasonBefore = this.readOnlyReason;
    const changed = await this.disk.load();
    const access = this.readOnlyReason !== reasonBefore;
    this.afterRead();
    if (changed === undefined && !access) {
      return;
    }
    // Pending changes are applied on top of what another window wrote: reloading never drops them.
    const change = this.show(false);
    if (notify && (changed || access)) {
      this.changes.fire(change);
    }
  }

  /** While the file cannot be read it is read again, with backoff (as an unsaved change is written again). */
  private afterRead(): void {
    const io = this.disk.unreadable;
    if (!io) {
      if (this.readRetryAttempt > 0) {
        this.log.info(`History: ${this.file} can be read again.`);
      }
      this.readRetryAttempt = 0;
      return;
    }
    if (this.disposed || this.readRetry) {
      return;
    }
    const wait = Math.min(this.retryDelayMs * 2 ** this.readRetryAttempt, MAX_RETRY_DELAY_MS);
    const log = this.readRetryAttempt === 0 ? this.log.warn.bind(this.log) : this.log.debug.bind(this.log);
    log(`History: cannot read ${this.file} (${io.reason}); it is left untouched, shown read-only, and read again in ${Math.round(wait / 100) / 10} s.`);
    this.readRetryAttempt++;
    this.readRetry = setTimeout(() => {
      this.readRetry = undefined;
      if (!this.disposed) {
        this.reload().catch((err) => this.log.error(`History: reload failed: ${errorMessage(err)}`));
      }
    }, wait);
    // A pending retry must not keep a test runner or a closing host alive.
    this.readRetry.unref();
  }
}

/** What an I/O error code means to the person, in a few words. */
function ioErrorMeaning(code: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return l10n.t('no permission to read it');
    case 'EMFILE':
    case 'ENFILE':
      return l10n.t('too many files are open');
    case 'EBUSY':
      return l10n.t('another program is using it');
    default:
      return l10n.t('an input/output error');
  }
}
