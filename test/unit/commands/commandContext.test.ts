// The one parser of command arguments: every way VS Code (or a script) calls a command, as one typed context.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandContext } from '../../../src/core/commands/commandContext';

class Uri {
  constructor(readonly path: string) {}
}
interface Node {
  id: string;
}
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !(v instanceof Uri) && typeof (v as Node).id === 'string';
const shapes = { isUri: (v: unknown): v is Uri => v instanceof Uri, isNode, sameNode: (a: Node, b: Node) => a.id === b.id };
const parse = (...args: unknown[]) => parseCommandContext<Uri, Node>(args, shapes);

void describe('parseCommandContext', () => {
  const a = new Uri('/a.png');
  const b = new Uri('/b.mp3');

  void it('the palette and keybindings pass nothing', () => {
    assert.deepEqual(parse(), { type: 'none' });
    assert.deepEqual(parse(undefined, undefined), { type: 'none' });
  });

  void it('the explorer passes the clicked file and every selected one', () => {
    assert.deepEqual(parse(a, [a, b]), { type: 'resources', uri: a, uris: [a, b] });
    assert.deepEqual(parse(a, []), { type: 'resources', uri: a, uris: [a] });
  });

  void it('editor title and tab menus pass the file and their group', () => {
    assert.deepEqual(parse(a, { groupId: 1 }), { type: 'resources', uri: a, uris: [a] });
  });

  void it('a script may pass a list of files', () => {
    assert.deepEqual(parse([a, b]), { type: 'resources', uri: a, uris: [a, b] });
  });

  void it('a view passes the clicked row and the selection, which counts only when the clicked row is in it', () => {
    const x = { id: 'x' };
    const y = { id: 'y' };
    assert.deepEqual(parse(x, [x, y]), { type: 'items', node: x, nodes: [x, y] });
    assert.deepEqual(parse({ id: 'x' }, [x, y]), { type: 'items', node: { id: 'x' }, nodes: [x, y] }, 'the same row as a fresh object');
    assert.deepEqual(parse(x, [y]), { type: 'items', node: x, nodes: [x] }, 'a right-click outside the selection acts on that row');
    assert.deepEqual(parse(x), { type: 'items', node: x, nodes: [x] });
    assert.deepEqual(parse([x, y]), { type: 'items', node: x, nodes: [x, y] });
  });

  void it('anything else is a value for the command to read: a URL, an id, an options object', () => {
    assert.deepEqual(parse('https://example.com/a.png'), { type: 'value', value: 'https://example.com/a.png' });
    assert.deepEqual(parse({ confirm: false }), { type: 'value', value: { confirm: false } });
    assert.deepEqual(parse([]), { type: 'value', value: [] });
  });
});
