import type { AssetRecord } from '../../core/base/assetRecord';
import type { AssetKind } from '../../core/base/mediaKinds';

/**
 * Nodes are cached by kind and by record id, so an element keeps its identity across refreshes: VS Code's tree keys
 * what it has resolved by object, and `getParent` then always names the very group the view already holds.
 */
export interface GroupNode {
  readonly type: 'group';
  readonly kind: AssetKind;
  count: number;
}
export interface AssetNode {
  readonly type: 'asset';
  record: AssetRecord;
}
export type AssetTreeNode = GroupNode | AssetNode;
