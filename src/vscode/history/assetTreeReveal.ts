import * as vscode from 'vscode';
import type { AssetKind } from '../../core/base/mediaKinds';
import type { AssetRows, AssetTreeModel } from './assetTreeModel';
import type { AssetTreeNode } from './assetTreeNodes';

/** How long a reveal waits for the view to fetch the rows it needs before it gives up selecting. */
const REVEAL_GIVE_UP_MS = 5_000;

/**
 * Selects rows with VS Code's TreeView.reveal without racing a refresh. VS Code resolves a reveal against the rows it
 * fetched, and the extension host log says "Cannot resolve tree item" when they are not the rows of now:
 * - a change fired while it resolves makes it drop them and fetch again mid-reveal: so the view hears of changes only
 *   once the reveal is done, and is meanwhile shown the rows the reveal was computed on;
 * - a reveal between two queued refreshes resolves against rows fetched before the latest change: so a reveal waits
 *   until the view has fetched the tree as it now is (the root, and the row's group unless the person collapsed it).
 * Only VS Code's own fetches (through `dataProvider`) count; anyone else reading the rows must not make a reveal think
 * the view has caught up.
 */
export class AssetTreeReveals implements vscode.Disposable {
  /** What the view fetched since the last change of the whole tree: `root`, `group:<kind>`, `asset:<record id>`. */
  private readonly fetched = new Set<string>();
  private readonly collapsed = new Set<AssetKind>();
  private waiters: Array<() => boolean> = [];
  private view: vscode.TreeView<AssetTreeNode> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private target: string | undefined;
  private queue: Promise<void> = Promise.resolve();
  /** The rows VS Code is resolving a reveal against (undefined while none is). */
  private held: AssetRows | undefined;
  private changedMeanwhile = false;

  constructor(
    private readonly model: AssetTreeModel,
    private readonly fireChange: () => void,
  ) {}

  /** The whole tree changed: the view has to fetch it again before a reveal; it hears of it now or after the reveal. */
  treeChanged(): void {
    this.fetched.clear();
    if (this.held) {
      this.changedMeanwhile = true;
      return;
    }
    this.fireChange();
  }

  /** The data provider the view itself is given: the provider's rows, noting what the view has fetched. */
  dataProvider(provider: vscode.TreeDataProvider<AssetTreeNode>): vscode.TreeDataProvider<AssetTreeNode> {
    return {
      onDidChangeTreeData: provider.onDidChangeTreeData,
      getChildren: (element) => {
        const children = this.model.children(element, this.held);
        if (!element) {
          this.noteFetched('root');
        } else if (element.type === 'group') {
          this.noteFetched(`group:${element.kind}`);
        }
        return children;
      },
      getParent: (element) => provider.getParent?.(element),
      getTreeItem: (element) => {
        if (element.type === 'asset') {
          // VS Code asks for a row's item while it registers the rows it fetched: the row is about to be known.
          this.noteFetched(`asset:${element.record.id}`);
        }
        return provider.getTreeItem(element);
      },
      resolveTreeItem: (item, element, token) => provider.resolveTreeItem?.(item, element, token),
    };
  }

  attach(view: vscode.TreeView<AssetTreeNode>): void {
    this.view = view;
    this.subscriptions.push(
      view.onDidCollapseElement(({ element }) => {
        if (element.type === 'group') {
          this.collapsed.add(element.kind);
          this.checkWaiters();
        }
      }),
      view.onDidExpandElement(({ element }) => element.type === 'group' && this.collapsed.delete(element.kind)),
      view.onDidChangeVisibility(() => this.checkWaiters()),
    );
  }

  /**
   * Selects the record's row. Reveals run one at a time and a burst collapses into the newest: two reveals resolving
   * the same unfetched parent at once make VS Code fetch it twice, and the second fetch drops what the first one
   * registered. VS Code's own reveal waits for the refreshes already fired, so no timer.
   */
  reveal(recordId: string): Promise<void> {
    this.target = recordId;
    const run = this.queue.then(() => this.revealLatest());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async revealLatest(): Promise<void> {
    const recordId = this.target;
    this.target = undefined;
    if (recordId === undefined || !(await this.viewCaughtUp(recordId))) {
      // An earlier call in the burst revealed the newest target; or the view never fetched the current rows, and
      // selecting is a courtesy (a failed reveal is logged as an error).
      return;
    }
    // Checked and called in one turn, so a change after the check is one VS Code's reveal waits for itself.
    const node = this.model.nodeFor(recordId);
    if (!node || !this.view) {
      return;
    }
    // A refresh VS Code had already queued runs before it resolves the reveal: it must find the row too.
    this.held = this.model.rows();
    try {
      await this.view.reveal(node, { select: true, focus: false, expand: true });
    } finally {
      this.held = undefined;
      if (this.changedMeanwhile) {
        this.changedMeanwhile = false;
        this.fireChange();
      }
    }
  }

  /** Resolves true once the view shows the tree as it now is; false if it has not fetched it within a few seconds. */
  private viewCaughtUp(recordId: string): Promise<boolean> {
    const caughtUp = (): boolean => {
      if (!this.view?.visible) {
        return true; // A hidden view fetches nothing; VS Code's reveal resolves the path itself, then opens it.
      }
      const node = this.model.nodeFor(recordId);
      if (!node) {
        return true; // Filtered out or removed: nothing to wait for.
      }
      const kind = node.record.fileType;
      return this.fetched.has('root') && (this.collapsed.has(kind) || (this.fetched.has(`group:${kind}`) && this.fetched.has(`asset:${recordId}`)));
    };
    if (caughtUp()) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      // Not a wait before revealing: a bound on how long a queued reveal may hold up the ones after it.
      const giveUp = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, REVEAL_GIVE_UP_MS);
      const waiter = (): boolean => {
        if (!caughtUp()) {
          return false;
        }
        clearTimeout(giveUp);
        resolve(true);
        return true;
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * VS Code registers what getChildren returned a few promise turns later; the waiters look once that is done
   * (the next event-loop turn), so the reveal finds the rows registered instead of fetching them a second time.
   */
  private noteFetched(what: string): void {
    this.fetched.add(what);
    if (this.waiters.length > 0) {
      setImmediate(() => this.checkWaiters());
    }
  }

  private checkWaiters(): void {
    this.waiters = this.waiters.filter((settled) => !settled());
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    // A reveal still waiting settles; its view is gone.
    this.view = undefined;
    this.checkWaiters();
  }
}
