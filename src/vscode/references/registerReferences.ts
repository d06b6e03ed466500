/** Wires the workspace's asset references: the index, the views' "used in", Find References, Go to Asset. */
import * as vscode from 'vscode';
import type { Logger } from '../../core/base/logger';
import { registerReferenceCommands, type ReferenceCommandDeps } from './referenceCommands';
import type { WorkspaceReferences } from './workspaceReferences';

export interface ReferencesDeps extends Omit<ReferenceCommandDeps, 'references'> {
  /** The views whose rows say where each asset is used. */
  views: ReadonlyArray<{ refresh(): void }>;
  log: Logger;
}

export function registerReferences(context: vscode.ExtensionContext, references: WorkspaceReferences, deps: ReferencesDeps): void {
  context.subscriptions.push(
    references,
    references.onDidChange(() => {
      for (const view of deps.views) {
        view.refresh();
      }
    }),
  );
  registerReferenceCommands(context, { ...deps, references });
  // In the background: the scan yields between batches and never holds up typing.
  references.start();
}
