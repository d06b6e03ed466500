import * as vscode from 'vscode';
import type { Log } from '../log/log';
import { detailOf, type BatchItemFailure, type BatchNotice } from '../../core/upload/uploadBatch';

type Failure = BatchItemFailure<vscode.Uri>;

export interface NoticeActions {
  /** Retry pressed: upload these again. */
  retry(failures: Failure[]): Promise<unknown>;
  /** No Retry can follow from this notice any more (answered, closed, or none offered). */
  settled(): void;
}

/**
 * Shows a batch's notice with its buttons and acts on the answer without blocking the caller. A failure while
 * acting goes to the log, not nowhere.
 */
export function showNotice(notice: BatchNotice<vscode.Uri> | undefined, log: Log, actions: NoticeActions): void {
  if (!notice) {
    actions.settled();
    return;
  }
  const retry = vscode.l10n.t('Retry');
  const retryFailed = vscode.l10n.t('Retry Failed');
  const showLog = vscode.l10n.t('Show Log');
  const details = vscode.l10n.t('Show Details');
  const writeDetails = (failures: Failure[]): void => {
    failures.forEach((f) => log.warn(f.message));
    log.show();
  };
  const follow = <T>(answer: Thenable<T>, act: (choice: T) => unknown, offersRetry = false): void => {
    if (!offersRetry) {
      // Nothing on this notice can reach the sources again.
      actions.settled();
    }
    let retrying = false;
    Promise.resolve(answer)
      .then((choice) => {
        retrying = choice === retry || choice === retryFailed;
        return act(choice);
      })
      .catch((error: unknown) => log.error(`A notification action failed: ${detailOf(error)}`))
      .finally(() => {
        // A retry's own notice settles the upload later.
        if (offersRetry && !retrying) {
          actions.settled();
        }
      });
  };

  switch (notice.type) {
    case 'uploaded': {
      const copyUrl = vscode.l10n.t('Copy URL');
      const copyId = vscode.l10n.t('Copy ID');
      const { record, source } = notice.success;
      follow(vscode.window.showInformationMessage(notice.message, copyUrl, copyId), async (choice) => {
        if (choice === copyUrl) {
          await vscode.env.clipboard.writeText(record.url);
          vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the URL of "{0}"', source.name), 3000);
        } else if (choice === copyId) {
          await vscode.env.clipboard.writeText(record.id);
          vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the ID of "{0}"', source.name), 3000);
        }
      });
      return;
    }
    case 'failed': {
      const buttons = notice.retry.length > 0 ? [retry, showLog] : [showLog];
      follow(vscode.window.showErrorMessage(notice.message, ...buttons), (choice) => {
        if (choice === retry) {
          return actions.retry(notice.retry);
        }
        if (choice === showLog) {
          log.show();
        }
        return undefined;
      }, notice.retry.length > 0);
      return;
    }
    case 'summary': {
      if (notice.severity === 'info') {
        follow(vscode.window.showInformationMessage(notice.message), () => undefined);
        return;
      }
      const buttons = notice.retry.length > 0 ? [details, retryFailed] : [details];
      follow(vscode.window.showWarningMessage(notice.message, ...buttons), (choice) => {
        if (choice === details) {
          writeDetails(notice.details);
        } else if (choice === retryFailed) {
          return actions.retry(notice.retry);
        }
        return undefined;
      }, notice.retry.length > 0);
      return;
    }
    case 'cancelled': {
      const buttons = notice.details.length > 0 ? [details] : [];
      follow(vscode.window.showInformationMessage(notice.message, ...buttons), (choice) => {
        if (choice === details) {
          writeDetails(notice.details);
        }
      });
      return;
    }
  }
}
