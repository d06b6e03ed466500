import * as path from 'node:path';
import type { AssetRecord } from '../base/assetRecord';
import { codeSpan, escapeMarkdown, markdownLink, markdownThumbnail } from '../base/markdown';
import { formatDate, relativeTime } from '../base/time';
import type { AssetKind } from '../base/mediaKinds';
import { LIBRARY_KINDS, type LibraryAsset, type LibraryKind } from '../heygen/libraryAsset';
import { recordForLibraryAsset } from './libraryRecord';

export interface LibraryFilter {
  /** Case-insensitive substring of the asset's names (ours: the source file's too) or its id; '' matches everything. */
  readonly text: string;
  /** Kinds to show; empty means all (Other included). */
  readonly kinds: readonly AssetKind[];
}

export const NO_LIBRARY_FILTER: LibraryFilter = Object.freeze({ text: '', kinds: Object.freeze<AssetKind[]>([]) });

export function libraryFilterActive(filter: LibraryFilter): boolean {
  return filter.text !== '' || filter.kinds.length > 0;
}

/** This machine's upload of a listed asset, when it made one (the history's record). */
export type FromHistory = (id: string) => AssetRecord | undefined;

/**
 * The name a person knows a listed asset by: an upload of this machine by the file it came from (HeyGen named it
 * `asset_3a77b835`, which nobody recognises), any other by HeyGen's name.
 */
export function libraryLabel(asset: LibraryAsset, ours: AssetRecord | undefined): string {
  return ours?.name || (ours?.sourcePath ? path.basename(ours.sourcePath) : asset.name);
}

/**
 * The filter as a test for one asset, with the lower-cased text and the kind set prepared once. The text is looked
 * for in the row's name, HeyGen's name and the id, as the Assets view's filter does.
 */
export function libraryPredicate(filter: LibraryFilter, fromHistory: FromHistory = () => undefined): (asset: LibraryAsset) => boolean {
  const needle = filter.text.trim().toLowerCase();
  const kinds = filter.kinds.length > 0 ? new Set<LibraryKind>(filter.kinds) : undefined;
  const named = (asset: LibraryAsset): boolean =>
    [libraryLabel(asset, fromHistory(asset.id)), asset.name, asset.id].some((name) => name.toLowerCase().includes(needle));
  return (asset) => (!kinds || kinds.has(asset.kind)) && (!needle || named(asset));
}

export function filterLibrary(assets: readonly LibraryAsset[], filter: LibraryFilter, fromHistory?: FromHistory): LibraryAsset[] {
  const matches = libraryPredicate(filter, fromHistory);
  return assets.filter(matches);
}

export interface LibraryGroupModel {
  kind: LibraryKind;
  /** Newest first, as listed. */
  assets: LibraryAsset[];
}

/** The view's top level: one group per kind with matching assets, Images, Videos, Audio, Other. */
export function groupLibrary(assets: readonly LibraryAsset[], filter: LibraryFilter = NO_LIBRARY_FILTER, fromHistory?: FromHistory): LibraryGroupModel[] {
  const buckets: Record<LibraryKind, LibraryAsset[]> = { image: [], video: [], audio: [], other: [] };
  const matches = libraryPredicate(filter, fromHistory);
  for (const asset of assets) {
    if (matches(asset)) {
      buckets[asset.kind].push(asset);
    }
  }
  return LIBRARY_KINDS.filter((kind) => buckets[kind].length > 0).map((kind) => ({ kind, assets: buckets[kind] }));
}

/**
 * Tokens for the package.json menus, the same as history items' where the action is the same: asset, the kind,
 * background, talkingPhoto, sourceExists (ours, with the file still there), plus libraryAsset.
 */
export function libraryContextValue(asset: LibraryAsset, sourceExists: boolean): string {
  const tokens = ['libraryAsset', asset.kind];
  if (asset.url) {
    tokens.push('asset');
  }
  if (asset.kind === 'image' || asset.kind === 'video') {
    tokens.push('background');
  }
  if (asset.kind === 'image') {
    tokens.push('talkingPhoto');
  }
  if (sourceExists) {
    tokens.push('sourceExists');
  }
  return tokens.join(' ');
}

