/**
 * The HeyGen library of one account as this editor knows it: the pages listed so far (newest first), kept in a
 * cache file in global storage so the view has something to show at once on start, and the stale marks of
 * uploads HeyGen no longer has. vscode-free: the Library view, the snippets, the payload helper and the agent
 * tools all read it through `all()`, `isGone()` and `onDidChange`.
 */
import { Emitter, type Disposable } from '../base/disposable';
import { silentLogger, type Logger } from '../base/logger';
import type { LibraryApi } from '../heygen/libraryApi';
import type { LibraryAsset } from '../heygen/libraryAsset';
import { CacheWriter, cacheText, listingFromCache, readCache, type CacheFile } from './libraryCache';
import { LibraryListing } from './libraryListing';
import { LibraryPaging, type LoadAllProgress } from './libraryPaging';
import type { LibraryProblem } from './libraryProblem';
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

export class LibraryIndex implements Disposable {
  private readonly listing = new LibraryListing();
  private marks = new StaleMarks();
  private ownerKey: string | undefined;
  /** Bumped by setOwner: an owner still being found out must not replace one set meanwhile. */
  private ownerGeneration = 0;
  private ownerKnown: Promise<void> = Promise.resolve();
  private currentProblem: LibraryProblem | undefined;
  private readonly changes: Emitter<LibraryChange>;
  private readonly cache: CacheWriter;
  private readonly stale: StaleChecks;
  private readonly paging: LibraryPaging;
  private disposed = false;
  private readonly log: Logger;
  private readonly now: () => number;

  private constructor(file: string, api: LibraryApi, options: LibraryIndexOptions) {
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
      fetchedAt: () => this.listing.fetchedAt,
      completedAt: () => this.listing.completedAt,
      listed: (id) => this.listing.has(id),
      marksChanged: () => this.changed('marks'),
      save: () => this.scheduleSave(),
    });
    this.paging = new LibraryPaging({
      api,
      log: this.log,
      listing: this.listing,
      now: () => this.now(),
      setProblem: (problem) => this.setProblem(problem),
      changed: (reason) => this.changed(reason),
      save: () => this.scheduleSave(),
      listed: (assets) => this.stale.unmarkListed(assets),
    });
  }

  /** Reads the cache (a missing or unreadable one is an empty library); never contacts HeyGen. */
  static async open(file: string, options: LibraryIndexOptions): Promise<LibraryIndex> {
    const index = new LibraryIndex(file, options.api, options);
    // Read once; the marks hold for any owner, the listing only for the cache's own.
    const cache = await readCache(file, index.log);
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
          if (cache && index.listing.fetchedAt === undefined && index.loadListing(cache)) {
            index.changed('listing');
          }
        },
        (error: unknown) => index.log.warn(`The library's owner could not be found out: ${String(error)}; the cached listing is not shown.`),
      );
      // Listing, loading and checking wait for the owner: a page must not be filed under nobody.
      index.paging.waitFor(index.ownerKnown);
    } else if (cache) {
      index.loadListing(cache);
    }
    return index;
  }

  // ---- what others read ---------------------------------------------------------------------------

  /** Every listed asset, newest first. */
  all(): readonly LibraryAsset[] {
    return this.listing.all();
  }

  get(id: string): LibraryAsset | undefined {
    return this.listing.get(id);
  }

  get size(): number {
    return this.listing.size;
  }

  /** Whether HeyGen no longer has the asset (a 404, missing from a complete listing, or deleted from here). */
  isGone(assetId: string): boolean {
    return this.marks.isGone(assetId);
  }

  /** Every page was listed: nothing more to load. */
  get complete(): boolean {
    return this.listing.complete;
  }

  get hasMore(): boolean {
    return this.listing.hasMore;
  }

  /** When the first page of what is shown was fetched (ms), undefined before any listing. */
  get fetchedAt(): number | undefined {
    return this.listing.fetchedAt;
  }

  /** The listing shown came from the cache file and no refresh has succeeded since. */
  get fromCache(): boolean {
    return this.listing.fromCache;
  }

  get account(): string | undefined {
    return this.listing.account;
  }

  get problem(): LibraryProblem | undefined {
    return this.currentProblem;
  }

  /** A refresh or page load is running. */
  get busy(): boolean {
    return this.paging.busy;
  }

  lastChecked(assetId: string): number | undefined {
    return this.marks.lastChecked(assetId);
  }

  /** Answers HeyGen gave another check (Check Payloads, issue 25): kept, saved and shown like the stale checks'. */
  applyChecks(present: readonly string[], gone: readonly string[]): void {
    this.stale.apply(present, gone);
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
    return this.paging.refresh(signal);
  }

  /** Loads the next page (page one when nothing was listed yet). Never rejects. */
  loadMore(signal?: AbortSignal): Promise<void> {
    return this.paging.loadMore(signal);
  }

  /**
   * Loads every remaining page (for a filter over the whole library). Resolves true when the listing is complete,
   * false when cancelled or failed.
   */
  loadAll(signal: AbortSignal | undefined, onProgress?: (progress: LoadAllProgress) => void): Promise<boolean> {
    return this.paging.loadAll(signal, onProgress);
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
    this.listing.clear();
    this.changed('listing');
    this.scheduleSave();
  }

  /** Drops what is listed (not the stale marks): the next refresh lists from page one. */
  forgetListing(): void {
    this.listing.clear();
    this.changed('listing');
    this.scheduleSave();
  }

  /** Shown instead of a listing, e.g. when there is no key; cleared by the next successful listing. */
  setProblem(problem: LibraryProblem | undefined): void {
    const before = this.currentProblem;
    this.currentProblem = problem;
    if (before?.kind !== problem?.kind || before?.message !== problem?.message) {
      // No key yet is where every person starts, and the view says so: not a warning in the log.
      if (problem?.kind === 'noKey') {
        this.log.info(`Library: not listed: ${problem.message}`);
      } else if (problem) {
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
    this.listing.remove(drop);
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

  /** Whether an earlier upload may be reused for an identical file (see StaleChecks.confirm: asks HeyGen when due). */
  stillOnHeyGen(candidate: CheckCandidate, signal?: AbortSignal): Promise<boolean> {
    return this.stale.confirm(candidate, signal);
  }

  /** Waits until the cache file is written. */
  flush(): Promise<void> {
    return this.cache.flush();
  }

  /** Resolves when every queued listing operation has finished. */
  idle(): Promise<void> {
    return this.paging.idle();
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

  private changed(reason: LibraryChangeReason): void {
    this.changes.fire({ reason });
  }

  /** Takes the cached listing if it is the current owner's; true when it did. */
  private loadListing(data: CacheFile): boolean {
    const listing = listingFromCache(data, this.ownerKey);
    if (!listing) {
      return false;
    }
    this.listing.load(listing);
    return true;
  }

  /** The cache file's content for what is listed and marked now. */
  serialize(): string {
    return cacheText(this.ownerKey, this.listing.toCache(), this.marks.toJson());
  }

  private scheduleSave(): void {
    if (!this.disposed) {
      this.cache.schedule();
    }
  }
}
