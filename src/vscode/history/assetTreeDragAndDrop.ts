import * as vscode from 'vscode';
import type { Logger } from '../../core/base/logger';
import { VIEW_ASSETS } from '../commands/commandIds';
import { readDroppedMedia, type DroppedMediaUploads } from '../droppedMedia/droppedMedia';
import type { AssetTreeNode } from './assetTreeNodes';

const TREE_MIME = `application/vnd.code.tree.${VIEW_ASSETS.toLowerCase()}`;
const URI_LIST = 'text/uri-list';
/** A drop of many web addresses is more likely a mistake than a wish for that many uploads. */
const MAX_DROPPED_URLS = 5;

/** Drag and drop of the Assets view: assets dragged out carry their URLs; files and web addresses dropped in upload. */
export class AssetTreeDragAndDrop implements vscode.TreeDragAndDropController<AssetTreeNode> {
  // 'files' covers files dragged from the operating system whatever their type; the explorer sends a uri-list.
  readonly dropMimeTypes = [URI_LIST, 'files'];
  readonly dragMimeTypes = [URI_LIST];

  constructor(private readonly deps: { log: Logger; media: DroppedMediaUploads }) {}

  /** Dragging assets out (into an editor, say) carries their URLs. */
  handleDrag(source: readonly AssetTreeNode[], dataTransfer: vscode.DataTransfer): void {
    const urls = source.flatMap((n) => (n.type === 'asset' ? [n.record.url] : []));
    if (urls.length > 0) {
      dataTransfer.set(URI_LIST, new vscode.DataTransferItem(urls.join('\r\n')));
      dataTransfer.set('text/plain', new vscode.DataTransferItem(urls.join('\n')));
    }
  }

  /** Files dropped from the explorer or the operating system are uploaded; web addresses from their URL. */
  async handleDrop(_target: AssetTreeNode | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    if (dataTransfer.get(TREE_MIME)) {
      return; // Our own rows dropped back onto the view: nothing to upload.
    }
    const { files, webUrls } = await readDroppedMedia(dataTransfer);
    if (token.isCancellationRequested) {
      return;
    }
    if (files.length > 0) {
      this.deps.log.info(`Assets view: uploading ${files.length} dropped file(s).`);
      await this.deps.media.upload(files);
    } else if (webUrls.length > 0) {
      // An image dragged from a web page: the page's address, no file. Upload it from its URL.
      if (webUrls.length > MAX_DROPPED_URLS) {
        this.deps.log.warn(`Assets view: ${webUrls.length} web addresses were dropped; only the first ${MAX_DROPPED_URLS} are uploaded.`);
        void vscode.window.showWarningMessage(
          vscode.l10n.t(
            'Only the first {0} of the {1} dropped web addresses are uploaded; drop the others in groups of {0} or fewer.',
            MAX_DROPPED_URLS,
            webUrls.length,
          ),
        );
      }
      await this.deps.media.uploadUrls(webUrls.slice(0, MAX_DROPPED_URLS), token);
    } else {
      this.deps.log.info('Assets view: a drop carried no files or web addresses; nothing to upload.');
    }
  }
}
