import * as vscode from 'vscode';
import { ContextKey, VIEW_ASSETS } from '../commandIds';
import type { AssetKind } from '../../core/upload/mediaKinds';
import type { Logger } from '../../core/log/logger';
import type { AssetRecord } from '../../core/history/assetRecord';
import type { HistoryChange, HistoryStore } from '../../core/history/historyStore';
import {
  GROUP_CONTEXT_VALUE,
  NO_FILTER,
  assetContextValue,
  assetLabel,
  assetTooltipMarkdown,
  describeFilter,
  groupAssets,
  isFilterActive,
  normalizeFilter,
  relativeTime,
  type HistoryFilter,
  type TooltipLabels,
} from '../../core/history/historyTree';
import { SourceExistence } from '../../core/history/sourceExistence';
import { readDroppedMedia, type DroppedMediaUploads } from '../droppedMedia/droppedMedia';

export type AssetTreeNode = { type: 'group'; kind: AssetKind; count: number } | { type: 'asset'; record: AssetRecord };
type GroupNode = Extract<AssetTreeNode, { type: 'group' }>;
type AssetNode = Extract<AssetTreeNode, { type: 'asset' }>;

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
}

const TREE_MIME = `application/vnd.code.tree.${VIEW_ASSETS.toLowerCase()}`;
const URI_LIST = 'text/uri-list';
/** A drop of many web addresses is more likely a mistake than a wish for that many uploads. */
const MAX_DROPPED_URLS = 5;
/** "2 minutes ago" must not go stale while the view is open. */
const DESCRIPTION_REFRESH_MS = 60_000;

const ICONS: Record<AssetKind, string> = { image: 'file-media', video: 'device-camera-video', audio: 'unmute' };

export function kindGroupLabel(kind: AssetKind): string {
  switch (kind) {
    case 'image':
      return vscode.l10n.t('Images');
    case 'video':
      return vscode.l10n.t('Videos');
    case 'audio':
      return vscode.l10n.t('Audio');
  }
}

/** Lower-case kind names for the filter description ("Filter: foo · images"). */
export function kindFilterName(kind: AssetKind): string {
  switch (kind) {
    case 'image':
      return vscode.l10n.t('images');
    case 'video':
      return vscode.l10n.t('videos');
    case 'audio':
      return vscode.l10n.t('audio');
  }
}

function tooltipLabels(): TooltipLabels {
  return {
    id: vscode.l10n.t('ID'),
    url: vscode.l10n.t('URL'),
    size: vscode.l10n.t('Size'),
    uploaded: vscode.l10n.t('Uploaded'),
    imageKey: vscode.l10n.t('Image key'),
    source: vscode.l10n.t('Source'),
    sourceMissing: vscode.l10n.t('(no longer exists)'),
    kind: (kind) => ({ image: vscode.l10n.t('Image'), video: vscode.l10n.t('Video'), audio: vscode.l10n.t('Audio') })[kind],
  };
}

interface Model {
  groups: GroupNode[];
  children: Map<AssetKind, AssetNode[]>;
}

