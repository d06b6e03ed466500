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
import { keyFingerprint } from '../../core/base/contentHash';
import { HeyGenError } from '../../core/base/heygenError';
import { isAssetId } from '../../core/heygen/assetId';
import { LibraryTreeProvider, libraryDescription, setLibraryState, type LibraryNode } from './libraryTreeView';
import type { UsedIn } from '../../core/references/usedIn';
import { refreshAgesWhileVisible } from '../ui/ageRefresh';
import { AssetDeleter, type DeleteSummary, type DeleteTarget } from './deleteAssets';

export type { DeleteSummary, DeleteTarget } from './deleteAssets';

/** Uploads come in bursts (a folder, a multi-select): one refresh after the last of them. */
const REFRESH_AFTER_UPLOAD_MS = 1_000;
/**
 * The first stale check waits a little after HeyGen work starts (see SessionStart: never at activation); later rounds
 * run hourly (each asset still once per 12 h).
 */
const FIRST_CHECK_DELAY_MS = 15_000;
const CHECK_EVERY_MS = 60 * 60_000;

export interface LibraryDeps {
  config: Configuration;
  apiKeys: ApiKeyService;
  history: HistoryStore;
  log: Log;
  /** Stale checks wait for it; the Library view on screen starts it. */
  session: SessionStart;
  /** Where the workspace's payloads use each asset: the rows say so, and Delete from HeyGen names the files. */
  usedIn?: UsedIn;
}

/** The Library's cache as read from disk and the API it lists through: what creating the controller starts from. */
export interface OpenedLibrary {
  readonly index: LibraryIndex;
  readonly api: ResettableLibraryApi;
}

/** The Library: its index over HeyGen v3, the view, and when it lists, checks and deletes. */
export class LibraryController implements vscode.Disposable {
  readonly tree: LibraryTreeProvider;
  private view: vscode.TreeView<LibraryNode> | undefined;
  private listedOnce = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly deleter: AssetDeleter;
  private uploadTimer: NodeJS.Timeout | undefined;
  private missedChange = false;

  private constructor(
    readonly index: LibraryIndex,
    private readonly api: ResettableLibraryApi,
    private readonly deps: LibraryDeps,
  ) {
    this.tree = new LibraryTreeProvider({ index, history: deps.history, usedIn: deps.usedIn });
    this.deleter = new AssetDeleter({ api, index, history: deps.history, apiKeys: deps.apiKeys, log: deps.log, usedIn: deps.usedIn });
  }

  /**
   * Reads the Library's cache file: apart from creating the controller, so that activation reads it together with the
   * history and the references index instead of after them.
   */
  static async openIndex(context: vscode.ExtensionContext, deps: Pick<LibraryDeps, 'config' | 'apiKeys' | 'log'>): Promise<OpenedLibrary> {
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
    return { index, api };
  }

  static create(context: vscode.ExtensionContext, opened: OpenedLibrary, deps: LibraryDeps): LibraryController {
    const controller = new LibraryController(opened.index, opened.api, deps);
    controller.register(context);
    return controller;
  }

  /** A listing belongs to a key at a base URL; only a one-way fingerprint of the key is kept. */
  private static async owner(deps: Pick<LibraryDeps, 'config' | 'apiKeys'>): Promise<string | undefined> {
    const found = await deps.apiKeys.get();
    return found ? `${keyFingerprint(found.key)}@${deps.config.apiBaseUrl}` : undefined;
  }

  get viewVisible(): boolean {
    return this.view?.visible ?? false;
  }

  /** A listing was asked for since activation (the view was seen, or a command or the Assets view asked). */
  get listedThisSession(): boolean {
    return this.listedOnce;
  }

