import { watch, type FSWatcher } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { AssetRecord } from '../base/assetRecord';
import {
  appendInPlace,
  identityOf,
  isSortedDesc,
  keepCopy,
  quarantine,
  readHistoryFile,
  sameIdentity,
  serialize,
  validateRecord,
  writeAtomic,
  type DiskState,
  type FileIdentity,
  HISTORY_FORMAT_VERSION,
} from './historyFormat';
import { acquireLock, LOCK_TIMEOUT_MS, type LockHandle } from './historyLock';
import { silentLogger, type Logger } from '../base/logger';
import { asError, errorMessage } from '../base/errorMessage';

export { HISTORY_FORMAT_VERSION, parseHistory, serialize, validateRecord } from './historyFormat';
export { acquireLock, type LockHandle } from './historyLock';

/** Other windows' writes arrive as a burst of watcher events; one reload per burst is enough. */
const WATCH_DEBOUNCE_MS = 75;
/** First wait before an unsaved change is written again; it doubles after each failure, up to the maximum. */
const RETRY_DELAY_MS = 2_000;
const MAX_RETRY_DELAY_MS = 60_000;
/** While writes are held (a batch), they are still made after this many changes or this long after the first. */
const HOLD_MAX_CHANGES = 25;
const HOLD_MAX_MS = 5_000;

export interface HistoryStoreOptions {
  maxEntries: number;
  log?: Logger;
  /** How long a write waits for another window's lock (tests shorten it). */
  lockTimeoutMs?: number;
  /** First wait before a change that could not be saved is written again (tests shorten it). */
  retryDelayMs?: number;
}

export interface Disposable {
  dispose(): void;
}

/** What a change event carries, so a view can react to the specific entries (reveal a new upload, say). */
export interface HistoryChange {
  /** Entries that were not there before, plus entries this window's add() just wrote; newest first. */
  readonly added: readonly AssetRecord[];
  /** Ids that are no longer there. */
  readonly removed: readonly string[];
  /** True when this window's own add/remove/clear caused it; false for another window's write or a reload. */
  readonly local: boolean;
}

/** Writes held for a batch: see HistoryStore.holdWrites. */
export interface WriteHold {
  /** Ends the hold; resolves once everything changed meanwhile is saved, rejects (after logging) if it cannot be. */
  release(): Promise<void>;
}

/** A change as data, so it can be re-applied on top of whatever another window wrote meanwhile. */
type HistoryOp =
  | { kind: 'add'; record: AssetRecord }
  | { kind: 'remove'; ids: ReadonlySet<string> }
  | { kind: 'clear'; seen: ReadonlySet<string>; before: number }
  | { kind: 'cap' };

/** A change not yet on disk; re-applied on top of whatever the file holds until it is. */
interface PendingChange {
  what: string;
  op: HistoryOp;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  added?: AssetRecord;
}

/** What this window knows about the file's current content, to skip re-reading its own writes. */
interface KnownFile {
  identity: FileIdentity;
  /** Entries the file holds (it may hold a few more than the cap, see CAP_SLACK). */
  count: number;
  /** It ends the way an in-place append needs. */
  appendable: boolean;
  /** It was read only in part (an interrupted append, or one still being written when it was read). */
  torn?: boolean;
}

