/**
 * What a command was called on, whoever called it: the palette or a keybinding (nothing), the explorer
 * (`uri, uris[]`), an editor title or tab menu (`uri, { groupId }`), a view item and the view's selection
 * (`node, nodes[]`), or a script handing over a value (a URL, an id, an options object). One place decides, so
 * every command reads its arguments the same way (GitLens' parseCommandContext).
 */
export type CommandContext<U, N> =
  | { type: 'none' }
  | { type: 'resources'; uri: U; uris: U[] }
  | { type: 'items'; node: N; nodes: N[] }
  | { type: 'value'; value: unknown };

export interface CommandArgumentShapes<U, N> {
  isUri: (value: unknown) => value is U;
  isNode: (value: unknown) => value is N;
  /** Whether two nodes are the same row (a view may hand over a fresh object for the clicked row). */
  sameNode?: (a: N, b: N) => boolean;
}

function listOf<T>(value: unknown, is: (item: unknown) => item is T): T[] | undefined {
  return Array.isArray(value) && value.length > 0 && value.every(is) ? value : undefined;
}

export function parseCommandContext<U, N>(args: readonly unknown[], shapes: CommandArgumentShapes<U, N>): CommandContext<U, N> {
  const [first, second] = args;
  if (first === undefined || first === null) {
    return { type: 'none' };
  }
  if (shapes.isUri(first)) {
    // The explorer passes the clicked file and every selected one; editor menus pass the file and their group.
    const uris = listOf(second, shapes.isUri) ?? [first];
    return { type: 'resources', uri: first, uris };
  }
  const uriList = listOf(first, shapes.isUri);
  if (uriList) {
    return { type: 'resources', uri: uriList[0], uris: uriList };
  }
  if (shapes.isNode(first)) {
    // A view passes the clicked row and the selection: the selection counts only when the clicked row is in it.
    const same = shapes.sameNode ?? ((a: N, b: N) => a === b);
    const selected = Array.isArray(second) ? second.filter(shapes.isNode) : [];
    const nodes = selected.some((n) => same(n, first)) ? selected : [first];
    return { type: 'items', node: first, nodes };
  }
  const nodeList = listOf(first, shapes.isNode);
  if (nodeList) {
    return { type: 'items', node: nodeList[0], nodes: nodeList };
  }
  return { type: 'value', value: first };
}
