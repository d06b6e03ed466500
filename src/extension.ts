import { bundleLoadStartedAt } from './vscode/activation/loadClock';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { AccountService, registerAccountCommands } from './vscode/account/accountService';
import { accountDescription } from './core/account/accountSummary';
import { ApiKeyService, registerApiKeyCommands } from './vscode/apiKey/apiKeyCommands';
import { ContextKey } from './vscode/commands/commandIds';
import { Configuration } from './vscode/configuration/configuration';
import { registerHistoryCommands } from './vscode/history/historyCommands';
import { HistoryStore } from './core/history/historyStore';
import { registerHistoryView } from './vscode/history/registerHistoryView';
import { Log } from './vscode/log/log';
import { DroppedMediaUploads } from './vscode/droppedMedia/droppedMedia';
import { registerDropPasteProviders } from './vscode/payload/registerDropPaste';
import { registerSnippetCommands } from './vscode/payload/snippetCommands';
import { registerConvertPayload } from './vscode/payload/convertPayload';
import { HistoryKnownAssets, LibraryKnownAssets, MergedKnownAssets } from './core/payload/knownAssets';
import { registerPayloadFeatures } from './vscode/payload/payloadCommands';
import { createPublicApi, offerTestApi, type HeyGenAssetsApi } from './vscode/api';
import { quickPicks } from './vscode/ui/quickPicks';
import { closeHttpClient } from './core/http/httpClient';
import { registerAgentTools } from './vscode/agentTools/registerAgentTools';
import { registerUploadCommands } from './vscode/upload/uploadCommands';
import { UploadController } from './vscode/upload/uploadController';
import { LibraryController } from './vscode/library/libraryController';
import { registerLibraryCommands } from './vscode/library/libraryCommands';
import { FirstLook } from './vscode/library/firstLook';
import { showErrorWithLog } from './vscode/log/showLogAction';
import { SessionStart } from './vscode/activation/sessionStart';
import { PendingWrites } from './core/base/pendingWrites';
import { startOnUse } from './vscode/activation/startOnUse';
import { onWillRunCommand } from './vscode/commands/registerCommand';
import { registerVideos } from './vscode/videos/registerVideos';
import { videoPort } from './vscode/videos/videoPort';
import { registerAvatarFeatures } from './vscode/avatars/registerAvatars';
import { WorkspaceReferences } from './vscode/references/workspaceReferences';
import { registerReferences } from './vscode/references/registerReferences';

/** Every other module of the bundle has been evaluated by now. */
const bundleLoadedAt = performance.now();

/** The history's and the library cache's writes, which deactivate waits for (bounded). */
const pendingWrites = new PendingWrites();
/** VS Code allows deactivate a few seconds; a stuck disk must not use all of them. */
const DEACTIVATE_WAIT_MS = 3_000;
let shutdownLog: Log | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<HeyGenAssetsApi> {
  const activateCalledAt = performance.now();
  // The pure core cannot import vscode and translates through @vscode/l10n, which sees VS Code's bundle only when
  // handed it; first, before anything can build a message.
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const log = new Log();
  shutdownLog = log;
  context.subscriptions.push(log);
  try {
    const api = await wire(context, log);
    // Read by the bench (through the host suite's log): our own cost is loading the bundle plus activate. A figure for
    // developers (the host suite runs in Test mode), not a line the person needs in the log.
    const done = performance.now();
    const timing = context.extensionMode === vscode.ExtensionMode.Production ? log.debug.bind(log) : log.info.bind(log);
    timing(
      `Activation: bundle loaded in ${(bundleLoadedAt - bundleLoadStartedAt).toFixed(1)} ms, activate ran ${(done - activateCalledAt).toFixed(1)} ms; VS Code called it ${(activateCalledAt - bundleLoadedAt).toFixed(1)} ms after the load.`,
    );
    return api;
  } catch (error) {
    // Activation failures must not be silent: tell the person and keep the details in the log.
    log.error(error instanceof Error ? error : String(error));
    void showErrorWithLog(vscode.l10n.t('HeyGen Assets could not start. The log has the details.'), () => log.show());
    throw error;
  }
}

