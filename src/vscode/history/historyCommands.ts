import * as vscode from 'vscode';
import { CommandId, VIEW_ASSETS } from '../commands/commandIds';
import { quickPicks } from '../ui/quickPicks';
import { recordOfItem, registerCommand, type HeyGenCommandContext } from '../commands/registerCommand';
import { ASSET_KINDS, kindGroupLabel, type AssetKind } from '../../core/base/mediaKinds';
import type { Logger } from '../../core/base/logger';
import type { AssetRecord } from '../../core/base/assetRecord';
import { type AssetTreeProvider, type UploadFn } from './assetTreeView';
import type { HistoryStore } from '../../core/history/historyStore';
import { NO_FILTER, assetLabel, isFilterActive, type HistoryFilter } from '../../core/history/historyTree';

export interface HistoryCommandDeps {
  history: HistoryStore;
  treeProvider: AssetTreeProvider;
  log: Logger;
  upload: UploadFn;
  /** Listed on the HeyGen account and not known gone (the Library): removing it offers deleting it there too. */
  existsOnHeyGen?: (assetId: string) => boolean;
}

/**
 * Internal, documented for tests and scripting: `heygen.filterHistory` with `{ text, kinds }` sets the filter without
 * asking. Nothing skips the confirmation of `heygen.clearHistory`: whoever runs it, the person decides.
 */
export interface FilterHistoryArgs {
  text?: string;
  kinds?: AssetKind[];
}

const STATUS_MS = 4000;

