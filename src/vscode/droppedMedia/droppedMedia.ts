import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/base/logger';
import { TempMediaFolder } from '../../core/droppedMedia/tempFolder';
import { shiftOffset } from '../../core/droppedMedia/trackedOffset';
import { parseUriList } from '../../core/droppedMedia/uriList';
import type { BatchResult, UploadPort, UploadRequestOptions } from '../upload/uploadPort';
import { withoutCredentials } from '../../core/base/safeUrl';

const URI_LIST = 'text/uri-list';

/** A dropped or pasted file: a local file, or the content of one that has no path here. */
export interface DroppedFile {
  name: string;
  uri?: vscode.Uri;
  bytes?: Uint8Array;
}

/** What a drop or paste carried: files (from the explorer or the operating system) and web addresses. */
export interface DroppedMedia {
  files: DroppedFile[];
  webUrls: string[];
}

/**
 * Reads a drop's or paste's data now: VS Code lets go of it once the provider has answered, so files without a
 * local path are read into memory here. The uri-list wins when it names files (the explorer also sends them as
 * `files`); `accept` filters files by name (a payload takes only supported media, the Assets view anything).
 */
export async function readDroppedMedia(dataTransfer: vscode.DataTransfer, accept: (name: string) => boolean = () => true): Promise<DroppedMedia> {
  const files: DroppedFile[] = [];
  const webUrls: string[] = [];
  const seen = new Set<string>();
  const add = (file: DroppedFile): void => {
    const key = file.uri?.toString();
    if (key !== undefined && seen.has(key)) {
      return;
    }
    if (key !== undefined) {
      seen.add(key);
    }
    files.push(file);
  };
  const list = await dataTransfer.get(URI_LIST)?.asString();
  for (const entry of list ? parseUriList(list) : []) {
    if (entry.kind === 'web') {
      webUrls.push(entry.url);
    } else if (accept(entry.name)) {
      add({ name: entry.name, uri: vscode.Uri.file(entry.path) });
    }
  }
  if (files.length > 0) {
    return { files, webUrls };
  }
  const carried: vscode.DataTransferFile[] = [];
  dataTransfer.forEach((item) => {
    const file = item.asFile();
    if (file && accept(file.name)) {
      carried.push(file);
    }
  });
  for (const file of carried) {
    const local = file.uri ? localFileUri(file.uri) : undefined;
    if (local) {
      add({ name: path.basename(file.name), uri: local });
    } else {
      add({ name: path.basename(file.name), bytes: await file.data() });
    }
  }
  return { files, webUrls };
}

/**
 * A path the extension host can read. In a remote window (code-server, SSH) the explorer speaks
 * `vscode-remote://` for the very files this host sees as local paths.
 */
function localFileUri(uri: vscode.Uri): vscode.Uri | undefined {
  if (uri.scheme === 'file') {
    return uri;
  }
  return uri.scheme === 'vscode-remote' ? vscode.Uri.file(uri.path) : undefined;
}

export interface DroppedUploadOptions {
  signal?: AbortSignal;
  /** The result of each Retry the person presses (a drop into a payload inserts its fragment then). */
  onRetried?: (result: BatchResult, order: readonly vscode.Uri[]) => unknown;
  /** No Retry can follow any more. */
  onSettled?: () => void;
}

/**
 * Uploads dropped and pasted files through the UploadPort. Content without a path is written to the temporary
 * folder first and kept for as long as the upload lives: its result and any Retry the person presses, so a Retry
 * finds its files. The owner of those files is this module, so it decides that Retry is offered.
 */
export class DroppedMediaUploads implements vscode.Disposable {
  private readonly temp: TempMediaFolder;

  constructor(
    private readonly port: UploadPort,
    folder: string,
    private readonly log: Logger,
  ) {
    this.temp = new TempMediaFolder(folder, log);
  }

  /** The files' URIs in drop order, and the batch's result. */
  async upload(files: readonly DroppedFile[], options: DroppedUploadOptions = {}, extra: UploadRequestOptions = {}): Promise<{ order: vscode.Uri[]; result: BatchResult }> {
    const unwritten = files.filter((f) => f.uri === undefined);
    const lease = await this.temp.hold(unwritten.map((f) => ({ name: f.name, bytes: f.bytes ?? new Uint8Array() })));
    let next = 0;
    const order = files.map((f) => f.uri ?? vscode.Uri.file(lease.paths[next++]));
    const release = (): void => {
      options.onSettled?.();
      void lease.release();
    };
    try {
      const result = await this.port.upload(order, {
        ...extra,
        signal: options.signal,
        offerRetry: true,
        onRetried: (retried) => options.onRetried?.(retried, order),
        onSettled: release,
      });
      return { order, result };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Web addresses dropped onto the Assets view: each downloaded and uploaded by the port. */
  async uploadUrls(urls: readonly string[], token: vscode.CancellationToken): Promise<void> {
    for (const url of urls) {
      if (token.isCancellationRequested) {
        break;
      }
      // A dropped address may be a signed link: its query (the signature) stays out of the log.
      this.log.info(`Uploading the dropped address ${withoutCredentials(url)}.`);
      await this.port.uploadUrl(url, { typedByPerson: true });
    }
  }

  /** Temporary leases still held (for tests). */
  get held(): number {
    return this.temp.held;
  }

  dispose(): void {
    void this.temp.dispose();
  }
}

/** The successes of `result` in the order their files were dropped. */
export function inDropOrder(result: BatchResult, order: readonly vscode.Uri[]): BatchResult['succeeded'] {
  const keys = order.map((u) => u.toString());
  return [...result.succeeded].sort((a, b) => keys.indexOf(a.uri.toString()) - keys.indexOf(b.uri.toString()));
}

/**
 * An offset in a document that follows the person's edits, so a Retry pressed later still inserts where the drop
 * or paste happened. Stops following when disposed or when the document closes.
 */
export class TrackedOffset implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  private closed = false;

  constructor(
    readonly document: vscode.TextDocument,
    private at: number,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (sameDocument(event.document, document)) {
          this.at = shiftOffset(this.at, event.contentChanges);
        }
      }),
      vscode.workspace.onDidCloseTextDocument((closed) => {
        if (sameDocument(closed, document)) {
          this.closed = true;
          this.dispose();
        }
      }),
    ];
  }

  /** The offset now, or undefined once the document is closed. */
  get offset(): number | undefined {
    return this.closed || this.document.isClosed ? undefined : this.at;
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) {
      s.dispose();
    }
  }
}

/** Whether two document objects are the same document (the editor may hand over another object for it). */
export function sameDocument(a: vscode.TextDocument, b: vscode.TextDocument): boolean {
  return a === b || a.uri.toString() === b.uri.toString();
}
