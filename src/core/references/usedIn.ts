/** What the Assets and Library views say about where an asset is used (issue 25, item 2). */
import * as l10n from '@vscode/l10n';
import { escapeMarkdown } from '../base/markdown';
import type { AssetKey } from './referenceIndex';

/** The views' port onto the workspace index: counts and file lists (as the person reads them: relative paths). */
export interface UsedIn {
  count(asset: AssetKey): number;
  files(asset: AssetKey): string[];
  /** Resolves once the index has caught up with the workspace (a delete waits for it before it asks). */
  whenReady?(): Promise<void>;
}

/** "used in 1 file", "used in 3 files"; undefined when no payload uses it (the row then says nothing). */
export function usedInDescription(count: number): string | undefined {
  return count === 0 ? undefined : count === 1 ? l10n.t('used in 1 file') : l10n.t('used in {0} files', count);
}

/** Tooltip lines naming the files (at most `max`, then how many more), as literal Markdown text. */
export function usedInMarkdown(files: readonly string[], max = 10): string | undefined {
  if (files.length === 0) {
    return undefined;
  }
  const lines = files.slice(0, max).map((f) => `- ${escapeMarkdown(f)}`);
  if (files.length > max) {
    lines.push(`- ${escapeMarkdown(l10n.t('…and {0} more', files.length - max))}`);
  }
  return `${escapeMarkdown(usedInDescription(files.length) ?? '')}:\n\n${lines.join('\n')}`;
}
