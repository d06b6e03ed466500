/**
 * Which files of a workspace folder the reference index reads: every payload candidate (see payloadFiles.ts) but
 * what `files.exclude`, `search.exclude` and `.gitignore` files leave out. `workspace.findFiles` gets the simple
 * exclusions as its own exclude glob, so it never walks into `node_modules` and the like; the core's matcher then
 * applies every rule (and is what the file watcher's events are checked against).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Exclusions, enabledGlobs, gitignoreGlobs, type ExcludeSetting } from '../../core/references/exclusions';
import { PAYLOAD_FILE_GLOB } from '../../core/references/payloadFiles';
import type { FileOnDisk } from '../../core/references/indexBuild';

/** A bound on what one workspace can cost: beyond this many candidates, the rest are not indexed. */
const MAX_FILES_PER_FOLDER = 20_000;
const STAT_CONCURRENCY = 64;

/** The folder-relative path with forward slashes, as globs are written. */
export function relativeTo(folder: vscode.WorkspaceFolder, file: string): string {
  return path.relative(folder.uri.fsPath, file).split(path.sep).join('/');
}

/** The exclusion rules of one workspace folder: its settings, then every `.gitignore` in it. */
export async function exclusionsOf(folder: vscode.WorkspaceFolder): Promise<Exclusions> {
  const settings = [
    ...enabledGlobs(vscode.workspace.getConfiguration('files', folder.uri).get<ExcludeSetting>('exclude')),
    ...enabledGlobs(vscode.workspace.getConfiguration('search', folder.uri).get<ExcludeSetting>('exclude')),
  ];
  const fromSettings = new Exclusions(settings);
  const ignoreFiles = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/.gitignore'), fromSettings.findFilesExclude() ?? null, 200);
  const fromGit: string[] = [];
  for (const uri of ignoreFiles) {
    const base = path.posix.dirname(relativeTo(folder, uri.fsPath));
    try {
      fromGit.push(...gitignoreGlobs(await fs.promises.readFile(uri.fsPath, 'utf8'), base === '.' ? '' : base));
    } catch {
      // Gone between the search and the read: nothing to ignore from it.
    }
  }
  return new Exclusions([...settings, ...fromGit]);
}

/** The candidate files of one folder with their stamps. */
export async function discoverFiles(folder: vscode.WorkspaceFolder, exclusions: Exclusions, token?: vscode.CancellationToken): Promise<FileOnDisk[]> {
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, PAYLOAD_FILE_GLOB), exclusions.findFilesExclude() ?? null, MAX_FILES_PER_FOLDER, token);
  const files = uris.map((u) => u.fsPath).filter((f) => !exclusions.isExcluded(relativeTo(folder, f)));
  const found: FileOnDisk[] = [];
  for (let i = 0; i < files.length; i += STAT_CONCURRENCY) {
    const stats = await Promise.all(files.slice(i, i + STAT_CONCURRENCY).map((f) => fs.promises.stat(f).catch(() => undefined)));
    stats.forEach((s, n) => s?.isFile() && found.push({ file: files[i + n], stamp: { mtime: s.mtimeMs, size: s.size } }));
  }
  return found;
}
