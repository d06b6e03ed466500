/**
 * What tells the reference index that a path changed. The candidate-file watcher alone is not enough:
 * - On Linux the recursive watcher (@parcel/watcher, in desktop VS Code and code-server alike) reports a folder
 *   created by `mkdir` but misses files written into it before its inotify watch on the new folder exists, so
 *   `mkdir payloads && cp scene.json payloads/` (or a checkout, an unzip, a generator) reports `payloads` only.
 *   Creations of any path are heard, and a created folder is walked.
 * - A deleted folder may be reported alone (VS Code coalesces the deletes below it): deletions of any path are heard.
 * - `files.watcherExclude` silences the watcher for saves, creations, deletions and renames made in the editor:
 *   those are heard from the editor too.
 */
import * as vscode from 'vscode';
import { PAYLOAD_FILE_GLOB } from '../../core/references/payloadFiles';

export interface WatchTargets {
  /** A path (file or folder) that may have been created, changed or deleted. */
  path(uri: vscode.Uri): void;
  /** Something that changes which files are indexed (a `.gitignore`, the folders, the exclude settings). */
  rules(): void;
}

export function watchReferencePaths(on: WatchTargets): vscode.Disposable[] {
  const candidates = vscode.workspace.createFileSystemWatcher(PAYLOAD_FILE_GLOB);
  // Creations and deletions only: changes to other files cannot change a payload.
  const anything = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
  const ignoreFiles = vscode.workspace.createFileSystemWatcher('**/.gitignore');
  const path = (uri: vscode.Uri): void => on.path(uri);
  return [
    candidates,
    anything,
    ignoreFiles,
    candidates.onDidChange(path),
    anything.onDidCreate(path),
    anything.onDidDelete(path),
    vscode.workspace.onDidSaveTextDocument((document) => path(document.uri)),
    vscode.workspace.onDidCreateFiles((e) => e.files.forEach(path)),
    vscode.workspace.onDidDeleteFiles((e) => e.files.forEach(path)),
    vscode.workspace.onDidRenameFiles((e) => e.files.forEach((f) => (path(f.oldUri), path(f.newUri)))),
    ignoreFiles.onDidCreate(() => on.rules()),
    ignoreFiles.onDidChange(() => on.rules()),
    ignoreFiles.onDidDelete(() => on.rules()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => on.rules()),
    vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('search.exclude')) && on.rules()),
  ];
}