export interface LibraryTooltipLabels {
  id: string;
  /** "Name at HeyGen", shown for this machine's uploads, whose row shows the source file's name. */
  heygenName: string;
  url: string;
  uploaded: string;
  source: string;
  kind: string;
}

/**
 * The hover of a library item: name, kind, id, URL, date, our source file, and a preview for images that can load
 * (`sourceExists`: whether our source file is there now). Every value is rendered as text (base/markdown).
 */
export function libraryTooltipMarkdown(
  asset: LibraryAsset,
  ours: AssetRecord | undefined,
  labels: LibraryTooltipLabels,
  now: number,
  locale = 'en',
  sourceExists = false,
): string {
  const rows = [
    `${escapeMarkdown(labels.id)}: ${codeSpan(asset.id)}`,
    `${escapeMarkdown(labels.url)}: ${asset.url ? markdownLink(asset.url, asset.url) : '—'}`,
  ];
  if (asset.uploadedAt > 0) {
    rows.push(`${escapeMarkdown(labels.uploaded)}: ${escapeMarkdown(formatDate(asset.uploadedAt, locale))} (${escapeMarkdown(relativeTime(asset.uploadedAt, now, locale))})`);
  }
  const source = ours?.sourcePath ?? ours?.sourceUrl;
  if (source) {
    rows.push(`${escapeMarkdown(labels.source)}: ${codeSpan(source)}`);
  }
  const label = libraryLabel(asset, ours);
  if (label !== asset.name) {
    rows.splice(1, 0, `${escapeMarkdown(labels.heygenName)}: ${escapeMarkdown(asset.name)}`);
  }
  const lines = [`**${escapeMarkdown(label)}** · ${escapeMarkdown(labels.kind)}`, '', rows.join('  \n')];
  const thumbnail = markdownThumbnail(label, { kind: asset.kind, url: asset.url ?? undefined, sourcePath: ours?.sourcePath, sourceExists });
  if (thumbnail) {
    lines.push('', thumbnail);
  }
  return lines.join('\n');
}

/** The Library view's rows. Media assets carry an AssetRecord, so the history's item commands take them as they are. */
export type LibraryNode =
  | { type: 'libraryGroup'; kind: LibraryKind; count: number }
  | { type: 'asset'; record: AssetRecord; library: LibraryAsset }
  | { type: 'libraryItem'; id: string; name: string; url: string; library: LibraryAsset }
  | { type: 'loadMore' };

export type LibraryGroupNode = Extract<LibraryNode, { type: 'libraryGroup' }>;
export type LibraryItemNode = Extract<LibraryNode, { type: 'asset' | 'libraryItem' }>;

export interface LibraryModel {
  groups: LibraryGroupNode[];
  children: Map<LibraryKind, LibraryItemNode[]>;
  byId: Map<string, LibraryItemNode>;
}

/** The view's nodes for what is listed: built once per change, so rows keep their identity between calls. */
export function buildLibraryModel(assets: readonly LibraryAsset[], filter: LibraryFilter, fromHistory: FromHistory): LibraryModel {
  const groups: LibraryGroupNode[] = [];
  const children = new Map<LibraryKind, LibraryItemNode[]>();
  const byId = new Map<string, LibraryItemNode>();
  for (const group of groupLibrary(assets, filter, fromHistory)) {
    groups.push({ type: 'libraryGroup', kind: group.kind, count: group.assets.length });
    const nodes = group.assets.map((asset): LibraryItemNode => {
      const record = recordForLibraryAsset(asset, fromHistory(asset.id));
      const node: LibraryItemNode = record
        ? { type: 'asset', record, library: asset }
        : { type: 'libraryItem', id: asset.id, name: asset.name, url: asset.url ?? '', library: asset };
      byId.set(asset.id, node);
      return node;
    });
    children.set(group.kind, nodes);
  }
  return { groups, children, byId };
}