  /** Lists page one again; without a key, says so instead. Never rejects. */
  refresh(): Promise<void> {
    this.listedOnce = true;
    const run = (async () => {
      if (!(await this.deps.apiKeys.get())) {
        this.index.setProblem({ kind: 'noKey', message: vscode.l10n.t('No HeyGen API key is set.') });
        return;
      }
      await this.index.refresh();
    })();
    // Kept until it ends, so that a reveal can wait for it from its first turn on (the key lookup comes first).
    const tracked: Promise<void> = run
      .catch(() => undefined)
      .finally(() => {
        if (this.refreshing === tracked) {
          this.refreshing = undefined;
        }
      });
    this.refreshing = tracked;
    return run;
  }

  private refreshing: Promise<void> | undefined;

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
      .filter((r) => r.keyFingerprint === fingerprint && isAssetId(r.id))
      .map((r) => ({ id: r.id, uploadedAt: r.uploadedAt }));
    return this.index.checkStale(candidates);
  }

  /** Shows and selects the asset's row in the Library (when it is listed and not filtered out). */
  async reveal(assetId: string, options: { focus?: boolean } = {}): Promise<boolean> {
    // Showing the view starts a listing that replaces the rows: revealing meanwhile makes VS Code resolve the row
    // against rows it is dropping ("No tree item with id …"), and nothing is selected.
    // A refresh that lands while VS Code resolves the reveal (the reference counts, a listing started elsewhere) can
    // drop the selection too: then the row is revealed again, at most three times.
    // The view's visibility reaches the extension host after a focus command resolves, and its first showing starts
    // that listing: wait for the event (bounded) so that the listing is under way before the reveal waits for it.
    if (this.view && !this.view.visible) {
      await shownOrAfter(this.view, VISIBILITY_WAIT_MS);
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.refreshing;
      await this.index.idle();
      const node = this.tree.nodeFor(assetId);
      const view = this.view;
      if (!node || !view) {
        return false;
      }
      await view.reveal(node, { select: true, focus: options.focus ?? false });
      if (view.selection.some((n) => (n.type === 'asset' || n.type === 'libraryItem') && n.library.id === assetId)) {
        return true;
      }
    }
    return false;
  }

  /** Listed on HeyGen and not known gone: Remove from History offers deleting it there too. */
  existsOnHeyGen(assetId: string): boolean {
    return this.index.get(assetId) !== undefined && !this.index.isGone(assetId);
  }

  /** Deletes after a modal confirmation (see deleteAssets.ts), then lists page one again when the view is seen. */
  async delete(targets: readonly DeleteTarget[]): Promise<DeleteSummary | undefined> {
    const summary = await this.deleter.delete(targets);
    if (summary && this.view) {
      this.refreshSoon(this.view, 0);
    }
    return summary;
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
    // The rows' ages and the description's "updated 2 minutes ago" turn together, on the newest upload's minute.
    const ages = refreshAgesWhileVisible(
      view,
      () => {
        this.tree.refresh();
        update();
      },
      () => this.newestShown(),
    );
    let firstCheck: NodeJS.Timeout | undefined;
    let hourly: NodeJS.Timeout | undefined;
    this.disposables.push(
      this.deps.session.whenStarted(() => {
        firstCheck = setTimeout(() => void this.checkStale().catch(() => undefined), FIRST_CHECK_DELAY_MS);
        hourly = setInterval(() => void this.checkStale().catch(() => undefined), CHECK_EVERY_MS);
      }),
      this.deps.session.watchView(view),
      ages,
      view,
      this.tree,
      this.index,
      this.index.onDidChange((change) => {
        if (change.reason !== 'marks') {
          this.tree.refresh();
          ages.refreshed();
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

  /** The newest upload time the Library shows (its listing is newest first). */
  private newestShown(): number | undefined {
    const newest = this.index.all().find((asset) => asset.uploadedAt > 0);
    return newest?.uploadedAt;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) {
      d.dispose();
    }
  }
}

/** How long a reveal waits for a view it just focused to be reported visible. */
const VISIBILITY_WAIT_MS = 2_000;

/** Resolves when the view is reported visible, or after `ms` (a collapsed or closed view may never be). */
function shownOrAfter(view: vscode.TreeView<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      listener.dispose();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const listener = view.onDidChangeVisibility((e) => {
      if (e.visible) {
        done();
      }
    });
  });
}
