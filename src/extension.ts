import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { ApiKeyService, registerApiKeyCommands } from './vscode/apiKey/apiKeyCommands';
import { Configuration } from './vscode/configuration/configuration';
import { registerHistoryCommands } from './vscode/history/historyCommands';
import { HistoryStore } from './core/history/historyStore';
import { registerHistoryView } from './vscode/history/assetTreeView';
import { Log } from './vscode/log/log';
import { registerDropPasteProviders } from './vscode/snippets/dropPasteProvider';
import { registerSnippetCommands } from './vscode/snippets/snippetCommands';
import type { HeyGenAssetsApi } from './vscode/api';
import { quickPicks } from './vscode/ui/quickPicks';
import { closeUploadAgents } from './core/upload/httpUpload';
import { UploadController, registerUploadCommands, type UploadRequestOptions } from './vscode/upload/uploadCommands';

export async function activate(context: vscode.ExtensionContext): Promise<HeyGenAssetsApi> {
  // The pure core cannot import vscode and translates through @vscode/l10n, which sees VS Code's bundle only when
  // handed it; first, before anything can build a message.
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const log = new Log();
  context.subscriptions.push(log);
  try {
    return await wire(context, log);
  } catch (error) {
    // Activation failures must not be silent: tell the person and keep the details in the log.
    log.error(error instanceof Error ? error : String(error));
    const showLog = vscode.l10n.t('Show Log');
    void vscode.window
      .showErrorMessage(vscode.l10n.t('HeyGen Assets could not start. The log has the details.'), showLog)
      .then(
        (choice) => choice === showLog && log.show(),
        () => undefined,
      );
    throw error;
  }
}

async function wire(context: vscode.ExtensionContext, log: Log): Promise<HeyGenAssetsApi> {
  const config = new Configuration();

  // The API key: SecretStorage, then HEYGEN_API_KEY, then a prompt at the first upload.
  const apiKeys = new ApiKeyService(context.secrets, log);
  context.subscriptions.push(apiKeys);
  registerApiKeyCommands(context, apiKeys);
  await apiKeys.refreshContext();

  // Asset history, kept in global storage so it survives restarts and is shared by all windows.
  const history = await HistoryStore.open(path.join(context.globalStorageUri.fsPath, 'history.json'), {
    maxEntries: config.historyMaxEntries,
    log,
  });
  context.subscriptions.push(history);
  context.subscriptions.push(
    config.onDidChange((affects) => {
      if (affects('history.maxEntries')) {
        history
          .setMaxEntries(config.historyMaxEntries)
          .catch((error: unknown) => log.warn(`Could not apply heygen.history.maxEntries: ${String(error)}`));
      }
    }),
  );

  // Uploads: palette, explorer, editor title and tab menus, URL.
  const uploads = new UploadController({ config, log, apiKeys, history });
  registerUploadCommands(context, uploads, log);
  context.subscriptions.push({ dispose: () => void closeUploadAgents() });
  const upload = (uris: vscode.Uri[], options?: UploadRequestOptions) => uploads.uploadUris(uris, options);

  // The Assets view, its item actions and drag-and-drop onto it.
  const assetTree = registerHistoryView(context, { history, log, upload });
  registerHistoryCommands(context, { history, treeProvider: assetTree, log, upload });

  // Snippets at the cursor, and drop/paste of media into payload files.
  registerSnippetCommands(context, { history, config, log, upload });
  registerDropPasteProviders(context, { history, config, log, upload });

  context.subscriptions.push(quickPicks);

  log.info(`HeyGen Assets ${String((context.extension.packageJSON as { version?: string }).version)} activated in VS Code ${vscode.version}.`);
  return {
    history,
    assetTree,
    upload,
    uploadUrl: (url, options) => uploads.uploadUrl(url, options),
    onDidShowQuickPick: quickPicks.onDidShow,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
