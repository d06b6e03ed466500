import * as vscode from 'vscode';
import { usedInDescription, usedInMarkdown, type UsedIn } from '../../core/references/usedIn';
import { kindGroupLabel, type AssetKind } from '../../core/base/mediaKinds';
import type { Logger } from '../../core/base/logger';
import type { AssetRecord } from '../../core/base/assetRecord';
import type { HistoryStore } from '../../core/history/historyStore';
import { GROUP_CONTEXT_VALUE, NO_FILTER, assetContextValue, assetLabel, assetTooltipMarkdown, groupAssets, normalizeFilter, type HistoryFilter } from '../../core/history/historyTree';
import { relativeTime } from '../../core/base/time';
import { SourceExistence } from '../../core/history/sourceExistence';
import type { DroppedMediaUploads } from '../droppedMedia/droppedMedia';
import { AssetTreeDragAndDrop } from './assetTreeDragAndDrop';
import { groupAccessibilityLabel } from '../ui/groupLabels';
import type { AssetNode, AssetTreeNode, GroupNode } from './assetTreeNodes';

export type { AssetNode, AssetTreeNode, GroupNode } from './assetTreeNodes';

export type UploadFn = (uris: vscode.Uri[], options?: { force?: boolean }) => Promise<unknown>;

export interface HistoryViewDeps {
  history: HistoryStore;
  log: Logger;
  /** Drops onto the view: files and web addresses, uploaded through the UploadPort. */
  media: DroppedMediaUploads;
  /** Whether HeyGen no longer has the asset (the Library's stale marks): the row then warns. */
  isGone?: (assetId: string) => boolean;
  /** The HeyGen account ("username · Plan"), shown as the view's description while no filter is. */
  account?: { readonly description: string | undefined; readonly onDidChange: vscode.Event<void> };
  /** Where the workspace's payloads use each asset (the description's "used in N files", the tooltip's list). */
  usedIn?: UsedIn;
  /** Starts HeyGen work (the account check, stale checks) once the view is on screen: never at activation. */
  session?: { watchView(view: vscode.TreeView<unknown>): vscode.Disposable };
}


const ICONS: Record<AssetKind, string> = { image: 'file-media', video: 'device-camera-video', audio: 'unmute' };

interface Model {
  groups: GroupNode[];
  children: Map<AssetKind, AssetNode[]>;
}

/** How long a reveal waits for the view to fetch the rows it needs before it gives up selecting. */
const REVEAL_GIVE_UP_MS = 5_000;

