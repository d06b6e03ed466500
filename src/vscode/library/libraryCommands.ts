import * as vscode from 'vscode';
import { CommandId, VIEW_ASSETS, VIEW_LIBRARY } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import type { Logger } from '../../core/base/logger';
import type { HistoryStore } from '../../core/history/historyStore';
import type { AssetKind } from '../../core/base/mediaKinds';
import { NO_LIBRARY_FILTER, libraryFilterActive } from '../../core/library/libraryTree';
import { askFilter } from '../history/historyCommands';
import type { AssetTreeProvider } from '../history/assetTreeView';
import type { LibraryController } from './libraryController';
import type { DeleteTarget } from './deleteAssets';

export interface LibraryCommandDeps {
  library: LibraryController;
  history: HistoryStore;
  assetTree: AssetTreeProvider;
  log: Logger;
}

/** `heygen.filterLibrary` with `{ text, kinds }` sets the filter without asking (tests, keybindings). */
export interface FilterLibraryArgs {
  text?: string;
  kinds?: AssetKind[];
}

export function registerLibraryCommands(context: vscode.ExtensionContext, deps: LibraryCommandDeps): void {
  const { library, history, log } = deps;
  // Through the one command layer (error boundary: the reason as the sentence, details in the log). The library's
  // commands read their raw arguments: Library rows are not history items.
  const register = (id: CommandId, run: (...args: unknown[]) => unknown): void =>
    registerCommand(context, id, (_parsed, ...args) => run(...args), { log, failureMessage: (reason) => reason });

  /** What a delete acts on: the selection when the clicked row is part of it, else the clicked row, else the selection. */
  const targets = (node: unknown, nodes: unknown): DeleteTarget[] => {
    const resolve = (t: unknown): DeleteTarget | undefined => {
      if (typeof t === 'string') {
        return { id: t, name: library.index.get(t)?.name ?? history.get(t)?.name ?? t };
      }
      if (typeof t !== 'object' || t === null) {
        return undefined;
      }
      const candidate = t as { type?: unknown; record?: { id?: unknown; name?: unknown }; id?: unknown; name?: unknown };
      const source = candidate.type === 'asset' && candidate.record ? candidate.record : candidate;
      if (typeof source.id !== 'string' || candidate.type === 'libraryGroup' || candidate.type === 'group') {
        return undefined;
      }
      return { id: source.id, name: typeof source.name === 'string' && source.name ? source.name : source.id };
    };
    const clicked = resolve(node);
    if (Array.isArray(nodes) && nodes.length > 0) {
      const selected = nodes.map(resolve).filter((t): t is DeleteTarget => t !== undefined);
      if (!clicked || selected.some((t) => t.id === clicked.id)) {
        return selected;
      }
    }
    if (clicked) {
      return [clicked];
    }
    // A keybinding: the selection of the view it was pressed in (our keybindings name it), never another view's.
    const fromLibrary = library.tree.selection.map(resolve).filter((t): t is DeleteTarget => t !== undefined);
    const fromAssets = deps.assetTree.selection.map((r) => ({ id: r.id, name: r.name }));
    const view = (node as { view?: unknown } | undefined)?.view;
    if (view === VIEW_LIBRARY) {
      return fromLibrary;
    }
    if (view === VIEW_ASSETS) {
      return fromAssets;
    }
    // Not told which view: only when one view alone has a selection is it clear which the person means.
    return fromLibrary.length === 0 ? fromAssets : fromAssets.length === 0 ? fromLibrary : [];
  };

  register(CommandId.RefreshLibrary, () => library.refresh());

  register(CommandId.LoadMoreLibrary, () => library.loadMore());

  // The view's own focus command opens the container, expands the view when collapsed and gives it the focus.
  register(CommandId.ShowLibrary, () => vscode.commands.executeCommand(`${VIEW_LIBRARY}.focus`));

  register(CommandId.FilterLibrary, async (arg) => {
    let chosen: { text: string; kinds: readonly AssetKind[] } | undefined;
    if (isFilterArgs(arg)) {
      chosen = { text: arg.text ?? '', kinds: arg.kinds ?? [] };
    } else {
      chosen = await askFilter(library.tree.filter, vscode.l10n.t('Filter Library'));
    }
    if (!chosen) {
      return undefined;
    }
    library.tree.setFilter(chosen);
    // The loaded pages are only part of the library: a name the person looks for may be further down.
    if (libraryFilterActive(library.tree.filter) && !library.index.complete) {
      await library.loadRest();
    }
    return undefined;
  });

  register(CommandId.ClearLibraryFilter, () => library.tree.setFilter(NO_LIBRARY_FILTER));

  register(CommandId.DeleteFromHeyGen, async (node, nodes) => {
    const chosen = targets(node, nodes);
    if (chosen.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select an asset in the HeyGen Library or Assets view first.'));
      return undefined;
    }
    return library.delete(chosen);
  });
}

function isFilterArgs(arg: unknown): arg is FilterLibraryArgs {
  if (typeof arg !== 'object' || arg === null) {
    return false;
  }
  const { text, kinds } = arg as FilterLibraryArgs;
  return (text === undefined || typeof text === 'string') && (kinds === undefined || Array.isArray(kinds)) && (text !== undefined || kinds !== undefined);
}
