import * as vscode from 'vscode';
import { errorMessage } from '../../core/base/errorMessage';
import type { RenderRecord } from '../../core/videos/renderList';
import type { WatchOutcome } from '../../core/videos/renderTracker';
import type { WatchProgress } from '../../core/videos/renderWatch';
import { clause, formatElapsed, formatSeconds, statusLabel } from '../../core/videos/videoText';
import { showErrorWithLog } from '../log/showLogAction';
import { CommandId, VIEW_VIDEOS } from '../commands/commandIds';
import type { VideoService } from './videoService';

/** What a render is called in notifications: its title, else its payload's name. */
export function renderName(record: Pick<RenderRecord, 'title' | 'payloadName' | 'videoId'>): string {
  return record.title ?? record.payloadName ?? record.videoId;
}

function progressMessage(progress: WatchProgress, now: number, startedAt: number): string {
  const elapsed = formatElapsed(now - startedAt);
  return progress.trouble
    ? vscode.l10n.t('{0} · {1} · {2}', statusLabel(progress.status), elapsed, progress.trouble)
    : vscode.l10n.t('{0} · {1}', statusLabel(progress.status), elapsed);
}

/**
 * Watches a render under a progress notification (status and elapsed time; Cancel stops watching, not the render),
 * then says how it ended. Resolves with the outcome, undefined when the render is unknown.
 */
export async function watchWithProgress(service: VideoService, videoId: string, resumed: boolean): Promise<WatchOutcome | undefined> {
  const record = service.renders.get(videoId);
  if (!record) {
    return undefined;
  }
  const name = renderName(record);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Rendering "{0}"', name), cancellable: true },
    async (progress, token) => {
      let last: WatchProgress = { status: record.status, elapsedMs: 0, polls: 0 };
      let downloading = false;
      const report = (): void => {
        if (!downloading) {
          progress.report({ message: progressMessage(last, Date.now(), record.startedAt) });
        }
      };
      // The elapsed time moves every second; HeyGen is asked only on the polling schedule.
      const ticker = setInterval(report, 1_000);
      const cancel = token.onCancellationRequested(() => service.tracker.stop(videoId));
      try {
        return await service.tracker.watch(
          videoId,
          {
            progress: (p) => {
              last = p;
              report();
            },
            downloading: () => {
              downloading = true;
              progress.report({ message: vscode.l10n.t('completed · saving the video') });
            },
          },
          resumed,
        );
      } finally {
        clearInterval(ticker);
        cancel.dispose();
      }
    },
  );
  showOutcome(service, outcome);
  return outcome;
}

/** The one notification that says how a watch ended. Not awaited: its buttons act whenever they are pressed. */
export function showOutcome(service: VideoService, outcome: WatchOutcome): void {
  const name = renderName(outcome.record);
  const { videoId } = outcome.record;
  const run = (command: CommandId): void => void vscode.commands.executeCommand(command, videoId);
  const showLog = (): void => service.log.show();
  switch (outcome.kind) {
    case 'completed': {
      const open = vscode.l10n.t('Open');
      const browser = vscode.l10n.t('Open in Browser');
      const copy = vscode.l10n.t('Copy URL');
      const duration = outcome.info.duration ?? outcome.record.duration;
      const message =
        duration !== undefined ? vscode.l10n.t('Video ready: {0} ({1} s)', name, formatSeconds(duration)) : vscode.l10n.t('Video ready: {0}', name);
      void Promise.resolve(vscode.window.showInformationMessage(message, open, browser, copy)).then((choice) => {
        if (choice === open) {
          run(CommandId.OpenVideo);
        } else if (choice === browser) {
          run(CommandId.OpenVideoInBrowser);
        } else if (choice === copy) {
          run(CommandId.CopyVideoUrl);
        }
      });
      return;
    }
    case 'failed':
      void showErrorWithLog(
        vscode.l10n.t('The video "{0}" failed to render: {1}.', name, clause(outcome.info.failureMessage ?? vscode.l10n.t('HeyGen gave no reason'))),
        showLog,
      );
      return;
    case 'notSaved': {
      const retry = vscode.l10n.t('Retry');
      void showErrorWithLog(vscode.l10n.t('The video "{0}" is ready, but it could not be saved: {1}', name, errorMessage(outcome.error)), showLog, retry).then(
        (choice) => choice === retry && run(CommandId.OpenVideo),
      );
      return;
    }
    case 'stopped': {
      // Stopped by the window going away: the next window watches it again, there is nothing to say.
      if (outcome.record.watching) {
        return;
      }
      const show = vscode.l10n.t('Show Videos');
      void Promise.resolve(
        vscode.window.showInformationMessage(
          vscode.l10n.t('Stopped watching "{0}". It goes on rendering on HeyGen; the Videos view lists it, and Open saves it once it is ready.', name),
          show,
        ),
      ).then((choice) => choice === show && vscode.commands.executeCommand(`${VIEW_VIDEOS}.focus`));
      return;
    }
    case 'error':
      void showErrorWithLog(
        vscode.l10n.t('Stopped watching "{0}": {1} It may still be rendering; the Videos view lists it.', name, errorMessage(outcome.error)),
        showLog,
      );
      return;
  }
}
