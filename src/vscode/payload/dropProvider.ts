import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AssetRecord } from '../../core/base/assetRecord';
import { escapeSnippetText } from '../../core/payload/fragmentText';
import { editsAroundMarker } from '../../core/payload/markerEdit';
import type { SnippetEditPlan } from '../../core/payload/insertionPlan';
import { TrackedOffset, sameDocument, type DroppedFile } from '../droppedMedia/droppedMedia';
import { errorMessage } from '../../core/base/errorMessage';
import { DROP_WATCH_MS, MEDIA_EDIT_KIND, YIELD_TO_ALL, hasEditorOwnEdit, isRecognisedPayload, type DropPasteDeps, mediaIn, type RetriedInsert, uploadMedia, planFor, reportLeftOver, reportFailure, editTitle, placeholderText } from './mediaInsert';

/**
 * Drop of media files into a payload. VS Code asks every drop provider for its edit before the person has chosen
 * one, and (up to at least 1.99) never calls `resolveDocumentDropEdit`, so the upload cannot wait for a resolve:
 * the edit inserts a placeholder, and the upload starts only when that placeholder appears in the document,
 * i.e. once this edit was applied (the default after a drop, or chosen later in the drop widget). Choosing
 * another edit, undoing or deleting the placeholder, or closing the document cancels the upload; when the
 * upload answers, the placeholder is replaced by the fragment, or removed if nothing was uploaded.
 */
export class MediaDropProvider implements vscode.DocumentDropEditProvider {
  /** Uploads started by applied drops and inserts of their retries, settled when their edit is done (for tests and shutdown). */
  readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: DropPasteDeps) {}

  async provideDocumentDropEdits(
    document: vscode.TextDocument,
    _position: vscode.Position,
    dataTransfer: vscode.DataTransfer,
    token: vscode.CancellationToken,
  ): Promise<vscode.DocumentDropEdit | undefined> {
    try {
      const media = await mediaIn(dataTransfer);
      if (media.length === 0 || token.isCancellationRequested) {
        return undefined;
      }
      const payload = isRecognisedPayload(document);
      if (!payload && !hasEditorOwnEdit(dataTransfer)) {
        return undefined;
      }
      const placeholder = placeholderText(media);
      const edit = new vscode.DocumentDropEdit(placeholder);
      // In a payload our edit is the default, VS Code's own (insert path, relative path) one click away in the drop
      // widget; in any other file it is the other way round.
      edit.title = editTitle(media);
      edit.kind = MEDIA_EDIT_KIND;
      if (!payload) {
        edit.yieldTo = [...YIELD_TO_ALL];
      }
      this.watch(document, placeholder, media);
      return edit;
    } catch (error) {
      this.deps.log.error(`Drop into ${document.uri.toString(true)} failed: ${errorMessage(error)}`);
      return undefined;
    }
  }

  private watch(document: vscode.TextDocument, placeholder: string, media: DroppedFile[]): void {
    const subscriptions: vscode.Disposable[] = [];
    const stop = (): void => {
      clearTimeout(timer);
      for (const s of subscriptions) {
        s.dispose();
      }
    };
    const timer = setTimeout(stop, DROP_WATCH_MS);
    // Waiting for a drop choice is no reason to keep the extension host's process alive.
    timer.unref();
    subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (sameDocument(event.document, document) && event.contentChanges.some((c) => c.text.includes(placeholder))) {
          stop();
          this.track(this.uploadAndReplace(event.document, placeholder, media));
        }
      }),
      vscode.workspace.onDidCloseTextDocument((closed) => {
        if (sameDocument(closed, document)) {
          stop();
        }
      }),
    );
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  private async uploadAndReplace(document: vscode.TextDocument, placeholder: string, media: DroppedFile[]): Promise<void> {
    // Where the drop is; a Retry pressed after the placeholder is gone inserts there, once this drop's edit is done.
    const anchor = new TrackedOffset(document, Math.max(0, document.getText().indexOf(placeholder)));
    let ownEditDone!: () => void;
    const after = new Promise<void>((resolve) => (ownEditDone = resolve));
    try {
      await this.replacePlaceholder(document, placeholder, media, { anchor, track: (work) => this.track(work), after });
    } finally {
      ownEditDone();
    }
  }

  private async replacePlaceholder(
    document: vscode.TextDocument,
    placeholder: string,
    media: DroppedFile[],
    retry: RetriedInsert,
  ): Promise<void> {
    const { log } = this.deps;
    const abort = new AbortController();
    const cancel = (why: string): void => {
      if (!abort.signal.aborted) {
        log.info(`Drop of ${media.map((m) => m.name).join(', ')} cancelled: ${why}.`);
        abort.abort();
      }
    };
    const subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (sameDocument(event.document, document) && !event.document.getText().includes(placeholder)) {
          cancel('its placeholder left the document');
        }
      }),
      vscode.workspace.onDidCloseTextDocument((closed) => {
        if (sameDocument(closed, document)) {
          cancel('the document was closed');
        }
      }),
    ];
    let records: AssetRecord[] = [];
    try {
      records = await uploadMedia(media, this.deps, abort.signal, retry);
    } catch (error) {
      retry.anchor.dispose();
      reportFailure('drop', media, document, error, this.deps);
    } finally {
      for (const s of subscriptions) {
        s.dispose();
      }
    }
    if (abort.signal.aborted || document.isClosed) {
      return;
    }
    const text = document.getText();
    const start = text.indexOf(placeholder);
    if (start < 0) {
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    const range = (from: number, to: number): vscode.Range => new vscode.Range(document.positionAt(from), document.positionAt(to));
    let plan: SnippetEditPlan | undefined;
    if (records.length === 0) {
      // Failed or cancelled: the upload's own message has said why; nothing is inserted.
      edit.delete(document.uri, range(start, start + placeholder.length));
    } else {
      // Tabstops only while the person is still where they dropped: a snippet elsewhere would pull the cursor away.
      const editor = vscode.window.activeTextEditor;
      const cursor = editor && sameDocument(editor.document, document) && editor.selections.length === 1 ? document.offsetAt(editor.selection.active) : -1;
      const asSnippet = cursor >= start && cursor <= start + placeholder.length;
      const without = text.slice(0, start) + text.slice(start + placeholder.length);
      plan = planFor(document, without, start, records, this.deps, asSnippet);
      const edits = editsAroundMarker(start, placeholder.length, { start: plan.start, end: plan.end, text: plan.snippet }, plan.extraEdits, asSnippet ? escapeSnippetText : undefined);
      edit.set(
        document.uri,
        edits.map((e) =>
          e.main && asSnippet ? new vscode.SnippetTextEdit(range(e.start, e.end), new vscode.SnippetString(e.text)) : vscode.TextEdit.replace(range(e.start, e.end), e.text),
        ),
      );
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      log.warn(`The drop into ${document.uri.toString(true)} could not be applied; is the document read-only?`);
      if (records.length > 0) {
        void vscode.window.showWarningMessage(
          vscode.l10n.t('{0} could not be changed, so nothing was inserted; the uploaded files are in the HeyGen Assets view.', path.basename(document.uri.path)),
        );
      }
      return;
    }
    if (plan) {
      log.info(`Inserted ${plan.inserted} of ${records.length} dropped asset(s) into ${document.uri.toString(true)}.`);
      reportLeftOver(plan, records);
    }
  }
}
