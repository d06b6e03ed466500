/**
 * Wires the workspace's asset references: the index, the views' "used in", Find References, Go to Asset, and Check
 * Payloads for Missing Assets with its Generate Video hook.
 */
import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import type { BeforeRenderCheck } from '../videos/generateVideo';
import { PayloadCheck, type PayloadCheckDeps } from './checkPayloads';
import { registerReferenceCommands, type ReferenceCommandDeps } from './referenceCommands';
import type { WorkspaceReferences } from './workspaceReferences';

export interface ReferencesDeps extends Omit<ReferenceCommandDeps, 'references' | 'log'>, Omit<PayloadCheckDeps, 'references' | 'library'> {
  /** The views whose rows say where each asset is used. */
  views: ReadonlyArray<{ refresh(): void }>;
  library: ReferenceCommandDeps['library'] & { index: PayloadCheckDeps['library'] };
}

export function registerReferences(context: vscode.ExtensionContext, references: WorkspaceReferences, deps: ReferencesDeps): { beforeRender: BeforeRenderCheck } {
  const { log } = deps;
  const check = new PayloadCheck({ references, library: deps.library.index, config: deps.config, apiKeys: deps.apiKeys, log });
  context.subscriptions.push(
    references,
    check,
    references.onDidChange(() => {
      for (const view of deps.views) {
        view.refresh();
      }
    }),
  );
  registerReferenceCommands(context, { ...deps, references });

  registerCommand(
    context,
    CommandId.CheckPayloads,
    async () => {
      if (!(await deps.apiKeys.get())) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Set your HeyGen API key first: checking asks HeyGen with it.'));
        return undefined;
      }
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking payloads for missing assets…'), cancellable: true },
        async (_progress, token) => {
          const abort = new AbortController();
          const cancel = token.onCancellationRequested(() => abort.abort());
          try {
            return await check.checkWorkspace(true, abort.signal);
          } finally {
            cancel.dispose();
          }
        },
      );
      if (result.gone.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('HeyGen has every asset your payloads use ({0} checked).', result.asked));
      } else {
        const show = vscode.l10n.t('Show Problems');
        void vscode.window
          .showWarningMessage(vscode.l10n.t('HeyGen no longer has {0} of the assets your payloads use ({1} files affected).', result.gone.length, result.files.length), show)
          .then((choice) => choice === show && vscode.commands.executeCommand('workbench.actions.view.problems'));
      }
      return result;
    },
    { log, failureMessage: (reason) => vscode.l10n.t('The payloads could not be checked: {0}', reason) },
  );

  // In the background: the scan yields between batches and never holds up typing.
  references.start();
  return { beforeRender: check.beforeRender };
}
