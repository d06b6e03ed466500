import * as vscode from 'vscode';
import { parseCommandContext, type CommandContext } from '../../core/commands/commandContext';
import type { AssetRecord } from '../../core/base/assetRecord';
import type { Logger } from '../../core/base/logger';
import { CommandId } from './commandIds';
import { showErrorWithLog } from '../log/showLogAction';
import { errorDetail, errorMessage } from '../../core/base/errorMessage';

/** A row of one of the extension's views as commands receive it: a tree node, or an asset record itself. */
export type ViewItem = { type: 'asset'; record: AssetRecord } | { type: 'group' } | AssetRecord;

export type HeyGenCommandContext = CommandContext<vscode.Uri, ViewItem>;

function isViewItem(value: unknown): value is ViewItem {
  if (typeof value !== 'object' || value === null || value instanceof vscode.Uri) {
    return false;
  }
  const candidate = value as { type?: unknown; record?: unknown; id?: unknown; url?: unknown };
  if (candidate.type === 'asset') {
    return typeof candidate.record === 'object' && candidate.record !== null;
  }
  return candidate.type === 'group' || (typeof candidate.id === 'string' && typeof candidate.url === 'string');
}

/** The asset a view item stands for (a group row stands for none). */
export function recordOfItem(item: ViewItem): AssetRecord | undefined {
  if ('record' in item) {
    return item.record;
  }
  return 'id' in item ? item : undefined;
}

function sameItem(a: ViewItem, b: ViewItem): boolean {
  const ra = recordOfItem(a);
  const rb = recordOfItem(b);
  return a === b || (ra !== undefined && rb !== undefined && ra.id === rb.id);
}

/** Reads a command's arguments into the one context every command works with. */
export function commandContextOf(args: readonly unknown[]): HeyGenCommandContext {
  return parseCommandContext(args, { isUri: (v): v is vscode.Uri => v instanceof vscode.Uri, isNode: isViewItem, sameNode: sameItem });
}

const commandStarts = new vscode.EventEmitter<CommandId>();
/**
 * Fires as any HeyGen command starts, before it runs: the first one starts the work that asks HeyGen on its own
 * (see SessionStart), so a command that needs the account finds its check already under way.
 */
export const onWillRunCommand = commandStarts.event;

export interface CommandRegistration {
  log: Logger;
  /**
   * The sentence shown when the command fails, from the error's own message (one sentence, no details: those go
   * to the log). Without it: "The HeyGen command failed: <reason>".
   */
  failureMessage?(reason: string, context: HeyGenCommandContext): string;
}

/**
 * Registers a command through the one command layer: its arguments parsed into a context, its result passed back
 * to whoever executed it, and any error caught at this boundary, where the person gets one sentence with Show Log
 * and the log gets the details.
 */
export function registerCommand(
  context: vscode.ExtensionContext,
  id: CommandId,
  run: (commandContext: HeyGenCommandContext, ...args: unknown[]) => unknown,
  registration: CommandRegistration,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      let parsed: HeyGenCommandContext = { type: 'none' };
      try {
        commandStarts.fire(id);
        parsed = commandContextOf(args);
        return await run(parsed, ...args);
      } catch (error) {
        const reason = errorMessage(error);
        registration.log.error(`${id} failed: ${errorDetail(error)}`);
        const message = registration.failureMessage?.(reason, parsed) ?? vscode.l10n.t('The HeyGen command failed: {0}', reason);
        void showErrorWithLog(message, () => vscode.commands.executeCommand(CommandId.ShowLog));
        return undefined;
      }
    }),
  );
}
