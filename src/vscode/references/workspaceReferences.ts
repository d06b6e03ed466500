/**
 * The workspace's asset references, kept current (issue 25, item 1): the core index, filled from the workspace
 * folders off the editor's critical path, updated by a file watcher, and persisted per workspace in global storage
 * so a restart reads only files whose mtime or size changed. No network.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/base/errorMessage';
import type { Logger } from '../../core/base/logger';
import { syncIndex, type SyncResult } from '../../core/references/indexBuild';
import type { Exclusions } from '../../core/references/exclusions';
import { PAYLOAD_FILE_GLOB, payloadLanguageOf, MAX_PAYLOAD_FILE_BYTES } from '../../core/references/payloadFiles';
import { ReferenceIndex, type AssetKey, type FileReferences } from '../../core/references/referenceIndex';
import type { UsedIn } from '../../core/references/usedIn';
import { discoverFiles, exclusionsOf, isExcludedFile } from './referenceDiscovery';

/** Saves come in bursts (Save All, a formatter, git checkout): one pass after the last of them. */
const WATCH_DEBOUNCE_MS = 150;
const PERSIST_DEBOUNCE_MS = 2_000;

export class WorkspaceReferences implements vscode.Disposable, UsedIn {
  private readonly changeEmitter = new vscode.EventEmitter<readonly string[]>();
  /** The files whose references changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private exclusions = new Map<string, Exclusions>();
  private syncing: Promise<SyncResult> | undefined;
  private resyncWanted = false;
  private readonly pending = new Set<string>();
  private pendingTimer: NodeJS.Timeout | undefined;
  private persistTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private cancel = new vscode.CancellationTokenSource();

  private constructor(
    private readonly index: ReferenceIndex,
    private readonly storeFile: string | undefined,
    private readonly log: Logger,
  ) {
    this.watchIndex();
  }

  /** Loads the persisted index (if any); nothing is scanned until `start`. */
  static async open(storageDir: string, log: Logger): Promise<WorkspaceReferences> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const key = folders.length === 0 ? undefined : createHash('sha256').update(folders.map((f) => f.uri.toString()).join('\n')).digest('hex').slice(0, 16);
    const storeFile = key ? path.join(storageDir, 'references', `${key}.json`) : undefined;
    let index = new ReferenceIndex();
    if (storeFile) {
      try {
        index = ReferenceIndex.fromSnapshot(JSON.parse(await fs.promises.readFile(storeFile, 'utf8')));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          log.warn(`The saved reference index could not be read; the workspace is indexed again: ${errorMessage(error)}`);
        }
      }
    }
    return new WorkspaceReferences(index, storeFile, log);
  }

  /** Indexes the workspace in the background and keeps it current. */
  start(): void {
    if (!this.storeFile) {
      return;
    }
    const watcher = vscode.workspace.createFileSystemWatcher(PAYLOAD_FILE_GLOB);
    const ignoreWatcher = vscode.workspace.createFileSystemWatcher('**/.gitignore');
    this.disposables.push(
      watcher,
      ignoreWatcher,
      watcher.onDidCreate((uri) => this.queue(uri)),
      watcher.onDidChange((uri) => this.queue(uri)),
      watcher.onDidDelete((uri) => this.queue(uri)),
      ignoreWatcher.onDidCreate(() => this.resync()),
      ignoreWatcher.onDidChange(() => this.resync()),
      ignoreWatcher.onDidDelete(() => this.resync()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.resync()),
      vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('search.exclude')) && this.resync()),
    );
    this.resync();
  }

  /** Resolves once the index has caught up with the workspace (the running scan and queued file changes). */
  async whenReady(): Promise<void> {
    while (this.syncing || this.pendingTimer) {
      if (this.syncing) {
        await this.syncing.catch(() => undefined);
      } else {
        await this.flushPending();
      }
    }
  }

  /** A full pass now (after the ones running or asked for), resolved when the index has caught up. */
  async rescan(): Promise<void> {
    this.resync();
    await this.whenReady();
  }

  get fileCount(): number {
    return this.index.fileCount;
  }

  count(asset: AssetKey): number {
    return this.index.countFilesUsing(asset);
  }

  /** The files using the asset, relative to the workspace as the person reads them. */
  files(asset: AssetKey): string[] {
    return this.index.filesUsingAsset(asset).map((f) => vscode.workspace.asRelativePath(f));
  }

  referencesTo(asset: AssetKey): FileReferences[] {
    return this.index.referencesTo(asset);
  }

  referencesIn(file: string): FileReferences['references'] {
    return this.index.referencesIn(file);
  }

  /** The files with at least one reference. */
  referencedFiles(): string[] {
    return this.index.files().filter((f) => this.index.referencesIn(f).length > 0);
  }

  referencedIds(): string[] {
    return this.index.referencedIds();
  }

  /** Writes the index now (deactivate). */
  async flush(): Promise<void> {
    clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    if (!this.dirty || !this.storeFile) {
      return;
    }
    this.dirty = false;
    const json = JSON.stringify(this.index.toSnapshot());
    await fs.promises.mkdir(path.dirname(this.storeFile), { recursive: true });
    // Written whole and renamed: another window reading it never sees half a file.
    const temp = `${this.storeFile}.${process.pid}.tmp`;
    await fs.promises.writeFile(temp, json);
    await fs.promises.rename(temp, this.storeFile);
  }

  dispose(): void {
    this.cancel.cancel();
    clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    void this.flush().catch((error: unknown) => this.log.warn(`Could not save the reference index: ${errorMessage(error)}`));
    for (const d of this.disposables) {
      d.dispose();
    }
    this.changeEmitter.dispose();
    this.index.dispose();
  }

  private watchIndex(): void {
    this.disposables.push(
      this.index.onDidChange((files) => {
        this.changeEmitter.fire(files);
      }),
    );
  }

  /** A full pass: discovery, then the files whose stamp changed. Runs again if asked while running. */
  private resync(): void {
    if (this.syncing) {
      this.resyncWanted = true;
      return;
    }
    const started = performance.now();
    this.syncing = this.fullSync()
      .then((result) => {
        this.log.info(
          `Reference index: ${this.index.fileCount} files (${result.scanned} read, ${result.reused} unchanged, ${result.removed} gone, ${result.failed} unreadable) in ${Math.round(performance.now() - started)} ms.`,
        );
        return result;
      })
      .catch((error: unknown) => {
        this.log.warn(`The workspace could not be indexed for asset references: ${errorMessage(error)}`);
        return { scanned: 0, reused: 0, removed: 0, failed: 0 };
      })
      .finally(() => {
        this.syncing = undefined;
        if (this.resyncWanted) {
          this.resyncWanted = false;
          this.resync();
        }
      });
  }

  private async fullSync(): Promise<SyncResult> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const exclusions = new Map<string, Exclusions>();
    const files = [];
    for (const folder of folders) {
      const rules = await exclusionsOf(folder);
      exclusions.set(folder.uri.toString(), rules);
      files.push(...(await discoverFiles(folder, rules, this.cancel.token)));
    }
    this.exclusions = exclusions;
    const result = await syncIndex(this.index, files, { read: (f) => fs.promises.readFile(f, 'utf8') }, {
      onError: (file, error) => this.log.debug(`Reference index: could not read ${file}: ${errorMessage(error)}`),
    });
    this.schedulePersist(result.scanned + result.removed > 0);
    return result;
  }

  private queue(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') {
      return;
    }
    this.pending.add(uri.fsPath);
    clearTimeout(this.pendingTimer);
    this.pendingTimer = setTimeout(() => void this.flushPending(), WATCH_DEBOUNCE_MS);
  }

  /** Re-reads the files the watcher reported: updated, removed, or dropped when an exclusion covers them. */
  private async flushPending(): Promise<void> {
    clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    const files = [...this.pending];
    this.pending.clear();
    for (const file of files) {
      try {
        await this.updateFile(file);
      } catch (error) {
        this.log.debug(`Reference index: could not update ${file}: ${errorMessage(error)}`);
      }
    }
  }

  private async updateFile(file: string): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
    const rules = folder ? this.exclusions.get(folder.uri.toString()) : undefined;
    const language = payloadLanguageOf(file);
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!folder || !language || !stat?.isFile() || (rules && (await isExcludedFile(folder, rules, file)))) {
      const known = this.index.stampOf(file) !== undefined;
      this.index.remove(file);
      this.schedulePersist(known);
      return;
    }
    const stamp = { mtime: stat.mtimeMs, size: stat.size };
    if (this.index.isCurrent(file, stamp)) {
      return;
    }
    const text = stat.size > MAX_PAYLOAD_FILE_BYTES ? '' : await fs.promises.readFile(file, 'utf8');
    this.index.update(file, stamp, text, language);
    this.schedulePersist(true);
  }

  private schedulePersist(changed: boolean): void {
    if (!changed) {
      return;
    }
    this.dirty = true;
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => {
      this.flush().catch((error: unknown) => this.log.warn(`Could not save the reference index: ${errorMessage(error)}`));
    }, PERSIST_DEBOUNCE_MS);
  }
}
