/**
 * The HeyGen library of one account as this editor knows it: the pages listed so far (newest first), kept in a
 * cache file in global storage so the view has something to show at once on start, and the stale marks of
 * uploads HeyGen no longer has. vscode-free: the Library view, the snippets, the payload helper and the agent
 * tools all read it through `all()`, `isGone()` and `onDidChange`.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { silentLogger, type Logger } from '../base/logger';
import { HeyGenError } from '../base/heygenError';
import type { LibraryApi, LibraryPage } from '../heygen/libraryApi';
import { kindOfType, type LibraryAsset } from '../heygen/libraryAsset';
import { CHECK_CONCURRENCY, StaleMarks, forEachLimited, type CheckCandidate } from './staleMarks';
import { errorDetail, errorMessage } from '../base/errorMessage';

export const LIBRARY_CACHE_VERSION = 1;
/** Writes are gathered: loading 100 pages must not rewrite a growing file 100 times. */
const SAVE_DELAY_MS = 300;

/** Why the library cannot be listed; the view shows one sentence per kind, with Retry. */
export type LibraryProblemKind = 'noKey' | 'auth' | 'forbidden' | 'notFound' | 'offline' | 'other';

export interface LibraryProblem {
  kind: LibraryProblemKind;
  /** The failure's own sentence, for the log and the view's tooltip. */
  message: string;
  status?: number;
}

export type LibraryChangeReason = 'cache' | 'listing' | 'page' | 'deleted' | 'marks' | 'state';

export interface LibraryChange {
  reason: LibraryChangeReason;
}

export interface Disposable {
  dispose(): void;
}

export interface LibraryIndexOptions {
  api: LibraryApi;
  /**
   * Who the listing belongs to on this machine (a fingerprint of the key, never the key): a cache of another owner is
   * not shown. A promise when finding out takes a round trip (the key is in SecretStorage): the cached listing is shown
   * once it resolves, and `ready` tells when that is.
   */
  owner: string | undefined | Promise<string | undefined>;
  log?: Logger;
  now?: () => number;
}

type CachedAsset = [id: string, name: string, type: string, uploadedAt: number, url: string | null, folderId: string | null];

interface CacheFile {
  version: number;
  owner?: string;
  account?: string;
  fetchedAt?: number;
  hasMore?: boolean;
  nextToken?: string;
  /** When the listing was last walked to its end from page one (ms); gone marks from it apply to older uploads only. */
  completedAt?: number;
  assets?: CachedAsset[];
  marks?: unknown;
}

export interface LoadAllProgress {
  loaded: number;
  pages: number;
}

export class LibraryIndex implements Disposable {
  private assets: LibraryAsset[] = [];
  private byId = new Map<string, LibraryAsset>();
  private marks = new StaleMarks();
  private ownerKey: string | undefined;
  /** Bumped by setOwner: an owner still being found out must not replace one set meanwhile. */
  private ownerGeneration = 0;
  private ownerKnown: Promise<void> = Promise.resolve();
  private accountName: string | undefined;
  private fetched: number | undefined;
  private more = false;
  private token: string | undefined;
  private completedAt: number | undefined;
  private cached = false;
  private currentProblem: LibraryProblem | undefined;
  private working = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(change: LibraryChange) => void>();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly log: Logger;
  private readonly now: () => number;

  private constructor(
    private readonly file: string,
    private readonly api: LibraryApi,
    options: LibraryIndexOptions,
  ) {
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.ownerKey = typeof options.owner === 'string' ? options.owner : undefined;
  }

