import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PAYLOAD_LANGUAGES } from '../../core/payload/payloadLanguages';
import { CommandId } from '../commands/commandIds';
import type { AssetRecord } from '../../core/base/assetRecord';
import { hasSupportedExtension } from '../../core/base/mediaKinds';
import { escapeSnippetText, type SnippetEntry, type SnippetRole } from '../../core/payload/buildSnippet';
import { editsAroundMarker } from '../../core/payload/markerEdit';
import { planSnippetEdit, type SnippetEditPlan } from '../../core/payload/insertionPlan';
import type { Configuration } from '../configuration/configuration';
import type { Logger } from '../../core/base/logger';
import { TrackedOffset, inDropOrder, readDroppedMedia, sameDocument, type DroppedFile, type DroppedMediaUploads } from '../droppedMedia/droppedMedia';
import { showErrorWithLog } from '../log/showLogAction';
import { errorMessage } from '../../core/base/errorMessage';

/** Payload files people write `video/generate` requests in. */
const DROP_MIME_TYPES = ['text/uri-list', 'files'];

/**
 * How long a drop's placeholder is watched for after our edit was offered: the drop widget lets a person switch
 * to it until they type, so it may be applied well after the drop.
 */
const DROP_WATCH_MS = 5 * 60_000;

/** The kind of our drop and paste edits, so VS Code can tell them from its own (insert path, plain text). */
const MEDIA_EDIT_KIND = vscode.DocumentDropOrPasteEditKind.Empty.append('heygen', 'asset');

const isSupportedName = hasSupportedExtension;

/** What drop and paste need: the snippet defaults, the log, and the dropped-media uploads. */
export interface DropPasteDeps {
  config: Pick<Configuration, 'snippetAvatarId' | 'snippetVoiceId' | 'snippetReference'>;
  log: Logger;
  media: DroppedMediaUploads;
}

/** The supported media files of a drop or paste into a payload (web addresses are not ours to insert). */
async function mediaIn(dataTransfer: vscode.DataTransfer): Promise<DroppedFile[]> {
  return (await readDroppedMedia(dataTransfer, isSupportedName)).files;
}

/** Where a Retry's fragment goes, who keeps track of inserting it, and what it must wait for first. */
interface RetriedInsert {
  anchor: TrackedOffset;
  track: (work: Promise<void>) => void;
  /** The drop's or paste's own edit is done. */
  after: Promise<void>;
}

/**
 * Uploads the media through the UploadPort (its progress notification, its error messages) and returns the assets
 * in the order they were dropped. Empty when nothing was uploaded or the upload was cancelled: a cancelled drop
 * inserts nothing, even for files that were done before the cancel (they are in the Assets view). A Retry the
 * person presses later inserts at `anchor`, which follows the document's edits until no Retry can come.
 */
async function uploadMedia(
  media: readonly DroppedFile[],
  deps: DropPasteDeps,
  signal: AbortSignal,
  retry: RetriedInsert,
): Promise<AssetRecord[]> {
  const { anchor, track } = retry;
  const { order, result } = await deps.media.upload(
    media,
    {
      signal,
      onRetried: (retried, dropped) => {
        // After the drop's or paste's own edit: two edits racing for one document version, one would be refused.
        track(retry.after.then(() => insertRetried(anchor, inDropOrder(retried, dropped).map((s) => s.record), deps)));
      },
      onSettled: () => anchor.dispose(),
    },
    { quiet: true },
  );
  if (result.cancelled || signal.aborted) {
    return [];
  }
  return inDropOrder(result, order).map((s) => s.record);
}

/** Edits of a document refused because it changed between planning and applying are planned again this often. */
const RETRIED_INSERT_ATTEMPTS = 3;

/** A retried drop or paste: its fragment goes where the drop was, as plain text (the person is elsewhere by now). */
async function insertRetried(anchor: TrackedOffset, records: readonly AssetRecord[], deps: DropPasteDeps): Promise<void> {
  if (records.length === 0) {
    return;
  }
  const { document } = anchor;
  const name = path.basename(document.uri.path);
  for (let attempt = 1; ; attempt++) {
    const offset = anchor.offset;
    if (offset === undefined) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('{0} was closed, so nothing was inserted; the uploaded files are in the HeyGen Assets view.', name),
      );
      return;
    }
    const plan = planFor(document, document.getText(), offset, records, deps, false);
    const range = (from: number, to: number): vscode.Range => new vscode.Range(document.positionAt(from), document.positionAt(to));
    const edit = new vscode.WorkspaceEdit();
    edit.set(document.uri, [
      vscode.TextEdit.replace(range(plan.start, plan.end), plan.snippet),
      ...plan.extraEdits.map((e) => vscode.TextEdit.insert(document.positionAt(e.offset), e.text)),
    ]);
    if (await vscode.workspace.applyEdit(edit)) {
      deps.log.info(`Inserted ${plan.inserted} of ${records.length} retried asset(s) into ${document.uri.toString(true)}.`);
      reportLeftOver(plan, records);
      return;
    }
    if (attempt >= RETRIED_INSERT_ATTEMPTS || document.isClosed) {
      deps.log.warn(`The retried drop into ${document.uri.toString(true)} could not be applied; is the document read-only?`);
      void vscode.window.showWarningMessage(
        vscode.l10n.t('{0} could not be changed, so nothing was inserted; the uploaded files are in the HeyGen Assets view.', name),
      );
      return;
    }
    // Refused because the document changed under the edit (another edit landed first): plan again on its new text.
    await nextChangeOf(document);
  }
}

