import * as vscode from 'vscode';
import { CommandId, ContextKey } from '../commands/commandIds';
import type { HistoryStore } from '../../core/history/historyStore';
import { describeFilter } from '../../core/history/historyTree';
import { relativeTime } from '../../core/base/time';
import { SourceExistence } from '../../core/history/sourceExistence';
import type { LibraryKind } from '../../core/heygen/libraryAsset';
import type { LibraryIndex } from '../../core/library/libraryIndex';
import {
  NO_LIBRARY_FILTER,
  buildLibraryModel,
  libraryContextValue,
  libraryFilterActive,
  libraryLabel,
  libraryTooltipMarkdown,
  type LibraryFilter,
  type LibraryItemNode,
  type LibraryModel,
  type LibraryNode,
} from '../../core/library/libraryTree';
import { groupAccessibilityLabel } from '../ui/groupLabels';
import { kindFilterName, kindGroupLabel, kindLabel } from '../../core/base/mediaKinds';
import { usedInDescription, usedInMarkdown, type UsedIn } from '../../core/references/usedIn';

export type { LibraryNode };
type ItemNode = LibraryItemNode;

/** What `heygen.libraryState` says, for the view's welcome content (shown while the tree is empty). */
export type LibraryViewState = 'noKey' | 'auth' | 'forbidden' | 'notFound' | 'offline' | 'other' | 'loading' | 'empty' | 'filteredEmpty' | 'ready';

const ICONS: Record<LibraryKind, string> = { image: 'file-media', video: 'device-camera-video', audio: 'unmute', other: 'file' };
const LOAD_MORE: LibraryNode = { type: 'loadMore' };

export function libraryGroupLabel(kind: LibraryKind): string {
  return kind === 'other' ? vscode.l10n.t('Other') : kindGroupLabel(kind);
}

function kindName(kind: LibraryKind): string {
  return kind === 'other' ? vscode.l10n.t('Other') : kindLabel(kind);
}

type Model = LibraryModel;

export interface LibraryViewDeps {
  index: LibraryIndex;
  history: HistoryStore;
  /** Where the workspace's payloads use each asset (the description's "used in N files", the tooltip's list). */
  usedIn?: UsedIn;
}

