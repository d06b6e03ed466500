import * as vscode from 'vscode';
import type { AssetRecord } from '../core/base/assetRecord';
import type { AssetKind } from '../core/base/mediaKinds';
import type { AssetTreeNode } from './history/assetTreeView';
import type { HistoryStore } from '../core/history/historyStore';
import type { BatchResult, UploadPort, UploadRequestOptions } from './upload/uploadPort';
import type { QuickPickShown } from './ui/quickPicks';
import type { LibraryController } from './library/libraryController';
import type { VideosTestApi } from './videos/registerVideos';
import type { AvatarsTestApi } from './avatars/avatarService';

/** An uploaded asset as other extensions see it: plain data, a copy, never the key's fingerprint or the content hash. */
export interface HeyGenAsset {
  readonly id: string;
  readonly name: string;
  readonly fileType: AssetKind;
  readonly mime: string;
  readonly url: string;
  readonly imageKey: string | null;
  readonly size: number;
  /** When the upload finished (ms since epoch). */
  readonly uploadedAt: number;
  /** The local file it was read from; absent for uploads from a URL. */
  readonly sourcePath?: string;
}

export interface HeyGenUploadResult {
  readonly succeeded: ReadonlyArray<{ readonly uri: vscode.Uri; readonly asset: HeyGenAsset; readonly reused: boolean }>;
  readonly failed: ReadonlyArray<{ readonly uri: vscode.Uri; readonly name: string; readonly message: string }>;
  readonly cancelled: boolean;
}
import type { WorkspaceReferences } from './references/workspaceReferences';

/**
 * What `activate` returns to other extensions: four closures over the upload port and the history, frozen. Nothing
 * reachable from it leads to the key, SecretStorage, the HTTP client or anything that deletes; uploads go through the
 * same port, checks, progress notification and key prompt as the commands.
 */
export interface HeyGenAssetsApi {
  /** Uploads files (a folder: its supported files, as the explorer's Upload to HeyGen does). */
  upload(uris: readonly vscode.Uri[]): Promise<HeyGenUploadResult>;
  /** Downloads an http(s) URL and uploads it. */
  uploadUrl(url: string): Promise<HeyGenUploadResult>;
  /** A snapshot of the upload history, newest first. */
  history(): readonly HeyGenAsset[];
  /** Fires after the history changed; read `history()` again then. */
  onDidChangeHistory(listener: () => void): vscode.Disposable;
}

function publicAsset(record: AssetRecord): HeyGenAsset {
  return Object.freeze({
    id: record.id,
    name: record.name,
    fileType: record.fileType,
    mime: record.mime,
    url: record.url,
    imageKey: record.imageKey,
    size: record.size,
    uploadedAt: record.uploadedAt,
    ...(record.sourcePath !== undefined ? { sourcePath: record.sourcePath } : {}),
  });
}

function publicResult(result: BatchResult): HeyGenUploadResult {
  return Object.freeze({
    succeeded: Object.freeze(result.succeeded.map((s) => Object.freeze({ uri: s.uri, asset: publicAsset(s.record), reused: s.reused }))),
    failed: Object.freeze(result.failed.map((f) => Object.freeze({ uri: f.uri, name: f.name, message: f.message }))),
    cancelled: result.cancelled,
  });
}

/** Another extension's arguments are checked here: the port trusts its callers. */
function urisOf(value: unknown): vscode.Uri[] {
  if (!Array.isArray(value) || !value.every((uri) => uri instanceof vscode.Uri)) {
    throw new TypeError('upload() takes an array of vscode.Uri.');
  }
  return [...value];
}

export function createPublicApi(uploads: UploadPort, history: Pick<HistoryStore, 'all' | 'onDidChange'>): HeyGenAssetsApi {
  return Object.freeze({
    upload: async (uris: readonly vscode.Uri[]) => publicResult(await uploads.upload(urisOf(uris))),
    uploadUrl: async (url: string) => {
      if (typeof url !== 'string') {
        throw new TypeError('uploadUrl() takes a URL string.');
      }
      return publicResult(await uploads.uploadUrl(url));
    },
    history: () => Object.freeze(history.all().map(publicAsset)),
    onDidChangeHistory: (listener: () => void) => {
      // A fresh disposable: the store's own one would lead back to its emitter.
      const subscription = history.onDidChange(() => listener());
      return new vscode.Disposable(() => subscription.dispose());
    },
  });
}

/**
 * What the extension-host tests drive and read (the history store, the trees, the library, the upload port, the
 * quick picks on screen). Offered only in `ExtensionMode.Test`, and never through `exports`: a test that walks what
 * other extensions can reach must see exactly what they see.
 */
export interface HeyGenTestApi {
  history: HistoryStore;
  assetTree: vscode.TreeDataProvider<AssetTreeNode>;
  /** The Library view and its index (`library.index.all()`, `isGone()`, `onDidChange`). */
  library: LibraryController;
  /** Where the workspace's payloads use each asset (`whenReady()`, `files()`, `referencesTo()`, `onDidChange`). */
  references: WorkspaceReferences;
  upload(uris: vscode.Uri[], options?: UploadRequestOptions): Promise<BatchResult>;
  uploadUrl(url: string, options?: UploadRequestOptions): Promise<BatchResult>;
  /** Fires when one of the extension's quick picks is on screen (its title and rows). */
  onDidShowQuickPick: vscode.Event<QuickPickShown>;
  /** The renders and the Videos view's rows, in an extension test run only (copies and closures). */
  videos?: VideosTestApi;
  /** The avatar and voice catalogue's state, in an extension test run only. */
  avatars?: AvatarsTestApi;
}

/** Where the test harness finds the test API (`test/host/hostSupport.ts`). */
export const TEST_API = Symbol.for('heygen-assets.testApi');

/** Hands the test API to the test harness, in `ExtensionMode.Test` only; gone again when the extension deactivates. */
export function offerTestApi(context: vscode.ExtensionContext, api: HeyGenTestApi): void {
  if (context.extensionMode !== vscode.ExtensionMode.Test) {
    return;
  }
  const global = globalThis as Record<symbol, unknown>;
  global[TEST_API] = api;
  context.subscriptions.push({ dispose: () => void delete global[TEST_API] });
}
