import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { ASSET_KINDS, kindLabel, type AssetKind } from '../base/mediaKinds';
import type { AssetRecord } from '../base/assetRecord';
import { codeSpan, escapeMarkdown, markdownLink, markdownThumbnail } from '../base/markdown';
import { formatSize } from '../base/sizes';
import { formatDate, relativeTime } from '../base/time';

/** contextValue of a group node; deliberately shares no token with asset nodes (menus match tokens). */
export const GROUP_CONTEXT_VALUE = 'historyGroup';

export interface HistoryFilter {
  /** Case-insensitive substring of the asset's file name, HeyGen's name or its id; '' matches everything. */
  readonly text: string;
  /** Kinds to show; empty means all. */
  readonly kinds: readonly AssetKind[];
}

export const NO_FILTER: HistoryFilter = Object.freeze({ text: '', kinds: Object.freeze<AssetKind[]>([]) });

/** Trims the text and reduces "every kind" to "no kind restriction", so equal filters compare equal. */
export function normalizeFilter(filter: Partial<HistoryFilter> | undefined): HistoryFilter {
  const text = (filter?.text ?? '').trim();
  const kinds = ASSET_KINDS.filter((k) => filter?.kinds?.includes(k));
  return { text, kinds: kinds.length === ASSET_KINDS.length ? [] : kinds };
}

export function isFilterActive(filter: HistoryFilter): boolean {
  return filter.text !== '' || filter.kinds.length > 0;
}

/** "foo · images, videos": the parts of an active filter, for the view's description. */
export function describeFilter(filter: HistoryFilter, kindName: (kind: AssetKind) => string): string {
  const parts: string[] = [];
  if (filter.text) {
    parts.push(filter.text);
  }
  if (filter.kinds.length > 0) {
    parts.push(filter.kinds.map(kindName).join(', '));
  }
  return parts.join(' · ');
}

/** What the tree shows for an asset: the source's file name (a person's own name for it), else the id. */
export function assetLabel(record: AssetRecord): string {
  if (record.name) {
    return record.name;
  }
  if (record.sourcePath) {
    return path.basename(record.sourcePath);
  }
  return record.id;
}

/**
 * The filter as a test for one record, with the lower-cased text and the kind set prepared once per filter. The text
 * is looked for in every name the asset goes by: the file's, HeyGen's, and its id (the Library's filter does the same).
 */
export function filterPredicate(filter: HistoryFilter): (record: AssetRecord) => boolean {
  const needle = filter.text.toLowerCase();
  const kinds = filter.kinds.length > 0 ? new Set(filter.kinds) : undefined;
  const named = (record: AssetRecord): boolean => [assetLabel(record), record.heygenName, record.id].some((name) => name?.toLowerCase().includes(needle));
  return (record) => (!kinds || kinds.has(record.fileType)) && (!needle || named(record));
}

export interface AssetGroupModel {
  kind: AssetKind;
  count: number;
  /** Newest first. */
  records: AssetRecord[];
}

/**
 * The tree's top level: one group per kind that has matching assets, in ASSET_KINDS order.
 * `records` must be newest first (HistoryStore.all() is); the order is kept within each group.
 */
export function groupAssets(records: readonly AssetRecord[], filter: HistoryFilter = NO_FILTER): AssetGroupModel[] {
  const buckets: Record<AssetKind, AssetRecord[]> = { image: [], video: [], audio: [] };
  const matches = filterPredicate(filter);
  for (const record of records) {
    // A record of an unknown kind (a newer version's file) has no group.
    const bucket = buckets[record.fileType] as AssetRecord[] | undefined;
    if (bucket && matches(record)) {
      bucket.push(record);
    }
  }
  return ASSET_KINDS.filter((kind) => buckets[kind].length > 0).map((kind) => ({
    kind,
    count: buckets[kind].length,
    records: buckets[kind],
  }));
}

/**
 * Space-separated tokens matched by the package.json menus (`viewItem =~ /\btoken\b/`):
 * asset, the kind, background (image, video), talkingPhoto (image), imageKey, sourceExists.
 */
export function assetContextValue(record: AssetRecord, sourceExists: boolean): string {
  const tokens = ['asset', record.fileType];
  if (record.fileType === 'image' || record.fileType === 'video') {
    tokens.push('background');
  }
  if (record.fileType === 'image') {
    tokens.push('talkingPhoto');
  }
  if (record.imageKey) {
    tokens.push('imageKey');
  }
  if (sourceExists) {
    tokens.push('sourceExists');
  }
  return tokens.join(' ');
}

/** The tooltip's field names; a function, so they translate once l10n.config has run. */
function tooltipLabels() {
  return {
    id: l10n.t('ID'),
    url: l10n.t('URL'),
    heygenName: l10n.t('Name at HeyGen'),
    size: l10n.t('Size'),
    uploaded: l10n.t('Uploaded'),
    imageKey: l10n.t('Image key'),
    source: l10n.t('Source'),
    sourceMissing: l10n.t('(no longer exists)'),
  };
}

export interface TooltipOptions {
  now: number;
  locale?: string;
  sourceExists?: boolean;
}

/**
 * The hover of an asset: name, id, URL, size, date, image key, source, and a preview for images that can load. Every
 * value is rendered as text (base/markdown), whatever HeyGen or a file name put in it.
 */
export function assetTooltipMarkdown(record: AssetRecord, options: TooltipOptions): string {
  const labels = tooltipLabels();
  const locale = options.locale ?? 'en';
  const lines: string[] = [];
  lines.push(`**${escapeMarkdown(assetLabel(record))}** · ${escapeMarkdown(kindLabel(record.fileType))} · ${escapeMarkdown(record.mime)}`);
  lines.push('');
  const rows: string[] = [];
  rows.push(`${escapeMarkdown(labels.id)}: ${codeSpan(record.id)}`);
  rows.push(`${escapeMarkdown(labels.url)}: ${markdownLink(record.url, record.url)}`);
  if (record.heygenName) {
    rows.push(`${escapeMarkdown(labels.heygenName)}: ${escapeMarkdown(record.heygenName)}`);
  }
  rows.push(`${escapeMarkdown(labels.size)}: ${escapeMarkdown(formatSize(record.size))}`);
  rows.push(
    `${escapeMarkdown(labels.uploaded)}: ${escapeMarkdown(formatDate(record.uploadedAt, locale))} (${escapeMarkdown(relativeTime(record.uploadedAt, options.now, locale))})`,
  );
  if (record.imageKey) {
    rows.push(`${escapeMarkdown(labels.imageKey)}: ${codeSpan(record.imageKey)}`);
  }
  const source = record.sourcePath ?? record.sourceUrl;
  if (source) {
    const missing = record.sourcePath !== undefined && options.sourceExists === false ? ` ${escapeMarkdown(labels.sourceMissing)}` : '';
    rows.push(`${escapeMarkdown(labels.source)}: ${codeSpan(source)}${missing}`);
  }
  // Two trailing spaces: a hard line break, so the rows stay on separate lines.
  lines.push(rows.join('  \n'));
  const thumbnail = markdownThumbnail(assetLabel(record), { kind: record.fileType, url: record.url, sourcePath: record.sourcePath, sourceExists: options.sourceExists });
  if (thumbnail) {
    lines.push('');
    lines.push(thumbnail);
  }
  return lines.join('\n');
}
