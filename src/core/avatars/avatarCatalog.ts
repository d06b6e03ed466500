/**
 * The avatar looks and voices of one account (one API key at one base URL) as this editor knows them: the last
 * complete listing from the cache file, refreshed on demand and otherwise at most once a day, and only when something
 * needs it (never at activation). Nothing here waits for HeyGen on a reader's behalf: completion, hover and problems
 * read what is in memory at once, and `onDidChange` says when more arrived.
 */
import { Emitter, type Disposable } from '../base/disposable';
import { errorMessage } from '../base/errorMessage';
import { silentLogger, type Logger } from '../base/logger';
import type { AvatarLook } from '../heygen/avatarsApi';
import { VOICE_TYPES, type Voice } from '../heygen/voicesApi';
import { cacheText, readCache, writeCache, type CatalogListing } from './catalogCache';
import type { CatalogSource } from './catalogSource';

/** The once-a-day rule: a listing younger than this is not asked for again unless the person refreshes. */
export const REFRESH_EVERY_MS = 24 * 60 * 60_000;
/** After a failed listing, needs wait this long before asking again (a refresh command asks at once). */
export const RETRY_AFTER_FAILURE_MS = 60_000;

/**
 * Why the catalogue changed: `cache` (read from disk), `page` (a page of a first listing arrived), `listing` (a
 * listing completed), `look` (a photo avatar was added or its training moved on), `problem` (a listing failed).
 */
export type CatalogChangeReason = 'cache' | 'page' | 'listing' | 'look' | 'problem';

/** What completion, hover, problems and the pickers read. */
export interface CatalogView {
  looks(): readonly AvatarLook[];
  voices(): readonly Voice[];
  look(id: string): AvatarLook | undefined;
  voice(id: string): Voice | undefined;
  /** The lists are a whole listing (so an id missing from them is not on the account). */
  readonly complete: boolean;
  /** A listing is under way. */
  readonly loading: boolean;
  /** Why the last listing failed (one sentence), until one succeeds. */
  readonly problem: string | undefined;
}

export interface AvatarCatalogOptions {
  source: CatalogSource;
  /** Whose catalogue this is: a key fingerprint and base URL. A cache file of another owner is not read. */
  owner: string;
  log?: Logger;
  now?: () => number;
}

export class AvatarCatalog implements CatalogView, Disposable {
  private lookList: AvatarLook[] = [];
  private voiceList: Voice[] = [];
  private looksById = new Map<string, AvatarLook>();
  private voicesById = new Map<string, Voice>();
  private fetched: number | undefined;
  private whole = false;
  private listing: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private failedAt: number | undefined;
  private failure: string | undefined;
  /** Looks added here (new photo avatars) that a listing started earlier cannot know about. */
  private added = new Map<string, { look: AvatarLook; at: number }>();
  private saving: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly changes: Emitter<CatalogChangeReason>;
  private readonly source: CatalogSource;
  private readonly log: Logger;
  private readonly now: () => number;
  readonly owner: string;

  private constructor(
    private readonly file: string,
    options: AvatarCatalogOptions,
  ) {
    this.source = options.source;
    this.owner = options.owner;
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.changes = new Emitter((error) => this.log.error(`Avatars: a change listener failed: ${String(error)}`));
  }

  /** Reads the cache file of `owner` (none is an empty catalogue); never contacts HeyGen. */
  static async open(file: string, options: AvatarCatalogOptions): Promise<AvatarCatalog> {
    const catalog = new AvatarCatalog(file, options);
    const cached = await readCache(file, options.owner, catalog.log);
    if (cached) {
      catalog.take(cached.looks, cached.voices);
      catalog.fetched = cached.fetchedAt;
      catalog.whole = true;
    }
    return catalog;
  }

  // ---- what readers see -------------------------------------------------------------------------------

  looks(): readonly AvatarLook[] {
    return this.lookList;
  }

  voices(): readonly Voice[] {
    return this.voiceList;
  }

  look(id: string): AvatarLook | undefined {
    return this.looksById.get(id);
  }

  voice(id: string): Voice | undefined {
    return this.voicesById.get(id);
  }

  get complete(): boolean {
    return this.whole;
  }

  get loading(): boolean {
    return this.listing !== undefined;
  }

  get problem(): string | undefined {
    return this.failure;
  }

  /** When the listing shown started (ms); undefined before any. */
  get fetchedAt(): number | undefined {
    return this.fetched;
  }

  /** Nothing was listed yet, or the listing is a day old. */
  isStale(): boolean {
    return this.fetched === undefined || this.now() - this.fetched >= REFRESH_EVERY_MS;
  }

  onDidChange(listener: (reason: CatalogChangeReason) => void): Disposable {
    return this.changes.event(listener);
  }

  // ---- listing ----------------------------------------------------------------------------------------

