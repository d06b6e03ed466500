import * as vscode from 'vscode';
import type { AssetKind } from '../../core/base/mediaKinds';
import { kindGroupLabel } from '../../core/base/mediaKinds';
import { relativeTime } from '../../core/base/time';
import { GROUP_CONTEXT_VALUE, assetContextValue, assetLabel, assetTooltipMarkdown } from '../../core/history/historyTree';
import type { SourceExistence } from '../../core/history/sourceExistence';
import { usedInDescription, usedInMarkdown, type UsedIn } from '../../core/references/usedIn';
import { groupAccessibilityLabel } from '../ui/groupLabels';
import type { AssetTreeNode } from './assetTreeNodes';

const ICONS: Record<AssetKind, string> = { image: 'file-media', video: 'device-camera-video', audio: 'unmute' };

/** What a row shows besides its record. */
export interface RowFacts {
  sources: SourceExistence;
  isGone?: (assetId: string) => boolean;
  usedIn?: UsedIn;
}

/** The tree item of a group or an asset row, without its tooltip (see resolveAssetTooltip). */
export function assetTreeItem(element: AssetTreeNode, facts: RowFacts): vscode.TreeItem {
  if (element.type === 'group') {
    const item = new vscode.TreeItem(kindGroupLabel(element.kind), vscode.TreeItemCollapsibleState.Expanded);
    // No explicit id: when the workbench asks for the root twice at once (a refresh while the view opens), VS Code
    // 1.99 registers the groups twice and throws for explicit ids ("Element with id … is already registered").
    // The labels are unique and stable, so the generated handles keep expansion state just as well.
    item.description = String(element.count);
    item.contextValue = GROUP_CONTEXT_VALUE;
    item.accessibilityInformation = {
      label: groupAccessibilityLabel(kindGroupLabel(element.kind), element.count),
    };
    return item;
  }
  const { record } = element;
  const now = Date.now();
  const when = relativeTime(record.uploadedAt, now, vscode.env.language);
  const item = new vscode.TreeItem(assetLabel(record), vscode.TreeItemCollapsibleState.None);
  item.id = `asset:${record.id}`;
  const used = usedInDescription(facts.usedIn?.count(record) ?? 0);
  item.description = used ? `${when} · ${used}` : when;
  const sourceExists = facts.sources.exists(record.sourcePath, now);
  const gone = facts.isGone?.(record.id) === true;
  // A thumbnail only where one is at hand without downloading: the source file of the upload.
  item.iconPath = gone
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
    : record.fileType === 'image' && sourceExists && record.sourcePath
      ? vscode.Uri.file(record.sourcePath)
      : new vscode.ThemeIcon(ICONS[record.fileType]);
  item.contextValue = assetContextValue(record, sourceExists) + (gone ? ' gone' : '');
  // No per-row accessibilityInformation: screen readers already read label and description, and a
  // localized string per row costs more than everything else here at 10,000 rows.
  return item;
}

/** The tooltip is built on hover only: Markdown for thousands of rows nobody points at is wasted work. */
export async function resolveAssetTooltip(item: vscode.TreeItem, element: AssetTreeNode, facts: RowFacts): Promise<vscode.TreeItem> {
  if (element.type === 'asset') {
    const { record } = element;
    const sourceExists = await facts.sources.check(record.sourcePath);
    const markdown = assetTooltipMarkdown(record, {
      now: Date.now(),
      locale: vscode.env.language,
      sourceExists,
    });
    const gone = facts.isGone?.(record.id) === true;
    const used = usedInMarkdown(facts.usedIn?.files(record) ?? []);
    const text = used ? `${markdown}\n\n${used}` : markdown;
    const tooltip = new vscode.MarkdownString(gone ? `$(warning) ${vscode.l10n.t('deleted on HeyGen: its URL no longer works')}\n\n${text}` : text, gone);
    tooltip.supportHtml = false;
    tooltip.isTrusted = false;
    item.tooltip = tooltip;
  }
  return item;
}
