/**
 * Listing the library from HeyGen: page one again, the next page, or every page, one operation at a time. A failure
 * becomes the index's `problem`; what was listed goes into the listing.
 */
import { errorDetail } from '../base/errorMessage';
import { HeyGenError } from '../base/heygenError';
import type { Logger } from '../base/logger';
import type { LibraryApi, LibraryPage } from '../heygen/libraryApi';
import type { LibraryAsset } from '../heygen/libraryAsset';
import type { LibraryListing } from './libraryListing';
import { problemFrom, type LibraryProblem } from './libraryProblem';

export interface LoadAllProgress {
  loaded: number;
  pages: number;
}

/** What paging reads and tells the index. */
export interface PagingHost {
  readonly api: LibraryApi;
  readonly log: Logger;
  readonly listing: LibraryListing;
  now(): number;
  setProblem(problem: LibraryProblem | undefined): void;
  changed(reason: 'listing' | 'page' | 'state'): void;
  /** Something the cache keeps changed. */
  save(): void;
  /** HeyGen listed these: a gone mark from an earlier answer no longer holds. */
  listed(assets: readonly LibraryAsset[]): void;
}

export class LibraryPaging {
  private working = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: PagingHost) {}

  /** Nothing is listed before `gate` settles (the owner being found out: a page must not be filed under nobody). */
  waitFor(gate: Promise<unknown>): void {
    this.chain = gate;
  }

  /** A listing operation is running. */
  get busy(): boolean {
    return this.working > 0;
  }

  /** Resolves when every queued listing operation has finished. */
  async idle(): Promise<void> {
    await this.chain.catch(() => undefined);
  }

  refresh(signal?: AbortSignal): Promise<void> {
    return this.queue(() => this.listFirstPage(signal)).then(() => undefined);
  }

  loadMore(signal?: AbortSignal): Promise<void> {
    return this.queue(() => this.loadNext(signal)).then(() => undefined);
  }

  loadAll(signal: AbortSignal | undefined, onProgress?: (progress: LoadAllProgress) => void): Promise<boolean> {
    const { listing } = this.host;
    return this.queue(async () => {
      let pages = 0;
      if (listing.fetchedAt === undefined || listing.fromCache) {
        // A cached cursor may have expired: walk from page one.
        if (!(await this.listFirstPage(signal))) {
          return false;
        }
        pages++;
        onProgress?.({ loaded: listing.size, pages });
      }
      while (listing.hasMore && !signal?.aborted) {
        if (!(await this.loadNext(signal))) {
          return false;
        }
        pages++;
        onProgress?.({ loaded: listing.size, pages });
      }
      return listing.complete;
    }).then((done) => done === true);
  }

  private queue<T>(task: () => Promise<T>): Promise<T | undefined> {
    const run = async (): Promise<T | undefined> => {
      this.working++;
      if (this.working === 1) {
        this.host.changed('state');
      }
      try {
        return await task();
      } catch (error) {
        // fetchPage turns HeyGen's failures into `problem`; anything else is a bug worth a log line, not a crash.
        this.host.log.error(`Library: ${errorDetail(error)}`);
        return undefined;
      } finally {
        this.working--;
        if (this.working === 0) {
          this.host.changed('state');
        }
      }
    };
    const next = this.chain.then(run, run);
    this.chain = next;
    return next;
  }

  /** Page one, put in front of what is loaded; false when it could not be listed (see `problem`). */
  private async listFirstPage(signal?: AbortSignal): Promise<boolean> {
    const { host } = this;
    const started = host.now();
    const page = await this.fetchPage(undefined, signal);
    if (!page) {
      return false;
    }
    host.listing.mergeFirstPage(page, started);
    host.save();
    host.listed(page.assets);
    host.log.info(`Library: listed ${page.assets.length} asset(s)${page.hasMore ? ', more to load' : ''}; ${host.listing.size} known.`);
    host.changed('listing');
    return true;
  }

  private async loadNext(signal?: AbortSignal): Promise<boolean> {
    const { host } = this;
    const { listing } = host;
    if (listing.fetchedAt === undefined) {
      return this.listFirstPage(signal);
    }
    if (!listing.hasMore) {
      return true;
    }
    const page = await this.fetchPage(listing.nextToken, signal);
    if (!page) {
      return false;
    }
    const added = listing.addPage(page);
    host.listed(page.assets);
    host.log.info(`Library: loaded ${added} more asset(s); ${listing.size} known${listing.hasMore ? ', more to load' : ', all listed'}.`);
    host.changed('page');
    host.save();
    return true;
  }

  /** One page, or undefined after recording why it could not be listed. */
  private async fetchPage(token: string | undefined, signal?: AbortSignal): Promise<LibraryPage | undefined> {
    const { host } = this;
    let stage: 'account' | 'list' = 'account';
    try {
      const account = await host.api.account(signal);
      stage = 'list';
      if (host.listing.account !== undefined && host.listing.account !== account) {
        host.log.info('Library: the key belongs to another account than the cached listing; listing afresh.');
        host.listing.clear();
        token = undefined;
      }
      host.listing.account = account;
      const page = await host.api.list(token, signal);
      host.setProblem(undefined);
      return page;
    } catch (error) {
      if (signal?.aborted || (error instanceof HeyGenError && error.kind === 'cancelled')) {
        return undefined;
      }
      host.setProblem(problemFrom(error, stage));
      return undefined;
    }
  }
}
