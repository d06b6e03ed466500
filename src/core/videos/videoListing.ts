/**
 * The account's videos as the Videos view lists them after this machine's renders (issue 23 item 7), cached like
 * the Library's listing: the pages listed so far are kept (in the editor's global state) with who they belong to,
 * shown at once on start, and page one is asked again only when the view is seen or refreshed. Never URLs: a
 * listing keeps ids, titles, statuses, durations and dates; a video's URL is asked for when it is opened.
 */
import { errorMessage } from '../base/errorMessage';
import { silentLogger, type Logger } from '../base/logger';
import type { VideoInfo, VideoStatus } from '../heygen/videoInfo';
import type { VideoPage } from '../heygen/videosV3';
import type { StateStore } from './renderList';

export const LISTING_KEY = 'heygen.videos.listing';
export const LISTING_CACHE_VERSION = 1;
/** The cache keeps this many; more are listed again with Load More. */
export const MAX_CACHED_VIDEOS = 1_000;

export interface ListedVideo {
  id: string;
  title?: string;
  status: VideoStatus;
  duration?: number;
  createdAt?: number;
}

export interface VideoListApi {
  list(token: string | undefined, signal?: AbortSignal): Promise<VideoPage>;
}

type CachedVideo = [id: string, title: string | null, status: VideoStatus, duration: number | null, createdAt: number | null];

interface ListingCache {
  version: number;
  owner: string;
  fetchedAt: number;
  hasMore: boolean;
  nextToken?: string;
  videos: CachedVideo[];
}

export interface ListingOptions {
  /** Who the listing belongs to (a fingerprint of the key and the base URL, never the key); none without a key. */
  owner: string | undefined;
  log?: Logger;
  now?: () => number;
}

function listed(info: VideoInfo): ListedVideo {
  return { id: info.id, title: info.title, status: info.status, duration: info.duration, createdAt: info.createdAt };
}

export class VideoListing {
  private items: ListedVideo[] = [];
  private more = false;
  private token: string | undefined;
  private fetched: number | undefined;
  private cached = false;
  private working = 0;
  private currentProblem: string | undefined;
  private owner: string | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(
    private readonly store: StateStore,
    private readonly api: VideoListApi,
    options: ListingOptions,
  ) {
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.owner = options.owner;
    this.loadCache();
  }

  videos(): readonly ListedVideo[] {
    return this.items;
  }

  get hasMore(): boolean {
    return this.more;
  }

  get fetchedAt(): number | undefined {
    return this.fetched;
  }

  get fromCache(): boolean {
    return this.cached;
  }

  get busy(): boolean {
    return this.working > 0;
  }

  /** The last listing's failure, in one sentence; cleared by the next success. */
  get problem(): string | undefined {
    return this.currentProblem;
  }

  /** Another key or base URL: its cache (if it is the cache's owner) or nothing. */
  setOwner(owner: string | undefined): void {
    if (owner === this.owner) {
      return;
    }
    this.owner = owner;
    this.items = [];
    this.more = false;
    this.token = undefined;
    this.fetched = undefined;
    this.cached = false;
    this.currentProblem = undefined;
    this.loadCache();
    this.fire();
  }

  /** Lists page one again, replacing what is shown. Never rejects; a failure is kept in `problem`. */
  refresh(signal?: AbortSignal): Promise<void> {
    return this.queue(async () => {
      const page = await this.api.list(undefined, signal);
      this.items = dedupe(page.videos.map(listed));
      this.fetched = this.now();
      this.cached = false;
      this.setPage(page);
    });
  }

  /** The next page, added after what is shown. */
  loadMore(signal?: AbortSignal): Promise<void> {
    if (!this.more) {
      return this.refresh(signal);
    }
    return this.queue(async () => {
      const page = await this.api.list(this.token, signal);
      this.items = dedupe([...this.items, ...page.videos.map(listed)]);
      this.setPage(page);
    });
  }

  /** Forgets a video deleted from here. */
  forget(videoId: string): void {
    const before = this.items.length;
    this.items = this.items.filter((v) => v.id !== videoId);
    if (this.items.length !== before) {
      this.save();
      this.fire();
    }
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private setPage(page: VideoPage): void {
    this.more = page.hasMore;
    this.token = page.nextToken;
    this.currentProblem = undefined;
    this.save();
  }

  private queue(work: () => Promise<void>): Promise<void> {
    const owner = this.owner;
    const run = async (): Promise<void> => {
      if (owner === undefined || owner !== this.owner) {
        return;
      }
      this.working++;
      this.fire();
      try {
        await work();
      } catch (error) {
        this.currentProblem = errorMessage(error);
        this.log.warn(`The account's videos could not be listed: ${this.currentProblem}`);
      } finally {
        this.working--;
        this.fire();
      }
    };
    const next = this.chain.then(run, run);
    this.chain = next;
    return next;
  }

  private loadCache(): void {
    const cache = this.store.get<ListingCache>(LISTING_KEY);
    if (!cache || cache.version !== LISTING_CACHE_VERSION || this.owner === undefined || cache.owner !== this.owner || !Array.isArray(cache.videos)) {
      return;
    }
    this.items = dedupe(cache.videos.map(fromCached).filter((v): v is ListedVideo => v !== undefined));
    this.more = cache.hasMore === true;
    this.token = typeof cache.nextToken === 'string' ? cache.nextToken : undefined;
    this.fetched = typeof cache.fetchedAt === 'number' ? cache.fetchedAt : undefined;
    this.cached = this.items.length > 0;
  }

  private save(): void {
    if (this.owner === undefined) {
      return;
    }
    const kept = this.items.slice(0, MAX_CACHED_VIDEOS);
    const cache: ListingCache = {
      version: LISTING_CACHE_VERSION,
      owner: this.owner,
      fetchedAt: this.fetched ?? this.now(),
      // Cut short, the cache goes on from where it stops: the token would skip the videos it dropped.
      hasMore: this.more || kept.length < this.items.length,
      nextToken: kept.length < this.items.length ? undefined : this.token,
      videos: kept.map((v) => [v.id, v.title ?? null, v.status, v.duration ?? null, v.createdAt ?? null]),
    };
    Promise.resolve(this.store.update(LISTING_KEY, cache)).catch((error: unknown) => this.log.warn(`The videos listing could not be cached: ${String(error)}`));
  }

  private fire(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }
}

function fromCached(entry: unknown): ListedVideo | undefined {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[2] !== 'string') {
    return undefined;
  }
  const [id, title, status, duration, createdAt] = entry as CachedVideo;
  return {
    id,
    title: typeof title === 'string' ? title : undefined,
    status,
    duration: typeof duration === 'number' ? duration : undefined,
    createdAt: typeof createdAt === 'number' ? createdAt : undefined,
  };
}

function dedupe(videos: ListedVideo[]): ListedVideo[] {
  const seen = new Set<string>();
  return videos.filter((v) => !seen.has(v.id) && (seen.add(v.id), true));
}
