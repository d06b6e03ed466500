import type { AssetKind } from '../../core/base/mediaKinds';
import type { HistoryStore } from '../../core/history/historyStore';
import { groupAssets, type HistoryFilter } from '../../core/history/historyTree';
import type { AssetNode, AssetTreeNode, GroupNode } from './assetTreeNodes';

/** The rows as built at one moment: a reveal keeps showing the view the rows it was computed on. */
export interface AssetRows {
  readonly groups: GroupNode[];
  readonly children: ReadonlyMap<AssetKind, AssetNode[]>;
}

/**
 * The rows of the Assets view, built from the history on demand and rebuilt after `invalidate`. A node keeps its
 * identity for as long as its row is shown (see assetTreeNodes.ts): the group a row's `getParent` names is the very
 * object the view holds.
 */
export class AssetTreeModel {
  private built: AssetRows | undefined;
  private readonly groupNodes = new Map<AssetKind, GroupNode>();
  private readonly assetNodes = new Map<string, AssetNode>();

  constructor(
    private readonly history: HistoryStore,
    private readonly filter: () => HistoryFilter,
  ) {}

  /** The history or the filter changed: the next read builds the rows again. */
  invalidate(): void {
    this.built = undefined;
  }

  /** The children of `element` in `rows` (the current rows unless given). */
  children(element?: AssetTreeNode, rows: AssetRows = this.rows()): AssetTreeNode[] {
    if (!element) {
      return rows.groups;
    }
    return element.type === 'group' ? (rows.children.get(element.kind) ?? []) : [];
  }

  parent(element: AssetTreeNode): GroupNode | undefined {
    if (element.type === 'group') {
      return undefined;
    }
    this.rows();
    return this.groupNodes.get(element.record.fileType);
  }

  /** The row of a record the tree shows (undefined when it is filtered out or gone). */
  nodeFor(recordId: string): AssetNode | undefined {
    this.rows();
    return this.assetNodes.get(recordId);
  }

  /** The shown rows whose source file is one of `files` (none before the rows are first built). */
  rowsWithSource(files: ReadonlySet<string>): AssetNode[] {
    const rows: AssetNode[] = [];
    for (const group of this.built?.children.values() ?? []) {
      rows.push(...group.filter((node) => node.record.sourcePath !== undefined && files.has(node.record.sourcePath)));
    }
    return rows;
  }

  rows(): AssetRows {
    if (this.built) {
      return this.built;
    }
    const groups: GroupNode[] = [];
    const children = new Map<AssetKind, AssetNode[]>();
    const shown = new Set<string>();
    for (const group of groupAssets(this.history.all(), this.filter())) {
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
    this.built = { groups, children };
    return this.built;
  }
}
