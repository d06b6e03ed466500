/**
 * The HeyGen library of one account as this editor knows it: the pages listed so far (newest first), kept in a
 * cache file in global storage so the view has something to show at once on start, and the stale marks of
 * uploads HeyGen no longer has. vscode-free: the Library view, the snippets, the payload helper and the agent
 * tools all read it through `all()`, `isGone()` and `onDidChange`.
 */
import * as fs from 'node:fs/promises';
import { Emitter, type Disposable } from '../base/disposable';
import { errorDetail } from '../base/errorMessage';
import { HeyGenError } from '../base/heygenError';
import { silentLogger, type Logger } from '../base/logger';
import type { LibraryApi, LibraryPage } from '../heygen/libraryApi';
import type { LibraryAsset } from '../heygen/libraryAsset';
import { CacheWriter, cacheText, listingFromCache, parseCache, type CacheFile } from './libraryCache';
import { problemFrom, type LibraryProblem } from './libraryProblem';
import { StaleChecks } from './libraryStaleCheck';
import { StaleMarks, type CheckCandidate } from './staleMarks';

export type LibraryChangeReason = 'cache' | 'listing' | 'page' | 'deleted' | 'marks' | 'state';

export interface LibraryChange {
  reason: LibraryChangeReason;
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
  private readonly changes: Emitter<LibraryChange>;
  private readonly cache: CacheWriter;
  private readonly stale: StaleChecks;
  private disposed = false;
  private readonly log: Logger;
  private readonly now: () => number;

  private constructor(
    file: string,
    private readonly api: LibraryApi,
    options: LibraryIndexOptions,
  ) {
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.ownerKey = typeof options.owner === 'string' ? options.owner : undefined;
    this.changes = new Emitter((error) => this.log.error(`Library: a change listener failed: ${String(error)}`));
    this.cache = new CacheWriter(file, this.log, () => this.serialize());
    this.stale = new StaleChecks({
      api,
      log: this.log,
      now: () => this.now(),
      marks: () => this.marks,
      fetchedAt: () => this.fetched,
      completedAt: () => this.completedAt,
      listed: (id) => this.byId.has(id),
      marksChanged: () => this.changed('marks'),
      save: () => this.scheduleSave(),
    });
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
    const cache = text === undefined ? undefined : parseCache(text, index.log);
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
    return this.changes.event(listener);
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
   * Asks HeyGen about the candidates that are due (see libraryStaleCheck.ts): a 404 marks an asset gone, and the
   * Assets view warns on its row.
   */
  checkStale(candidates: Iterable<CheckCandidate>, signal?: AbortSignal): Promise<{ asked: number; gone: string[] }> {
    return this.stale.check(candidates, signal);
  }

  /** Waits until the cache file is written. */
  flush(): Promise<void> {
    return this.cache.flush();
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
    void this.cache.stop().catch(() => undefined);
    this.changes.dispose();
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
    this.stale.unmarkListed(page.assets);
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
    this.stale.unmarkListed(page.assets);
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
    this.changes.fire({ reason });
  }

  /** Takes the cached listing if it is the current owner's; true when it did. */
  private loadListing(data: CacheFile): boolean {
    const listing = listingFromCache(data, this.ownerKey);
    if (!listing) {
      return false;
    }
    this.assets = listing.assets;
    this.byId = new Map(listing.assets.map((a) => [a.id, a]));
    this.accountName = listing.account;
    this.fetched = listing.fetchedAt;
    this.more = listing.hasMore;
    this.token = listing.nextToken;
    this.completedAt = listing.completedAt;
    this.cached = this.fetched !== undefined;
    return true;
  }

  /** The cache file's content for what is listed and marked now. */
  serialize(): string {
    const listing = { assets: this.assets, account: this.accountName, fetchedAt: this.fetched, hasMore: this.more, nextToken: this.token, completedAt: this.completedAt };
    return cacheText(this.ownerKey, listing, this.marks.toJson());
  }

  private scheduleSave(): void {
    if (!this.disposed) {
      this.cache.schedule();
    }
  }
}