export class AssetTreeProvider
  implements vscode.TreeDataProvider<AssetTreeNode>, vscode.TreeDragAndDropController<AssetTreeNode>, vscode.Disposable
{
  // 'files' covers files dragged from the operating system whatever their type; the explorer sends a uri-list.
  readonly dropMimeTypes = [URI_LIST, 'files'];
  readonly dragMimeTypes = [URI_LIST];

  private readonly changeEmitter = new vscode.EventEmitter<AssetTreeNode | AssetTreeNode[] | undefined | void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly filterEmitter = new vscode.EventEmitter<HistoryFilter>();
  readonly onDidChangeFilter = this.filterEmitter.event;

  private currentFilter: HistoryFilter = NO_FILTER;
  private model: Model | undefined;
  private readonly sources = new SourceExistence({ onChange: (files) => this.sourcesChanged(files) });
  private view: vscode.TreeView<AssetTreeNode> | undefined;

  constructor(private readonly deps: HistoryViewDeps) {}

  get filter(): HistoryFilter {
    return this.currentFilter;
  }

  setFilter(filter: Partial<HistoryFilter> | undefined): void {
    this.currentFilter = normalizeFilter(filter);
    this.model = undefined;
    this.changeEmitter.fire();
    this.filterEmitter.fire(this.currentFilter);
  }

  /** Rebuilds the tree; `recheckSources` also forgets which source files exist. */
  refresh(recheckSources = false): void {
    if (recheckSources) {
      this.sources.forget();
    }
    this.model = undefined;
    this.changeEmitter.fire();
  }

  attachView(view: vscode.TreeView<AssetTreeNode>): void {
    this.view = view;
  }

  /** The view's description: the active filter, as the person sees it next to the title. */
  get viewDescription(): string | undefined {
    return this.view?.description;
  }

  /** Whether the Assets view is on screen (new uploads are revealed only then). */
  get viewVisible(): boolean {
    return this.view?.visible ?? false;
  }

  /** The selected assets in the view (for commands run from a keybinding). */
  get selection(): AssetRecord[] {
    return (this.view?.selection ?? []).flatMap((n) => (n.type === 'asset' ? [n.record] : []));
  }

  async reveal(recordId: string): Promise<void> {
    // A reveal that overlaps the tree's own (debounced) refresh after a change makes VS Code register the same
    // group twice ("Element with id group:image is already registered"): wait until the view has fetched the new
    // root, or a second at most.
    await Promise.race([this.nextRootFetch(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
    const node = this.nodeFor(recordId);
    if (node && this.view) {
      await this.view.reveal(node, { select: true, focus: false, expand: true });
    }
  }

  private rootFetched: Array<() => void> = [];

  private nextRootFetch(): Promise<void> {
    return new Promise((resolve) => this.rootFetched.push(resolve));
  }

  nodeFor(recordId: string): AssetTreeNode | undefined {
    const model = this.ensureModel();
    for (const nodes of model.children.values()) {
      const hit = nodes.find((n) => n.record.id === recordId);
      if (hit) {
        return hit;
      }
    }
    return undefined;
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
    const model = this.ensureModel();
    if (!element) {
      if (this.rootFetched.length > 0) {
        const waiting = this.rootFetched;
        this.rootFetched = [];
        // After VS Code has registered what this call returns.
        setTimeout(() => waiting.forEach((resolve) => resolve()), 50);
      }
      return model.groups;
    }
    return element.type === 'group' ? (model.children.get(element.kind) ?? []) : [];
  }

  getParent(element: AssetTreeNode): AssetTreeNode | undefined {
    if (element.type === 'group') {
      return undefined;
    }
    return this.ensureModel().groups.find((g) => g.kind === element.record.fileType);
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
        label: vscode.l10n.t('{0}, {1} assets', kindGroupLabel(element.kind), element.count),
      };
      return item;
    }
    const { record } = element;
    const now = Date.now();
    const label = assetLabel(record);
    const when = relativeTime(record.uploadedAt, now, vscode.env.language);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `asset:${record.id}`;
    item.description = when;
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
        labels: tooltipLabels(),
      });
      const gone = this.deps.isGone?.(record.id) === true;
      const tooltip = new vscode.MarkdownString(gone ? `$(warning) ${vscode.l10n.t('deleted on HeyGen: its URL no longer works')}\n\n${markdown}` : markdown, gone);
      tooltip.supportHtml = false;
      tooltip.isTrusted = false;
      item.tooltip = tooltip;
    }
    return item;
  }

  /** Dragging assets out (into an editor, say) carries their URLs. */
  handleDrag(source: readonly AssetTreeNode[], dataTransfer: vscode.DataTransfer): void {
    const urls = source.flatMap((n) => (n.type === 'asset' ? [n.record.url] : []));
    if (urls.length > 0) {
      dataTransfer.set(URI_LIST, new vscode.DataTransferItem(urls.join('\r\n')));
      dataTransfer.set('text/plain', new vscode.DataTransferItem(urls.join('\n')));
    }
  }

  /** Files dropped from the explorer or the operating system are uploaded; web addresses from their URL. */
  async handleDrop(_target: AssetTreeNode | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    if (dataTransfer.get(TREE_MIME)) {
      return; // Our own rows dropped back onto the view: nothing to upload.
    }
    const { files, webUrls } = await readDroppedMedia(dataTransfer);
    if (token.isCancellationRequested) {
      return;
    }
    if (files.length > 0) {
      this.deps.log.info(`Assets view: uploading ${files.length} dropped file(s).`);
      await this.deps.media.upload(files);
    } else if (webUrls.length > 0) {
      // An image dragged from a web page: the page's address, no file. Upload it from its URL.
      if (webUrls.length > MAX_DROPPED_URLS) {
        this.deps.log.warn(`Assets view: ${webUrls.length} web addresses were dropped; only the first ${MAX_DROPPED_URLS} are uploaded.`);
        void vscode.window.showWarningMessage(
          vscode.l10n.t(
            'Only the first {0} of the {1} dropped web addresses are uploaded; drop the others in groups of {0} or fewer.',
            MAX_DROPPED_URLS,
            webUrls.length,
          ),
        );
      }
      await this.deps.media.uploadUrls(webUrls.slice(0, MAX_DROPPED_URLS), token);
    } else {
      this.deps.log.info('Assets view: a drop carried no files or web addresses; nothing to upload.');
    }
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
      const groups = groupAssets(this.deps.history.all(), this.currentFilter);
      const children = new Map<AssetKind, AssetNode[]>();
      const groupNodes: GroupNode[] = [];
      for (const group of groups) {
        groupNodes.push({ type: 'group', kind: group.kind, count: group.count });
        children.set(
          group.kind,
          group.records.map((record) => ({ type: 'asset', record })),
        );
      }
      this.model = { groups: groupNodes, children };
    }
    return this.model;
  }

  dispose(): void {
    this.sources.dispose();
    this.changeEmitter.dispose();
    this.filterEmitter.dispose();
  }
}

