import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AssetRecord } from '../../src/core/base/assetRecord';
import type { AssetTreeNode } from '../../src/vscode/history/assetTreeView';
import { hostEnv, workspaceFile } from './hostSupport';

const EXTENSION_ID = 'heygen-assets.heygen-assets';

interface Api {
  history: { all(): readonly AssetRecord[] };
  assetTree: vscode.TreeDataProvider<AssetTreeNode> & { resolveTreeItem(item: vscode.TreeItem, element: AssetTreeNode): Promise<vscode.TreeItem> };
  upload(uris: vscode.Uri[], options?: { force?: boolean }): Promise<{ succeeded: unknown[]; failed: unknown[] }>;
}

/** A file name a cloned repository could hold: links, a command link, an image, a code span, emphasis, a heading. */
const HOSTILE_NAME = '[click](command:heygen.clearHistory) ![i](https:evil.example) `tick` _em_ #1 <b>x<b>.png';

/** The stand-in for file: destinations while rendering (see `rendered`). */
const LOCAL = 'https://local-file.invalid/';

/**
 * Markdown as the editor's own Markdown engine renders it. That engine (markdown-it) refuses file: destinations,
 * which hovers show (the source file as a thumbnail or a link), and would then read the refused image as text: they
 * are rendered as https stand-ins instead, so the structure is what a hover shows.
 */
async function rendered(markdown: vscode.MarkdownString | string | undefined): Promise<string> {
  const value = typeof markdown === 'string' ? markdown : (markdown?.value ?? '');
  return vscode.commands.executeCommand<string>('markdown.api.render', value.replace(/\]\(<file:\/\/\//g, `](<${LOCAL}`));
}

function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function linksIn(html: string): string[] {
  return [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => m[1]);
}

function findNode(tree: Api['assetTree'], id: string): Extract<AssetTreeNode, { type: 'asset' }> {
  for (const group of (tree.getChildren() as AssetTreeNode[]) ?? []) {
    for (const child of (tree.getChildren(group) as AssetTreeNode[]) ?? []) {
      if (child.type === 'asset' && child.record.id === id) {
        return child;
      }
    }
  }
  throw new Error(`no row for ${id} in the Assets view`);
}

suite('Server and file text in hovers and tooltips', () => {
  let api: Api;
  let record: AssetRecord;
  let dir: string;

  suiteSetup(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as Api;
    dir = path.join(hostEnv.workspace, `markdown-host-${randomBytes(3).toString('hex')}`);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, HOSTILE_NAME);
    fs.copyFileSync(workspaceFile('sample.png').fsPath, file);
    // Different bytes from every other upload, so this is a new asset with this name.
    fs.appendFileSync(file, randomBytes(16));
    const result = await api.upload([vscode.Uri.file(file)], { force: true });
    assert.equal(result.failed.length, 0, 'the upload failed');
    const found = api.history.all().find((r) => r.sourcePath === file);
    assert.ok(found, 'the upload is in the history');
    record = found;
  });

  test('the Assets tooltip shows a name written in Markdown as it is, with only the asset URL as a link', async () => {
    const node = findNode(api.assetTree, record.id);
    const item = await api.assetTree.resolveTreeItem(await Promise.resolve(api.assetTree.getTreeItem(node)), node);
    assert.ok(item.tooltip instanceof vscode.MarkdownString, 'the tooltip is Markdown');
    const html = await rendered(item.tooltip);
    assert.ok(textOf(html).includes(HOSTILE_NAME), `the name is not shown literally: ${html}`);
    assert.deepEqual(linksIn(html), [record.url], html);
    assert.doesNotMatch(html, /<b>|<em>|<h1/, html);
    // The emulator's URL is plain http, which the editor blocks: the preview is the source file, alt text unescaped.
    const images = [...html.matchAll(/<img src="([^"]*)" alt="([^"]*)"/g)];
    assert.equal(images.length, 1, html);
    assert.ok(images[0][1].startsWith(LOCAL), `the preview is the source file: ${images[0][1]}`);
    assert.doesNotMatch(images[0][2], /\\/, 'escapes leak into the alt text');
  });

  test('the payload hover shows the name as it is; its only command links are Copy ID and Copy URL', async () => {
    const payload = path.join(dir, 'video.json');
    fs.writeFileSync(payload, `${JSON.stringify({ video_inputs: [{ background: { type: 'image', url: record.url } }] }, null, 2)}\n`);
    const document = await vscode.workspace.openTextDocument(payload);
    await vscode.window.showTextDocument(document);
    const at = document.positionAt(document.getText().indexOf(record.url) + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at);
    const markdown = hovers.flatMap((h) => h.contents).find((c): c is vscode.MarkdownString => c instanceof vscode.MarkdownString && c.value.includes('heygen.copyId'));
    assert.ok(markdown, 'no asset hover');
    const html = await rendered(markdown);
    assert.ok(textOf(html).includes(HOSTILE_NAME), `the name is not shown literally: ${html}`);
    const commands = linksIn(html).filter((href) => href.startsWith('command:'));
    assert.deepEqual(
      commands.map((href) => href.split('?')[0]),
      ['command:heygen.copyId', 'command:heygen.copyUrl'],
      html,
    );
    assert.doesNotMatch(html, /<b>|<em>|<h1/, html);
    // Every other link is the source file's (the stand-in): the name's own links formed nothing.
    assert.deepEqual(linksIn(html).filter((href) => !href.startsWith('command:') && !href.startsWith(LOCAL)), [], html);
    // The thumbnail: the source file (the emulator's http URL would not load), its alt text without escapes.
    const images = [...html.matchAll(/<img src="([^"]*)" alt="([^"]*)"/g)];
    assert.equal(images.length, 1, html);
    assert.ok(images[0][1].startsWith(LOCAL), `the thumbnail is the source file: ${images[0][1]}`);
    assert.doesNotMatch(images[0][2], /\\/, 'escapes leak into the alt text');
  });
});