export class AssetTreeProvider
  implements vscode.TreeDataProvider<AssetTreeNode>, vscode.TreeDragAndDropController<AssetTreeNode>, vscode.Disposable
{
  private readonly dragAndDrop: AssetTreeDragAndDrop;
  readonly dropMimeTypes: readonly string[];
  readonly dragMimeTypes: readonly string[];

  private readonly changeEmitter = new vscode.EventEmitter<AssetTreeNode | AssetTreeNode[] | undefined | void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly filterEmitter = new vscode.EventEmitter<HistoryFilter>();
  readonly onDidChangeFilter = this.filterEmitter.event;

  private currentFilter: HistoryFilter = NO_FILTER;
  private model: Model | undefined;
  private readonly groupNodes = new Map<AssetKind, GroupNode>();
  private readonly assetNodes = new Map<string, AssetNode>();
  private readonly sources = new SourceExistence({ onChange: (files) => this.sourcesChanged(files) });
  private view: vscode.TreeView<AssetTreeNode> | undefined;

  constructor(private readonly deps: HistoryViewDeps) {
    this.dragAndDrop = new AssetTreeDragAndDrop(deps);
    this.dropMimeTypes = this.dragAndDrop.dropMimeTypes;
    this.dragMimeTypes = this.dragAndDrop.dragMimeTypes;
  }

  /** Dragging assets out carries their URLs (see assetTreeDragAndDrop.ts). */
  handleDrag(source: readonly AssetTreeNode[], dataTransfer: vscode.DataTransfer): void {
    this.dragAndDrop.handleDrag(source, dataTransfer);
  }

  /** Files and web addresses dropped onto the view are uploaded (see assetTreeDragAndDrop.ts). */
  handleDrop(target: AssetTreeNode | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    return this.dragAndDrop.handleDrop(target, dataTransfer, token);
  }

  get filter(): HistoryFilter {
    return this.currentFilter;
  }

  setFilter(filter: Partial<HistoryFilter> | undefined): void {
    this.currentFilter = normalizeFilter(filter);
    this.rebuild();
    this.filterEmitter.fire(this.currentFilter);
  }

  /** Rebuilds the tree; `recheckSources` also forgets which source files exist. */
  refresh(recheckSources = false): void {
    if (recheckSources) {
      this.sources.forget();
    }
    this.rebuild();
  }

  /** The whole tree changed: the next fetch rebuilds it, and the view has to fetch it again before a reveal. */
  private rebuild(): void {
    this.model = undefined;
    this.generation++;
    this.fetched.root = -1;
    this.fetched.groups.clear();
    if (this.revealing) {
      // VS Code is resolving a reveal against the rows it fetched: telling it of a change now makes it drop them and
      // fetch again mid-reveal, which fails when the change took the row or its group away ("Cannot resolve tree
      // item"). It hears of the change the moment the reveal is done; anyone else reads the new rows at once.
      this.changedDuringReveal = true;
      return;
    }
    this.changeEmitter.fire();
  }

  attachView(view: vscode.TreeView<AssetTreeNode>): void {
    this.view = view;
    this.viewSubscriptions.push(
      view.onDidCollapseElement(({ element }) => {
        if (element.type === 'group') {
          this.collapsed.add(element.kind);
          this.checkRevealWaiters();
        }
      }),
      view.onDidExpandElement(({ element }) => {
        if (element.type === 'group') {
          this.collapsed.delete(element.kind);
        }
      }),
      view.onDidChangeVisibility(() => this.checkRevealWaiters()),
    );
  }

  /** The view's description: the active filter, as the person sees it next to the title. */
  get viewDescription(): string | undefined {
    return this.view?.description;
  }

  /** The message above the rows (why the history is read-only for now), as the person sees it. */
  get viewMessage(): string | undefined {
    return this.view?.message;
  }

  /** Whether the Assets view is on screen (new uploads are revealed only then). */
  get viewVisible(): boolean {
    return this.view?.visible ?? false;
  }

  /** The selected assets in the view (for commands run from a keybinding). */
  get selection(): AssetRecord[] {
    return (this.view?.selection ?? []).flatMap((n) => (n.type === 'asset' ? [n.record] : []));
  }

  /**
   * Selects the record's row. Reveals run one at a time and a burst collapses into the newest: two reveals resolving
   * the same unfetched parent at once make VS Code fetch it twice, and the second fetch drops what the first one
   * registered ("Cannot resolve tree item"). VS Code's own reveal waits for the refreshes already fired, so no timer.
   */
  reveal(recordId: string): Promise<void> {
    this.revealTarget = recordId;
    const run = this.revealQueue.then(() => this.revealLatest());
    this.revealQueue = run.catch(() => undefined);
    return run;
  }

  private revealTarget: string | undefined;
  /** While VS Code resolves a reveal, it hears of changes only afterwards (see rebuild). */
  private revealing = false;
  private changedDuringReveal = false;
  private revealedModel: Model | undefined;
  private revealQueue: Promise<void> = Promise.resolve();

  private async revealLatest(): Promise<void> {
    const recordId = this.revealTarget;
    this.revealTarget = undefined;
    if (recordId === undefined) {
      return; // An earlier call in the burst already revealed the newest target.
    }
    if (!(await this.viewCaughtUp(recordId))) {
      return; // The view never fetched the current rows: selecting is a courtesy, a failed reveal is logged as an error.
    }
    // Checked and called in one turn, so a change after the check is one VS Code's reveal waits for itself.
    const node = this.nodeFor(recordId);
    if (node && this.view) {
      this.revealing = true;
      // A refresh VS Code had already queued runs before it resolves the reveal: it must find the row too.
      this.revealedModel = this.ensureModel();
      try {
        await this.view.reveal(node, { select: true, focus: false, expand: true });
      } finally {
        this.revealing = false;
        this.revealedModel = undefined;
        if (this.changedDuringReveal) {
          this.changedDuringReveal = false;
          this.changeEmitter.fire();
        }
      }
    }
  }

  /**
   * Bumped by every change of the whole tree. VS Code can resolve a reveal between two queued refreshes, against
   * rows it fetched before the latest change ("Cannot resolve tree item for element 0/0:Images" when that change
   * added the group): so while the view is on screen a reveal waits until the view has fetched the tree as it now
   * is: the root, and the row's group unless the person collapsed it.
   */
  private generation = 0;
  private readonly fetched = { root: -1, groups: new Map<AssetKind, number>() };
  /** The generation at which the view last asked for each row's item (only rows it fetched). */
  private readonly itemsFetched = new Map<string, number>();
  private readonly collapsed = new Set<AssetKind>();
  private revealWaiters: Array<() => boolean> = [];
  private readonly viewSubscriptions: vscode.Disposable[] = [];

  /** Resolves true once the view shows the tree as it now is; false if it has not fetched it within a few seconds. */
  private viewCaughtUp(recordId: string): Promise<boolean> {
    const caughtUp = (): boolean => {
      if (!this.view?.visible) {
        return true; // A hidden view fetches nothing; VS Code's reveal resolves the path itself, then opens it.
      }
      const node = this.nodeFor(recordId);
      if (!node) {
        return true; // Filtered out or removed: nothing to wait for.
      }
      const kind = node.record.fileType;
      return (
        this.fetched.root === this.generation &&
        (this.collapsed.has(kind) || (this.fetched.groups.get(kind) === this.generation && this.itemsFetched.get(recordId) === this.generation))
      );
    };
    if (caughtUp()) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      // Not a wait before revealing: a bound on how long a queued reveal may hold up the ones after it.
      const giveUp = setTimeout(() => {
        this.revealWaiters = this.revealWaiters.filter((w) => w !== waiter);
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
      this.revealWaiters.push(waiter);
    });
  }

  private checkRevealWaiters(): void {
    this.revealWaiters = this.revealWaiters.filter((settled) => !settled());
  }

  /**
   * VS Code registers what getChildren returned a few promise turns later; the waiters look once that is done
   * (the next event-loop turn), so the reveal finds the rows registered instead of fetching them a second time.
   */
  private noteFetched(): void {
    if (this.revealWaiters.length > 0) {
      setImmediate(() => this.checkRevealWaiters());
    }
  }

  /** The row of a record the tree shows (undefined when it is filtered out or gone). */
  nodeFor(recordId: string): AssetNode | undefined {
    this.ensureModel();
    return this.assetNodes.get(recordId);
  }

  /** Whether the source file exists, checked now (commands call this before acting on the file). */
  sourceExists(file: string | undefined): Promise<boolean> {
    return this.sources.check(file);
  }

  /** Resolves when the background source-file checks have finished and the rows they changed were refreshed. */
  sourceChecksSettled(): Promise<void> {
    return this.sources.whenIdle();
  }

  getChildren(element?: AssetTreeNode): AssetTreeNode[] {
    return this.childrenIn(this.ensureModel(), element);
  }

  private childrenIn(model: Model, element?: AssetTreeNode): AssetTreeNode[] {
    if (!element) {
      return model.groups;
    }
    if (element.type === 'group') {
      return model.children.get(element.kind) ?? [];
    }
    return [];
  }

  /**
   * The data provider the view itself is given: the same rows, and it notes what the view has fetched. Only VS Code's
   * own fetches count for a waiting reveal; anyone else reading the rows (a test, a command) must not make a reveal
   * think the view has caught up.
   */
  forView(): vscode.TreeDataProvider<AssetTreeNode> {
    return {
      onDidChangeTreeData: this.onDidChangeTreeData,
      getChildren: (element) => {
        // While VS Code resolves a reveal, it is shown the rows the reveal was computed on (see revealLatest).
        const children = this.childrenIn(this.revealedModel ?? this.ensureModel(), element);
        if (!element) {
          this.fetched.root = this.generation;
          this.noteFetched();
        } else if (element.type === 'group') {
          this.fetched.groups.set(element.kind, this.generation);
          this.noteFetched();
        }
        return children;
      },
      getParent: (element) => this.getParent(element),
      getTreeItem: (element) => {
        if (element.type === 'asset') {
          // VS Code asks for a row's item while it registers the rows it fetched: the row is about to be known.
          this.itemsFetched.set(element.record.id, this.generation);
          this.noteFetched();
        }
        return this.getTreeItem(element);
      },
      resolveTreeItem: (item, element) => this.resolveTreeItem(item, element),
    };
  }

  getParent(element: AssetTreeNode): AssetTreeNode | undefined {
    if (element.type === 'group') {
      return undefined;
    }
    this.ensureModel();
    return this.groupNodes.get(element.record.fileType);
  }

  getTreeItem(element: AssetTreeNode): vscode.TreeItem {
    if (element.type === 'group') {
      const item = new vscode.TreeItem(kindGroupLabel(element.kind), vscode.TreeItemCollapsibleState.Expanded);
      // No explicit id: when the workbench asks for the root twice at once (a refresh while the view opens), VS Code
      // 1.99 registers the groups twice and throws for explicit ids ("Element with id … is already registered").
      // The labels are unique and stable, so the generated handles keep expansion state just as well.
      item.description = String(element.count);
      item.contextValue = GROUP_CONTEXT_VALUE;
      item.accessibilityInformation = {
        label: groupAccessibilityLabel(kindGroupLabel(element.kind), element.count),
      };
      return item;
    }
    const { record } = element;
    const now = Date.now();
    const label = assetLabel(record);
    const when = relativeTime(record.uploadedAt, now, vscode.env.language);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `asset:${record.id}`;
    const used = usedInDescription(this.deps.usedIn?.count(record) ?? 0);
    item.description = used ? `${when} · ${used}` : when;
    const sourceExists = this.sources.exists(record.sourcePath, now);
    const gone = this.deps.isGone?.(record.id) === true;
    // A thumbnail only where one is at hand without downloading: the source file of the upload.
    item.iconPath = gone
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
      : record.fileType === 'image' && sourceExists && record.sourcePath
        ? vscode.Uri.file(record.sourcePath)
        : new vscode.ThemeIcon(ICONS[record.fileType]);
    item.contextValue = assetContextValue(record, sourceExists) + (gone ? ' gone' : '');
    // No per-row accessibilityInformation: screen readers already read label and description, and a
    // localized string per row costs more than everything else here at 10,000 rows.
    return item;
  }

  /** The tooltip is built on hover only: Markdown for thousands of rows nobody points at is wasted work. */
  async resolveTreeItem(item: vscode.TreeItem, element: AssetTreeNode): Promise<vscode.TreeItem> {
    if (element.type === 'asset') {
      const { record } = element;
      const sourceExists = await this.sources.check(record.sourcePath);
      const markdown = assetTooltipMarkdown(record, {
        now: Date.now(),
        locale: vscode.env.language,
        sourceExists,
      });
      const gone = this.deps.isGone?.(record.id) === true;
      const used = usedInMarkdown(this.deps.usedIn?.files(record) ?? []);
      const text = used ? `${markdown}\n\n${used}` : markdown;
      const tooltip = new vscode.MarkdownString(gone ? `$(warning) ${vscode.l10n.t('deleted on HeyGen: its URL no longer works')}\n\n${text}` : text, gone);
      tooltip.supportHtml = false;
      tooltip.isTrusted = false;
      item.tooltip = tooltip;
    }
    return item;
  }

  /** Background checks found files that appeared or vanished: refresh just their rows. */
  private sourcesChanged(files: string[]): void {
    if (!this.model) {
      return; // The next build reads the new answers.
    }
    const changed = new Set(files);
    const nodes: AssetTreeNode[] = [];
    for (const rows of this.model.children.values()) {
      for (const node of rows) {
        if (node.record.sourcePath !== undefined && changed.has(node.record.sourcePath)) {
          nodes.push(node);
        }
      }
    }
    if (nodes.length > 0) {
      this.changeEmitter.fire(nodes);
    }
  }

  private ensureModel(): Model {
    if (!this.model) {
      const groups: GroupNode[] = [];
      const children = new Map<AssetKind, AssetNode[]>();
      const shown = new Set<string>();
      for (const group of groupAssets(this.deps.history.all(), this.currentFilter)) {
        let groupNode = this.groupNodes.get(group.kind);
        if (!groupNode) {
          groupNode = { type: 'group', kind: group.kind, count: group.count };
          this.groupNodes.set(group.kind, groupNode);
        }
        groupNode.count = group.count;
        groups.push(groupNode);
        children.set(
          group.kind,
          group.records.map((record) => {
            shown.add(record.id);
            let node = this.assetNodes.get(record.id);
            if (node) {
              node.record = record;
            } else {
              node = { type: 'asset', record };
              this.assetNodes.set(record.id, node);
            }
            return node;
          }),
        );
      }
      // Rows no longer shown are forgotten, so the cache never outgrows the history.
      for (const id of this.assetNodes.keys()) {
        if (!shown.has(id)) {
          this.assetNodes.delete(id);
        }
      }
      this.model = { groups, children };
    }
    return this.model;
  }

  dispose(): void {
    for (const subscription of this.viewSubscriptions) {
      subscription.dispose();
    }
    // A reveal still waiting settles; its view is gone.
    this.view = undefined;
    this.checkRevealWaiters();
    this.sources.dispose();
    this.changeEmitter.dispose();
    this.filterEmitter.dispose();
  }
}
