import type * as vscode from 'vscode';
import type { AssetTreeNode } from './history/assetTreeView';
import type { HistoryStore } from '../core/history/historyStore';
import type { BatchResult, UploadRequestOptions } from './upload/uploadPort';
import type { QuickPickShown } from './ui/quickPicks';
import type { LibraryController } from './library/libraryController';
import type { VideosTestApi } from './videos/registerVideos';

/**
 * What `activate` returns. Tests inside the extension host use it to see what the person sees (the tree's
 * items, the history) without reaching into module internals; other extensions may use it to upload.
 */
export interface HeyGenAssetsApi {
  history: HistoryStore;
  assetTree: vscode.TreeDataProvider<AssetTreeNode>;
  /** The Library view and its index (`library.index.all()`, `isGone()`, `onDidChange`). */
  library: LibraryController;
  upload(uris: vscode.Uri[], options?: UploadRequestOptions): Promise<BatchResult>;
  uploadUrl(url: string, options?: UploadRequestOptions): Promise<BatchResult>;
  /** Fires when one of the extension's quick picks is on screen (its title and rows). */
  onDidShowQuickPick: vscode.Event<QuickPickShown>;
  /** The renders and the Videos view's rows, in an extension test run only (copies and closures). */
  videos?: VideosTestApi;
}