export function registerHistoryCommands(context: vscode.ExtensionContext, deps: HistoryCommandDeps): void {
  const { history, treeProvider, log } = deps;

  /** The records a command acts on: the selection when the clicked row is part of it, else the clicked row. */
  const targets = (ctx: HeyGenCommandContext): AssetRecord[] => {
    const current = (record: AssetRecord): AssetRecord => history.get(record.id) ?? record;
    let records: AssetRecord[] = [];
    if (ctx.type === 'items') {
      records = ctx.nodes.flatMap((node) => {
        const record = recordOfItem(node);
        return record ? [current(record)] : [];
      });
    } else if (ctx.type === 'value' && typeof ctx.value === 'string') {
      // An asset id, from a keybinding or another extension.
      const record = history.get(ctx.value);
      records = record ? [record] : [];
    }
    // From a keybinding (or a row that stands for no asset): what is selected in the view.
    return records.length > 0 ? records : treeProvider.selection;
  };

  /** Every history command goes through the command layer; a failure names the asset it was about. */
  const register = (id: CommandId, action: string, run: (ctx: HeyGenCommandContext) => unknown): void => {
    registerCommand(context, id, run, {
      log,
      failureMessage: (reason, ctx) => {
        let about: AssetRecord[] = [];
        try {
          about = targets(ctx);
        } catch {
          // The arguments were the problem; say it without a name.
        }
        return about.length === 1
          ? vscode.l10n.t('Could not {0} of {1}: {2}', action, assetLabel(about[0]), reason)
          : vscode.l10n.t('Could not {0}: {1}', action, reason);
      },
    });
  };

  const status = (text: string): void => {
    // The message hides itself after the timeout; nothing to dispose.
    vscode.window.setStatusBarMessage(text, STATUS_MS);
  };

  const nothingSelected = (): void => {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select an asset in the HeyGen Assets view first.'));
  };

  const copy = async (records: AssetRecord[], pick: (r: AssetRecord) => string | null, what: string, whatPlural: string): Promise<void> => {
    const values = records.map(pick).filter((v): v is string => !!v);
    if (values.length === 0) {
      return;
    }
    await vscode.env.clipboard.writeText(values.join('\n'));
    status(
      values.length === 1
        ? vscode.l10n.t('Copied {0} of {1}', what, assetLabel(records[0]))
        : vscode.l10n.t('Copied {0} {1}', values.length, whatPlural),
    );
  };

  register(CommandId.CopyUrl, vscode.l10n.t('copy the URL'), async (ctx) => {
    const records = targets(ctx);
    return records.length ? copy(records, (r) => r.url, vscode.l10n.t('URL'), vscode.l10n.t('URLs')) : nothingSelected();
  });

  register(CommandId.CopyId, vscode.l10n.t('copy the ID'), async (ctx) => {
    const records = targets(ctx);
    return records.length ? copy(records, (r) => r.id, vscode.l10n.t('ID'), vscode.l10n.t('IDs')) : nothingSelected();
  });

  register(CommandId.CopyImageKey, vscode.l10n.t('copy the image key'), async (ctx) => {
    const records = targets(ctx);
    if (records.length === 0) {
      return nothingSelected();
    }
    const withKey = records.filter((r) => r.imageKey);
    if (withKey.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('{0} has no image_key: HeyGen gives one to images only.', assetLabel(records[0])),
      );
      return undefined;
    }
    return copy(withKey, (r) => r.imageKey, vscode.l10n.t('image_key'), vscode.l10n.t('image_keys'));
  });

  register(CommandId.OpenInBrowser, vscode.l10n.t('open the URL'), async (ctx) => {
    const records = targets(ctx);
    if (records.length === 0) {
      return nothingSelected();
    }
    for (const record of records.slice(0, 10)) {
      const uri = vscode.Uri.parse(record.url, true);
      if (uri.scheme !== 'https' && uri.scheme !== 'http') {
        throw new Error(vscode.l10n.t('the URL of {0} is not a web address ({1})', assetLabel(record), record.url));
      }
      await vscode.env.openExternal(uri);
    }
    return undefined;
  });

  register(CommandId.RevealSource, vscode.l10n.t('reveal the source file'), async (ctx) => {
    const [record] = targets(ctx);
    if (!record) {
      return nothingSelected();
    }
    if (!record.sourcePath || !(await treeProvider.sourceExists(record.sourcePath))) {
      treeProvider.refresh(true);
      void vscode.window.showWarningMessage(
        record.sourcePath
          ? vscode.l10n.t('The source file of {0} no longer exists: {1}', assetLabel(record), record.sourcePath)
          : vscode.l10n.t('{0} was uploaded from a URL; there is no local source file.', assetLabel(record)),
      );
      return undefined;
    }
    const uri = vscode.Uri.file(record.sourcePath);
    if (vscode.workspace.getWorkspaceFolder(uri)) {
      await vscode.commands.executeCommand('revealInExplorer', uri);
    } else if (vscode.env.remoteName === undefined) {
      await vscode.commands.executeCommand('revealFileInOS', uri);
    } else {
      // A remote window cannot show the remote machine's file manager: open the file instead.
      await vscode.commands.executeCommand('vscode.open', uri);
    }
    return undefined;
  });

  register(CommandId.UploadAgain, vscode.l10n.t('upload the source file'), async (ctx) => {
    const records = targets(ctx);
    if (records.length === 0) {
      return nothingSelected();
    }
    const exists = await Promise.all(records.map((r) => treeProvider.sourceExists(r.sourcePath)));
    const present = records.filter((_, i) => exists[i]);
    const missing = records.filter((r) => !present.includes(r));
    if (missing.length > 0) {
      treeProvider.refresh(true);
      void vscode.window.showWarningMessage(
        vscode.l10n.t('The source file of {0} no longer exists, so it cannot be uploaded again.', assetLabel(missing[0])),
      );
    }
    if (present.length > 0) {
      await deps.upload(
        present.map((r) => vscode.Uri.file(r.sourcePath as string)),
        { force: true },
      );
    }
    return undefined;
  });

  register(CommandId.RemoveFromHistory, vscode.l10n.t('remove the history entry'), async (ctx) => {
    const records = targets(ctx);
    if (records.length === 0) {
      return nothingSelected();
    }
    await history.remove(records.map((r) => r.id));
    log.info(`Removed from the history: ${records.map((r) => `"${r.name}" (asset ${r.id})`).join(', ')}.`);
    status(
      records.length === 1
        ? vscode.l10n.t('Removed {0} from the history', assetLabel(records[0]))
        : vscode.l10n.t('Removed {0} assets from the history', records.length),
    );
    // The history entry is gone, the asset is not: ask (without waiting, the answer defaults to no) about HeyGen too.
    const stillOnHeyGen = records.filter((r) => deps.existsOnHeyGen?.(r.id) === true);
    if (stillOnHeyGen.length > 0) {
      const deleteToo = vscode.l10n.t('Delete from HeyGen…');
      void vscode.window
        .showInformationMessage(
          stillOnHeyGen.length === 1
            ? vscode.l10n.t('{0} still exists on HeyGen. Delete it there too?', assetLabel(stillOnHeyGen[0]))
            : vscode.l10n.t('{0} of them still exist on HeyGen. Delete them there too?', stillOnHeyGen.length),
          deleteToo,
        )
        .then(
          (choice) => (choice === deleteToo ? vscode.commands.executeCommand(CommandId.DeleteFromHeyGen, stillOnHeyGen[0], stillOnHeyGen) : undefined),
          () => undefined,
        );
    }
    return undefined;
  });

  register(CommandId.RefreshHistory, vscode.l10n.t('refresh the history'), async () => {
    await history.reload();
    treeProvider.refresh(true);
  });

  // The upload notification's "Show in Assets": the view comes forward with the row selected, unfiltered if the
  // filter hid it.
  register(CommandId.ShowInAssets, vscode.l10n.t('show the asset'), async (ctx) => {
    const [record] = targets(ctx);
    if (!record) {
      return undefined;
    }
    if (!treeProvider.nodeFor(record.id) && isFilterActive(treeProvider.filter)) {
      treeProvider.setFilter(NO_FILTER);
    }
    await vscode.commands.executeCommand(`${VIEW_ASSETS}.focus`);
    await treeProvider.reveal(record.id);
    return undefined;
  });

  register(CommandId.FilterHistory, vscode.l10n.t('filter the history'), async (ctx) => {
    const arg = ctx.type === 'value' ? ctx.value : undefined;
    if (isFilterArgs(arg)) {
      treeProvider.setFilter({ text: arg.text ?? '', kinds: arg.kinds ?? [] });
      return undefined;
    }
    const chosen = await askFilter(treeProvider.filter);
    if (chosen) {
      treeProvider.setFilter(chosen);
    }
    return undefined;
  });

  register(CommandId.ClearFilter, vscode.l10n.t('clear the filter'), () => {
    treeProvider.setFilter(NO_FILTER);
  });

  register(CommandId.ClearHistory, vscode.l10n.t('clear the history'), async () => {
    const count = history.size;
    if (count === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The history is already empty.'));
      return undefined;
    }
    const clear = vscode.l10n.t('Clear History');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Clear all {0} assets from the history? This does not delete them from HeyGen.', count),
      { modal: true },
      clear,
    );
    if (choice !== clear) {
      return undefined;
    }
    await history.clear();
    status(vscode.l10n.t('Cleared {0} assets from the history', count));
    return undefined;
  });
}

