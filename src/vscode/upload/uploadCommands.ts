import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import type { Log } from '../log/log';
import { activeResource, askForUrl, pickFiles } from './uploadInputs';
import type { BatchResult, UploadPort } from './uploadPort';

export type { BatchFailure, BatchResult, BatchSuccess, UploadRequestOptions } from './uploadPort';

/** The upload commands: palette (file dialog, URL box), explorer selection and folders, editor title and tabs. */
export function registerUploadCommands(context: vscode.ExtensionContext, uploads: UploadPort, log: Log): void {
  const registration = { log };
  const uploadFiles = async (uris: readonly vscode.Uri[] | undefined): Promise<BatchResult | undefined> =>
    uris ? uploads.upload(uris) : undefined;

  registerCommand(
    context,
    CommandId.UploadFile,
    async (ctx) => {
      if (ctx.type === 'resources') {
        return uploadFiles(ctx.uris);
      }
      // A path from a script or keybinding, else the dialog.
      const path = ctx.type === 'value' && typeof ctx.value === 'string' ? ctx.value : '';
      return uploadFiles(path.length > 0 ? [vscode.Uri.file(path)] : await pickFiles());
    },
    registration,
  );
  registerCommand(
    context,
    CommandId.UploadToHeyGen,
    async (ctx) => {
      if (ctx.type === 'resources') {
        return uploadFiles(ctx.uris);
      }
      if (ctx.type === 'value' && typeof ctx.value === 'string' && ctx.value.length > 0) {
        return uploadFiles([vscode.Uri.file(ctx.value)]);
      }
      // From a keybinding: the file in front of the person, else the dialog.
      const active = activeResource();
      return uploadFiles(active ? [active] : await pickFiles());
    },
    registration,
  );
  registerCommand(
    context,
    CommandId.UploadFromUrl,
    async (ctx) => {
      // A URL handed in by other code reaches only public addresses; one the person types may name their own server.
      if (ctx.type === 'value' && typeof ctx.value === 'string') {
        return uploads.uploadUrl(ctx.value);
      }
      const url = await askForUrl();
      return url ? uploads.uploadUrl(url, { typedByPerson: true }) : undefined;
    },
    registration,
  );
  registerCommand(context, CommandId.ShowLog, () => log.show(), registration);
}