export class LibraryTreeProvider implements vscode.TreeDataProvider<LibraryNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<LibraryNode | LibraryNode[] | undefined | void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly filterEmitter = new vscode.EventEmitter<LibraryFilter>();
  readonly onDidChangeFilter = this.filterEmitter.event;
  private currentFilter: LibraryFilter = NO_LIBRARY_FILTER;
  private model: Model | undefined;
  private readonly sources = new SourceExistence({ onChange: (files) => this.sourcesChanged(files) });
  private view: vscode.TreeView<LibraryNode> | undefined;

  constructor(private readonly deps: LibraryViewDeps) {}

  get filter(): LibraryFilter {
    return this.currentFilter;
  }

  setFilter(filter: LibraryFilter): void {
    this.currentFilter = { text: filter.text.trim(), kinds: [...filter.kinds] };
    this.refresh();
    this.filterEmitter.fire(this.currentFilter);
  }

  refresh(): void {
    this.model = undefined;
    this.changeEmitter.fire();
  }

  attachView(view: vscode.TreeView<LibraryNode>): void {
    this.view = view;
  }

  get viewDescription(): string | undefined {
    return this.view?.description;
  }

  /** The selected rows (for commands run from a keybinding). */
  get selection(): readonly LibraryNode[] {
    return this.view?.selection ?? [];
  }

  /** What the welcome content should say, given the index and the filter. */
  get state(): LibraryViewState {
    const { index } = this.deps;
    if (index.size === 0) {
      if (index.problem) {
        return index.problem.kind;
      }
      if (index.busy || index.fetchedAt === undefined) {
        return 'loading';
      }
      return 'empty';
    }
    return this.ensureModel().groups.length === 0 ? 'filteredEmpty' : 'ready';
  }

  nodeFor(assetId: string): LibraryNode | undefined {
    return this.ensureModel().byId.get(assetId);
  }

  getChildren(element?: LibraryNode): LibraryNode[] {
    const model = this.ensureModel();
    if (!element) {
      // Load More goes on as long as HeyGen has more, also under a filter (the next page may match).
      return this.deps.index.hasMore && model.groups.length + this.deps.index.size > 0 ? [...model.groups, LOAD_MORE] : model.groups;
    }
    return element.type === 'libraryGroup' ? (model.children.get(element.kind) ?? []) : [];
  }

  getParent(element: LibraryNode): LibraryNode | undefined {
    if (element.type === 'asset' || element.type === 'libraryItem') {
      return this.ensureModel().groups.find((g) => g.kind === element.library.kind);
    }
    return undefined;
  }

  getTreeItem(element: LibraryNode): vscode.TreeItem {
    switch (element.type) {
      case 'libraryGroup': {
        const item = new vscode.TreeItem(libraryGroupLabel(element.kind), vscode.TreeItemCollapsibleState.Expanded);
        item.description = String(element.count);
        item.contextValue = 'libraryGroup';
        item.accessibilityInformation = { label: groupAccessibilityLabel(libraryGroupLabel(element.kind), element.count) };
        return item;
      }
      case 'loadMore': {
        const busy = this.deps.index.busy;
        const item = new vscode.TreeItem(busy ? vscode.l10n.t('Loading…') : vscode.l10n.t('Load More…'), vscode.TreeItemCollapsibleState.None);
        item.id = 'library:loadMore';
        item.description = vscode.l10n.t('{0} listed so far', this.deps.index.size);
        item.iconPath = new vscode.ThemeIcon(busy ? 'loading~spin' : 'more');
        item.contextValue = 'libraryLoadMore';
        item.command = { command: CommandId.LoadMoreLibrary, title: vscode.l10n.t('Load More…') };
        return item;
      }
      default:
        return this.assetItem(element);
    }
  }

  async resolveTreeItem(item: vscode.TreeItem, element: LibraryNode): Promise<vscode.TreeItem> {
    if (element.type === 'asset' || element.type === 'libraryItem') {
      const ours = this.deps.history.get(element.library.id);
      // The source file as a thumbnail only when it is there: a missing one would show a broken image.
      const sourceExists = await this.sources.check(ours?.sourcePath);
      const markdown = libraryTooltipMarkdown(
        element.library,
        ours,
        {
          id: vscode.l10n.t('ID'),
          heygenName: vscode.l10n.t('Name at HeyGen'),
          url: vscode.l10n.t('URL'),
          uploaded: vscode.l10n.t('Uploaded'),
          source: vscode.l10n.t('Source'),
          kind: kindName(element.library.kind),
        },
        Date.now(),
        vscode.env.language,
        sourceExists,
      );
      const used = usedInMarkdown(this.deps.usedIn?.files(element.library) ?? []);
      const tooltip = new vscode.MarkdownString(used ? `${markdown}\n\n${used}` : markdown, false);
      tooltip.isTrusted = false;
      item.tooltip = tooltip;
    }
    return item;
  }

  private assetItem(element: ItemNode): vscode.TreeItem {
    const asset = element.library;
    const now = Date.now();
    const ours = this.deps.history.get(asset.id);
    // This machine's uploads by the file they came from; HeyGen's name is in the tooltip.
    const item = new vscode.TreeItem(libraryLabel(asset, ours), vscode.TreeItemCollapsibleState.None);
    item.id = `library:${asset.id}`;
    const sourceExists = this.sources.exists(ours?.sourcePath, now);
    const when = asset.uploadedAt > 0 ? relativeTime(asset.uploadedAt, now, vscode.env.language) : undefined;
    const used = usedInDescription(this.deps.usedIn?.count(asset) ?? 0);
    item.description = when && used ? `${when} · ${used}` : (when ?? used);
    // A thumbnail only where one is at hand without downloading: the source file of our upload.
    item.iconPath = asset.kind === 'image' && sourceExists && ours?.sourcePath ? vscode.Uri.file(ours.sourcePath) : new vscode.ThemeIcon(ICONS[asset.kind]);
    item.contextValue = libraryContextValue(asset, sourceExists);
    return item;
  }

  private sourcesChanged(files: string[]): void {
    if (!this.model) {
      return;
    }
    const changed = new Set(files);
    const nodes = [...this.model.byId.values()].filter((n) => {
      const path = this.deps.history.get(n.library.id)?.sourcePath;
      return path !== undefined && changed.has(path);
    });
    if (nodes.length > 0) {
      this.changeEmitter.fire(nodes);
    }
  }

  private ensureModel(): Model {
    this.model ??= buildLibraryModel(this.deps.index.all(), this.currentFilter, (id) => this.deps.history.get(id));
    return this.model;
  }

  dispose(): void {
    this.sources.dispose();
    this.changeEmitter.dispose();
    this.filterEmitter.dispose();
  }
}

/** "Updated 5 minutes ago", "Cached 2 hours ago · refreshing…", with the filter in front when one is set. */
export function libraryDescription(index: LibraryIndex, filter: LibraryFilter, now = Date.now()): string | undefined {
  const parts: string[] = [];
  if (libraryFilterActive(filter)) {
    const text = describeFilter({ text: filter.text, kinds: filter.kinds }, kindFilterName);
    parts.push(index.complete ? vscode.l10n.t('Filter: {0}', text) : vscode.l10n.t('Filter: {0} (in the {1} listed)', text, index.size));
  }
  const age = index.fetchedAt !== undefined ? relativeTime(index.fetchedAt, now, vscode.env.language) : undefined;
  if (index.busy) {
    parts.push(age && index.fromCache ? vscode.l10n.t('cached {0} · refreshing…', age) : vscode.l10n.t('refreshing…'));
  } else if (age) {
    if (index.problem && index.size > 0) {
      parts.push(vscode.l10n.t('could not refresh · listed {0}', age));
    } else {
      parts.push(index.fromCache ? vscode.l10n.t('cached {0}', age) : vscode.l10n.t('updated {0}', age));
    }
  }
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

export function setLibraryState(state: LibraryViewState): void {
  void vscode.commands.executeCommand('setContext', ContextKey.LibraryState, state);
}

