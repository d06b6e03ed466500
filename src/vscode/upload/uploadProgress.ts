import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import type { Logger } from '../../core/base/logger';
import type { BatchSource } from '../../core/upload/uploadBatch';

type Source = BatchSource<vscode.Uri>;

/** What a batch pass reports while it runs: bytes per file, and files done. */
export interface ProgressSink {
  update(source: Source, sent: number, total: number): void;
  finish(source: Source): void;
}

/**
 * The status-bar item shown while any upload runs; clicking it shows the log. It exists only while uploads run
 * (created with the first, disposed after the last), so an idle window carries no hidden item.
 */
export class UploadStatusItem implements vscode.Disposable {
  private item: vscode.StatusBarItem | undefined;
  private running = 0;

  /** Shows the item for the duration of `work`. */
  async during<T>(files: number, work: () => Promise<T>): Promise<T> {
    this.set(+1, files);
    try {
      return await work();
    } finally {
      this.set(-1, 0);
    }
  }

  private set(delta: number, files: number): void {
    this.running = Math.max(0, this.running + delta);
    if (this.running === 0) {
      this.dispose();
      return;
    }
    if (!this.item) {
      this.item = vscode.window.createStatusBarItem('heygen.uploads', vscode.StatusBarAlignment.Left, 5);
      this.item.name = vscode.l10n.t('HeyGen Uploads');
      this.item.command = CommandId.ShowLog;
      this.item.text = `$(sync~spin) ${vscode.l10n.t('HeyGen: uploading')}`;
    }
    if (files > 0) {
      this.item.tooltip = vscode.l10n.t('Uploading {0} file(s) to HeyGen. Click to show the log.', files);
    }
    this.item.show();
  }

  dispose(): void {
    this.item?.dispose();
    this.item = undefined;
  }
}

/**
 * VS Code keeps a progress notification on screen for at least this long (800 ms in its progress service, measured
 * from when the workbench shows it), however soon the work ends; a margin covers the message's way to the workbench.
 */
const PROGRESS_NOTIFICATION_MIN_MS = 800 + 150;

/**
 * Resolves once the progress notification shown at `shownAt` (Date.now()) has closed, so a notification about the
 * outcome does not appear beside a finished "100 %" one. A long upload's notification is long gone: no wait then.
 */
export function progressNotificationClosed(shownAt: number): Promise<void> {
  const left = shownAt + PROGRESS_NOTIFICATION_MIN_MS - Date.now();
  return left > 0 && shownAt > 0 ? new Promise((resolve) => setTimeout(resolve, left)) : Promise.resolve();
}

/**
 * Runs `work` under one cancellable progress notification for `sources`. Its Cancel and the caller's signal both
 * abort the signal `work` gets.
 */
export function withUploadProgress<T>(
  sources: readonly Source[],
  log: Logger,
  callerSignal: AbortSignal | undefined,
  work: (sink: ProgressSink, signal: AbortSignal) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: sources.length === 1 ? vscode.l10n.t('Uploading to HeyGen') : vscode.l10n.t('Uploading {0} files to HeyGen', sources.length),
      cancellable: true,
    },
    async (progress, token) => {
      const abort = new AbortController();
      const cancelSub = token.onCancellationRequested(() => {
        log.info('Upload cancelled by the user.');
        abort.abort();
      });
      const onCallerAbort = (): void => {
        log.info('Upload cancelled by its caller.');
        abort.abort();
      };
      if (callerSignal?.aborted) {
        abort.abort();
      }
      callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
      try {
        return await work(new BatchMeter(sources, progress), abort.signal);
      } finally {
        cancelSub.dispose();
        callerSignal?.removeEventListener('abort', onCallerAbort);
      }
    },
  );
}

/** Spreads one progress notification over a batch: the file being sent, and how far the batch is (by bytes). */
class BatchMeter implements ProgressSink {
  private readonly sent = new Map<Source, number>();
  private readonly totals = new Map<Source, number>();
  private reported = 0;
  private done = 0;

  constructor(
    private readonly sources: readonly Source[],
    private readonly progress: vscode.Progress<{ message?: string; increment?: number }>,
  ) {}

  update(source: Source, sent: number, total: number): void {
    this.sent.set(source, sent);
    this.totals.set(source, total);
    this.report(source);
  }

  finish(source: Source): void {
    const total = this.totals.get(source) ?? 0;
    this.sent.set(source, total);
    this.done++;
    this.report(source);
  }

  private report(current: Source): void {
    // Files whose size is not known yet count as one share each, so the bar never runs backwards far.
    const share = 100 / this.sources.length;
    let percent = 0;
    for (const s of this.sources) {
      const total = this.totals.get(s);
      const sent = this.sent.get(s) ?? 0;
      percent += total ? share * Math.min(1, sent / total) : 0;
    }
    const increment = Math.max(0, percent - this.reported);
    this.reported += increment;
    const filePercent = Math.floor(100 * Math.min(1, (this.sent.get(current) ?? 0) / (this.totals.get(current) || 1)));
    const message =
      this.sources.length === 1
        ? `${current.name} \u2014 ${filePercent}%`
        : `${current.name} \u2014 ${filePercent}% (${Math.min(this.done + 1, this.sources.length)}/${this.sources.length})`;
    this.progress.report({ message, increment });
  }
}