  /**
   * The once-a-day rule, for whatever needs the lists (completion, hover, a picker): lists when nothing was listed
   * yet or the listing is a day old, but not again within a minute of a failure. Resolves when the lists are as
   * fresh as they will get; never rejects.
   */
  ensureFresh(): Promise<void> {
    if (this.listing) {
      return this.listing;
    }
    if (!this.isStale() || (this.failedAt !== undefined && this.now() - this.failedAt < RETRY_AFTER_FAILURE_MS)) {
      return Promise.resolve();
    }
    return this.refresh();
  }

  /** Lists every look and voice now (joining a listing under way). Never rejects: a failure becomes `problem`. */
  refresh(): Promise<void> {
    if (this.disposed) {
      return Promise.resolve();
    }
    // The end is announced once `loading` is false again: a listener (a picker's busy bar, a test) reads the state.
    this.listing ??= this.list().then((ended) => {
      this.listing = undefined;
      this.abort = undefined;
      if (ended && !this.disposed) {
        this.changes.fire(ended);
      }
    });
    return this.listing;
  }

  /** Lists every page; resolves with how it ended (announced by `refresh`), undefined when disposed meanwhile. */
  private async list(): Promise<'listing' | 'problem' | undefined> {
    const abort = new AbortController();
    this.abort = abort;
    const startedAt = this.now();
    // A first listing shows its pages as they come; a refresh keeps showing the previous listing until it is whole.
    const first = !this.whole;
    const looks: AvatarLook[] = [];
    const voices: Voice[] = [];
    try {
      let token: string | undefined;
      do {
        const page = await this.source.looksPage(token, abort.signal);
        looks.push(...page.looks);
        token = page.hasMore ? page.nextToken : undefined;
        if (first && !this.disposed) {
          this.take(this.withAdded(looks, startedAt), this.voiceList);
          this.changes.fire('page');
        }
      } while (token);
      for (const type of VOICE_TYPES) {
        let voiceToken: string | undefined;
        do {
          const page = await this.source.voicesPage(type, voiceToken, abort.signal);
          voices.push(...page.voices);
          voiceToken = page.hasMore ? page.nextToken : undefined;
        } while (voiceToken);
        if (first && !this.disposed) {
          this.take(this.lookList, [...voices]);
          this.changes.fire('page');
        }
      }
    } catch (error) {
      if (this.disposed) {
        return undefined;
      }
      this.failedAt = this.now();
      this.failure = errorMessage(error);
      this.log.warn(`Listing avatars and voices failed: ${this.failure}`);
      return 'problem';
    }
    if (this.disposed) {
      return undefined;
    }
    this.take(this.withAdded(looks, startedAt), voices);
    this.fetched = startedAt;
    this.whole = true;
    this.failedAt = undefined;
    this.failure = undefined;
    this.log.info(`Listed ${looks.length} avatar looks and ${voices.length} voices.`);
    this.save();
    return 'listing';
  }

  /** `looks` plus the looks added here that a listing started at `startedAt` may not hold, newest first. */
  private withAdded(looks: readonly AvatarLook[], startedAt: number): AvatarLook[] {
    const listed = new Set(looks.map((l) => l.id));
    const extra: AvatarLook[] = [];
    for (const [id, { look, at }] of this.added) {
      if (listed.has(id)) {
        if (at < startedAt) {
          this.added.delete(id);
        }
      } else {
        extra.push(look);
      }
    }
    return extra.length === 0 ? [...looks] : [...extra, ...looks];
  }

  private take(looks: AvatarLook[], voices: Voice[]): void {
    if (looks !== this.lookList) {
      this.lookList = looks;
      this.looksById = new Map(looks.map((l) => [l.id, l]));
    }
    if (voices !== this.voiceList) {
      this.voiceList = voices;
      this.voicesById = new Map(voices.map((v) => [v.id, v]));
    }
  }

  // ---- photo avatars made here ------------------------------------------------------------------------

  /**
   * A look made here (a new photo avatar), or a newer state of one (its training moved on): in every list at once,
   * first, and kept through a listing that started before HeyGen had it.
   */
  putLook(look: AvatarLook): void {
    if (this.disposed) {
      return;
    }
    this.added.set(look.id, { look, at: this.now() });
    const rest = this.lookList.filter((l) => l.id !== look.id);
    this.take([look, ...rest], this.voiceList);
    if (this.whole) {
      this.save();
    }
    this.changes.fire('look');
  }

  // ---- the file ---------------------------------------------------------------------------------------

  private save(): void {
    if (!this.whole || this.fetched === undefined) {
      return;
    }
    const listing: CatalogListing = { looks: this.lookList, voices: this.voiceList, fetchedAt: this.fetched };
    const text = cacheText(this.owner, listing);
    this.saving = this.saving.then(() => writeCache(this.file, text, this.log));
  }

  /** Waits until the cache file is written. */
  flush(): Promise<void> {
    return this.saving;
  }

  dispose(): void {
    this.disposed = true;
    this.abort?.abort();
    this.changes.dispose();
  }
}