  /** Reads the cache (a missing or unreadable one is an empty library); never contacts HeyGen. */
  static async open(file: string, options: LibraryIndexOptions): Promise<LibraryIndex> {
    const index = new LibraryIndex(file, options.api, options);
    let text: string | undefined;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        index.log.warn(`Library cache ${file} could not be read: ${String(error)}; starting empty.`);
      }
    }
    // Parsed once; the marks hold for any owner, the listing only for the cache's own.
    const cache = text === undefined ? undefined : index.parseCache(text);
    if (cache) {
      index.marks = StaleMarks.fromJson(cache.marks);
    }
    const { owner } = options;
    if (owner instanceof Promise) {
      const generation = index.ownerGeneration;
      index.ownerKnown = owner.then(
        (found) => {
          if (generation !== index.ownerGeneration) {
            return; // setOwner decided meanwhile.
          }
          index.ownerKey = found;
          if (cache && index.fetched === undefined && index.loadListing(cache)) {
            index.changed('listing');
          }
        },
        (error: unknown) => index.log.warn(`The library's owner could not be found out: ${String(error)}; the cached listing is not shown.`),
      );
      // Listing, loading and checking wait for the owner: a page must not be filed under nobody.
      index.chain = index.ownerKnown;
    } else if (cache) {
      index.loadListing(cache);
    }
    return index;
  }

  // ---- what others read ---------------------------------------------------------------------------

  /** Every listed asset, newest first. */
  all(): readonly LibraryAsset[] {
    return this.assets;
  }

  get(id: string): LibraryAsset | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.assets.length;
  }

  /** Whether HeyGen no longer has the asset (a 404, missing from a complete listing, or deleted from here). */
  isGone(assetId: string): boolean {
    return this.marks.isGone(assetId);
  }

  /** Every page was listed: nothing more to load. */
  get complete(): boolean {
    return this.fetched !== undefined && !this.more;
  }

  get hasMore(): boolean {
    return this.more;
  }

  /** When the first page of what is shown was fetched (ms), undefined before any listing. */
  get fetchedAt(): number | undefined {
    return this.fetched;
  }

  /** The listing shown came from the cache file and no refresh has succeeded since. */
  get fromCache(): boolean {
    return this.cached;
  }

  get account(): string | undefined {
    return this.accountName;
  }

  get problem(): LibraryProblem | undefined {
    return this.currentProblem;
  }

  /** A refresh or page load is running. */
  get busy(): boolean {
    return this.working > 0;
  }

  lastChecked(assetId: string): number | undefined {
    return this.marks.lastChecked(assetId);
  }

  onDidChange(listener: (change: LibraryChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  // ---- listing --------------------------------------------------------------------------------------

  /**
   * Lists page one again and puts it in front of what is loaded (pages further down stay, when page one reaches
   * them). Never rejects: a failure becomes `problem`.
   */
  refresh(signal?: AbortSignal): Promise<void> {
    return this.queue(() => this.listFirstPage(signal)).then(() => undefined);
  }

  /** Loads the next page (page one when nothing was listed yet). Never rejects. */
  loadMore(signal?: AbortSignal): Promise<void> {
    return this.queue(() => this.loadNext(signal)).then(() => undefined);
  }

  /**
   * Loads every remaining page (for a filter over the whole library). Resolves true when the listing is complete,
   * false when cancelled or failed.
   */
  loadAll(signal: AbortSignal | undefined, onProgress?: (progress: LoadAllProgress) => void): Promise<boolean> {
    return this.queue(async () => {
      let pages = 0;
      if (this.fetched === undefined || this.cached) {
        // A cached cursor may have expired: walk from page one.
        if (!(await this.listFirstPage(signal))) {
          return false;
        }
        pages++;
        onProgress?.({ loaded: this.assets.length, pages });
      }
      while (this.more && !signal?.aborted) {
        if (!(await this.loadNext(signal))) {
          return false;
        }
        pages++;
        onProgress?.({ loaded: this.assets.length, pages });
      }
      return this.complete;
    }).then((done) => done === true);
  }

  /** Settles once the owner given to open is known and the cached listing (if it is theirs) is in. */
  get ready(): Promise<void> {
    return this.ownerKnown;
  }

  /** The key changed: a listing of another owner is dropped (its username is asked again by the api). */
  setOwner(owner: string | undefined): void {
    this.ownerGeneration++;
    if (owner === this.ownerKey) {
      return;
    }
    this.ownerKey = owner;
    this.clearListing();
    this.changed('listing');
    this.scheduleSave();
  }

  /** Drops what is listed (not the stale marks): the next refresh lists from page one. */
  forgetListing(): void {
    this.clearListing();
    this.changed('listing');
    this.scheduleSave();
  }

  /** Shown instead of a listing, e.g. when there is no key; cleared by the next successful listing. */
  setProblem(problem: LibraryProblem | undefined): void {
    const before = this.currentProblem;
    this.currentProblem = problem;
    if (before?.kind !== problem?.kind || before?.message !== problem?.message) {
      if (problem) {
        this.log.warn(`Library: cannot list (${problem.kind}): ${problem.message}`);
      }
      this.changed('state');
    }
  }

  // ---- deletion and stale marks -----------------------------------------------------------------------

  /** These were deleted on HeyGen (by us, or found gone): out of the listing, marked gone for the history. */
  applyDeleted(ids: readonly string[]): void {
    const drop = new Set(ids);
    if (drop.size === 0) {
      return;
    }
    this.assets = this.assets.filter((a) => !drop.has(a.id));
    for (const id of drop) {
      this.byId.delete(id);
    }
    this.marks.markGone(drop, this.now());
    this.changed('deleted');
    this.scheduleSave();
  }

  /**
   * Asks HeyGen about the candidates that are due (at most once every 12 hours each, at most 4 requests at a
   * time). A 404 marks an asset gone; any other failure of the transport or the key ends the round, so an
   * unreachable HeyGen costs 4 requests, not one per upload.
   */
  checkStale(candidates: Iterable<CheckCandidate>, signal?: AbortSignal): Promise<{ asked: number; gone: string[] }> {
    const list = [...candidates];
    // One round at a time: a second round sees what the first asked and does not ask it again.
    const round = this.checking.then(() => this.checkRound(list, signal));
    this.checking = round.catch(() => undefined);
    return round;
  }

  private checking: Promise<unknown> = Promise.resolve();

  private async checkRound(list: readonly CheckCandidate[], signal?: AbortSignal): Promise<{ asked: number; gone: string[] }> {
    const now = this.now();
    if (this.completedAt !== undefined && this.fetched !== undefined) {
      this.reconcileWithListing(list);
    }
    // Listed since `fetchedAt`: seen then, so no request before 12 hours after it. Kept implicit (not one mark per
    // listed asset), so the cache of a 10,000-asset library stays small and quick to load.
    const seen = this.fetched;
    const due = this.marks.due(
      seen === undefined ? list : list.map((c) => (this.byId.has(c.id) ? { id: c.id, uploadedAt: Math.max(c.uploadedAt, seen) } : c)),
      now,
    );
    const gone: string[] = [];
    let asked = 0;
    if (due.length > 0) {
      // A 404 means "gone" only from a HeyGen that knows this key: a wrong base URL answers 404 to everything.
      try {
        await this.api.account(signal);
      } catch (error) {
        this.log.info(`Library: no stale checks this round (${errorMessage(error)}).`);
        return { asked, gone };
      }
    }
    await forEachLimited(
      due,
      CHECK_CONCURRENCY,
      async (id) => {
        this.marks.markAsked(id, this.now());
        asked++;
        try {
          const found = await this.api.get(id, signal);
          if (found) {
            this.marks.markPresent([id], this.now());
          } else {
            this.marks.markGone([id], this.now());
            gone.push(id);
          }
          return undefined;
        } catch (error) {
          this.log.warn(`Library: checking asset ${id} failed: ${errorMessage(error)}; the other checks wait for the next round.`);
          return 'stop';
        }
      },
      signal,
    );
    if (asked > 0) {
      this.log.info(`Library: asked HeyGen about ${asked} upload(s); ${gone.length} no longer exist${gone.length ? `: ${gone.join(', ')}` : ''}.`);
      this.scheduleSave();
    }
    if (gone.length > 0) {
      this.changed('marks');
    }
    return { asked, gone };
  }

  /** Waits until the cache file is written. */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.save());
    }
    await this.saving;
  }

  /** Resolves when every queued listing operation has finished. */
  async idle(): Promise<void> {
    await this.chain.catch(() => undefined);
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    void this.flush().catch(() => undefined);
    this.listeners.clear();
  }

  // ---- internals --------------------------------------------------------------------------------------

  private queue<T>(task: () => Promise<T>): Promise<T | undefined> {
    const run = async (): Promise<T | undefined> => {
      this.working++;
      if (this.working === 1) {
        this.changed('state');
      }
      try {
        return await task();
      } catch (error) {
        // fetchPage turns HeyGen's failures into `problem`; anything else is a bug worth a log line, not a crash.
        this.log.error(`Library: ${errorDetail(error)}`);
        return undefined;
      } finally {
        this.working--;
        if (this.working === 0) {
          this.changed('state');
        }
      }
    };
    const next = this.chain.then(run, run);
    this.chain = next;
    return next;
  }

  /** Page one, put in front of what is loaded; false when it could not be listed (see `problem`). */
  private async listFirstPage(signal?: AbortSignal): Promise<boolean> {
    const started = this.now();
    const page = await this.fetchPage(undefined, signal);
    if (!page) {
      return false;
    }
    this.mergeFirstPage(page, started);
    this.cached = false;
    this.unmarkListed(page.assets);
    this.log.info(`Library: listed ${page.assets.length} asset(s)${page.hasMore ? ', more to load' : ''}; ${this.assets.length} known.`);
    this.changed('listing');
    return true;
  }

  private async loadNext(signal?: AbortSignal): Promise<boolean> {
    if (this.fetched === undefined) {
      return this.listFirstPage(signal);
    }
    if (!this.more) {
      return true;
    }
    const page = await this.fetchPage(this.token, signal);
    if (!page) {
      return false;
    }
    const before = this.assets.length;
    for (const asset of page.assets) {
      if (!this.byId.has(asset.id)) {
        this.assets.push(asset);
        this.byId.set(asset.id, asset);
      }
    }
    this.more = page.hasMore;
    this.token = page.nextToken;
    this.unmarkListed(page.assets);
    if (!this.more && !this.cached) {
      this.completedAt = this.fetched;
    }
    this.log.info(`Library: loaded ${this.assets.length - before} more asset(s); ${this.assets.length} known${this.more ? ', more to load' : ', all listed'}.`);
    this.changed('page');
    this.scheduleSave();
    return true;
  }

  /** One page, or undefined after recording why it could not be listed. */
  private async fetchPage(token: string | undefined, signal?: AbortSignal): Promise<LibraryPage | undefined> {
    let stage: 'account' | 'list' = 'account';
    try {
      const account = await this.api.account(signal);
      stage = 'list';
      if (this.accountName !== undefined && this.accountName !== account) {
        this.log.info('Library: the key belongs to another account than the cached listing; listing afresh.');
        this.clearListing();
        token = undefined;
      }
      this.accountName = account;
      const page = await this.api.list(token, signal);
      this.setProblem(undefined);
      return page;
    } catch (error) {
      if (signal?.aborted || (error instanceof HeyGenError && error.kind === 'cancelled')) {
        return undefined;
      }
      this.setProblem(problemFrom(error, stage));
      return undefined;
    }
  }

  private mergeFirstPage(page: LibraryPage, fetchedAt: number): void {
    const lastOfPage = page.assets[page.assets.length - 1];
    const reach = lastOfPage ? this.assets.findIndex((a) => a.id === lastOfPage.id) : -1;
    const fresh = new Map(page.assets.map((a) => [a.id, a]));
    if (page.hasMore && reach >= 0 && !this.cached) {
      // Page one ends inside what is loaded: keep the loaded pages after it and their cursor.
      const rest = this.assets.slice(reach + 1).filter((a) => !fresh.has(a.id));
      this.assets = [...page.assets, ...rest];
    } else {
      this.assets = [...page.assets];
      this.more = page.hasMore;
      this.token = page.nextToken;
      this.completedAt = page.hasMore ? undefined : fetchedAt;
    }
    this.byId = new Map(this.assets.map((a) => [a.id, a]));
    this.fetched = fetchedAt;
    this.scheduleSave();
  }

  /** HeyGen lists them, so they exist: a gone mark from an earlier answer no longer holds. */
  private unmarkListed(assets: readonly LibraryAsset[]): void {
    const back = assets.filter((a) => this.marks.isGone(a.id)).map((a) => a.id);
    if (back.length > 0) {
      this.marks.markPresent(back, this.now());
      this.changed('marks');
    }
  }

  /** A listing walked to its end lacks an upload older than the walk: HeyGen no longer has it. */
  private reconcileWithListing(candidates: readonly CheckCandidate[]): void {
    const walkedAt = this.completedAt;
    if (walkedAt === undefined) {
      return;
    }
    const missing = candidates.filter((c) => c.uploadedAt < walkedAt && !this.byId.has(c.id) && !this.marks.isGone(c.id)).map((c) => c.id);
    if (missing.length > 0 && this.marks.markGone(missing, this.now())) {
      this.log.info(`Library: ${missing.length} upload(s) are missing from the complete listing: ${missing.join(', ')}.`);
      this.changed('marks');
      this.scheduleSave();
    }
  }

  private clearListing(): void {
    this.assets = [];
    this.byId.clear();
    this.fetched = undefined;
    this.more = false;
    this.token = undefined;
    this.completedAt = undefined;
    this.cached = false;
    this.accountName = undefined;
  }

  private changed(reason: LibraryChangeReason): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ reason });
      } catch (error) {
        this.log.error(`Library: a change listener failed: ${String(error)}`);
      }
    }
  }

  /** The cache file's content, or undefined (with a warning) when it is not a cache this version reads. */
  private parseCache(text: string): CacheFile | undefined {
    let data: CacheFile;
    try {
      data = JSON.parse(text) as CacheFile;
    } catch (error) {
      this.log.warn(`Library cache is not valid JSON (${String(error)}); starting empty.`);
      return undefined;
    }
    if (typeof data !== 'object' || data === null || data.version !== LIBRARY_CACHE_VERSION) {
      this.log.warn('Library cache has an unknown format; starting empty.');
      return undefined;
    }
    return data;
  }

  /** Takes the cached listing if it is the current owner's; true when it did. */
  private loadListing(data: CacheFile): boolean {
    if (data.owner === undefined || data.owner !== this.ownerKey || !Array.isArray(data.assets)) {
      return false;
    }
    const assets: LibraryAsset[] = [];
    const byId = new Map<string, LibraryAsset>();
    for (const row of data.assets) {
      if (!Array.isArray(row) || typeof row[0] !== 'string' || byId.has(row[0])) {
        continue;
      }
      const [id, name, type, uploadedAt, url, folderId] = row;
      const asset: LibraryAsset = {
        id,
        name: typeof name === 'string' ? name : id,
        kind: kindOfType(String(type)),
        type: String(type),
        uploadedAt: typeof uploadedAt === 'number' ? uploadedAt : 0,
        url: typeof url === 'string' ? url : null,
        folderId: typeof folderId === 'string' ? folderId : null,
      };
      assets.push(asset);
      byId.set(id, asset);
    }
    this.assets = assets;
    this.byId = byId;
    this.accountName = typeof data.account === 'string' ? data.account : undefined;
    this.fetched = typeof data.fetchedAt === 'number' ? data.fetchedAt : undefined;
    this.more = data.hasMore === true;
    this.token = typeof data.nextToken === 'string' ? data.nextToken : undefined;
    this.completedAt = typeof data.completedAt === 'number' ? data.completedAt : undefined;
    this.cached = this.fetched !== undefined;
    return true;
  }

  serialize(): string {
    const data: CacheFile = {
      version: LIBRARY_CACHE_VERSION,
      owner: this.ownerKey,
      account: this.accountName,
      fetchedAt: this.fetched,
      hasMore: this.more,
      nextToken: this.token,
      completedAt: this.completedAt,
      assets: this.assets.map((a) => [a.id, a.name, a.type, a.uploadedAt, a.url, a.folderId]),
      marks: this.marks.toJson(),
    };
    return JSON.stringify(data);
  }

  private scheduleSave(): void {
    if (this.disposed) {
      return;
    }
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
    }
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.save());
    }, SAVE_DELAY_MS);
    // A pending save must not keep a test process or the extension host alive.
    this.saveTimer.unref?.();
  }

  private async save(): Promise<void> {
    const temp = `${this.file}.${randomUUID().slice(0, 8)}.tmp`;
    try {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await fs.writeFile(temp, this.serialize());
      await fs.rename(temp, this.file);
    } catch (error) {
      this.log.warn(`Library cache could not be written (${String(error)}); the next start lists afresh.`);
      await fs.rm(temp, { force: true }).catch(() => undefined);
    }
  }
}

/** Which sentence the view shows for a failure: the account look-up, or the listing itself. */
export function problemFrom(error: unknown, stage: 'account' | 'list'): LibraryProblem {
  const message = errorMessage(error);
  if (!(error instanceof HeyGenError)) {
    return { kind: 'other', message };
  }
  const status = error.status;
  if (error.kind === 'network' || error.kind === 'timeout') {
    return { kind: 'offline', message };
  }
  if (stage === 'account' && (status === 401 || status === 403 || status === 404 || error.kind === 'auth')) {
    // users/me refused: the key does not work with v3 (a v1-only key), or the base URL has no v3.
    return { kind: 'auth', message, status };
  }
  if (status === 401) {
    return { kind: 'auth', message, status };
  }
  if (status === 403) {
    return { kind: 'forbidden', message, status };
  }
  if (status === 404) {
    return { kind: 'notFound', message, status };
  }
  return { kind: 'other', message, status };
}
