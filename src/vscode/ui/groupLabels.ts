import * as vscode from 'vscode';

/** What a screen reader says for a kind's group row in the Assets and Library views: "Images, 1 asset". */
export function groupAccessibilityLabel(group: string, count: number): string {
  return count === 1 ? vscode.l10n.t('{0}, 1 asset', group) : vscode.l10n.t('{0}, {1} assets', group, count);
}
