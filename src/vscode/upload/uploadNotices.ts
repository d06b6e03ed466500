import * as vscode from 'vscode';
import type { Log } from '../log/log';
import { detailOf, type BatchItemFailure, type BatchNotice } from '../../core/upload/uploadBatch';
import { showLogLabel } from '../log/showLogAction';

type Failure = BatchItemFailure<vscode.Uri>;

export interface NoticeActions {
  /** Retry pressed: upload these again. */
  retry(failures: Failure[]): Promise<unknown>;
  /** "Use API v3" pressed: switch `heygen.api.version` to v3 and upload these again. */
  useV3(failures: Failure[]): Promise<unknown>;
  /** "Use API v1" pressed: switch `heygen.api.version` to v1 and upload these again. */
  useV1(failures: Failure[]): Promise<unknown>;
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
  const showLog = showLogLabel();
  const details = vscode.l10n.t('Show Details');
  const useV3 = vscode.l10n.t('Use API v3');
  const useV1 = vscode.l10n.t('Use API v1');
  const openDocs = vscode.l10n.t('Open Docs');
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
        retrying = choice === retry || choice === retryFailed || choice === useV3 || choice === useV1;
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
      const { failure } = notice;
      const buttons = [
        ...(failure.offerV3 ? [useV3] : []),
        ...(failure.offerV1 ? [useV1] : []),
        ...(notice.retry.length > 0 ? [retry] : []),
        ...(failure.docUrl ? [openDocs] : []),
        showLog,
      ];
      follow(vscode.window.showErrorMessage(notice.message, ...buttons), (choice) => {
        if (choice === useV3) {
          return actions.useV3([failure]);
        }
        if (choice === useV1) {
          return actions.useV1([failure]);
        }
        if (choice === openDocs && failure.docUrl) {
          return vscode.env.openExternal(vscode.Uri.parse(failure.docUrl, true));
        }
        if (choice === retry) {
          return actions.retry(notice.retry);
        }
        if (choice === showLog) {
          log.show();
        }
        return undefined;
      }, notice.retry.length > 0 || failure.offerV3 === true || failure.offerV1 === true);
      return;
    }
    case 'summary': {
      if (notice.severity === 'info') {
        follow(vscode.window.showInformationMessage(notice.message), () => undefined);
        return;
      }
      const forV3 = notice.useV3 ?? [];
      const forV1 = notice.useV1 ?? [];
      const buttons = [
        ...(forV3.length > 0 ? [useV3] : []),
        ...(forV1.length > 0 ? [useV1] : []),
        details,
        ...(notice.retry.length > 0 ? [retryFailed] : []),
      ];
      follow(vscode.window.showWarningMessage(notice.message, ...buttons), (choice) => {
        if (choice === useV3) {
          return actions.useV3(forV3);
        }
        if (choice === useV1) {
          return actions.useV1(forV1);
        }
        if (choice === details) {
          writeDetails(notice.details);
        } else if (choice === retryFailed) {
          return actions.retry(notice.retry);
        }
        return undefined;
      }, notice.retry.length > 0 || forV3.length > 0 || forV1.length > 0);
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