/**
 * The upload history, persisted as one JSON file (historyFormat.ts), newest first.
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
  /** What the file held at the last read or write (normalized). */
  private base: AssetRecord[] = [];
  /** `base` with the pending changes applied: what the window shows. */
  private records: AssetRecord[] = [];
  private byId = new Map<string, AssetRecord>();
  private bySha: Map<string, AssetRecord> | undefined;
  private known: KnownFile | undefined;
  /** Set while the file on disk has a newer format version than this release writes. */
  private newerVersion: number | undefined;
  private pending: PendingChange[] = [];
  private waiters: Waiter[] = [];
  private flushQueued = false;
  private holds = 0;
  private heldChanges = 0;
  private holdTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAttempt = 0;
  private readonly listeners = new Set<(change: HistoryChange) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private disposed = false;
  private maxEntries: number;
  private readonly log: Logger;
  private readonly lockFile: string;
  private readonly lockTimeoutMs: number;
  private readonly retryDelayMs: number;

  private constructor(
    readonly file: string,
    options: HistoryStoreOptions,
  ) {
    this.maxEntries = sanitizeMax(options.maxEntries);
    this.log = options.log ?? silentLogger;
    this.lockFile = `${file}.lock`;
    this.lockTimeoutMs = options.lockTimeoutMs ?? LOCK_TIMEOUT_MS;
    this.retryDelayMs = options.retryDelayMs ?? RETRY_DELAY_MS;
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
      await store.enqueue(() => store.loadFromDisk(false));
    } catch (err) {
      store.log.error(`History: cannot load ${store.file}; starting with an empty history. ${errorMessage(err)}`);
    }
    store.startWatching();
    return store;
  }

  /** All entries, newest first (by upload time). */
  all(): readonly AssetRecord[] {
    return this.records;
  }

  get size(): number {
    return this.records.length;
  }

  /** How many changes are shown but not yet saved to the file (they are retried). */
  get unsavedChanges(): number {
    return this.pending.length;
  }

  /** True while the file was written by a newer release: this window shows it and does not change it. */
  get readOnly(): boolean {
    return this.newerVersion !== undefined;
  }

  get(id: string): AssetRecord | undefined {
    return this.byId.get(id);
  }

  /** The newest entry with these bytes uploaded under this key, if any. */
  findBySha256(sha256: string, keyFingerprint: string): AssetRecord | undefined {
    if (!this.bySha) {
      this.bySha = new Map();
      // Oldest first so the newest entry for a given content wins.
      for (let i = this.records.length - 1; i >= 0; i--) {
        const r = this.records[i];
        this.bySha.set(shaKey(r.sha256, r.keyFingerprint), r);
      }
    }
    return this.bySha.get(shaKey(sha256, keyFingerprint));
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
    return this.mutate(`add ${record.id} (${record.name})`, { kind: 'add', record }, record);
  }

  remove(ids: readonly string[]): Promise<void> {
    return this.mutate(`remove ${ids.length}`, { kind: 'remove', ids: new Set(ids) });
  }

  /**
   * Removes every entry shown now and every entry uploaded before now. An entry another window adds
   * afterwards survives, even when this change has to be re-applied later.
   */
  clear(): Promise<void> {
    return this.mutate('clear', { kind: 'clear', seen: new Set(this.records.map((r) => r.id)), before: Date.now() });
  }

  /** Re-reads the file (for example after another window changed it). */
  reload(): Promise<void> {
    return this.enqueue(() => this.loadFromDisk(true));
  }

  async setMaxEntries(n: number): Promise<void> {
    const max = sanitizeMax(n);
    if (max === this.maxEntries) {
      return;
    }
    this.maxEntries = max;
    if (this.records.length > max) {
      await this.mutate(`cap ${max}`, { kind: 'cap' });
    }
  }

  /**
   * Holds writes for a batch of uploads: until `release`, changes are shown at once and their calls resolve
   * without waiting for the disk, and they are saved together (every HOLD_MAX_CHANGES changes or HOLD_MAX_MS,
   * and at the release), so a batch of 100 uploads writes the file a handful of times instead of 100.
   */
  holdWrites(): WriteHold {
    this.holds++;
    let released = false;
    return {
      release: () => {
        if (released) {
          return Promise.resolve();
        }
        released = true;
        this.holds--;
        if (this.holds > 0 || this.pending.length === 0) {
          return Promise.resolve();
        }
        this.clearHoldTimer();
        this.heldChanges = 0;
        return new Promise<void>((resolve, reject) => {
          this.waiters.push({ resolve, reject });
          this.requestFlush();
        });
      },
    };
  }

  onDidChange(listener: (change: HistoryChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.listeners.clear();
    this.watcher?.close();
    this.watcher = undefined;
    if (this.debounce) {
      clearTimeout(this.debounce);
      this.debounce = undefined;
    }
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.clearHoldTimer();
    if (this.pending.length > 0) {
      // The window is closing: one last attempt, and a record of what is lost if it fails too.
      const whats = this.pending.map((p) => p.what).join('; ');
      void this.enqueue(() => this.writePending()).then(
        () => this.log.info(`History: saved the changes that had failed before (${whats}).`),
        (err) => this.log.error(`History: these changes could not be saved to ${this.file} and are lost: ${whats}. ${errorMessage(err)}`),
      );
    }
  }

  // ---- internals ---------------------------------------------------------------------------

  /** One operation at a time per instance; the lock file orders instances and processes. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private mutate(what: string, op: HistoryOp, added?: AssetRecord): Promise<void> {
    this.pending.push({ what, op });
    if (this.holds > 0) {
      this.fire(this.publish(true, added ? [added] : []));
      this.heldChanges++;
      if (this.heldChanges >= HOLD_MAX_CHANGES) {
        this.heldChanges = 0;
        this.clearHoldTimer();
        this.requestFlush();
      } else if (!this.holdTimer) {
        this.holdTimer = setTimeout(() => {
          this.holdTimer = undefined;
          this.heldChanges = 0;
          this.requestFlush();
        }, HOLD_MAX_MS);
        this.holdTimer.unref();
      }
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject, added });
      this.requestFlush();
    });
  }

  /** Group commit: one write for every change made before it starts; later ones wait for the next. */
  private requestFlush(): void {
    if (this.flushQueued) {
      return;
    }
    this.flushQueued = true;
    void this.enqueue(() => this.flush());
  }

  private async flush(): Promise<void> {
    this.flushQueued = false;
    const waiters = this.waiters.splice(0);
    const wrote = waiters.flatMap((w) => (w.added ? [w.added] : []));
    if (this.pending.length === 0) {
      waiters.forEach((w) => w.resolve());
      return;
    }
    const whats = this.pending.map((p) => p.what).join('; ');
    try {
      await this.writePending();
    } catch (err) {
      const error = asError(err);
      // Shown at once and kept pending, so neither a reload nor a later write loses it.
      this.fire(this.publish(true, wrote));
      if (this.newerVersion !== undefined) {
        this.log.warn(`History: not saving (${whats}) to ${this.file}: ${error.message}. It is shown in this window only.`);
      } else {
        this.log.error(
          `History: could not save (${whats}) to ${this.file}: ${error.message}. It is kept in this window and saved with the next change or in ${formatDelay(this.nextRetryDelay())}.`,
        );
        this.scheduleRetry();
      }
      waiters.forEach((w) => w.reject(error));
      return;
    }
    const change = this.publish(true, wrote);
    // Changes made under a hold were shown when they were made; their write alone changes nothing on screen.
    if (waiters.length > 0 || change.added.length > 0 || change.removed.length > 0) {
      this.fire(change);
    }
    waiters.forEach((w) => w.resolve());
  }

  /** Writes every pending change on top of the file's current content, under the lock. Throws if it cannot. */
  private async writePending(): Promise<void> {
    const changes = this.pending.slice();
    let lock: LockHandle | undefined;
    try {
      lock = await acquireLock(this.lockFile, this.log, this.lockTimeoutMs);
      const current = await this.currentUnderLock();
      if (current.newer !== undefined) {
        throw new Error(
          l10n.t('the history was saved by a newer version of HeyGen Assets (format {0}); this window does not change it', current.newer),
        );
      }
      const appended = this.appendable(changes, current);
      const next = appended ? this.prepend(appended, current.records) : this.normalize(applyChanges(changes, current.records));
      const held = lock;
      const stillOurs = async (): Promise<void> => {
        // A window paused past the lock's stale age may have lost it to another: then it must not write.
        if (!(await held.held())) {
          throw new Error(l10n.t('the history lock was taken over by another window while saving'));
        }
      };
      let identity: FileIdentity;
      if (appended && current.known) {
        await stillOurs();
        identity = await appendInPlace(this.file, current.known.identity, appended);
      } else {
        identity = await writeAtomic(this.file, serialize(next), stillOurs);
      }
      this.log.trace(`History: saved ${changes.length} change(s) by ${appended ? 'appending' : 'rewriting the file'}.`);
      this.pending.splice(0, changes.length);
      this.base = next;
      this.known = { identity, count: appended && current.known ? current.known.count + appended.length : next.length, appendable: true };
    } finally {
      await lock?.();
    }
    if (this.pending.length === 0) {
      this.retryAttempt = 0;
      if (this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
      }
    }
  }

  /**
   * The file's entries right now, under the lock: from memory when the file is still what this window last read
   * or wrote (the common case: no read at all), else read again; an unreadable file is moved aside.
   */
  private async currentUnderLock(): Promise<{ records: AssetRecord[]; known: KnownFile | undefined; newer?: number }> {
    const stat = await fs.stat(this.file).catch(() => undefined);
    if (this.known && !this.known.torn && stat && sameIdentity(identityOf(stat), this.known.identity) && this.newerVersion === undefined) {
      return { records: this.base, known: this.known };
    }
    let disk = await readHistoryFile(this.file, this.log);
    if (disk.kind === 'corrupt') {
      await quarantine(this.file, disk.reason, this.log);
      disk = { kind: 'missing' };
    } else if (disk.kind === 'ok' && disk.torn) {
      await keepCopy(this.file, disk.torn, this.log);
    }
    this.adopt(disk);
    return { records: this.base, known: this.known, ...(disk.kind === 'newer' ? { newer: disk.version } : {}) };
  }

  /** The entries to append in place instead of rewriting the file, or undefined when the changes need a rewrite. */
  private appendable(changes: readonly PendingChange[], current: { records: AssetRecord[]; known: KnownFile | undefined }): AssetRecord[] | undefined {
    const known = current.known;
    if (!known?.appendable || changes.some((c) => c.op.kind !== 'add')) {
      return undefined;
    }
    const adds = changes.map((c) => (c.op as { record: AssetRecord }).record);
    const ids = new Set(adds.map((r) => r.id));
    // A replaced entry would leave two lines with one id, and an over-full file is trimmed: both rewrite.
    if (ids.size !== adds.length || current.records.some((r) => ids.has(r.id)) || known.count + adds.length > this.maxEntries + capSlack(this.maxEntries)) {
      return undefined;
    }
    return adds;
  }

  /**
   * `records` with new entries (ids not among them) in front, newest first: without re-sorting or de-duplicating the
   * whole history when they are newer than everything in it (the usual add), so an add stays cheap at 10,000 entries.
   */
  private prepend(adds: readonly AssetRecord[], records: AssetRecord[]): AssetRecord[] {
    const fresh = isSortedDesc(adds) ? [...adds] : [...adds].sort((a, b) => b.uploadedAt - a.uploadedAt);
    if (records.length > 0 && fresh[fresh.length - 1].uploadedAt < records[0].uploadedAt) {
      return this.normalize([...fresh, ...records]);
    }
    const next = fresh.concat(records);
    if (next.length > this.maxEntries) {
      next.length = this.maxEntries;
    }
    return next;
  }

  /** Takes what was read as the new `base` (and `known`). */
  private adopt(disk: DiskState): void {
    if (disk.kind === 'ok' || disk.kind === 'newer') {
      this.base = this.normalize(disk.records);
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

  private nextRetryDelay(): number {
    return Math.min(this.retryDelayMs * 2 ** this.retryAttempt, MAX_RETRY_DELAY_MS);
  }

  private scheduleRetry(): void {
    if (this.disposed || this.retryTimer || this.pending.length === 0) {
      return;
    }
    const wait = this.nextRetryDelay();
    this.retryAttempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.enqueue(() => this.retryPending());
    }, wait);
    // A pending retry must not keep a test runner or a closing host alive.
    this.retryTimer.unref();
  }

  private clearHoldTimer(): void {
    if (this.holdTimer) {
      clearTimeout(this.holdTimer);
      this.holdTimer = undefined;
    }
  }

  private async retryPending(): Promise<void> {
    if (this.disposed || this.pending.length === 0) {
      return;
    }
    const whats = this.pending.map((p) => p.what).join('; ');
    try {
      await this.writePending();
    } catch (err) {
      if (this.newerVersion === undefined) {
        this.log.warn(`History: still cannot save ${whats} to ${this.file}: ${errorMessage(err)}; trying again in ${formatDelay(this.nextRetryDelay())}.`);
        this.scheduleRetry();
      }
      return;
    }
    this.log.info(`History: saved the changes that had failed before (${whats}).`);
    this.fire(this.publish(true));
  }

  /** Sorts newest first, drops duplicate ids (keeping the newest) and applies the cap. */
  private normalize(assets: AssetRecord[]): AssetRecord[] {
    const sorted = isSortedDesc(assets) ? assets : [...assets].sort((a, b) => b.uploadedAt - a.uploadedAt);
    const seen = new Set<string>();
    const out: AssetRecord[] = [];
    for (const r of sorted) {
      if (!seen.has(r.id)) {
        seen.add(r.id);
        out.push(r);
        if (out.length === this.maxEntries) {
          break;
        }
      }
    }
    return out;
  }

  /** Recomputes what the window shows from `base` and the pending changes; returns what changed. */
  private publish(local: boolean, wrote: readonly AssetRecord[] = []): HistoryChange {
    const before = this.byId;
    const records = this.pending.length > 0 ? this.normalize(applyChanges(this.pending, this.base)) : this.base;
    const grown = records.length - this.records.length;
    if (grown > 0 && endsWith(records, this.records)) {
      // Entries added in front of an unchanged list (an add): update the index instead of rebuilding it.
      const added = records.slice(0, grown);
      for (const r of added) {
        before.set(r.id, r);
      }
      this.records = records;
      this.bySha = undefined;
      return { added, removed: [], local };
    }
    const written = new Set(wrote);
    const byId = new Map<string, AssetRecord>();
    const added: AssetRecord[] = [];
    for (const r of records) {
      byId.set(r.id, r);
      if (!before.has(r.id) || written.has(r)) {
        added.push(r);
      }
    }
    const removed: string[] = [];
    for (const id of before.keys()) {
      if (!byId.has(id)) {
        removed.push(id);
      }
    }
    this.records = records;
    this.byId = byId;
    this.bySha = undefined;
    return { added, removed, local };
  }

  private fire(change: HistoryChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (err) {
        this.log.error(`History: a change listener failed: ${errorMessage(err)}`);
      }
    }
  }

  private async loadFromDisk(notify: boolean): Promise<void> {
    const before = this.known?.identity;
    if (before) {
      // Our own last write (or the last load) is still what is on disk: nothing to read.
      const st = await fs.stat(this.file).catch(() => undefined);
      if (st && sameIdentity(identityOf(st), before)) {
        return;
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
    const changed = disk.kind === 'missing' ? this.base.length > 0 || this.known !== undefined : !sameIdentity(disk.identity, before);
    this.adopt(disk);
    // Pending changes are applied on top of what another window wrote: reloading never drops them.
    const change = this.publish(false);
    if (notify && changed) {
      this.fire(change);
    }
  }

  private startWatching(): void {
    const name = path.basename(this.file);
    try {
      this.watcher = watch(path.dirname(this.file), { persistent: false }, (_event, filename) => {
        if (filename && filename.toString() !== name) {
          return;
        }
        this.scheduleReload();
      });
      this.watcher.on('error', (err) => {
        this.log.warn(`History: stopped watching ${path.dirname(this.file)} (${errorMessage(err)}); other windows' uploads appear after Refresh.`);
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (err) {
      this.log.warn(`History: cannot watch ${path.dirname(this.file)} (${errorMessage(err)}); other windows' uploads appear after Refresh.`);
    }
  }

  private scheduleReload(): void {
    if (this.disposed) {
      return;
    }
    if (this.debounce) {
      clearTimeout(this.debounce);
    }
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      if (!this.disposed) {
        this.reload().catch((err) => this.log.error(`History: reload failed: ${errorMessage(err)}`));
      }
    }, WATCH_DEBOUNCE_MS);
  }
}

function applyOp(assets: AssetRecord[], op: HistoryOp): AssetRecord[] {
  switch (op.kind) {
    case 'add':
      return [op.record, ...assets.filter((a) => a.id !== op.record.id)];
    case 'remove':
      return assets.filter((a) => !op.ids.has(a.id));
    case 'clear':
      return assets.filter((a) => !op.seen.has(a.id) && a.uploadedAt > op.before);
    case 'cap':
      return assets;
  }
}

function applyChanges(changes: readonly PendingChange[], assets: AssetRecord[]): AssetRecord[] {
  let out = assets;
  for (const change of changes) {
    out = applyOp(out, change.op);
  }
  return out;
}

/** Whether `list` is `tail` with entries in front (the same objects, in the same order). */
function endsWith(list: readonly AssetRecord[], tail: readonly AssetRecord[]): boolean {
  const offset = list.length - tail.length;
  for (let i = 0; i < tail.length; i++) {
    if (list[offset + i] !== tail[i]) {
      return false;
    }
  }
  return true;
}

/** How far past the cap appends may go before a rewrite trims the file: a full history must not rewrite on every add. */
function capSlack(maxEntries: number): number {
  return Math.max(50, Math.ceil(maxEntries / 10));
}

function sanitizeMax(n: number): number {
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1000;
}

function shaKey(sha256: string, keyFingerprint: string): string {
  return `${sha256.toLowerCase()}\n${keyFingerprint}`;
}


function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
