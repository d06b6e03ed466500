/**
 * The pages of one account's library listed so far, newest first, and the cursor to the next page: how a fresh page
 * one merges with what is loaded and how a further page is added. No I/O: LibraryIndex fetches the pages.
 */
import type { LibraryPage } from '../heygen/libraryApi';
import type { LibraryAsset } from '../heygen/libraryAsset';
import type { CachedListing } from './libraryCache';

export class LibraryListing {
  private assets: LibraryAsset[] = [];
  private byId = new Map<string, LibraryAsset>();
  /** The account the pages were listed for (HeyGen's username). */
  account: string | undefined;
  /** When the first page of what is shown was fetched (ms), undefined before any listing. */
  private fetched: number | undefined;
  private more = false;
  private token: string | undefined;
  /** When the listing was last walked to its end from page one (ms). */
  private completed: number | undefined;
  private cached = false;

  /** Every listed asset, newest first. */
  all(): readonly LibraryAsset[] {
    return this.assets;
  }

  get(id: string): LibraryAsset | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get size(): number {
    return this.assets.length;
  }

  get fetchedAt(): number | undefined {
    return this.fetched;
  }

  get completedAt(): number | undefined {
    return this.completed;
  }

  get hasMore(): boolean {
    return this.more;
  }

  /** Where the next page starts. */
  get nextToken(): string | undefined {
    return this.token;
  }

  /** What is shown came from the cache file and no listing has succeeded since. */
  get fromCache(): boolean {
    return this.cached;
  }

  /** Every page was listed: nothing more to load. */
  get complete(): boolean {
    return this.fetched !== undefined && !this.more;
  }

  /** Page one, put in front of what is loaded: pages further down stay when page one reaches them. */
  mergeFirstPage(page: LibraryPage, fetchedAt: number): void {
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
      this.completed = page.hasMore ? undefined : fetchedAt;
    }
    this.byId = new Map(this.assets.map((a) => [a.id, a]));
    this.fetched = fetchedAt;
    this.cached = false;
  }

  /** The next page, after what is loaded; how many of its assets were new. */
  addPage(page: LibraryPage): number {
    const before = this.assets.length;
    for (const asset of page.assets) {
      if (!this.byId.has(asset.id)) {
        this.assets.push(asset);
        this.byId.set(asset.id, asset);
      }
    }
    this.more = page.hasMore;
    this.token = page.nextToken;
    if (!this.more && !this.cached) {
      this.completed = this.fetched;
    }
    return this.assets.length - before;
  }

  remove(ids: ReadonlySet<string>): void {
    this.assets = this.assets.filter((a) => !ids.has(a.id));
    for (const id of ids) {
      this.byId.delete(id);
    }
  }

  clear(): void {
    this.assets = [];
    this.byId.clear();
    this.fetched = undefined;
    this.more = false;
    this.token = undefined;
    this.completed = undefined;
    this.cached = false;
    this.account = undefined;
  }

  /** Shows a listing read from the cache file. */
  load(listing: CachedListing): void {
    this.assets = listing.assets;
    this.byId = new Map(listing.assets.map((a) => [a.id, a]));
    this.account = listing.account;
    this.fetched = listing.fetchedAt;
    this.more = listing.hasMore;
    this.token = listing.nextToken;
    this.completed = listing.completedAt;
    this.cached = this.fetched !== undefined;
  }

  /** What the cache file keeps of it. */
  toCache(): CachedListing {
    return { assets: this.assets, account: this.account, fetchedAt: this.fetched, hasMore: this.more, nextToken: this.token, completedAt: this.completed };
  }
}