function isFilterArgs(arg: unknown): arg is FilterHistoryArgs {
  if (typeof arg !== 'object' || arg === null) {
    return false;
  }
  const { text, kinds } = arg as FilterHistoryArgs;
  return (text === undefined || typeof text === 'string') && (kinds === undefined || Array.isArray(kinds)) && (text !== undefined || kinds !== undefined);
}

interface FilterItem extends vscode.QuickPickItem {
  kinds?: AssetKind[];
  clear?: boolean;
}

/**
 * One quick pick: what is typed is the name filter, the chosen row the types. Rows always show, and the
 * current choice stays active while typing, so Enter after typing keeps the type choice.
 */
export async function askFilter(current: HistoryFilter, title = vscode.l10n.t('Filter Assets')): Promise<HistoryFilter | undefined> {
  const icons: Record<AssetKind, string> = { image: '$(file-media)', video: '$(device-camera-video)', audio: '$(unmute)' };
  const items: FilterItem[] = [
    { label: `$(list-flat) ${vscode.l10n.t('All Types')}`, kinds: [], alwaysShow: true },
    ...ASSET_KINDS.map((kind): FilterItem => ({ label: `${icons[kind]} ${kindGroupLabel(kind)}`, kinds: [kind], alwaysShow: true })),
    { label: `${icons.image} ${vscode.l10n.t('Images and Videos')}`, kinds: ['image', 'video'], alwaysShow: true },
  ];
  if (isFilterActive(current)) {
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    items.push({ label: `$(clear-all) ${vscode.l10n.t('Clear Filter')}`, clear: true, alwaysShow: true });
  }
  const same = (a: readonly AssetKind[], b: readonly AssetKind[]): boolean => a.length === b.length && a.every((k) => b.includes(k));
  const currentItem = items.find((i) => i.kinds && same(i.kinds, current.kinds)) ?? items[0];
  currentItem.description = vscode.l10n.t('current');

  const pick = vscode.window.createQuickPick<FilterItem>();
  pick.title = title;
  pick.placeholder = vscode.l10n.t('Type part of a name (optional), then choose which types to show');
  pick.items = items;
  pick.value = current.text;
  pick.matchOnDescription = false;
  pick.activeItems = [currentItem];
  pick.onDidChangeValue(() => {
    pick.activeItems = [currentItem];
  });
  const item = await quickPicks.choose(pick);
  if (!item) {
    return undefined;
  }
  // The pick is disposed by now; its value is the text typed when it was accepted.
  return item.clear ? NO_FILTER : { text: pick.value.trim(), kinds: item.kinds ?? [] };
}
