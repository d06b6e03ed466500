/**
 * Finding the uploads HeyGen no longer has: a listing walked to its end that lacks an older upload, a listing that
 * shows a marked one again, and rounds of `GET /v3/assets/{id}` for the uploads that are due (staleMarks.ts has the
 * rule: at most once every 12 hours each, at most 4 at a time).
 */
import { forEachLimited } from '../base/concurrency';
import { errorMessage } from '../base/errorMessage';
import type { Logger } from '../base/logger';
import type { LibraryApi } from '../heygen/libraryApi';
import type { LibraryAsset } from '../heygen/libraryAsset';
import { CHECK_CONCURRENCY, type CheckCandidate, type StaleMarks } from './staleMarks';

/** What the checks read of the listing and tell the index. */
export interface StaleCheckHost {
  readonly api: LibraryApi;
  readonly log: Logger;
  now(): number;
  /** The stale marks (replaced when the cache is read). */
  marks(): StaleMarks;
  /** When page one of the listing shown was fetched (ms), undefined before any listing. */
  fetchedAt(): number | undefined;
  /** When the listing was last walked to its end from page one (ms). */
  completedAt(): number | undefined;
  listed(id: string): boolean;
  /** The marks changed: tell the views. */
  marksChanged(): void;
  /** Something the cache keeps changed. */
  save(): void;
}

export class StaleChecks {
  private checking: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: StaleCheckHost) {}

  /**
   * Asks HeyGen about the candidates that are due (at most once every 12 hours each, at most 4 requests at a
   * time). A 404 marks an asset gone; any other failure of the transport or the key ends the round, so an
   * unreachable HeyGen costs 4 requests, not one per upload.
   */
  check(candidates: Iterable<CheckCandidate>, signal?: AbortSignal): Promise<{ asked: number; gone: string[] }> {
    const list = [...candidates];
    // One round at a time: a second round sees what the first asked and does not ask it again.
    const round = this.checking.then(() => this.round(list, signal));
    this.checking = round.catch(() => undefined);
    return round;
  }

  /**
   * Before an earlier upload is reused for an identical file: false when it is marked gone, or when it is due (the
   * rule of staleMarks.ts) and HeyGen answers 404 for it from an account that knows the key. One request when it
   * exists, not queued behind a running round (an upload must not wait for a round of hundreds); when HeyGen
   * cannot be asked, it is reused as before.
   */
  async confirm(candidate: CheckCandidate, signal?: AbortSignal): Promise<boolean> {
    const { host } = this;
    const { id } = candidate;
    if (host.marks().isGone(id)) {
      return false;
    }
    if (this.due([candidate]).length === 0) {
      return true;
    }
    host.marks().markAsked(id, host.now());
    try {
      const found = await host.api.get(id, signal);
      if (!found) {
        // A 404 means "gone" only from a HeyGen that knows this key: a wrong base URL answers 404 to everything.
        await host.api.account(signal);
      }
      this.apply(found ? [id] : [], found ? [] : [id]);
      if (!found) {
        host.log.info(`Library: HeyGen no longer has asset ${id}; an identical file is uploaded again instead of reusing it.`);
      }
      return found !== undefined;
    } catch (error) {
      if (signal?.aborted) {
        throw error;
      }
      host.log.warn(`Library: could not ask HeyGen whether asset ${id} still exists (${errorMessage(error)}); it is reused.`);
      return true;
    }
  }

  /** Answers HeyGen gave elsewhere (Check Payloads): marked, saved and told like this round's. */
  apply(present: readonly string[], gone: readonly string[]): void {
    const marks = this.host.marks();
    const now = this.host.now();
    const back = marks.markPresent(present, now);
    const changed = marks.markGone(gone, now) || back;
    this.host.save();
    if (changed) {
      this.host.marksChanged();
    }
  }

  /** HeyGen lists them, so they exist: a gone mark from an earlier answer no longer holds. */
  unmarkListed(assets: readonly LibraryAsset[]): void {
    const marks = this.host.marks();
    const back = assets.filter((a) => marks.isGone(a.id)).map((a) => a.id);
    if (back.length > 0) {
      marks.markPresent(back, this.host.now());
      this.host.marksChanged();
    }
  }

  /** The candidates to ask HeyGen about now (staleMarks.ts has the rule). */
  private due(list: readonly CheckCandidate[]): string[] {
    const { host } = this;
    const seen = host.fetchedAt();
    // Listed since `fetchedAt`: seen then, so no request before 12 hours after it. Kept implicit (not one mark per
    // listed asset), so the cache of a 10,000-asset library stays small and quick to load.
    const latest = seen === undefined ? list : list.map((c) => (host.listed(c.id) ? { id: c.id, uploadedAt: Math.max(c.uploadedAt, seen) } : c));
    return host.marks().due(latest, host.now());
  }

  private async round(list: readonly CheckCandidate[], signal?: AbortSignal): Promise<{ asked: number; gone: string[] }> {
    const { host } = this;
    const marks = host.marks();
    if (host.completedAt() !== undefined && host.fetchedAt() !== undefined) {
      this.reconcileWithListing(list);
    }
    const due = this.due(list);
    const gone: string[] = [];
    let asked = 0;
    if (due.length > 0) {
      // A 404 means "gone" only from a HeyGen that knows this key: a wrong base URL answers 404 to everything.
      try {
        await host.api.account(signal);
      } catch (error) {
        host.log.info(`Library: no stale checks this round (${errorMessage(error)}).`);
        return { asked, gone };
      }
    }
    await forEachLimited(
      due,
      CHECK_CONCURRENCY,
      async (id) => {
        marks.markAsked(id, host.now());
        asked++;
        try {
          const found = await host.api.get(id, signal);
          if (found) {
            marks.markPresent([id], host.now());
          } else {
            marks.markGone([id], host.now());
            gone.push(id);
          }
          return undefined;
        } catch (error) {
          host.log.warn(`Library: checking asset ${id} failed: ${errorMessage(error)}; the other checks wait for the next round.`);
          return 'stop';
        }
      },
      signal,
    );
    if (asked > 0) {
      host.log.info(`Library: asked HeyGen about ${asked} upload(s); ${gone.length} no longer exist${gone.length ? `: ${gone.join(', ')}` : ''}.`);
      host.save();
    }
    if (gone.length > 0) {
      host.marksChanged();
    }
    return { asked, gone };
  }

  /** A listing walked to its end lacks an upload older than the walk: HeyGen no longer has it. */
  private reconcileWithListing(candidates: readonly CheckCandidate[]): void {
    const { host } = this;
    const walkedAt = host.completedAt();
    if (walkedAt === undefined) {
      return;
    }
    const marks = host.marks();
    const missing = candidates.filter((c) => c.uploadedAt < walkedAt && !host.listed(c.id) && !marks.isGone(c.id)).map((c) => c.id);
    if (missing.length > 0 && marks.markGone(missing, host.now())) {
      host.log.info(`Library: ${missing.length} upload(s) are missing from the complete listing: ${missing.join(', ')}.`);
      host.marksChanged();
      host.save();
    }
  }
}
