import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/base/errorMessage';
import { withoutCredentials } from '../../core/base/safeUrl';
import { deleteVideoV3 } from '../../core/heygen/videosV3';
import type { VideoInfo } from '../../core/heygen/videoInfo';
import { clause, statusLabel } from '../../core/videos/videoText';
import { CommandId } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import { renderName } from './renderNotices';
import type { VideoService } from './videoService';
import type { VideoNode } from './videosView';

/** The video a command is about: a row of the Videos view, or a video id (from a notification, a script, a test). */
export function videoOf(service: VideoService, arg: unknown): { id: string; title?: string } | undefined {
  if (typeof arg === 'string' && arg.trim() !== '') {
    const id = arg.trim();
    const record = service.renders.get(id);
    return { id, title: record ? renderName(record) : service.listing.videos().find((v) => v.id === id)?.title };
  }
  const node = arg as VideoNode | undefined;
  if (node?.type === 'render') {
    const record = service.renders.get(node.videoId);
    return { id: node.videoId, title: record ? renderName(record) : undefined };
  }
  if (node?.type === 'accountVideo') {
    return { id: node.video.id, title: node.video.title };
  }
  return undefined;
}

function notReady(video: { id: string; title?: string }, info: VideoInfo): string {
  return info.status === 'failed'
    ? vscode.l10n.t('The video "{0}" failed to render: {1}.', video.title ?? video.id, clause(info.failureMessage ?? vscode.l10n.t('HeyGen gave no reason')))
    : vscode.l10n.t('The video "{0}" is not ready yet (HeyGen says {1}).', video.title ?? video.id, statusLabel(info.status));
}

/** The video on disk (downloaded now if it is not), under a progress notification. Resolves with its path. */
async function saved(service: VideoService, video: { id: string; title?: string }): Promise<string | undefined> {
  const record = service.renders.get(video.id);
  const target = service.targetForAccountVideo(video);
  if (record?.saved && fs.existsSync(record.target)) {
    return record.target;
  }
  if (!record && fs.existsSync(target)) {
    return target;
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Saving "{0}"', video.title ?? video.id), cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      try {
        if (record) {
          return (await service.tracker.ensureSaved(video.id, abort.signal)).target;
        }
        const info = await service.fresh(video.id, abort.signal);
        if (info.status !== 'completed') {
          void vscode.window.showWarningMessage(notReady(video, info));
          return undefined;
        }
        await service.tracker.saveTo('v3', info, target, abort.signal);
        return target;
      } finally {
        cancel.dispose();
      }
    },
  );
}

/** A fresh answer about a completed video, or a warning saying why there is none. */
async function completed(service: VideoService, video: { id: string; title?: string }): Promise<VideoInfo | undefined> {
  const info = await service.fresh(video.id);
  if (info.status !== 'completed') {
    void vscode.window.showWarningMessage(notReady(video, info));
    return undefined;
  }
  return info;
}

/** The Videos view's actions and its title buttons. Each takes a row or a video id. */
export function registerVideoCommands(context: vscode.ExtensionContext, service: VideoService): void {
  const { log } = service;
  const registration = (failure: string) => ({ log, failureMessage: (reason: string) => vscode.l10n.t('{0}: {1}', failure, reason) });
  const withVideo =
    <T>(run: (video: { id: string; title?: string }, arg: unknown) => Promise<T>) =>
    async (_context: unknown, arg: unknown): Promise<T | undefined> => {
      const video = videoOf(service, arg);
      if (!video) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Choose a video in the Videos view first.'));
        return undefined;
      }
      return run(video, arg);
    };

  registerCommand(context, CommandId.RefreshVideos, () => service.listing.refresh(), registration(vscode.l10n.t('The videos could not be listed')));
  registerCommand(context, CommandId.LoadMoreVideos, () => service.listing.loadMore(), registration(vscode.l10n.t('More videos could not be listed')));

  registerCommand(
    context,
    CommandId.OpenVideo,
    withVideo(async (video) => {
      const file = await saved(service, video);
      if (file) {
        // VS Code's own media preview plays it.
        await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
      }
      return file;
    }),
    registration(vscode.l10n.t('The video could not be opened')),
  );

  registerCommand(
    context,
    CommandId.OpenVideoInBrowser,
    withVideo(async (video) => {
      const info = await completed(service, video);
      const url = info?.pageUrl ?? info?.videoUrl;
      if (url) {
        log.info(`Opening video ${video.id} in the browser: ${withoutCredentials(url)}`);
        await vscode.env.openExternal(vscode.Uri.parse(url, true));
      }
      return url !== undefined;
    }),
    registration(vscode.l10n.t('The video could not be opened in the browser')),
  );

  registerCommand(
    context,
    CommandId.CopyVideoUrl,
    withVideo(async (video) => {
      const info = await completed(service, video);
      if (!info?.videoUrl) {
        return false;
      }
      await vscode.env.clipboard.writeText(info.videoUrl);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the URL of "{0}"; HeyGen’s video URLs expire after a while.', video.title ?? video.id), 5_000);
      return true;
    }),
    registration(vscode.l10n.t('The video URL could not be copied')),
  );

  registerCommand(
    context,
    CommandId.CopyVideoId,
    withVideo(async (video) => {
      await vscode.env.clipboard.writeText(video.id);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the video ID {0}.', video.id), 5_000);
      return video.id;
    }),
    registration(vscode.l10n.t('The video ID could not be copied')),
  );

  registerCommand(
    context,
    CommandId.RevealVideoPayload,
    withVideo(async (video) => {
      const payloadPath = service.renders.get(video.id)?.payloadPath;
      if (!payloadPath || !fs.existsSync(payloadPath)) {
        void vscode.window.showInformationMessage(vscode.l10n.t('The payload of "{0}" is not on this computer any more.', video.title ?? video.id));
        return false;
      }
      await vscode.window.showTextDocument(vscode.Uri.file(payloadPath));
      return true;
    }),
    registration(vscode.l10n.t('The payload could not be shown')),
  );

  registerCommand(
    context,
    CommandId.WatchVideo,
    withVideo((video) => {
      if (!service.renders.get(video.id) || service.tracker.isWatching(video.id)) {
        return Promise.resolve(false);
      }
      service.watch(video.id, true);
      return Promise.resolve(true);
    }),
    registration(vscode.l10n.t('The video could not be watched')),
  );

  registerCommand(
    context,
    CommandId.DeleteVideo,
    withVideo(async (video) => {
      const name = video.title ?? video.id;
      const confirm = vscode.l10n.t('Delete');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('Delete "{0}" from HeyGen? Deletion is permanent: the video and its page are gone for good.', name),
        { modal: true, detail: vscode.l10n.t('A copy saved on this computer stays where it is.') },
        confirm,
      );
      if (choice !== confirm) {
        return false;
      }
      service.tracker.stop(video.id);
      try {
        const outcome = await deleteVideoV3(await service.endpoint(), video.id);
        log.info(`Deleted video ${video.id} from HeyGen${outcome === 'alreadyGone' ? ', which HeyGen no longer had' : ''}.`);
      } catch (error) {
        log.warn(`Deleting video ${video.id} failed: ${errorMessage(error)}`);
        throw error;
      }
      await service.renders.remove(video.id);
      service.listing.forget(video.id);
      void vscode.window.showInformationMessage(vscode.l10n.t('Deleted "{0}" from HeyGen.', name));
      return true;
    }),
    registration(vscode.l10n.t('The video could not be deleted from HeyGen')),
  );
}
