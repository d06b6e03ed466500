/**
 * Which files of a workspace folder the reference index reads: every payload candidate (see payloadFiles.ts) but
 * what `files.exclude`, `search.exclude` (with `when` clauses) and `.gitignore` files leave out. `workspace.findFiles`
 * gets the exclusions a glob says exactly as its own exclude glob, so it never walks into `node_modules` and the
 * like; the core's matcher then applies every rule (and is what the file watcher's events are checked against).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Exclusions, enabledGlobs, whenRules, type ExcludeSetting } from '../../core/references/exclusions';
import type { GitignoreSource } from '../../core/references/gitignore';
import { PAYLOAD_FILE_GLOB, payloadLanguageOf } from '../../core/references/payloadFiles';
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
    vscode.workspace.getConfiguration('files', folder.uri).get<ExcludeSetting>('exclude'),
    vscode.workspace.getConfiguration('search', folder.uri).get<ExcludeSetting>('exclude'),
  ];
  const globs = settings.flatMap(enabledGlobs);
  const when = settings.flatMap(whenRules);
  const fromSettings = new Exclusions(globs);
  const ignoreFiles = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/.gitignore'), fromSettings.findFilesExclude() ?? null, 200);
  const gitignore: GitignoreSource[] = [];
  for (const uri of ignoreFiles) {
    const base = path.posix.dirname(relativeTo(folder, uri.fsPath));
    try {
      gitignore.push({ base: base === '.' ? '' : base, text: await fs.promises.readFile(uri.fsPath, 'utf8') });
    } catch {
      // Gone between the search and the read: nothing to ignore from it.
    }
  }
  return new Exclusions(globs, { gitignore, when });
}

/** Whether the rules exclude `file`, looking on disk for the siblings a `when` clause names. */
export async function isExcludedFile(folder: vscode.WorkspaceFolder, rules: Exclusions, file: string, known?: ReadonlySet<string>): Promise<boolean> {
  const relative = relativeTo(folder, file);
  const siblings = rules.siblingsToCheck(relative);
  const present = new Set<string>();
  await Promise.all(
    siblings.map(async (sibling) => {
      const onDisk = path.join(folder.uri.fsPath, ...sibling.split('/'));
      if (known?.has(onDisk) || (await fs.promises.stat(onDisk).then((s) => s.isFile(), () => false))) {
        present.add(sibling);
      }
    }),
  );
  return rules.isExcluded(relative, (sibling) => present.has(sibling));
}

/** The candidate files of one folder with their stamps. */
export async function discoverFiles(folder: vscode.WorkspaceFolder, exclusions: Exclusions, token?: vscode.CancellationToken): Promise<FileOnDisk[]> {
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, PAYLOAD_FILE_GLOB), exclusions.findFilesExclude() ?? null, MAX_FILES_PER_FOLDER, token);
  const candidates = uris.map((u) => u.fsPath);
  const known = new Set(candidates);
  const found: FileOnDisk[] = [];
  for (let i = 0; i < candidates.length; i += STAT_CONCURRENCY) {
    const batch = candidates.slice(i, i + STAT_CONCURRENCY);
    const excluded = await Promise.all(batch.map((f) => isExcludedFile(folder, exclusions, f, known)));
    const files = batch.filter((_, n) => !excluded[n]);
    const stats = await Promise.all(files.map((f) => fs.promises.stat(f).catch(() => undefined)));
    stats.forEach((s, n) => s?.isFile() && found.push({ file: files[n], stamp: { mtime: s.mtimeMs, size: s.size } }));
  }
  return found;
}

/** The candidate files below a folder the watcher reported as new (it may not report the files: see referenceWatch.ts). */
export async function candidatesUnder(folder: vscode.WorkspaceFolder, exclusions: Exclusions, dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string): Promise<void> => {
    if (found.length >= MAX_FILES_PER_FOLDER || exclusions.isExcludedFolder(relativeTo(folder, current))) {
      return;
    }
    // Symbolic links are not followed: a link back up would walk forever.
    const entries = await fs.promises.readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
      } else if (entry.isFile() && payloadLanguageOf(full) !== undefined && !(await isExcludedFile(folder, exclusions, full))) {
        found.push(full);
      }
    }
  };
  await walk(dir);
  return found;
}
