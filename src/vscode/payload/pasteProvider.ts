import * as vscode from 'vscode';
import type { AssetRecord } from '../../core/base/assetRecord';
import { TrackedOffset, type DroppedFile } from '../droppedMedia/droppedMedia';
import { errorMessage } from '../../core/base/errorMessage';
import { MEDIA_EDIT_KIND, type DropPasteDeps, mediaIn, uploadMedia, planFor, reportLeftOver, reportFailure, editTitle } from './mediaInsert';

interface PendingPaste {
  document: vscode.TextDocument;
  range: vscode.Range;
  media: DroppedFile[];
}

/**
 * Paste of copied media files into a payload. Offering the edit costs nothing; the upload happens in
 * `resolveDocumentPasteEdit`, which VS Code calls only for the edit it applies, under a cancellable
 * "running paste handler" progress whose token cancels the upload. The edit yields to plain text, so a paste
 * that also carries text stays a text paste, with ours one click away.
 */
export class MediaPasteProvider implements vscode.DocumentPasteEditProvider {
  private readonly pending = new WeakMap<vscode.DocumentPasteEdit, PendingPaste>();
  /** Inserts of retried pastes (for tests and shutdown). */
  readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: DropPasteDeps) {}

  async provideDocumentPasteEdits(
    document: vscode.TextDocument,
    ranges: readonly vscode.Range[],
    dataTransfer: vscode.DataTransfer,
    _context: vscode.DocumentPasteEditContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.DocumentPasteEdit[] | undefined> {
    const first = ranges[0];
    if (!first) {
      return undefined;
    }
    try {
      const media = await mediaIn(dataTransfer);
      if (media.length === 0 || token.isCancellationRequested) {
        return undefined;
      }
      const edit = new vscode.DocumentPasteEdit('', editTitle(media), MEDIA_EDIT_KIND);
      edit.yieldTo = [vscode.DocumentDropOrPasteEditKind.Text];
      this.pending.set(edit, { document, range: first, media });
      return [edit];
    } catch (error) {
      this.deps.log.error(`Paste into ${document.uri.toString(true)} failed: ${errorMessage(error)}`);
      return undefined;
    }
  }

  async resolveDocumentPasteEdit(edit: vscode.DocumentPasteEdit, token: vscode.CancellationToken): Promise<vscode.DocumentPasteEdit> {
    const pending = this.pending.get(edit);
    if (!pending) {
      return edit;
    }
    const { document, range, media } = pending;
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    if (token.isCancellationRequested) {
      abort.abort();
    }
    // Where the paste goes; a Retry pressed after this paste is over inserts there.
    const anchor = new TrackedOffset(document, document.offsetAt(range.start));
    const track = (work: Promise<void>): void => {
      this.running.add(work);
      void work.finally(() => this.running.delete(work));
    };
    let records: AssetRecord[] = [];
    try {
      // VS Code applies the resolved paste edit itself, later: a retried insert that meets it plans again.
      records = await uploadMedia(media, this.deps, abort.signal, { anchor, track, after: Promise.resolve() });
    } catch (error) {
      anchor.dispose();
      reportFailure('paste', media, document, error, this.deps);
    } finally {
      subscription.dispose();
    }
    if (records.length === 0 || token.isCancellationRequested) {
      // Failed or cancelled: the edit stays empty, so nothing is inserted.
      return edit;
    }
    const offset = document.offsetAt(range.start);
    const plan = planFor(document, document.getText(), offset, records, this.deps, true);
    // VS Code 1.99 hands a resolved edit's insertText to the editor without converting a SnippetString, so the
    // snippet goes in as an additional edit, which converts it, and the paste's own text stays empty.
    const atCursor = plan.start === offset && plan.end === offset;
    const target = atCursor ? range : new vscode.Range(document.positionAt(plan.start), document.positionAt(plan.end));
    const additionalEdit = new vscode.WorkspaceEdit();
    additionalEdit.set(document.uri, [
      new vscode.SnippetTextEdit(target, new vscode.SnippetString(plan.snippet)),
      ...plan.extraEdits.map((e) => vscode.TextEdit.insert(document.positionAt(e.offset), e.text)),
    ]);
    edit.additionalEdit = additionalEdit;
    reportLeftOver(plan, records);
    return edit;
  }
}
