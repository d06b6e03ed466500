import * as vscode from 'vscode';
import { HeyGenError } from '../../core/base/heygenError';
import { errorMessage } from '../../core/base/errorMessage';
import { keyFingerprint } from '../../core/base/contentHash';
import type { Logger } from '../../core/base/logger';
import { isAssetId } from '../../core/heygen/assetId';
import type { LibraryApi } from '../../core/heygen/libraryApi';
import type { HistoryStore } from '../../core/history/historyStore';
import type { LibraryIndex } from '../../core/library/libraryIndex';
import { forEachLimited } from '../../core/base/concurrency';
import type { ApiKeyService } from '../apiKey/apiKeyCommands';
import { showErrorWithLog } from '../log/showLogAction';

const DELETE_CONCURRENCY = 4;

export interface DeleteTarget {
  id: string;
  name: string;
}

export interface DeleteSummary {
  deleted: DeleteTarget[];
  /** Not deleted, with the reason: HeyGen's, or "not found on HeyGen" for a 404 (which deleted nothing). */
  failed: Array<{ target: DeleteTarget; reason: string }>;
  /** Not sent: cancelled, or already being deleted by an earlier command. */
  skipped: DeleteTarget[];
}

/** HeyGen's own reason where it gave one ("Asset is locked (HTTP 409)"), else the failure's sentence. */
export function deleteReason(error: unknown): string {
  if (error instanceof HeyGenError && error.serverMessage) {
    const text = error.serverMessage.replace(/[.!\s]+$/, '');
    return error.status ? `${text} (HTTP ${error.status})` : text;
  }
  return errorMessage(error).replace(/[.!\s]+$/, '');
}

export interface DeleteDeps {
  api: Pick<LibraryApi, 'delete'>;
  index: Pick<LibraryIndex, 'get' | 'applyDeleted'>;
  history: Pick<HistoryStore, 'get'>;
  apiKeys: Pick<ApiKeyService, 'get'>;
  log: Logger & { show(): void };
}

/** Delete from HeyGen: who may be deleted with this key, the confirmation, the requests, and the one summary. */
export class AssetDeleter {
  private readonly deleting = new Set<string>();

  constructor(private readonly deps: DeleteDeps) {}

