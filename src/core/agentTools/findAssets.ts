import * as path from 'node:path';
import type { AssetRecord } from '../base/assetRecord';
import { type LibraryAsset } from '../heygen/libraryAsset';
import { recordForLibraryAsset } from '../library/libraryRecord';
import type { AssetKind } from '../base/mediaKinds';
import { withoutCredentials } from '../base/safeUrl';
import type { FindQuery } from './toolInput';

/** One asset of the account's HeyGen library as the library cache lists it (`LibraryIndex.all()`). */
export type LibraryEntry = LibraryAsset;

export interface LibrarySource {
  all(): readonly LibraryEntry[];
  /** True when HeyGen no longer has the asset (the library's stale marks, `LibraryIndex.isGone`). */
  isGone?(id: string): boolean;
}

/** What the tools tell a model about one asset: never the key's fingerprint, the content hash or a signed link. */
export interface AssetFacts {
  name: string;
  kind: AssetKind;
  assetId: string;
  url: string;
  /** The local file it was uploaded from, or the download address without its query. */
  source?: string;
  imageKey?: string;
  size?: number;
  uploadedAt?: string;
  /** Where the tool knows it from: this editor's upload history, or the account's library on HeyGen. */
  from: 'history' | 'library';
  /** HeyGen no longer has it (deleted, or expired after inactivity): a payload must not use it. */
  gone?: true;
}

export function factsOfRecord(record: AssetRecord): AssetFacts {
  const source = record.sourcePath ?? (record.sourceUrl !== undefined ? withoutCredentials(record.sourceUrl) : undefined);
  return {
    name: record.name,
    kind: record.fileType,
    assetId: record.id,
    url: record.url,
    ...(source !== undefined ? { source } : {}),
    ...(record.imageKey ? { imageKey: record.imageKey } : {}),
    ...(record.size > 0 ? { size: record.size } : {}),
    ...(record.uploadedAt > 0 ? { uploadedAt: new Date(record.uploadedAt).toISOString() } : {}),
    from: 'history',
  };
}

function factsOfLibraryEntry(entry: LibraryEntry): AssetFacts | undefined {
  const record = recordOfLibraryEntry(entry);
  return record ? { ...factsOfRecord(record), from: 'library' } : undefined;
}

/** The record the item commands take for a library asset; none for other kinds or an asset HeyGen gives no URL yet. */
export function recordOfLibraryEntry(entry: LibraryEntry): AssetRecord | undefined {
  return entry.url ? recordForLibraryAsset(entry, undefined) : undefined;
}

function matches(query: string, candidates: ReadonlyArray<string | undefined>): boolean {
  return candidates.some((c) => c !== undefined && c.toLowerCase().includes(query));
}

/**
 * Assets from the history and the library cache, newest first, each once (the history's record wins: it knows the
 * source file). The query matches, case-insensitively, HeyGen's name, the source file's name, the id or the URL.
 */
export function findAssets(
  history: readonly AssetRecord[],
  library: readonly LibraryEntry[],
  query: FindQuery,
  isGone: (id: string) => boolean = () => false,
): AssetFacts[] {
  const needle = query.query?.toLowerCase();
  const found: Array<{ at: number; facts: AssetFacts }> = [];
  const seen = new Set<string>();
  for (const record of history) {
    seen.add(record.id);
    if (query.kind !== undefined && record.fileType !== query.kind) {
      continue;
    }
    const sourceName = record.sourcePath !== undefined ? path.basename(record.sourcePath) : record.sourceUrl;
    if (needle !== undefined && !matches(needle, [record.name, sourceName, record.id, record.url])) {
      continue;
    }
    found.push({ at: record.uploadedAt, facts: factsOfRecord(record) });
  }
  for (const entry of library) {
    if (seen.has(entry.id)) {
      continue;
    }
    seen.add(entry.id);
    const facts = factsOfLibraryEntry(entry);
    if (!facts || (query.kind !== undefined && facts.kind !== query.kind)) {
      continue;
    }
    if (needle !== undefined && !matches(needle, [entry.name, entry.id, entry.url ?? undefined])) {
      continue;
    }
    found.push({ at: entry.uploadedAt, facts });
  }
  // A stable sort keeps each source's own order for equal times.
  found.sort((a, b) => b.at - a.at);
  return found.slice(0, query.limit).map((f) => (isGone(f.facts.assetId) ? { ...f.facts, gone: true } : f.facts));
}
