/**
 * The workspace's asset references, kept current (issue 25, item 1): the core index, filled from the workspace
 * folders off the editor's critical path, updated from file watchers and editor operations (referenceWatch.ts), and
 * persisted per workspace in global storage so a restart reads only files whose mtime or size changed. No network.
 * Full passes and watcher batches run one at a time, so a pass that listed the folders before a file appeared
 * cannot drop what a batch has just indexed.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/base/errorMessage';
import type { Logger } from '../../core/base/logger';
import { syncIndex, type SyncResult } from '../../core/references/indexBuild';
import type { Exclusions } from '../../core/references/exclusions';
import { payloadLanguageOf, MAX_PAYLOAD_FILE_BYTES } from '../../core/references/payloadFiles';
import { ReferenceIndex, type AssetKey, type FileReferences } from '../../core/references/referenceIndex';
import type { UsedIn } from '../../core/references/usedIn';
import { candidatesUnder, discoverFiles, exclusionsOf, isExcludedFile, relativeTo } from './referenceDiscovery';
import { watchReferencePaths } from './referenceWatch';

/** Saves come in bursts (Save All, a formatter, git checkout): one pass after the last of them. */
const WATCH_DEBOUNCE_MS = 150;
const PERSIST_DEBOUNCE_MS = 2_000;

export class WorkspaceReferences implements vscode.Disposable, UsedIn {
  private readonly changeEmitter = new vscode.EventEmitter<readonly string[]>();
  /** The files whose references changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private exclusions = new Map<string, Exclusions>();
  /** The tail of the work queue (full passes and watcher batches, one at a time) and how much is in it. */
  private work: Promise<unknown> = Promise.resolve();
  private busy = 0;
  private resyncQueued = false;
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
    this.disposables.push(...watchReferencePaths({ path: (uri) => this.queue(uri), rules: () => this.resync() }));
    this.resync();
  }

  /** Resolves once the index has caught up with the workspace (the running scan and queued file changes). */
  async whenReady(): Promise<void> {
    while (this.busy > 0 || this.pendingTimer) {
      if (this.pendingTimer) {
        this.flushSoon();
      }
      await this.work;
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

  /** Runs `task` after the work queued before it. */
  private enqueue(task: () => Promise<void>): void {
    this.busy++;
    this.work = this.work
      .then(task)
      .catch((error: unknown) => this.log.warn(`Reference index: ${errorMessage(error)}`))
      .finally(() => this.busy--);
  }

  /** A full pass: discovery, then the files whose stamp changed. Asked for again while one waits, it runs once. */
  private resync(): void {
    if (this.resyncQueued) {
      return;
    }
    this.resyncQueued = true;
    this.enqueue(async () => {
      this.resyncQueued = false;
      const started = performance.now();
      try {
        const result = await this.fullSync();
        this.log.info(
          `Reference index: ${this.index.fileCount} files (${result.scanned} read, ${result.reused} unchanged, ${result.removed} gone, ${result.failed} unreadable) in ${Math.round(performance.now() - started)} ms.`,
        );
      } catch (error) {
        this.log.warn(`The workspace could not be indexed for asset references: ${errorMessage(error)}`);
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
    this.pendingTimer = setTimeout(() => this.flushSoon(), WATCH_DEBOUNCE_MS);
  }

  /** Queues the paths heard so far as one batch. */
  private flushSoon(): void {
    clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    const paths = [...this.pending];
    this.pending.clear();
    if (paths.length > 0) {
      this.enqueue(() => this.updatePaths(paths));
    }
  }

  /** Brings the index in line with the paths heard of: files updated or removed, new folders walked, gone ones forgotten. */
  private async updatePaths(paths: readonly string[]): Promise<void> {
    const gone = new Set<string>();
    for (const file of paths) {
      try {
        if (!(await this.updatePath(file))) {
          gone.add(file);
        }
      } catch (error) {
        this.log.debug(`Reference index: could not update ${file}: ${errorMessage(error)}`);
      }
    }
    this.forgetUnder(gone);
  }

  /** Returns false when the path no longer exists. */
  private async updatePath(file: string): Promise<boolean> {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
    const rules = folder ? this.exclusions.get(folder.uri.toString()) : undefined;
    const language = payloadLanguageOf(file);
    if (language === undefined && (!folder || !rules || rules.isExcludedFolder(relativeTo(folder, file)))) {
      // No candidate, and no folder the index reads (or the first pass, which lists everything, is still to come).
      return true;
    }
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (stat?.isDirectory()) {
      if (folder && rules) {
        const files = await candidatesUnder(folder, rules, file);
        this.log.debug(`Reference index: ${files.length} candidate file(s) in the new folder ${file}.`);
        for (const candidate of files) {
          await this.updateFile(candidate, folder, rules, await fs.promises.stat(candidate).catch(() => undefined));
        }
      }
      return true;
    }
    if (language !== undefined) {
      await this.updateFile(file, folder, rules, stat);
    }
    return stat !== undefined;
  }

  private async updateFile(file: string, folder: vscode.WorkspaceFolder | undefined, rules: Exclusions | undefined, stat: fs.Stats | undefined): Promise<void> {
    const language = payloadLanguageOf(file);
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

  /** Forgets the indexed files below deleted folders (their own deletions may never be reported). */
  private forgetUnder(gone: ReadonlySet<string>): void {
    if (gone.size === 0) {
      return;
    }
    let removed = false;
    for (const file of this.index.files()) {
      for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
        if (gone.has(dir)) {
          this.index.remove(file);
          removed = true;
          break;
        }
      }
    }
    this.schedulePersist(removed);
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
