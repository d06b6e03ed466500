/**
 * The library's cache file in global storage: the listing of one owner and the stale marks, so the view has
 * something to show at once on start. Writes are gathered and atomic (temp file + rename).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '../base/logger';
import { kindOfType, type LibraryAsset } from '../heygen/libraryAsset';

export const LIBRARY_CACHE_VERSION = 1;
/** Writes are gathered: loading 100 pages must not rewrite a growing file 100 times. */
const SAVE_DELAY_MS = 300;

type CachedAsset = [id: string, name: string, type: string, uploadedAt: number, url: string | null, folderId: string | null];

export interface CacheFile {
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

/** A listing as the index holds it and the cache keeps it. */
export interface CachedListing {
  assets: LibraryAsset[];
  account: string | undefined;
  fetchedAt: number | undefined;
  hasMore: boolean;
  nextToken: string | undefined;
  completedAt: number | undefined;
}

/** The cache file's content; undefined (with a warning unless there is no file yet) when there is none to read. */
export async function readCache(file: string, log: Logger): Promise<CacheFile | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn(`Library cache ${file} could not be read: ${String(error)}; starting empty.`);
    }
    return undefined;
  }
  return parseCache(text, log);
}

/** The cache file's content, or undefined (with a warning) when it is not a cache this version reads. */
function parseCache(text: string, log: Logger): CacheFile | undefined {
  let data: CacheFile;
  try {
    data = JSON.parse(text) as CacheFile;
  } catch (error) {
    log.warn(`Library cache is not valid JSON (${String(error)}); starting empty.`);
    return undefined;
  }
  if (typeof data !== 'object' || data === null || data.version !== LIBRARY_CACHE_VERSION) {
    log.warn('Library cache has an unknown format; starting empty.');
    return undefined;
  }
  return data;
}

/** The cached listing if it belongs to `owner`, else undefined. */
export function listingFromCache(data: CacheFile, owner: string | undefined): CachedListing | undefined {
  if (data.owner === undefined || data.owner !== owner || !Array.isArray(data.assets)) {
    return undefined;
  }
  const assets: LibraryAsset[] = [];
  const ids = new Set<string>();
  for (const row of data.assets) {
    if (!Array.isArray(row) || typeof row[0] !== 'string' || ids.has(row[0])) {
      continue;
    }
    const [id, name, type, uploadedAt, url, folderId] = row;
    assets.push({
      id,
      name: typeof name === 'string' ? name : id,
      kind: kindOfType(String(type)),
      type: String(type),
      uploadedAt: typeof uploadedAt === 'number' ? uploadedAt : 0,
      url: typeof url === 'string' ? url : null,
      folderId: typeof folderId === 'string' ? folderId : null,
    });
    ids.add(id);
  }
  return {
    assets,
    account: typeof data.account === 'string' ? data.account : undefined,
    fetchedAt: typeof data.fetchedAt === 'number' ? data.fetchedAt : undefined,
    hasMore: data.hasMore === true,
    nextToken: typeof data.nextToken === 'string' ? data.nextToken : undefined,
    completedAt: typeof data.completedAt === 'number' ? data.completedAt : undefined,
  };
}

export function cacheText(owner: string | undefined, listing: CachedListing, marks: unknown): string {
  const data: CacheFile = {
    version: LIBRARY_CACHE_VERSION,
    owner,
    account: listing.account,
    fetchedAt: listing.fetchedAt,
    hasMore: listing.hasMore,
    nextToken: listing.nextToken,
    completedAt: listing.completedAt,
    assets: listing.assets.map((a) => [a.id, a.name, a.type, a.uploadedAt, a.url, a.folderId]),
    marks,
  };
  return JSON.stringify(data);
}

/** Writes the cache a moment after the last change asked for it; `flush` writes what is waiting now. */
export class CacheWriter {
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
    private readonly text: () => string,
  ) {}

  schedule(): void {
    if (this.stopped) {
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saving = this.saving.then(() => this.save());
    }, SAVE_DELAY_MS);
    // A pending save must not keep a test process or the extension host alive.
    this.timer.unref?.();
  }

  /** Waits until the cache file is written. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.saving = this.saving.then(() => this.save());
    }
    await this.saving;
  }

  /** Writes what is waiting and schedules nothing more. */
  stop(): Promise<void> {
    this.stopped = true;
    return this.flush();
  }

  private async save(): Promise<void> {
    const temp = `${this.file}.${randomUUID().slice(0, 8)}.tmp`;
    try {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await fs.writeFile(temp, this.text());
      await fs.rename(temp, this.file);
    } catch (error) {
      this.log.warn(`Library cache could not be written (${String(error)}); the next start lists afresh.`);
      await fs.rm(temp, { force: true }).catch(() => undefined);
    }
  }
}
