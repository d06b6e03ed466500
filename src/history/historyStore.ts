import { randomUUID } from 'node:crypto';
import { watch, type FSWatcher, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AssetRecord } from './assetRecord';
import { silentLogger, type Logger } from '../util/logger';

export const HISTORY_FORMAT_VERSION = 1;

/** A lock older than this is taken to belong to a writer that died; a real write takes milliseconds. */
const STALE_LOCK_MS = 10_000;
/** How long a writer waits for a live lock before giving up with an error. */
const LOCK_TIMEOUT_MS = 20_000;
/** Other windows' writes arrive as a burst of watcher events; one reload per burst is enough. */
const WATCH_DEBOUNCE_MS = 75;

export interface HistoryStoreOptions {
  maxEntries: number;
  log?: Logger;
}

export interface Disposable {
  dispose(): void;
}

type DiskState =
  | { kind: 'missing' }
  | { kind: 'ok'; records: AssetRecord[]; text: string; stat: Stats }
  | { kind: 'corrupt'; reason: string };

/**
 * The upload history, persisted as one JSON file (`{"version":1,"assets":[...]}`, newest first).
 *
 * Several windows (extension hosts, i.e. processes) share the file. Every change is a
 * read-modify-write of the file's current content under an exclusive lock file, followed by an
 * atomic replace (temp file + rename), so concurrent writers never lose each other's entries and a
 * reader never sees half a file. Other writers' changes are picked up by watching the folder.
 */
export class HistoryStore {
  private records: AssetRecord[] = [];
  private byId = new Map<string, AssetRecord>();
  private bySha: Map<string, AssetRecord> | undefined;
  /** Identity of the file content currently in memory, to skip reloading our own writes. */
  private known: { text: string; ino: number; size: number; mtimeMs: number } | undefined;
  private readonly listeners = new Set<() => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private disposed = false;
  private maxEntries: number;
  private readonly log: Logger;
  private readonly lockFile: string;

