import * as path from 'node:path';
import * as vscode from 'vscode';
import { ContextKey, VIEW_LIBRARY } from '../commands/commandIds';
import type { ApiKeyService } from '../apiKey/apiKeyCommands';
import type { Configuration } from '../configuration/configuration';
import type { Log } from '../log/log';
import type { SessionStart } from '../activation/sessionStart';
import type { HistoryStore } from '../../core/history/historyStore';
import { getCurrentUser, v3RequestEnvelope, type V3Endpoint } from '../../core/heygen/v3Client';
import { createV3LibraryApi, type ResettableLibraryApi } from '../../core/heygen/libraryApi';
import { LibraryIndex } from '../../core/library/libraryIndex';
import { libraryFilterActive } from '../../core/library/libraryTree';
import { forEachLimited } from '../../core/base/concurrency';
import { keyFingerprint } from '../../core/base/contentHash';
import { HeyGenError } from '../../core/base/heygenError';
import { LibraryTreeProvider, libraryDescription, setLibraryState, type LibraryNode } from './libraryTreeView';
import { showErrorWithLog } from '../log/showLogAction';
import { errorMessage } from '../../core/base/errorMessage';

/** Uploads come in bursts (a folder, a multi-select): one refresh after the last of them. */
const REFRESH_AFTER_UPLOAD_MS = 1_000;
/**
 * The first stale check waits a little after HeyGen work starts (see SessionStart: never at activation); later rounds
 * run hourly (each asset still once per 12 h).
 */
const FIRST_CHECK_DELAY_MS = 15_000;
const CHECK_EVERY_MS = 60 * 60_000;
/** "2 minutes ago" in the description must not go stale while the view is open. */
const DESCRIPTION_REFRESH_MS = 60_000;
const DELETE_CONCURRENCY = 4;

export interface LibraryDeps {
  config: Configuration;
  apiKeys: ApiKeyService;
  history: HistoryStore;
  log: Log;
  /** Stale checks wait for it; the Library view on screen starts it. */
  session: SessionStart;
}

export interface DeleteTarget {
  id: string;
  name: string;
}

export interface DeleteSummary {
  deleted: DeleteTarget[];
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

/** The Library: its index over HeyGen v3, the view, and when it lists, checks and deletes. */
export class LibraryController implements vscode.Disposable {
  readonly tree: LibraryTreeProvider;
  private view: vscode.TreeView<LibraryNode> | undefined;
  private listedOnce = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly deleting = new Set<string>();
  private uploadTimer: NodeJS.Timeout | undefined;
  private missedChange = false;

  private constructor(
    readonly index: LibraryIndex,
    private readonly api: ResettableLibraryApi,
    private readonly deps: LibraryDeps,
  ) {
    this.tree = new LibraryTreeProvider({ index, history: deps.history });
  }

  static async create(context: vscode.ExtensionContext, deps: LibraryDeps): Promise<LibraryController> {
    const endpoint = async (): Promise<V3Endpoint> => {
      const found = await deps.apiKeys.get();
      if (!found) {
        throw new HeyGenError('auth', vscode.l10n.t('No HeyGen API key is set.'));
      }
      return {
        apiBaseUrl: deps.config.apiBaseUrl,
        apiKey: found.key,
        ...deps.config.http,
        log: deps.log,
      };
    };
    const api = createV3LibraryApi(
      async () => {
        const bound = await endpoint();
        return (method, p, options) => v3RequestEnvelope(bound, method, p, options);
      },
      async (signal) => (await getCurrentUser(await endpoint(), signal)).username,
    );
    const index = await LibraryIndex.open(path.join(context.globalStorageUri.fsPath, 'library.json'), {
      api,
      // Not awaited: the key is in SecretStorage, a round trip to the window that was most of activation's time.
      owner: LibraryController.owner(deps),
      log: deps.log,
    });
    const controller = new LibraryController(index, api, deps);
    controller.register(context);
    return controller;
  }

  /** A listing belongs to a key at a base URL; only a one-way fingerprint of the key is kept. */
  private static async owner(deps: LibraryDeps): Promise<string | undefined> {
    const found = await deps.apiKeys.get();
    return found ? `${keyFingerprint(found.key)}@${deps.config.apiBaseUrl}` : undefined;
  }

  get viewVisible(): boolean {
    return this.view?.visible ?? false;
  }

  /** Lists page one again; without a key, says so instead. Never rejects. */
  async refresh(): Promise<void> {
    this.listedOnce = true;
    if (!(await this.deps.apiKeys.get())) {
      this.index.setProblem({ kind: 'noKey', message: vscode.l10n.t('No HeyGen API key is set.') });
      return;
    }
    await this.index.refresh();
  }

  async loadMore(): Promise<void> {
    this.listedOnce = true;
    await this.index.loadMore();
  }

