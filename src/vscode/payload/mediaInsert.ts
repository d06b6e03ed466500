/** What dropping and pasting media into a payload share: uploading it, planning the fragments, the messages. */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import type { AssetRecord } from '../../core/base/assetRecord';
import { hasSupportedExtension } from '../../core/base/mediaKinds';
import { type SnippetEntry, type SnippetRole } from '../../core/payload/buildSnippet';
import { planSnippetEdit, type SnippetEditPlan } from '../../core/payload/insertionPlan';
import { detectBodies } from '../../core/payload/payloadShape';
import type { Configuration } from '../configuration/configuration';
import type { Logger } from '../../core/base/logger';
import { TrackedOffset, inDropOrder, readDroppedMedia, sameDocument, type DroppedFile, type DroppedMediaUploads } from '../droppedMedia/droppedMedia';
import { showErrorWithLog } from '../log/showLogAction';
import { errorMessage } from '../../core/base/errorMessage';

/** Payload files people write `video/generate` requests in. */
export const DROP_MIME_TYPES = ['text/uri-list', 'files'];

/**
 * How long a drop's placeholder is watched for after our edit was offered: the drop widget lets a person switch
 * to it until they type, so it may be applied well after the drop.
 */
export const DROP_WATCH_MS = 5 * 60_000;

/** The kind of our drop and paste edits, so VS Code can tell them from its own (insert path, plain text). */
export const MEDIA_EDIT_KIND = vscode.DocumentDropOrPasteEditKind.Empty.append('heygen', 'asset');

export const isSupportedName = hasSupportedExtension;

/**
 * Whether the document holds a HeyGen request body (a v2 `video_inputs` body or a v3 video body). Only there is
 * uploading the default drop or paste: elsewhere (a package.json, any script) dropping a file must not send it.
 */
export function isRecognisedPayload(document: vscode.TextDocument): boolean {
  return detectBodies(document.getText(), document.languageId).length > 0;
}

/** Outside a payload our edit yields to every other one (`Empty` contains every kind): VS Code's own stays the default. */
export const YIELD_TO_ALL: readonly vscode.DocumentDropOrPasteEditKind[] = [vscode.DocumentDropOrPasteEditKind.Empty];

/**
 * Whether VS Code has an edit of its own for this transfer (it inserts text or paths). Without one, ours would be
 * the only edit and so the default whatever it yields to: outside a payload it is then not offered.
 */
export function hasEditorOwnEdit(dataTransfer: vscode.DataTransfer): boolean {
  return dataTransfer.get('text/uri-list') !== undefined || dataTransfer.get('text/plain') !== undefined;
}

/** What drop and paste need: the snippet defaults, the log, and the dropped-media uploads. */
export interface DropPasteDeps {
  config: Pick<Configuration, 'snippetAvatarId' | 'snippetVoiceId' | 'snippetReference' | 'payloadVersion'>;
  log: Logger;
  media: DroppedMediaUploads;
}

/** The supported media files of a drop or paste into a payload (web addresses are not ours to insert). */
export async function mediaIn(dataTransfer: vscode.DataTransfer): Promise<DroppedFile[]> {
  return (await readDroppedMedia(dataTransfer, isSupportedName)).files;
}

/** Where a Retry's fragment goes, who keeps track of inserting it, and what it must wait for first. */
export interface RetriedInsert {
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
export async function uploadMedia(
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
export const RETRIED_INSERT_ATTEMPTS = 3;

/** A retried drop or paste: its fragment goes where the drop was, as plain text (the person is elsewhere by now). */
export async function insertRetried(anchor: TrackedOffset, records: readonly AssetRecord[], deps: DropPasteDeps): Promise<void> {
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
export function nextChangeOf(document: vscode.TextDocument): Promise<void> {
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

export function roleFor(record: AssetRecord): SnippetRole {
  return record.fileType === 'audio' ? 'audio' : 'background';
}

/**
 * The fragment for the uploaded assets at `offset` of `text`: outside a `video_inputs` item one whole item per
 * asset; inside an item only the first asset's property fits; a new v3 body takes one asset per place and no video
 * background (`inserted` says how many made it in).
 */
export function planFor(document: vscode.TextDocument, text: string, offset: number, records: readonly AssetRecord[], deps: DropPasteDeps, asSnippet: boolean): SnippetEditPlan {
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
    newPayloads: deps.config.payloadVersion,
    // VS Code indents a snippet's following lines itself; plain text is indented here.
    editorIndents: asSnippet,
    plainText: !asSnippet,
  });
}

/** Tells the person where the assets went that did not fit (inside an item only one property fits). */
export function reportLeftOver(plan: SnippetEditPlan, records: readonly AssetRecord[]): void {
  const others = records.length - plan.inserted;
  if (others <= 0) {
    return;
  }
  const name = records[0].name;
  if (plan.version === 'v3') {
    // v3 takes no video background, and one asset per place: say so where the person looks, not in the status bar.
    const video = records.find((r) => r.fileType === 'video');
    const message =
      plan.inserted === 0 && video
        ? vscode.l10n.t('{0} is a video, and an API v3 background is an image or a color, so it was not inserted; it is in the HeyGen Assets view.', video.name)
        : vscode.l10n.t('Inserted {0} of {1} files: an API v3 body takes one image background, one talking photo and one audio file, and no video. The others are in the HeyGen Assets view.', plan.inserted, records.length);
    void vscode.window.showInformationMessage(message);
    return;
  }
  const message =
    others === 1
      ? vscode.l10n.t('Inserted {0}: only one file fits into a video_inputs item. The other file was uploaded and is in the HeyGen Assets view.', name)
      : vscode.l10n.t('Inserted {0}: only one file fits into a video_inputs item. The {1} other files were uploaded and are in the HeyGen Assets view.', name, others);
  vscode.window.setStatusBarMessage(message, 10_000);
}

/** A failure outside the upload (whose own messages cover its failures): one sentence, details in the log. */
export function reportFailure(what: 'drop' | 'paste', media: readonly DroppedFile[], document: vscode.TextDocument, error: unknown, deps: DropPasteDeps): void {
  const reason = errorMessage(error);
  deps.log.error(`The ${what} of ${media.map((m) => m.name).join(', ')} into ${document.uri.toString(true)} failed: ${reason}`);
  const names = media.map((m) => m.name).join(', ');
  const message =
    what === 'drop'
      ? vscode.l10n.t('Nothing was inserted for the dropped {0}: {1}', names, reason)
      : vscode.l10n.t('Nothing was inserted for the pasted {0}: {1}', names, reason);
  void showErrorWithLog(message, () => vscode.commands.executeCommand(CommandId.ShowLog));
}

export function editTitle(media: readonly DroppedFile[]): string {
  return media.length === 1
    ? vscode.l10n.t('Upload {0} to HeyGen and insert it', media[0].name)
    : vscode.l10n.t('Upload {0} files to HeyGen and insert them', media.length);
}

export function placeholderText(media: readonly DroppedFile[]): string {
  // The short id tells two drops of the same file apart; the text tells the person what is going on.
  const id = randomBytes(3).toString('hex');
  const what =
    media.length === 1
      ? vscode.l10n.t('Uploading {0} to HeyGen… (undo to cancel)', media[0].name)
      : vscode.l10n.t('Uploading {0} files to HeyGen… (undo to cancel)', media.length);
  return `«${what} ${id}»`;
}
