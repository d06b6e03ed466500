import * as vscode from 'vscode';
import { errorMessage } from '../../core/base/errorMessage';
import { kindFilterName } from '../../core/base/mediaKinds';
import type { HistoryChange } from '../../core/history/historyStore';
import { describeFilter, isFilterActive, type HistoryFilter } from '../../core/history/historyTree';
import { ContextKey, VIEW_ASSETS } from '../commands/commandIds';
import { AssetTreeProvider, type HistoryViewDeps } from './assetTreeView';
import type { AssetTreeNode } from './assetTreeNodes';
import { refreshAgesWhileVisible } from '../ui/ageRefresh';

/** What the Assets view says on the first look (see library/firstLook.ts; the Library's folder sits above this one). */
export interface FirstLookNote {
  readonly message: string | undefined;
  readonly onDidChange: vscode.Event<void>;
  watch(view: vscode.TreeView<AssetTreeNode>): vscode.Disposable;
}

/**
 * Creates the Assets view and keeps its description, message, context key and relative times current. `firstLook`
 * says how many assets the account holds while this machine has uploaded none.
 */
export function registerHistoryView(context: vscode.ExtensionContext, deps: HistoryViewDeps, firstLook?: FirstLookNote): AssetTreeProvider {
  const provider = new AssetTreeProvider(deps);
  const view = vscode.window.createTreeView<AssetTreeNode>(VIEW_ASSETS, {
    treeDataProvider: provider.forView(),
    dragAndDropController: provider,
    canSelectMany: true,
    showCollapseAll: true,
  });
  provider.attachView(view);
  if (deps.session) {
    context.subscriptions.push(deps.session.watchView(view));
  }

  const showFilter = (filter: HistoryFilter): void => {
    const active = isFilterActive(filter);
    view.description = active ? vscode.l10n.t('Filter: {0}', describeFilter(filter, kindFilterName)) : deps.account?.description;
    void vscode.commands.executeCommand('setContext', ContextKey.HistoryFiltered, active);
  };
  showFilter(provider.filter);
  // Why the history is read-only for now (a file that cannot be read, or one a newer release wrote), above the rows;
  // else, on the first look, how many assets the account holds (a message replaces the welcome text).
  const showAccess = (): void => {
    view.message = deps.history.readOnlyReason ?? firstLook?.message;
  };
  showAccess();
  if (firstLook) {
    context.subscriptions.push(firstLook.onDidChange(showAccess), firstLook.watch(view));
  }

  // A new upload of this window is selected so the person sees where it went; the focus stays where they work.
  const revealNewUpload = (change: HistoryChange): void => {
    if (!change.local || change.added.length === 0 || !view.visible) {
      return;
    }
    const newest = change.added.reduce((a, b) => (b.uploadedAt > a.uploadedAt ? b : a));
    provider.reveal(newest.id).catch((err: unknown) => {
      deps.log.debug(`Assets view: could not reveal ${newest.id}: ${errorMessage(err)}`);
    });
  };

  const newestUpload = (): number | undefined => {
    let newest: number | undefined;
    for (const record of deps.history.all()) {
      newest = newest === undefined || record.uploadedAt > newest ? record.uploadedAt : newest;
    }
    return newest;
  };

  const ages = refreshAgesWhileVisible(view, () => provider.refresh(), newestUpload);
  context.subscriptions.push(
    provider,
    view,
    provider.onDidChangeFilter(showFilter),
    ...(deps.account ? [deps.account.onDidChange(() => showFilter(provider.filter))] : []),
    deps.history.onDidChange((change) => {
      showAccess();
      provider.refresh();
      ages.refreshed();
      revealNewUpload(change);
    }),
    view.onDidChangeVisibility((e) => e.visible && provider.refresh()),
    ages,
  );
  return provider;
}