  /** Loads every remaining page with a cancellable progress notification; true when the listing is complete. */
  async loadRest(): Promise<boolean> {
    if (this.index.complete) {
      return true;
    }
    this.listedOnce = true;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loading the rest of the HeyGen library'), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          progress.report({ message: vscode.l10n.t('{0} assets listed', this.index.size) });
          return await this.index.loadAll(abort.signal, ({ loaded }) => progress.report({ message: vscode.l10n.t('{0} assets listed', loaded) }));
        } finally {
          cancel.dispose();
        }
      },
    );
  }

  /** Asks HeyGen about this key's uploads that are due (see StaleMarks); the Assets view marks the gone ones. */
  async checkStale(): Promise<{ asked: number; gone: string[] }> {
    const found = await this.deps.apiKeys.get();
    if (!found) {
      return { asked: 0, gone: [] };
    }
    const fingerprint = keyFingerprint(found.key);
    const candidates = this.deps.history
      .all()
      .filter((r) => r.keyFingerprint === fingerprint)
      .map((r) => ({ id: r.id, uploadedAt: r.uploadedAt }));
    return this.index.checkStale(candidates);
  }

  /** Listed on HeyGen and not known gone: Remove from History offers deleting it there too. */
  existsOnHeyGen(assetId: string): boolean {
    return this.index.get(assetId) !== undefined && !this.index.isGone(assetId);
  }

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
      return record !== undefined && record.keyFingerprint !== '' && record.keyFingerprint !== fingerprint && this.index.get(t.id) === undefined;
    };
    const others = targets.filter(foreign);
    if (others.length > 0) {
      void vscode.window.showWarningMessage(
        others.length === 1
          ? vscode.l10n.t('"{0}" was uploaded with another API key, so it cannot be deleted with this one.', others[0].name)
          : vscode.l10n.t('{0} of these were uploaded with another API key, so they cannot be deleted with this one.', others.length),
      );
    }
    const unique = [...new Map(targets.filter((t) => !foreign(t)).map((t) => [t.id, t])).values()];
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
            const outcome = await this.api.delete(target.id, signal);
            summary.deleted.push(target);
            this.deps.log.info(`Deleted from HeyGen: "${target.name}" (asset ${target.id})${outcome === 'alreadyGone' ? ', which HeyGen no longer had' : ''}.`);
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
    this.index.applyDeleted(summary.deleted.map((t) => t.id));
    this.showSummary(summary, todo.length);
    if (this.view) {
      this.refreshSoon(this.view, 0);
    }
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

  /** Uploads come in bursts: one refresh after the last, now if the view is on screen, else when it is next seen. */
  private refreshSoon(view: vscode.TreeView<LibraryNode>, delayMs = REFRESH_AFTER_UPLOAD_MS): void {
    if (!view.visible) {
      this.missedChange = true;
      return;
    }
    if (this.uploadTimer) {
      clearTimeout(this.uploadTimer);
    }
    this.uploadTimer = setTimeout(() => void this.refresh(), delayMs);
  }

  private register(context: vscode.ExtensionContext): void {
    const view = vscode.window.createTreeView<LibraryNode>(VIEW_LIBRARY, { treeDataProvider: this.tree, canSelectMany: true, showCollapseAll: true });
    this.view = view;
    this.tree.attachView(view);
    const update = (): void => {
      view.description = libraryDescription(this.index, this.tree.filter);
      setLibraryState(this.tree.state);
      void vscode.commands.executeCommand('setContext', ContextKey.LibraryFiltered, libraryFilterActive(this.tree.filter));
    };
    update();
    let firstCheck: NodeJS.Timeout | undefined;
    let hourly: NodeJS.Timeout | undefined;
    const minutely = setInterval(() => view.visible && update(), DESCRIPTION_REFRESH_MS);
    this.disposables.push(
      this.deps.session.whenStarted(() => {
        firstCheck = setTimeout(() => void this.checkStale().catch(() => undefined), FIRST_CHECK_DELAY_MS);
        hourly = setInterval(() => void this.checkStale().catch(() => undefined), CHECK_EVERY_MS);
      }),
      this.deps.session.watchView(view),
      view,
      this.tree,
      this.index,
      this.index.onDidChange((change) => {
        if (change.reason !== 'marks') {
          this.tree.refresh();
        }
        update();
      }),
      this.tree.onDidChangeFilter(update),
      // The cached listing is shown at once; page one is asked the first time the view is seen, and again when it
      // comes back after an upload or a key change it missed (a hidden view asks HeyGen nothing).
      view.onDidChangeVisibility((e) => {
        if (e.visible && (!this.listedOnce || this.missedChange)) {
          this.missedChange = false;
          void this.refresh();
        }
      }),
      this.deps.history.onDidChange((change) => {
        if (change.local && change.added.length > 0 && this.listedOnce) {
          this.refreshSoon(view);
        }
      }),
      this.deps.apiKeys.onDidChange(() => {
        void LibraryController.owner(this.deps).then((owner) => {
          this.api.reset();
          this.index.setOwner(owner);
          this.refreshSoon(view, 0);
        });
      }),
      this.deps.config.onDidChange((affects) => {
        if (affects('apiBaseUrl')) {
          this.api.reset();
          void LibraryController.owner(this.deps).then((owner) => this.index.setOwner(owner));
        }
      }),
      {
        dispose: () => {
          clearTimeout(firstCheck);
          clearInterval(hourly);
          clearInterval(minutely);
          if (this.uploadTimer) {
            clearTimeout(this.uploadTimer);
          }
        },
      },
    );
    context.subscriptions.push(this);
    if (view.visible) {
      void this.refresh();
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) {
      d.dispose();
    }
  }
}

