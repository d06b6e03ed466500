import type * as vscode from 'vscode';
import type { AssetRecord } from '../../core/base/assetRecord';
import type { HeyGenErrorKind } from '../../core/base/heygenError';
import type { FileStamp } from '../../core/base/validateFile';

export interface BatchSuccess {
  uri: vscode.Uri;
  record: AssetRecord;
  reused: boolean;
}
export interface BatchFailure {
  uri: vscode.Uri;
  name: string;
  message: string;
  kind?: HeyGenErrorKind;
  /** Whether trying again later could help (a server or network fault, not a bad file or certificate). */
  retryable: boolean;
  /** HeyGen's page about this error (v3's `doc_url`), offered as "Open Docs". */
  docUrl?: string;
  /** API v3 would take it: v1 looks retired, or the file is over v1's size limit ("Use API v3"). */
  offerV3?: boolean;
  /** API v1 may take it: v3 answers as if it does not exist ("Use API v1"). */
  offerV1?: boolean;
}
export interface BatchResult {
  succeeded: BatchSuccess[];
  failed: BatchFailure[];
  cancelled: boolean;
}

export interface UploadRequestOptions {
  /** Upload even when identical content was uploaded before with the same key. */
  force?: boolean;
  /**
   * The versions of the files a person approved, by path (an agent's upload): a file whose size or modification time
   * differs when it is read is refused unsent.
   */
  approved?: ReadonlyMap<string, FileStamp>;
  /** No success notification (the caller shows the result itself, e.g. a drop into an editor). */
  quiet?: boolean;
  /** Cancels the batch like the notification's Cancel button (e.g. a drop the editor gave up on). */
  signal?: AbortSignal;
  /**
   * Whether a failure's notification may offer Retry (default true). Whoever owns the sources decides: a caller
   * whose temporary files are gone once this call returns says false, or keeps them until `onSettled`.
   */
  offerRetry?: boolean;
  /**
   * The result of each Retry the person pressed, after the first result was returned: the caller finishes its
   * work with it (a retried drop inserts its fragment). Its failures get their own notification, with Retry again.
   */
  onRetried?: (result: BatchResult) => unknown;
  /**
   * Called once, when no Retry can follow any more (the last notification was answered or closed, or offered no
   * Retry): the caller may delete temporary sources then.
   */
  onSettled?: () => void;
  /**
   * URLs only: the person typed or dropped it (Upload from URL's input box, a drop on the Assets view), so it may name
   * an address on this computer or the local network. Any other URL (an agent tool's, another extension's, a file's)
   * reaches only public addresses unless `heygen.download.allowPrivateNetworks` is on.
   */
  typedByPerson?: boolean;
}

/**
 * The one way every entry point (commands, the Assets view, snippets, drop and paste, the agent tools, the
 * extension's API) asks for uploads: sources in, records and per-file failures out.
 */
export interface UploadPort {
  upload(uris: readonly vscode.Uri[], options?: UploadRequestOptions): Promise<BatchResult>;
  uploadUrl(url: string, options?: UploadRequestOptions): Promise<BatchResult>;
}
