import { randomUUID } from 'node:crypto';
import { watch, type FSWatcher, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { AssetRecord } from './assetRecord';
import { silentLogger, type Logger } from '../log/logger';

export const HISTORY_FORMAT_VERSION = 1;

/** A lock older than this is taken to belong to a writer that died; a real write takes milliseconds. */
const STALE_LOCK_MS = 10_000;
/** How long a writer waits for a live lock before giving up with an error. */
const LOCK_TIMEOUT_MS = 20_000;
/** Other windows' writes arrive as a burst of watcher events; one reload per burst is enough. */
const WATCH_DEBOUNCE_MS = 75;
/** First wait before an unsaved change is written again; it doubles after each failure, up to the maximum. */
const RETRY_DELAY_MS = 2_000;
const MAX_RETRY_DELAY_MS = 60_000;

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

type DiskState =
  | { kind: 'missing' }
  | { kind: 'ok'; records: AssetRecord[]; text: string; stat: Stats }
  | { kind: 'corrupt'; reason: string };

/** A change not yet on disk; re-applied on top of whatever the file holds until it is. */
interface PendingChange {
  what: string;
  apply: (assets: AssetRecord[]) => AssetRecord[];
}

/**
 * The upload history, persisted as one JSON file (`{"version":1,"assets":[...]}`, newest first).
 *
 * Several windows (extension hosts, i.e. processes) share the file. Every change is a
 * read-modify-write of the file's current content under an exclusive lock file, followed by an
 * atomic replace (temp file + rename), so concurrent writers never lose each other's entries and a
 * reader never sees half a file. Other writers' changes are picked up by watching the folder.
 *
 * A change that cannot be saved (lock held too long, disk full, no permission) is not dropped: it stays
 * pending, is shown on top of every reload of the file, and is written with the next change or by a
 * retry with backoff. The call that made it still rejects, so its caller can tell the person.
 */
export class HistoryStore {
  /** What the file held at the last read or write (normalized). */
  private base: AssetRecord[] = [];
  /** `base` with the pending changes applied: what the window shows. */
  private records: AssetRecord[] = [];
  private byId = new Map<string, AssetRecord>();
  private bySha: Map<string, AssetRecord> | undefined;
  /** Identity of the file content in `base`, to skip reloading our own writes. */
  private known: { text: string; ino: number; size: number; mtimeMs: number } | undefined;
  private pending: PendingChange[] = [];
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
      store.log.warn(`History: cannot create the folder ${path.dirname(store.file)}: ${describe(err)}`);
    }
    try {
      await store.enqueue(() => store.loadFromDisk(false));
    } catch (err) {
      store.log.error(`History: cannot load ${store.file}; starting with an empty history. ${describe(err)}`);
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
   * is still shown and is saved later (see the class comment).
   */
  add(record: AssetRecord): Promise<void> {
    const problem = validateRecord(record);
    if (problem) {
      return Promise.reject(new Error(l10n.t('History: refusing an invalid entry ({0}).', problem)));
    }
    return this.mutate(`add ${record.id} (${record.name})`, (assets) => [record, ...assets.filter((a) => a.id !== record.id)], record);
  }

  remove(ids: readonly string[]): Promise<void> {
    const gone = new Set(ids);
    return this.mutate(`remove ${ids.length}`, (assets) => assets.filter((a) => !gone.has(a.id)));
  }

  /**
   * Removes every entry shown now and every entry uploaded before now. An entry another window adds
   * afterwards survives, even when this change has to be re-applied later.
   */
  clear(): Promise<void> {
    const seen = new Set(this.records.map((r) => r.id));
    const before = Date.now();
    return this.mutate('clear', (assets) => assets.filter((a) => !seen.has(a.id) && a.uploadedAt > before));
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
      await this.mutate(`cap ${max}`, (assets) => assets);
    }
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
    if (this.pending.length > 0) {
      // The window is closing: one last attempt, and a record of what is lost if it fails too.
      const whats = this.pending.map((p) => p.what).join('; ');
      void this.enqueue(() => this.writePending()).then(
        () => this.log.info(`History: saved the changes that had failed before (${whats}).`),
        (err) => this.log.error(`History: these changes could not be saved to ${this.file} and are lost: ${whats}. ${describe(err)}`),
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

  private mutate(what: string, apply: (assets: AssetRecord[]) => AssetRecord[], added?: AssetRecord): Promise<void> {
    return this.enqueue(async () => {
      this.pending.push({ what, apply });
      try {
        await this.writePending();
      } catch (err) {
        // Shown at once and kept pending, so neither a reload nor a later write loses it.
        this.fire(this.publish(true, added));
        this.log.error(
          `History: could not save (${what}) to ${this.file}: ${describe(err)}. It is kept in this window and saved with the next change or in ${formatDelay(this.nextRetryDelay())}.`,
        );
        this.scheduleRetry();
        throw err instanceof Error ? err : new Error(String(err));
      }
      this.fire(this.publish(true, added));
    });
  }

  /** Writes every pending change on top of the file's current content, under the lock. Throws if it cannot. */
  private async writePending(): Promise<void> {
    const changes = this.pending.slice();
    let lock: LockHandle | undefined;
    try {
      lock = await acquireLock(this.lockFile, this.log, this.lockTimeoutMs);
      let disk = await readDisk(this.file, this.log);
      if (disk.kind === 'corrupt') {
        await this.quarantine(disk.reason);
        disk = { kind: 'missing' };
      }
      const next = this.normalize(applyChanges(changes, disk.kind === 'ok' ? disk.records : []));
      const text = serialize(next);
      const held = lock;
      const stat = await writeAtomic(this.file, text, async () => {
        // A window paused past STALE_LOCK_MS may have lost its lock to another: then it must not write.
        if (!(await held.held())) {
          throw new Error(l10n.t('the history lock was taken over by another window while saving'));
        }
      });
      this.pending.splice(0, changes.length);
      this.base = next;
      this.known = { text, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
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

  private async retryPending(): Promise<void> {
    if (this.disposed || this.pending.length === 0) {
      return;
    }
    const whats = this.pending.map((p) => p.what).join('; ');
    try {
      await this.writePending();
    } catch (err) {
      this.log.warn(`History: still cannot save ${whats} to ${this.file}: ${describe(err)}; trying again in ${formatDelay(this.nextRetryDelay())}.`);
      this.scheduleRetry();
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
      }
    }
    if (out.length > this.maxEntries) {
      out.length = this.maxEntries;
    }
    return out;
  }

  /** Recomputes what the window shows from `base` and the pending changes; returns what changed. */
  private publish(local: boolean, wrote?: AssetRecord): HistoryChange {
    const before = this.byId;
    const records = this.pending.length > 0 ? this.normalize(applyChanges(this.pending, this.base)) : this.base;
    const byId = new Map<string, AssetRecord>();
    const added: AssetRecord[] = [];
    for (const r of records) {
      byId.set(r.id, r);
      if (!before.has(r.id) || r === wrote) {
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
        this.log.error(`History: a change listener failed: ${describe(err)}`);
      }
    }
  }

  private async loadFromDisk(notify: boolean): Promise<void> {
    if (this.known) {
      // Our own last write (or the last load) is still what is on disk: nothing to read.
      const st = await fs.stat(this.file).catch(() => undefined);
      if (st && st.ino === this.known.ino && st.size === this.known.size && st.mtimeMs === this.known.mtimeMs) {
        return;
      }
    }
    let disk = await readDisk(this.file, this.log);
    if (disk.kind === 'corrupt') {
      // Another writer might be replacing the file right now: decide under the lock, on a fresh read.
      let lock: LockHandle | undefined;
      try {
        lock = await acquireLock(this.lockFile, this.log, this.lockTimeoutMs);
        disk = await readDisk(this.file, this.log);
        if (disk.kind === 'corrupt') {
          await this.quarantine(disk.reason);
          disk = { kind: 'missing' };
        }
      } catch (err) {
        this.log.error(`History: could not set the unreadable store aside: ${describe(err)}`);
        disk = { kind: 'missing' };
      } finally {
        await lock?.();
      }
    }
    const changed = disk.kind === 'ok' ? disk.text !== this.known?.text : this.base.length > 0 || this.known !== undefined;
    if (disk.kind === 'ok') {
      const st = disk.stat;
      this.base = this.normalize(disk.records);
      this.known = { text: disk.text, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
    } else {
      this.base = [];
      this.known = undefined;
    }
    // Pending changes are applied on top of what another window wrote: reloading never drops them.
    const change = this.publish(false);
    if (notify && changed) {
      this.fire(change);
    }
  }

  /** Keeps an unreadable store as a backup next to it, so nothing is silently thrown away. */
  private async quarantine(reason: string): Promise<void> {
    const backup = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    try {
      await fs.rename(this.file, backup);
      this.log.warn(`History: ${this.file} could not be read (${reason}); it was kept as ${backup} and the history starts empty.`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return;
      }
      this.log.warn(`History: ${this.file} could not be read (${reason}) nor moved aside (${describe(err)}); the history starts empty.`);
      throw err;
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
        this.log.warn(`History: stopped watching ${path.dirname(this.file)} (${describe(err)}); other windows' uploads appear after Refresh.`);
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (err) {
      this.log.warn(`History: cannot watch ${path.dirname(this.file)} (${describe(err)}); other windows' uploads appear after Refresh.`);
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
        this.reload().catch((err) => this.log.error(`History: reload failed: ${describe(err)}`));
      }
    }, WATCH_DEBOUNCE_MS);
  }
}

// ---- file format -----------------------------------------------------------------------------

/** One entry per line: compact, yet a person can still read and diff the file. */
export function serialize(assets: readonly AssetRecord[]): string {
  if (assets.length === 0) {
    return `{"version":${HISTORY_FORMAT_VERSION},"assets":[]}\n`;
  }
  return `{"version":${HISTORY_FORMAT_VERSION},"assets":[\n${assets.map((a) => JSON.stringify(a)).join(',\n')}\n]}\n`;
}

/** Parses the file's text; malformed entries are dropped (and logged), a malformed file is an error. */
export function parseHistory(text: string, log: Logger = silentLogger): { records: AssetRecord[] } | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { error: `invalid JSON: ${describe(err)}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { error: 'not a JSON object' };
  }
  const { version, assets } = data as { version?: unknown; assets?: unknown };
  if (version !== HISTORY_FORMAT_VERSION) {
    return { error: `unsupported format version ${JSON.stringify(version)}` };
  }
  if (!Array.isArray(assets)) {
    return { error: '"assets" is not an array' };
  }
  const records: AssetRecord[] = [];
  for (let i = 0; i < assets.length; i++) {
    const entry: unknown = assets[i];
    const problem = validateRecord(entry);
    if (problem) {
      log.warn(`History: dropped entry #${i}${idOf(entry)}: ${problem}.`);
    } else {
      records.push(entry as AssetRecord);
    }
  }
  return { records };
}

/** Why `value` is not a valid AssetRecord, or undefined when it is. */
export function validateRecord(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'not an object';
  }
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '') {
    return 'missing id';
  }
  if (typeof r.name !== 'string') {
    return 'missing name';
  }
  if (r.fileType !== 'image' && r.fileType !== 'video' && r.fileType !== 'audio') {
    return `unknown fileType ${JSON.stringify(r.fileType)}`;
  }
  if (typeof r.mime !== 'string') {
    return 'missing mime';
  }
  if (typeof r.url !== 'string' || r.url === '') {
    return 'missing url';
  }
  if (r.imageKey !== null && typeof r.imageKey !== 'string') {
    return 'imageKey is neither a string nor null';
  }
  if (!isFiniteNumber(r.createdTs)) {
    return 'createdTs is not a number';
  }
  if (r.heygenName !== undefined && typeof r.heygenName !== 'string') {
    return 'heygenName is not a string';
  }
  if (r.sourcePath !== undefined && typeof r.sourcePath !== 'string') {
    return 'sourcePath is not a string';
  }
  if (r.sourceUrl !== undefined && typeof r.sourceUrl !== 'string') {
    return 'sourceUrl is not a string';
  }
  if (!isFiniteNumber(r.size) || r.size < 0) {
    return 'size is not a non-negative number';
  }
  if (typeof r.sha256 !== 'string') {
    return 'missing sha256';
  }
  if (!isFiniteNumber(r.uploadedAt)) {
    return 'uploadedAt is not a number';
  }
  if (typeof r.keyFingerprint !== 'string') {
    return 'missing keyFingerprint';
  }
  if (r.api !== undefined && r.api !== 'v1' && r.api !== 'v3') {
    return `unknown api ${JSON.stringify(r.api)}`;
  }
  return undefined;
}

async function readDisk(file: string, log: Logger): Promise<DiskState> {
  let text: string;
  let stat: Stats;
  try {
    const handle = await fs.open(file, 'r');
    try {
      stat = await handle.stat();
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { kind: 'missing' };
    }
    return { kind: 'corrupt', reason: `unreadable: ${describe(err)}` };
  }
  const parsed = parseHistory(text, log);
  if ('error' in parsed) {
    return { kind: 'corrupt', reason: parsed.error };
  }
  return { kind: 'ok', records: parsed.records, text, stat };
}

/** Replaces the file atomically; `beforeRename` may veto the replacement at the last moment by throwing. */
async function writeAtomic(file: string, text: string, beforeRename?: () => Promise<void>): Promise<Stats> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
  try {
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await beforeRename?.();
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  return fs.stat(file);
}

function applyChanges(changes: readonly PendingChange[], assets: AssetRecord[]): AssetRecord[] {
  let out = assets;
  for (const change of changes) {
    out = change.apply(out);
  }
  return out;
}

// ---- the lock ----------------------------------------------------------------------------------
//
// The lock is a file created with 'wx', so exactly one creator wins. Removing it is the dangerous part:
// a remover that checks "is this still the lock I judged stale (or my own)?" and then unlinks can delete
// a lock someone created in between. So every removal (a release, or breaking a stale lock) happens
// under a second, short-lived guard file. Under the guard the lock path can only go from absent to
// present, never from one lock to another, so check-then-unlink is safe. The guard is held for a
// stat, a read and an unlink; one left by a process that died holding it is broken after GUARD_STALE_MS.

/** The guard is held for a few file operations; older than this, its holder is taken to be gone. */
const GUARD_STALE_MS = 2_000;
/** A release or stale-lock check waits this long for the guard at most. */
const GUARD_WAIT_MS = 5_000;

interface LockInfo {
  pid: number;
  host: string;
  token: string;
  at: number;
}

/** What was seen at the lock path: enough to tell one lock file from its successor. */
interface LockSighting {
  text: string;
  ino: number;
  size: number;
  mtimeMs: number;
}

/** Releases the lock (a no-op when it is no longer ours); `held()` tells whether it still is ours. */
export interface LockHandle {
  (): Promise<void>;
  held(): Promise<boolean>;
  readonly token: string;
}

/**
 * Takes the exclusive lock file and returns its release. A lock whose owner process is gone, or that is
 * older than STALE_LOCK_MS, is broken (safely, see above).
 */
export async function acquireLock(lockFile: string, log: Logger = silentLogger, timeoutMs = LOCK_TIMEOUT_MS): Promise<LockHandle> {
  const info: LockInfo = { pid: process.pid, host: os.hostname(), token: randomUUID(), at: Date.now() };
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    if (await createExclusive(lockFile, JSON.stringify(info))) {
      const release = (() => releaseLock(lockFile, info.token, log)) as LockHandle;
      return Object.assign(release, {
        held: async () => parseLock((await fs.readFile(lockFile, 'utf8').catch(() => '')))?.token === info.token,
        token: info.token,
      });
    }
    if (await breakIfStale(lockFile, log)) {
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(l10n.t('the history is locked by another window ({0})', lockFile));
    }
    await delay(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
}

/** Creates `file` with `body` unless it exists; false when it does. */
async function createExclusive(file: string, body: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      return false;
    }
    if (code === 'ENOENT') {
      await fs.mkdir(path.dirname(file), { recursive: true });
      return createExclusive(file, body);
    }
    throw err;
  }
  try {
    await handle.writeFile(body, 'utf8');
  } catch (err) {
    // Created a moment ago, so nobody has judged it stale and replaced it yet: it is still ours to remove.
    await handle.close().catch(() => undefined);
    await fs.unlink(file).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return true;
}

async function releaseLock(lockFile: string, token: string, log: Logger): Promise<void> {
  try {
    await withGuard(lockFile, log, async () => {
      const current = await sight(lockFile);
      // If our lock was judged stale and broken, the file now belongs to someone else: leave it.
      if (current && parseLock(current.text)?.token === token) {
        await fs.unlink(lockFile);
      }
    });
  } catch (err) {
    // The lock stays until it is judged stale; other windows wait for that, nothing is lost.
    log.warn(`History: could not release the lock ${lockFile}: ${describe(err)}`);
  }
}

async function breakIfStale(lockFile: string, log: Logger): Promise<boolean> {
  const seen = await sight(lockFile);
  if (!seen) {
    return true; // Released meanwhile: try again at once.
  }
  const owner = parseLock(seen.text);
  if (!isStale(seen, owner, STALE_LOCK_MS)) {
    return false;
  }
  return withGuard(lockFile, log, async () => {
    const now = await sight(lockFile);
    if (now && sameSighting(now, seen)) {
      await fs.unlink(lockFile);
      log.warn(`History: removed a stale lock${owner ? ` of process ${owner.pid}` : ''} (${lockFile}).`);
    }
    // Gone or replaced: someone else released or broke it; judge again.
    return true;
  });
}

/** Runs `task` holding the guard of `lockFile` (see the comment at the top of this section). */
async function withGuard<T>(lockFile: string, log: Logger, task: () => Promise<T>): Promise<T> {
  const guard = `${lockFile}.guard`;
  const info: LockInfo = { pid: process.pid, host: os.hostname(), token: randomUUID(), at: Date.now() };
  const deadline = Date.now() + GUARD_WAIT_MS;
  let wait = 1;
  while (!(await createExclusive(guard, JSON.stringify(info)))) {
    if (await breakStaleGuard(guard, log)) {
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(l10n.t("the history lock's guard {0} is held too long", guard));
    }
    await delay(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 20);
  }
  try {
    return await task();
  } finally {
    const current = await sight(guard);
    if (current && parseLock(current.text)?.token === info.token) {
      await fs.unlink(guard).catch(() => undefined);
    }
  }
}

/**
 * A guard is held for milliseconds, so a stale one means its holder died in that moment. Breaking it
 * moves it aside and checks that the moved file is the one judged stale; the only remaining race
 * needs two processes breaking the same dead guard within microseconds.
 */
async function breakStaleGuard(guard: string, log: Logger): Promise<boolean> {
  const seen = await sight(guard);
  if (!seen) {
    return true;
  }
  const owner = parseLock(seen.text);
  if (!isStale(seen, owner, GUARD_STALE_MS)) {
    return false;
  }
  const aside = `${guard}.stale-${randomUUID().slice(0, 8)}`;
  try {
    await fs.rename(guard, aside);
  } catch {
    return true;
  }
  const moved = await sight(aside);
  if (moved && sameSighting(moved, seen)) {
    log.warn(`History: removed a stale lock guard${owner ? ` of process ${owner.pid}` : ''} (${guard}).`);
    await fs.unlink(aside).catch(() => undefined);
  } else {
    // A live guard was moved: put it back for its holder, unless a new one is already there (link never
    // replaces a file, rename would).
    await fs.link(aside, guard).catch(() => undefined);
    await fs.unlink(aside).catch(() => undefined);
  }
  return true;
}

function isStale(seen: LockSighting, owner: LockInfo | undefined, staleMs: number): boolean {
  const old = Date.now() - seen.mtimeMs > staleMs;
  const dead = owner !== undefined && owner.host === os.hostname() && !processAlive(owner.pid);
  return old || dead;
}

async function sight(file: string): Promise<LockSighting | undefined> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      const st = await handle.stat();
      const text = await handle.readFile('utf8');
      return { text, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** Inode numbers are reused at once on many file systems: the token in the text tells successors apart. */
function sameSighting(a: LockSighting, b: LockSighting): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.text === b.text;
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string') {
      return v as LockInfo;
    }
  } catch {
    // A lock being written right now is empty; treat it as live.
  }
  return undefined;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) {
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---- helpers -----------------------------------------------------------------------------------

function isSortedDesc(assets: readonly AssetRecord[]): boolean {
  for (let i = 1; i < assets.length; i++) {
    if (assets[i - 1].uploadedAt < assets[i].uploadedAt) {
      return false;
    }
  }
  return true;
}

function sanitizeMax(n: number): number {
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1000;
}

function shaKey(sha256: string, keyFingerprint: string): string {
  return `${sha256.toLowerCase()}\n${keyFingerprint}`;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function idOf(entry: unknown): string {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? ` (id ${id})` : '';
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
