/**
 * Which uploads HeyGen no longer has. HeyGen may delete assets after a period of inactivity, so a URL in the
 * history can go stale silently; these marks are what the Assets view's warning shows. The rule: an asset is asked
 * about (`GET /v3/assets/{id}`) at most once every 12 hours, at most 4 requests at a time, and one seen in a
 * listing or uploaded within the interval needs no request at all.
 */

export const CHECK_INTERVAL_MS = 12 * 60 * 60 * 1000;
export const CHECK_CONCURRENCY = 4;

export interface CheckCandidate {
  id: string;
  /** When it was uploaded (ms): a fresh upload is known to exist. */
  uploadedAt: number;
}

export interface StaleMarksJson {
  /** Asset id → when HeyGen was last asked about it or listed it (ms). */
  checked: Record<string, number>;
  gone: string[];
}

export class StaleMarks {
  private readonly checkedAt = new Map<string, number>();
  private readonly gone = new Set<string>();

  static fromJson(json: unknown): StaleMarks {
    const marks = new StaleMarks();
    if (typeof json === 'object' && json !== null) {
      const { checked, gone } = json as Partial<StaleMarksJson>;
      if (typeof checked === 'object' && checked !== null) {
        for (const [id, at] of Object.entries(checked)) {
          if (typeof at === 'number' && Number.isFinite(at)) {
            marks.checkedAt.set(id, at);
          }
        }
      }
      if (Array.isArray(gone)) {
        for (const id of gone) {
          if (typeof id === 'string') {
            marks.gone.add(id);
          }
        }
      }
    }
    return marks;
  }

  toJson(): StaleMarksJson {
    return { checked: Object.fromEntries(this.checkedAt), gone: [...this.gone] };
  }

  isGone(id: string): boolean {
    return this.gone.has(id);
  }

  get goneCount(): number {
    return this.gone.size;
  }

  lastChecked(id: string): number | undefined {
    return this.checkedAt.get(id);
  }

  /** HeyGen listed or answered these: they exist. Returns whether any mark changed. */
  markPresent(ids: Iterable<string>, now: number): boolean {
    let changed = false;
    for (const id of ids) {
      this.checkedAt.set(id, now);
      changed = this.gone.delete(id) || changed;
    }
    return changed;
  }

  /** HeyGen answered 404, a complete listing lacks them, or they were deleted from here. */
  markGone(ids: Iterable<string>, now: number): boolean {
    let changed = false;
    for (const id of ids) {
      this.checkedAt.set(id, now);
      if (!this.gone.has(id)) {
        this.gone.add(id);
        changed = true;
      }
    }
    return changed;
  }

  /** Records that a request about `id` is being sent now: whatever it answers, the next one waits 12 hours. */
  markAsked(id: string, now: number): void {
    this.checkedAt.set(id, now);
  }

  /** The candidates to ask about now: not known gone, not seen (or uploaded) within the last 12 hours. */
  due(candidates: Iterable<CheckCandidate>, now: number): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const { id, uploadedAt } of candidates) {
      if (seen.has(id) || this.gone.has(id)) {
        continue;
      }
      seen.add(id);
      const last = Math.max(this.checkedAt.get(id) ?? 0, uploadedAt);
      if (now - last >= CHECK_INTERVAL_MS) {
        out.push(id);
      }
    }
    return out;
  }

  /** Drops marks of assets no longer in question (removed from the history and the listing), so the file stays small. */
  retainOnly(ids: ReadonlySet<string>): void {
    for (const id of [...this.checkedAt.keys()]) {
      if (!ids.has(id)) {
        this.checkedAt.delete(id);
      }
    }
    for (const id of [...this.gone]) {
      if (!ids.has(id)) {
        this.gone.delete(id);
      }
    }
  }
}