/** Creates the Assets view and keeps its description, context key and relative times current. */
export function registerHistoryView(context: vscode.ExtensionContext, deps: HistoryViewDeps): AssetTreeProvider {
  const provider = new AssetTreeProvider(deps);
  const view = vscode.window.createTreeView<AssetTreeNode>(VIEW_ASSETS, {
    treeDataProvider: provider,
    dragAndDropController: provider,
    canSelectMany: true,
    showCollapseAll: true,
  });
  provider.attachView(view);

  const showFilter = (filter: HistoryFilter): void => {
    const active = isFilterActive(filter);
    view.description = active ? vscode.l10n.t('Filter: {0}', describeFilter(filter, kindFilterName)) : deps.account?.description;
    void vscode.commands.executeCommand('setContext', ContextKey.HistoryFiltered, active);
  };
  showFilter(provider.filter);

  // A new upload of this window is selected so the person sees where it went; the focus stays where they work.
  const revealNewUpload = (change: HistoryChange): void => {
    if (!change.local || change.added.length === 0 || !view.visible) {
      return;
    }
    const newest = change.added.reduce((a, b) => (b.uploadedAt > a.uploadedAt ? b : a));
    provider.reveal(newest.id).catch((err: unknown) => {
      deps.log.debug(`Assets view: could not reveal ${newest.id}: ${err instanceof Error ? err.message : String(err)}`);
    });
  };

  const timer = setInterval(() => {
    if (view.visible) {
      provider.refresh();
    }
  }, DESCRIPTION_REFRESH_MS);

  context.subscriptions.push(
    provider,
    view,
    provider.onDidChangeFilter(showFilter),
    ...(deps.account ? [deps.account.onDidChange(() => showFilter(provider.filter))] : []),
    deps.history.onDidChange((change) => {
      provider.refresh();
      revealNewUpload(change);
    }),
    view.onDidChangeVisibility((e) => e.visible && provider.refresh()),
    { dispose: () => clearInterval(timer) },
  );
  return provider;
}
