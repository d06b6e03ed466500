/**
 * The history as data: changes as values that can be re-applied on top of whatever another window wrote, the rules
 * that keep a list of entries newest first, unique and capped, and what the window shows. No file, no timer.
 */
import type { AssetRecord } from '../base/assetRecord';
import { isSortedDesc } from './historyFormat';

/** What a change event carries, so a view can react to the specific entries (reveal a new upload, say). */
export interface HistoryChange {
  /** Entries that were not there before, plus entries this window's add() just wrote; newest first. */
  readonly added: readonly AssetRecord[];
  /** Ids that are no longer there. */
  readonly removed: readonly string[];
  /** True when this window's own add/remove/clear caused it; false for another window's write or a reload. */
  readonly local: boolean;
}

/** A change as data, so it can be re-applied on top of whatever another window wrote meanwhile. */
export type HistoryOp =
  | { kind: 'add'; record: AssetRecord }
  | { kind: 'remove'; ids: ReadonlySet<string> }
  | { kind: 'clear'; seen: ReadonlySet<string>; before: number }
  | { kind: 'cap' };

/** A change not yet on disk; re-applied on top of whatever the file holds until it is. */
export interface PendingChange {
  what: string;
  op: HistoryOp;
}

function applyOp(assets: AssetRecord[], op: HistoryOp): AssetRecord[] {
  switch (op.kind) {
    case 'add':
      return [op.record, ...assets.filter((a) => a.id !== op.record.id)];
    case 'remove':
      return assets.filter((a) => !op.ids.has(a.id));
    case 'clear':
      return assets.filter((a) => !op.seen.has(a.id) && a.uploadedAt > op.before);
    case 'cap':
      return assets;
  }
}

export function applyChanges(changes: readonly PendingChange[], assets: AssetRecord[]): AssetRecord[] {
  let out = assets;
  for (const change of changes) {
    out = applyOp(out, change.op);
  }
  return out;
}

/** Sorts newest first, drops duplicate ids (keeping the newest) and applies the cap. */
export function normalize(assets: AssetRecord[], maxEntries: number): AssetRecord[] {
  const sorted = isSortedDesc(assets) ? assets : [...assets].sort((a, b) => b.uploadedAt - a.uploadedAt);
  const seen = new Set<string>();
  const out: AssetRecord[] = [];
  for (const r of sorted) {
    if (!seen.has(r.id)) {
      seen.add(r.id);
      out.push(r);
      if (out.length === maxEntries) {
        break;
      }
    }
  }
  return out;
}

/**
 * `records` with new entries (ids not among them) in front, newest first: without re-sorting or de-duplicating the
 * whole history when they are newer than everything in it (the usual add), so an add stays cheap at 10,000 entries.
 */
export function prepend(adds: readonly AssetRecord[], records: AssetRecord[], maxEntries: number): AssetRecord[] {
  const fresh = isSortedDesc(adds) ? [...adds] : [...adds].sort((a, b) => b.uploadedAt - a.uploadedAt);
  if (records.length > 0 && fresh[fresh.length - 1].uploadedAt < records[0].uploadedAt) {
    return normalize([...fresh, ...records], maxEntries);
  }
  const next = fresh.concat(records);
  if (next.length > maxEntries) {
    next.length = maxEntries;
  }
  return next;
}

/**
 * The entries to append to a file holding `count` entries (`records`) instead of rewriting it, or undefined when the
 * changes need a rewrite: anything but adds, a replaced id (two lines with one id), or a file past the cap's slack.
 */
export function appendableAdds(changes: readonly PendingChange[], records: readonly AssetRecord[], count: number, maxEntries: number): AssetRecord[] | undefined {
  if (changes.some((c) => c.op.kind !== 'add')) {
    return undefined;
  }
  const adds = changes.map((c) => (c.op as { record: AssetRecord }).record);
  const ids = new Set(adds.map((r) => r.id));
  if (ids.size !== adds.length || records.some((r) => ids.has(r.id)) || count + adds.length > maxEntries + capSlack(maxEntries)) {
    return undefined;
  }
  return adds;
}

/** How far past the cap appends may go before a rewrite trims the file: a full history must not rewrite on every add. */
function capSlack(maxEntries: number): number {
  return Math.max(50, Math.ceil(maxEntries / 10));
}

export function sanitizeMax(n: number): number {
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1000;
}

/** What the window shows, newest first, with its look-ups by id and by content. */
export class ShownHistory {
  private records: AssetRecord[] = [];
  private byId = new Map<string, AssetRecord>();
  private bySha: Map<string, AssetRecord> | undefined;

  all(): readonly AssetRecord[] {
    return this.records;
  }

  get(id: string): AssetRecord | undefined {
    return this.byId.get(id);
  }

  /** The newest entry with these bytes uploaded under this key, if any. */
  findBySha256(sha256: string, keyFingerprint: string): AssetRecord | undefined {
    if (!this.bySha) {
      this.bySha = new Map();
      // Oldest first so the newest entry for a given content wins.
      for (let i = this.records.length - 1; i >= 0; i--) {
        const r = this.records[i];
        this.bySha.set(shaKey(r.sha256, r.keyFingerprint), r);
      }
    }
    return this.bySha.get(shaKey(sha256, keyFingerprint));
  }

  /** Shows `records` instead; returns what changed (`wrote`: entries this window just wrote count as added). */
  show(records: AssetRecord[], local: boolean, wrote: readonly AssetRecord[] = []): HistoryChange {
    const before = this.byId;
    const grown = records.length - this.records.length;
    if (grown > 0 && endsWith(records, this.records)) {
      // Entries added in front of an unchanged list (an add): update the index instead of rebuilding it.
      const added = records.slice(0, grown);
      for (const r of added) {
        before.set(r.id, r);
      }
      this.records = records;
      this.bySha = undefined;
      return { added, removed: [], local };
    }
    const written = new Set(wrote);
    const byId = new Map<string, AssetRecord>();
    const added: AssetRecord[] = [];
    for (const r of records) {
      byId.set(r.id, r);
      if (!before.has(r.id) || written.has(r)) {
        added.push(r);
      }
    }
    const removed: string[] = [];
    for (const id of before.keys()) {
      if (!byId.has(id)) {
        removed.push(id);
      }
    }
    this.records = records;
    this.byId = byId;
    this.bySha = undefined;
    return { added, removed, local };
  }
}

/** Whether `list` is `tail` with entries in front (the same objects, in the same order). */
function endsWith(list: readonly AssetRecord[], tail: readonly AssetRecord[]): boolean {
  const offset = list.length - tail.length;
  for (let i = 0; i < tail.length; i++) {
    if (list[offset + i] !== tail[i]) {
      return false;
    }
  }
  return true;
}

function shaKey(sha256: string, keyFingerprint: string): string {
  return `${sha256.toLowerCase()}\n${keyFingerprint}`;
}