  /**
   * Deletes after a modal confirmation that names the asset (or the count) and says it is permanent. Several go
   * with a cancellable progress notification; the summary names each failure with HeyGen's reason. An asset an
   * earlier command is still deleting is not sent again.
   */
  async delete(targets: readonly DeleteTarget[]): Promise<DeleteSummary | undefined> {
    const found = await this.deps.apiKeys.get();
    if (!found) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Set your HeyGen API key first: deleting asks HeyGen with it.'));
      return undefined;
    }
    // An upload made with another key belongs to another account: this key would only hear 404 and mark it gone.
    const fingerprint = keyFingerprint(found.key);
    const foreign = (t: DeleteTarget): boolean => {
      const record = this.deps.history.get(t.id);
      return record !== undefined && record.keyFingerprint !== '' && record.keyFingerprint !== fingerprint && this.deps.index.get(t.id) === undefined;
    };
    const others = targets.filter(foreign);
    if (others.length > 0) {
      void vscode.window.showWarningMessage(
        others.length === 1
          ? vscode.l10n.t('"{0}" was uploaded with another API key, so it cannot be deleted with this one.', others[0].name)
          : vscode.l10n.t('{0} of these were uploaded with another API key, so they cannot be deleted with this one.', others.length),
      );
    }
    // An id that is not shaped like HeyGen's would name another path (`.` is `DELETE /v3/assets/`): never sent.
    const malformed = targets.filter((t) => !isAssetId(t.id));
    if (malformed.length > 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('"{0}" is not a HeyGen asset id, so nothing was sent to delete it.', malformed[0].name));
    }
    const unique = [...new Map(targets.filter((t) => !foreign(t) && isAssetId(t.id)).map((t) => [t.id, t])).values()];
    const busy = unique.filter((t) => this.deleting.has(t.id));
    const todo = unique.filter((t) => !this.deleting.has(t.id));
    if (todo.length === 0) {
      return busy.length > 0 ? { deleted: [], failed: [], skipped: busy } : undefined;
    }
    const confirm = vscode.l10n.t('Delete');
    const question =
      todo.length === 1
        ? vscode.l10n.t('Delete "{0}" from HeyGen? Deletion is permanent, and payloads that use it will stop working.', todo[0].name)
        : vscode.l10n.t('Delete {0} assets from HeyGen? Deletion is permanent, and payloads that use them will stop working.', todo.length);
    const detail = todo.length > 1 ? todo.slice(0, 10).map((t) => t.name).join('\n') + (todo.length > 10 ? `\n${vscode.l10n.t('…and {0} more', todo.length - 10)}` : '') : undefined;
    const choice = await vscode.window.showWarningMessage(question, { modal: true, detail }, confirm);
    if (choice !== confirm) {
      return undefined;
    }
    for (const t of todo) {
      this.deleting.add(t.id);
    }
    const summary: DeleteSummary = { deleted: [], failed: [], skipped: [...busy] };
    const run = async (signal: AbortSignal | undefined, step: (t: DeleteTarget) => void): Promise<void> => {
      await forEachLimited(
        todo,
        DELETE_CONCURRENCY,
        async (target) => {
          try {
            const outcome = await this.deps.api.delete(target.id, signal);
            if (outcome === 'notFound') {
              // HeyGen deleted nothing: the asset is gone already, or belongs to another account.
              summary.failed.push({ target, reason: vscode.l10n.t("not found on HeyGen (already deleted, or not this account's)") });
              this.deps.log.warn(`Deleting "${target.name}" (asset ${target.id}): HeyGen answered 404; nothing was deleted.`);
              return;
            }
            summary.deleted.push(target);
            this.deps.log.info(`Deleted from HeyGen: "${target.name}" (asset ${target.id}).`);
          } catch (error) {
            if (signal?.aborted) {
              summary.skipped.push(target);
              return;
            }
            summary.failed.push({ target, reason: deleteReason(error) });
            this.deps.log.warn(`Deleting "${target.name}" (asset ${target.id}) from HeyGen failed: ${errorMessage(error)}`);
          } finally {
            step(target);
          }
        },
        signal,
      );
      const settled = new Set([...summary.deleted, ...summary.failed.map((f) => f.target), ...summary.skipped].map((t) => t.id));
      summary.skipped.push(...todo.filter((t) => !settled.has(t.id)));
    };
    try {
      if (todo.length === 1) {
        await run(undefined, () => undefined);
      } else {
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting {0} assets from HeyGen', todo.length), cancellable: true },
          async (progress, token) => {
            const abort = new AbortController();
            const cancel = token.onCancellationRequested(() => abort.abort());
            try {
              await run(abort.signal, (t) => progress.report({ increment: 100 / todo.length, message: t.name }));
            } finally {
              cancel.dispose();
            }
          },
        );
      }
    } finally {
      for (const t of todo) {
        this.deleting.delete(t.id);
      }
    }
    this.deps.index.applyDeleted(summary.deleted.map((t) => t.id));
    this.showSummary(summary, todo.length);
    return summary;
  }

  private showSummary(summary: DeleteSummary, asked: number): void {
    const { deleted, failed } = summary;
    if (failed.length === 0) {
      if (deleted.length > 0) {
        void vscode.window.showInformationMessage(
          deleted.length === 1 ? vscode.l10n.t('Deleted "{0}" from HeyGen.', deleted[0].name) : vscode.l10n.t('Deleted {0} assets from HeyGen.', deleted.length),
        );
      }
      return;
    }
    const first = failed[0];
    const message =
      asked === 1
        ? vscode.l10n.t('"{0}" could not be deleted from HeyGen: {1}.', first.target.name, first.reason)
        : failed.length === 1
          ? vscode.l10n.t('Deleted {0} of {1} assets from HeyGen; "{2}" could not be deleted: {3}.', deleted.length, asked, first.target.name, first.reason)
          : vscode.l10n.t('Deleted {0} of {1} assets from HeyGen; "{2}" and {3} more could not be deleted: {4}.', deleted.length, asked, first.target.name, failed.length - 1, first.reason);
    void showErrorWithLog(message, () => this.deps.log.show());
  }
}