/** Resolves at the document's next change, or after a second if none comes (the change may have landed already). */
function nextChangeOf(document: vscode.TextDocument): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    };
    const timer = setTimeout(done, 1_000);
    const subscription = vscode.workspace.onDidChangeTextDocument((event) => {
      if (sameDocument(event.document, document)) {
        done();
      }
    });
  });
}

function roleFor(record: AssetRecord): SnippetRole {
  return record.fileType === 'audio' ? 'audio' : 'background';
}

/**
 * The fragment for the uploaded assets at `offset` of `text`: outside a `video_inputs` item one whole item per
 * asset; inside an item only the first asset's property fits (`inserted` says how many made it in).
 */
function planFor(document: vscode.TextDocument, text: string, offset: number, records: readonly AssetRecord[], deps: DropPasteDeps, asSnippet: boolean): SnippetEditPlan {
  const [first, ...rest] = records;
  const entry = (record: AssetRecord): SnippetEntry => ({
    role: roleFor(record),
    asset: { id: record.id, url: record.url, fileType: record.fileType },
  });
  const editorOptions = vscode.window.visibleTextEditors.find((e) => e.document === document)?.options;
  return planSnippetEdit(text, offset, {
    ...entry(first),
    extraItems: rest.map(entry),
    languageId: document.languageId,
    indent: {
      insertSpaces: editorOptions?.insertSpaces !== false && editorOptions?.insertSpaces !== 'false',
      tabSize: typeof editorOptions?.tabSize === 'number' ? editorOptions.tabSize : 4,
    },
    defaults: { avatarId: deps.config.snippetAvatarId, voiceId: deps.config.snippetVoiceId },
    reference: deps.config.snippetReference,
    // VS Code indents a snippet's following lines itself; plain text is indented here.
    editorIndents: asSnippet,
    plainText: !asSnippet,
  });
}

/** Tells the person where the assets went that did not fit (inside an item only one property fits). */
function reportLeftOver(plan: SnippetEditPlan, records: readonly AssetRecord[]): void {
  const others = records.length - plan.inserted;
  if (others <= 0) {
    return;
  }
  const name = records[0].name;
  const message =
    others === 1
      ? vscode.l10n.t('Inserted {0}: only one file fits into a video_inputs item. The other file was uploaded and is in the HeyGen Assets view.', name)
      : vscode.l10n.t('Inserted {0}: only one file fits into a video_inputs item. The {1} other files were uploaded and are in the HeyGen Assets view.', name, others);
  vscode.window.setStatusBarMessage(message, 10_000);
}

/** A failure outside the upload (whose own messages cover its failures): one sentence, details in the log. */
function reportFailure(what: 'drop' | 'paste', media: readonly DroppedFile[], document: vscode.TextDocument, error: unknown, deps: DropPasteDeps): void {
  const reason = errorMessage(error);
  deps.log.error(`The ${what} of ${media.map((m) => m.name).join(', ')} into ${document.uri.toString(true)} failed: ${reason}`);
  const names = media.map((m) => m.name).join(', ');
  const message =
    what === 'drop'
      ? vscode.l10n.t('Nothing was inserted for the dropped {0}: {1}', names, reason)
      : vscode.l10n.t('Nothing was inserted for the pasted {0}: {1}', names, reason);
  void showErrorWithLog(message, () => vscode.commands.executeCommand(CommandId.ShowLog));
}

function editTitle(media: readonly DroppedFile[]): string {
  return media.length === 1
    ? vscode.l10n.t('Upload {0} to HeyGen and insert it', media[0].name)
    : vscode.l10n.t('Upload {0} files to HeyGen and insert them', media.length);
}

function placeholderText(media: readonly DroppedFile[]): string {
  // The short id tells two drops of the same file apart; the text tells the person what is going on.
  const id = randomBytes(3).toString('hex');
  const what =
    media.length === 1
      ? vscode.l10n.t('Uploading {0} to HeyGen… (undo to cancel)', media[0].name)
      : vscode.l10n.t('Uploading {0} files to HeyGen… (undo to cancel)', media.length);
  return `«${what} ${id}»`;
}

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
      const placeholder = placeholderText(media);
      const edit = new vscode.DocumentDropEdit(placeholder);
      // Our edit is the default for media dropped into a payload; VS Code's own choices (insert path,
      // relative path) stay one click away in the drop widget, so no yieldTo here.
      edit.title = editTitle(media);
      edit.kind = MEDIA_EDIT_KIND;
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

export function registerDropPasteProviders(context: vscode.ExtensionContext, deps: DropPasteDeps): void {
  // Drop and paste work where payloads are written: the same languages the payload features know.
  const selector = PAYLOAD_LANGUAGES.map((language) => ({ language }));
  context.subscriptions.push(
    vscode.languages.registerDocumentDropEditProvider(selector, new MediaDropProvider(deps), {
      providedDropEditKinds: [MEDIA_EDIT_KIND],
      dropMimeTypes: DROP_MIME_TYPES,
    }),
    vscode.languages.registerDocumentPasteEditProvider(selector, new MediaPasteProvider(deps), {
      providedPasteEditKinds: [MEDIA_EDIT_KIND],
      pasteMimeTypes: DROP_MIME_TYPES,
    }),
  );
}
