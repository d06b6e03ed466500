import * as vscode from 'vscode';
import type { UsedIn } from '../../core/references/usedIn';
import type { Logger } from '../../core/base/logger';
import type { AssetRecord } from '../../core/base/assetRecord';
import type { HistoryStore } from '../../core/history/historyStore';
import { NO_FILTER, normalizeFilter, type HistoryFilter } from '../../core/history/historyTree';
import { SourceExistence } from '../../core/history/sourceExistence';
import type { DroppedMediaUploads } from '../droppedMedia/droppedMedia';
import { AssetTreeDragAndDrop } from './assetTreeDragAndDrop';
import { assetTreeItem, resolveAssetTooltip, type RowFacts } from './assetTreeItems';
import { AssetTreeModel } from './assetTreeModel';
import { AssetTreeReveals } from './assetTreeReveal';
import type { AssetNode, AssetTreeNode } from './assetTreeNodes';

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
  private readonly model: AssetTreeModel;
  private readonly sources = new SourceExistence({ onChange: (files) => this.sourcesChanged(files) });
  private readonly facts: RowFacts;
  private readonly reveals: AssetTreeReveals;
  private view: vscode.TreeView<AssetTreeNode> | undefined;

  constructor(deps: HistoryViewDeps) {
    this.dragAndDrop = new AssetTreeDragAndDrop(deps);
    this.dropMimeTypes = this.dragAndDrop.dropMimeTypes;
    this.dragMimeTypes = this.dragAndDrop.dragMimeTypes;
    this.model = new AssetTreeModel(deps.history, () => this.currentFilter);
    this.facts = { sources: this.sources, isGone: deps.isGone, usedIn: deps.usedIn };
    this.reveals = new AssetTreeReveals(this.model, () => this.changeEmitter.fire());
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

  private rebuild(): void {
    this.model.invalidate();
    this.reveals.treeChanged();
  }

  /** The data provider the view is given: the same rows, and what it fetched counts for a waiting reveal. */
  forView(): vscode.TreeDataProvider<AssetTreeNode> {
    return this.reveals.dataProvider(this);
  }

  attachView(view: vscode.TreeView<AssetTreeNode>): void {
    this.view = view;
    this.reveals.attach(view);
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

  /** Selects the record's row (see assetTreeReveal.ts). */
  reveal(recordId: string): Promise<void> {
    return this.reveals.reveal(recordId);
  }

  /** The row of a record the tree shows (undefined when it is filtered out or gone). */
  nodeFor(recordId: string): AssetNode | undefined {
    return this.model.nodeFor(recordId);
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
    return this.model.children(element);
  }

  getParent(element: AssetTreeNode): AssetTreeNode | undefined {
    return this.model.parent(element);
  }

  getTreeItem(element: AssetTreeNode): vscode.TreeItem {
    return assetTreeItem(element, this.facts);
  }

  resolveTreeItem(item: vscode.TreeItem, element: AssetTreeNode): Promise<vscode.TreeItem> {
    return resolveAssetTooltip(item, element, this.facts);
  }

  /** Background checks found files that appeared or vanished: refresh just their rows. */
  private sourcesChanged(files: string[]): void {
    const rows = this.model.rowsWithSource(new Set(files));
    if (rows.length > 0) {
      this.changeEmitter.fire(rows);
    }
  }

  dispose(): void {
    this.reveals.dispose();
    this.view = undefined;
    this.sources.dispose();
    this.changeEmitter.dispose();
    this.filterEmitter.dispose();
  }
}