async function wire(context: vscode.ExtensionContext, log: Log): Promise<HeyGenAssetsApi> {
  const config = new Configuration(log);
  // Nothing asks HeyGen at activation: the account check and the stale checks wait until a HeyGen view is on screen,
  // a HeyGen command runs or a payload needs an asset.
  const session = new SessionStart(log);
  context.subscriptions.push(session, onWillRunCommand(() => session.start('command')));

  // The API key: SecretStorage, then HEYGEN_API_KEY, then a prompt at the first upload.
  const apiKeys = new ApiKeyService(context.secrets, log);
  context.subscriptions.push(apiKeys);
  registerApiKeyCommands(context, apiKeys, log);
  // Not awaited: reading SecretStorage and setting two context keys are round trips to the window (most of a first
  // activation's time); menus and the welcome view follow when they are done.
  apiKeys.refreshContext().catch((error: unknown) => log.warn(`Could not read the API key state: ${String(error)}`));

  // The HeyGen account behind the key (API v3 users/me): keys are checked before they are saved or first used, and
  // the Assets view shows whose account it is.
  const account = new AccountService(config, apiKeys, log, session);
  context.subscriptions.push(account);
  apiKeys.verifier = async (key, options) => {
    const verdict = await account.check(key, options);
    return verdict.verdict === 'accepted' ? { verdict: 'accepted', account: accountDescription(verdict.user) } : verdict;
  };
  registerAccountCommands(context, account, apiKeys, log);

  // Asset history, kept in global storage so it survives restarts and is shared by all windows; where the workspace's
  // payloads use each asset, the index persisted per workspace and filled in the background; and the Library's cache
  // of the account's assets. Each reads a file at once: activation waits for the three reads together, not in turn.
  const [history, references, libraryCache] = await Promise.all([
    HistoryStore.open(path.join(context.globalStorageUri.fsPath, 'history.json'), { maxEntries: config.historyMaxEntries, log }),
    WorkspaceReferences.open(context.globalStorageUri.fsPath, log),
    LibraryController.openIndex(context, { config, apiKeys, log }),
  ]);
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

  // The Library: every asset on the HeyGen account (v3), the stale marks of uploads HeyGen no longer has, delete.
  const library = LibraryController.create(context, libraryCache, { config, apiKeys, history, log, session, usedIn: references });
  context.subscriptions.push(
    pendingWrites.track(() => history.flush()),
    pendingWrites.track(() => library.index.flush()),
    pendingWrites.track(() => references.flush()),
  );

  // Uploads: palette, explorer, editor title and tab menus, URL.
  // Every entry point below uploads through this one UploadPort.
  // An identical file is uploaded again when HeyGen no longer has its earlier upload: the Library's marks, and a
  // question to HeyGen when the asset was not seen for 12 hours (HeyGen deletes assets after inactivity).
  const uploads = new UploadController({ config, log, apiKeys, history, stillOnHeyGen: (record, signal) => library.index.stillOnHeyGen(record, signal) });
  context.subscriptions.push(uploads, { dispose: () => void closeHttpClient() });
  registerUploadCommands(context, uploads, log);
  const upload = uploads.upload.bind(uploads);

  // Media dropped or pasted (into a payload or onto the Assets view): one reader, one temporary folder whose files
  // live as long as their upload (Retry included).
  const droppedMedia = new DroppedMediaUploads(uploads, path.join(context.globalStorageUri.fsPath, 'dropped'), log);
  context.subscriptions.push(droppedMedia);

  // The Assets view, its item actions and drag-and-drop onto it; on the first look it counts the account's assets.
  const firstLook = new FirstLook({ history, apiKeys, library });
  context.subscriptions.push(firstLook);
  const assetTree = registerHistoryView(context, { history, log, media: droppedMedia, account, session, isGone: (id) => library.index.isGone(id), usedIn: references }, firstLook);
  // The walkthrough's upload step is done once the history holds an asset.
  const markUploaded = (): void => void vscode.commands.executeCommand('setContext', ContextKey.HasUploaded, history.all().length > 0);
  markUploaded();
  context.subscriptions.push(history.onDidChange(markUploaded));
  registerHistoryCommands(context, { history, treeProvider: assetTree, log, upload, existsOnHeyGen: (id) => library.existsOnHeyGen(id) });
  registerLibraryCommands(context, { library, history, assetTree, log });
  const checks = registerReferences(context, references, { history, library, assetTree, log, config, apiKeys, views: [assetTree, library.tree] });
  context.subscriptions.push(library.index.onDidChange((change) => (change.reason === 'marks' || change.reason === 'deleted') && assetTree.refresh()));

  // Snippets at the cursor, and drop/paste of media into payload files.
  registerSnippetCommands(context, { history, config, log, upload, library: library.index });
  registerDropPasteProviders(context, { config, log, media: droppedMedia });
  registerConvertPayload(context, { log });

  // Payload files that know their assets: hover, completion, problems and quick fixes, Upload Local Files. Known
  // assets are this machine's uploads first, then the account's library (which also knows what HeyGen deleted).
  const knownAssets = new MergedKnownAssets([new HistoryKnownAssets(history), new LibraryKnownAssets(library.index)]);
  context.subscriptions.push(knownAssets);
  const payload = registerPayloadFeatures(context, {
    port: { upload, uploadUrl: (url, options) => uploads.uploadUrl(url, options) },
    known: startOnUse(knownAssets, session),
    config,
    log,
  });

  // Generate Video from a payload, renders watched (again after a reload) and saved, the Videos view.
  const videos = registerVideos(context, { config, apiKeys, log, payload, session, beforeRender: checks.beforeRender });
  // Avatars and voices: the account's looks and voices (listed when first needed), completion, hover and problems of
  // their ids in payloads, the pickers, photo avatars from uploaded images, and their agent tool.
  const avatars = registerAvatarFeatures(context, { config, apiKeys, log, session, upload: uploads, known: knownAssets });

  context.subscriptions.push(quickPicks);
  // Language-model tools for agent mode: upload, find and fragment, through the same upload port as the commands;
  // find and fragment know the history and the account's library (and what HeyGen deleted).
  registerAgentTools(context, {
    upload: uploads,
    history,
    library: library.index,
    config,
    log,
    hasApiKey: async () => (await apiKeys.get()) !== undefined,
    videos: videoPort(videos.generate),
  });

  log.info(`HeyGen Assets ${String((context.extension.packageJSON as { version?: string }).version)} activated in VS Code ${vscode.version}.`);
  offerTestApi(context, {
    history,
    assetTree,
    library,
    references,
    upload: (uris, options) => uploads.upload(uris, options),
    uploadUrl: (url, options) => uploads.uploadUrl(url, options),
    onDidShowQuickPick: quickPicks.onDidShow,
    // Closures over copies (offerTestApi hands them over in an extension test run only).
    videos: videos.testApi,
    avatars,
  });
  // Other extensions get closures over the upload port and the history, nothing else.
  return createPublicApi(uploads, history);
}

/** Waits (bounded) for pending writes; everything else is disposed through context.subscriptions afterwards. */
export function deactivate(): Promise<boolean> {
  return pendingWrites.settle(DEACTIVATE_WAIT_MS, shutdownLog);
}