  private constructor(
    readonly file: string,
    options: HistoryStoreOptions,
  ) {
    this.maxEntries = sanitizeMax(options.maxEntries);
    this.log = options.log ?? silentLogger;
    this.lockFile = `${file}.lock`;
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

  /** Adds an entry, replacing any entry with the same id. */
  add(record: AssetRecord): Promise<void> {
    const problem = validateRecord(record);
    if (problem) {
      return Promise.reject(new Error(`History: refusing an invalid entry (${problem}).`));
    }
    return this.mutate(`add ${record.id}`, (assets) => [record, ...assets.filter((a) => a.id !== record.id)]);
  }

  remove(ids: readonly string[]): Promise<void> {
    const gone = new Set(ids);
    return this.mutate(`remove ${ids.length}`, (assets) => assets.filter((a) => !gone.has(a.id)));
  }

  clear(): Promise<void> {
    return this.mutate('clear', () => []);
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

  onDidChange(listener: () => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.watcher?.close();
    this.watcher = undefined;
    if (this.debounce) {
      clearTimeout(this.debounce);
      this.debounce = undefined;
    }
  }

  // ---- internals ---------------------------------------------------------------------------

  /** One operation at a time per instance; the lock file orders instances and processes. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private mutate(what: string, change: (assets: AssetRecord[]) => AssetRecord[]): Promise<void> {
    return this.enqueue(async () => {
      let release: (() => Promise<void>) | undefined;
      try {
        release = await acquireLock(this.lockFile, this.log);
        let disk = await readDisk(this.file, this.log);
        if (disk.kind === 'corrupt') {
          await this.quarantine(disk.reason);
          disk = { kind: 'missing' };
        }
        const base = disk.kind === 'ok' ? disk.records : [];
        const next = this.normalize(change(base));
        const text = serialize(next);
        const stat = await writeAtomic(this.file, text);
        this.setState(next, { text, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs });
      } catch (err) {
        // Keep the change for this session so the user still sees it; the caller learns it was not saved.
        this.setState(this.normalize(change([...this.records])), undefined);
        this.log.error(`History: could not save (${what}) to ${this.file}: ${describe(err)}`);
        this.fire();
        throw err instanceof Error ? err : new Error(String(err));
      } finally {
        await release?.();
      }
      this.fire();
    });
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

  private setState(records: AssetRecord[], known: HistoryStore['known']): void {
    this.records = records;
    this.byId = new Map(records.map((r) => [r.id, r]));
    this.bySha = undefined;
    this.known = known;
  }

  private fire(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
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
      let release: (() => Promise<void>) | undefined;
      try {
        release = await acquireLock(this.lockFile, this.log);
        disk = await readDisk(this.file, this.log);
        if (disk.kind === 'corrupt') {
          await this.quarantine(disk.reason);
          disk = { kind: 'missing' };
        }
      } catch (err) {
        this.log.error(`History: could not set the unreadable store aside: ${describe(err)}`);
        disk = { kind: 'missing' };
      } finally {
        await release?.();
      }
    }
    const changed = disk.kind === 'ok' ? disk.text !== this.known?.text : this.records.length > 0 || this.known !== undefined;
    if (disk.kind === 'ok') {
      const st = disk.stat;
      this.setState(this.normalize(disk.records), { text: disk.text, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs });
    } else {
      this.setState([], undefined);
    }
    if (notify && changed) {
      this.fire();
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

async function writeAtomic(file: string, text: string): Promise<Stats> {
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
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  return fs.stat(file);
}

// ---- the lock ----------------------------------------------------------------------------------

interface LockInfo {
  pid: number;
  host: string;
  token: string;
  at: number;
}

/**
 * Takes the exclusive lock file (created with 'wx', so exactly one creator wins) and returns its
 * release. A lock whose owner process is gone, or that is older than STALE_LOCK_MS, is broken.
 */
export async function acquireLock(lockFile: string, log: Logger = silentLogger, timeoutMs = LOCK_TIMEOUT_MS): Promise<() => Promise<void>> {
  const info: LockInfo = { pid: process.pid, host: os.hostname(), token: randomUUID(), at: Date.now() };
  const body = JSON.stringify(info);
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    try {
      const handle = await fs.open(lockFile, 'wx');
      try {
        await handle.writeFile(body, 'utf8');
      } finally {
        await handle.close();
      }
      return () => releaseLock(lockFile, info.token);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        await fs.mkdir(path.dirname(lockFile), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') {
        throw err;
      }
    }
    if (await breakIfStale(lockFile, log)) {
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`the history is locked by another window (${lockFile})`);
    }
    await delay(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
}

async function releaseLock(lockFile: string, token: string): Promise<void> {
  try {
    const current = await fs.readFile(lockFile, 'utf8');
    // If our lock was judged stale and broken, the file now belongs to someone else: leave it.
    if (parseLock(current)?.token === token) {
      await fs.unlink(lockFile);
    }
  } catch {
    // Already gone.
  }
}

async function breakIfStale(lockFile: string, log: Logger): Promise<boolean> {
  let text: string;
  let mtimeMs: number;
  try {
    const handle = await fs.open(lockFile, 'r');
    try {
      mtimeMs = (await handle.stat()).mtimeMs;
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return true; // Released meanwhile: try again at once.
  }
  const owner = parseLock(text);
  const old = Date.now() - mtimeMs > STALE_LOCK_MS;
  const dead = owner !== undefined && owner.host === os.hostname() && !processAlive(owner.pid);
  if (!old && !dead) {
    return false;
  }
  // Move the lock aside atomically, then check it is the one judged stale: two breakers may race,
  // and the second must not delete a lock the first has just taken.
  const aside = `${lockFile}.stale-${randomUUID().slice(0, 8)}`;
  try {
    await fs.rename(lockFile, aside);
  } catch {
    return true;
  }
  try {
    const moved = await fs.readFile(aside, 'utf8');
    if (moved !== text) {
      await fs.link(aside, lockFile).catch(() => undefined);
    } else {
      log.warn(`History: removed a stale lock ${owner ? `of process ${owner.pid}` : ''} (${lockFile}).`);
    }
  } finally {
    await fs.unlink(aside).catch(() => undefined);
  }
  return true;
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
