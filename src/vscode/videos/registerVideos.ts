import * as vscode from 'vscode';
import type { RenderRecord } from '../../core/videos/renderList';
import type { SessionStart } from '../activation/sessionStart';
import type { ApiKeyService } from '../apiKey/apiKeyCommands';
import { CommandId, VIEW_VIDEOS } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import type { Configuration } from '../configuration/configuration';
import type { Log } from '../log/log';
import type { PayloadFeatures } from '../payload/payloadCommands';
import { generateVideoCommand, noBeforeRenderCheck, type BeforeRenderCheck, type GenerateDeps } from './generateVideo';
import { registerVideoCodeLens } from './videoCodeLens';
import { registerVideoCommands } from './videoCommands';
import { VideoService } from './videoService';
import { VideosTreeProvider, type VideoNode } from './videosView';

export interface VideosDeps {
  config: Configuration;
  apiKeys: ApiKeyService;
  log: Log;
  payload: PayloadFeatures;
  session: SessionStart;
  /** The asset check `references` adds before the confirmation (issue 25 item 4); none by default. */
  beforeRender?: BeforeRenderCheck;
}

/** What the extension-host tests read (only in an extension test run): copies and closures, no service. */
export interface VideosTestApi {
  renders(): RenderRecord[];
  /** Fires when a watch ends: completed and saved, failed, stopped, given up. */
  onDidFinishWatch: vscode.Event<{ kind: string; videoId: string }>;
  /** The Videos view's rows, as labels and descriptions, group by group. */
  viewRows(): Array<{ group: string; label: string; description?: string; contextValue?: string }>;
  /** What a window reload does to the renders: watches end (their records stay), state is read again, watches resume. */
  reload(): Promise<number>;
}

export interface VideosFeature {
  service: VideoService;
  generate: GenerateDeps;
  testApi: VideosTestApi;
}

/**
 * Generate Video (palette, editor title, CodeLens), watching renders (and watching them again after a reload), the
 * Videos view and its actions.
 */
export function registerVideos(context: vscode.ExtensionContext, deps: VideosDeps): VideosFeature {
  const service = new VideoService({ config: deps.config, apiKeys: deps.apiKeys, log: deps.log, state: context.globalState, globalStorage: context.globalStorageUri.fsPath });
  context.subscriptions.push(service);
  const generate: GenerateDeps = { service, payload: deps.payload, beforeRender: deps.beforeRender ?? noBeforeRenderCheck };

  registerVideoCodeLens(context);
  registerCommand(
    context,
    CommandId.GenerateVideo,
    (commandContext, _first, second) => {
      const uri = commandContext.type === 'resources' ? commandContext.uri : undefined;
      return generateVideoCommand(generate, uri, typeof second === 'number' ? second : undefined);
    },
    { log: deps.log, failureMessage: (reason) => vscode.l10n.t('The video was not generated: {0}', reason) },
  );
  registerVideoCommands(context, service);

  const tree = new VideosTreeProvider(service);
  const view = vscode.window.createTreeView<VideoNode>(VIEW_VIDEOS, { treeDataProvider: tree, showCollapseAll: false });
  let listed = false;
  const seen = (): void => {
    tree.visible = view.visible;
    tree.updateTicker();
    // The account is listed the first time the view is seen (the cache shows meanwhile), never before.
    if (view.visible && !listed) {
      listed = true;
      void service.listing.refresh();
    }
  };
  const keyKnown = (): void => void deps.apiKeys.get().then((found) => tree.setHasKey(found !== undefined));
  keyKnown();
  context.subscriptions.push(tree, view, view.onDidChangeVisibility(seen), deps.apiKeys.onDidChange(keyKnown), deps.session.watchView(view));
  seen();

  // Renders that were being watched when the window went are watched again; none in flight, no request.
  void service.resumeAll().catch((error: unknown) => deps.log.warn(`Renders in flight could not be watched again: ${String(error)}`));

  const rows = (): ReturnType<VideosTestApi['viewRows']> =>
    tree.getChildren().flatMap((group) =>
      tree.getChildren(group).map((node) => {
        const item = tree.getTreeItem(node);
        const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
        return { group: node.type === 'render' ? 'local' : 'account', label, description: typeof item.description === 'string' ? item.description : undefined, contextValue: item.contextValue };
      }),
    );
  const testApi: VideosTestApi = {
    renders: () => service.renders.all().map((r) => ({ ...r })),
    onDidFinishWatch: (listener, thisArg, disposables) =>
      service.onDidFinishWatch(
        (outcome) => {
          listener.call(thisArg, { kind: outcome.kind, videoId: outcome.record.videoId });
        },
        undefined,
        disposables,
      ),
    viewRows: rows,
    reload: async () => {
      await service.tracker.suspendAll();
      service.renders.reload();
      return service.resumeAll();
    },
  };
  return { service, generate, testApi };
}
