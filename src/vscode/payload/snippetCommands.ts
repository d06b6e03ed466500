import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import { quickPicks } from '../ui/quickPicks';
import { recordOfItem, registerCommand, type HeyGenCommandContext } from '../commands/registerCommand';
import type { Configuration } from '../configuration/configuration';
import type { AssetRecord } from '../../core/base/assetRecord';
import type { HistoryStore } from '../../core/history/historyStore';
import { relativeTime } from '../../core/base/time';
import { SUPPORTED_TYPES, supportedTypeList, typesOfKind, type AssetKind } from '../../core/base/mediaKinds';
import type { BatchResult, UploadRequestOptions } from '../upload/uploadPort';
import type { Logger } from '../../core/base/logger';
import { roleAccepts, type IndentOptions, type PayloadVersion, type SnippetRole } from '../../core/payload/buildSnippet';
import { payloadVersionAt } from '../../core/payload/payloadShape';
import { planSnippetEdits, type SnippetEditRequest } from '../../core/payload/insertionPlan';
import { type LibraryAsset } from '../../core/heygen/libraryAsset';
import { recordForLibraryAsset } from '../../core/library/libraryRecord';

export interface SnippetDeps {
  history: HistoryStore;
  config: Configuration;
  log: Logger;
  upload(uris: vscode.Uri[], options?: UploadRequestOptions): Promise<BatchResult>;
  /** The HeyGen library (issue 13): the Insert pick offers its assets after the history's. */
  library?: { all(): readonly LibraryAsset[] };
}

/**
 * VS Code indents every following line of a snippet to the line it is inserted on (and converts the
 * indentation to the editor's tabs or spaces), so the fragments are built without that base indentation.
 */
const EDITOR_INDENTS_SNIPPETS = true;

const COMMANDS: ReadonlyArray<[CommandId, SnippetRole]> = [
  [CommandId.InsertBackground, 'background'],
  [CommandId.InsertTalkingPhoto, 'talkingPhoto'],
  [CommandId.InsertAudio, 'audio'],
];

export function registerSnippetCommands(context: vscode.ExtensionContext, deps: SnippetDeps): void {
  for (const [id, role] of COMMANDS) {
    registerCommand(context, id, (ctx) => runInsert(role, recordFromContext(ctx), deps), {
      log: deps.log,
      failureMessage: (reason) => vscode.l10n.t('The snippet could not be inserted: {0}', reason),
    });
  }
}

/** The asset a command was invoked with: a row of the Assets view, or a record handed over by a script. */
function recordFromContext(ctx: HeyGenCommandContext): AssetRecord | undefined {
  if (ctx.type === 'items') {
    const record = recordOfItem(ctx.node);
    return record && isRecord(record) ? record : undefined;
  }
  return ctx.type === 'value' && isRecord(ctx.value) ? ctx.value : undefined;
}

function isRecord(value: unknown): value is AssetRecord {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const r = value as Partial<AssetRecord>;
  return typeof r.id === 'string' && typeof r.url === 'string' && typeof r.fileType === 'string';
}

/** The quick pick's title: whole sentences per role, so translators never assemble pieces. */
function pickTitle(role: SnippetRole): string {
  switch (role) {
    case 'background':
      return vscode.l10n.t('Insert Background');
    case 'talkingPhoto':
      return vscode.l10n.t('Insert Talking Photo');
    case 'audio':
      return vscode.l10n.t('Insert Audio');
  }
}

function uploadDialogTitle(role: SnippetRole): string {
  switch (role) {
    case 'background':
      return vscode.l10n.t('Upload a file to insert as background');
    case 'talkingPhoto':
      return vscode.l10n.t('Upload a file to insert as talking photo');
    case 'audio':
      return vscode.l10n.t('Upload a file to insert as audio');
  }
}

function kindsFor(role: SnippetRole, version: PayloadVersion): AssetKind[] {
  return (['image', 'video', 'audio'] as AssetKind[]).filter((kind) => roleAccepts(role, kind, version));
}

/** Which payload the active editor's cursor is in (see payloadVersionAt); a new payload when no editor is open. */
function targetVersion(config: Pick<Configuration, 'payloadVersion'>): PayloadVersion {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return config.payloadVersion;
  }
  const { document } = editor;
  return payloadVersionAt(document.getText(), document.languageId, document.offsetAt(editor.selection.active), config.payloadVersion);
}

/** Why an asset cannot play a role; the agent's fragment tool says the same. */
export function mismatchMessage(role: SnippetRole, record: AssetRecord, version: PayloadVersion = 'v2'): string {
  switch (role) {
    case 'background':
      if (record.fileType === 'video' && version === 'v3') {
        return vscode.l10n.t('{0} is a video; an API v3 background is an image or a color.', record.name);
      }
      return vscode.l10n.t('{0} is an audio file; a background needs an image or a video.', record.name);
    case 'talkingPhoto':
      return vscode.l10n.t('{0} is not an image; a talking photo needs a JPEG or PNG image.', record.name);
    case 'audio':
      return vscode.l10n.t('{0} is not an audio file; audio needs an {1} file.', record.name, supportedTypeList(typesOfKind('audio')));
  }
}

/** Inserts `given`, or the asset the person picks (or uploads); true when a fragment went in. */
async function runInsert(role: SnippetRole, given: AssetRecord | undefined, deps: SnippetDeps): Promise<boolean> {
  const version = targetVersion(deps.config);
  const record = given ?? (await chooseAsset(role, version, deps));
  if (!record) {
    return false;
  }
  if (!roleAccepts(role, record.fileType, version)) {
    void vscode.window.showWarningMessage(mismatchMessage(role, record, version));
    return false;
  }
  return insertAsset(role, record, deps);
}

interface AssetPick extends vscode.QuickPickItem {
  record?: AssetRecord;
}

async function chooseAsset(role: SnippetRole, version: PayloadVersion, deps: SnippetDeps): Promise<AssetRecord | undefined> {
  const now = Date.now();
  const icon: Record<AssetKind, string> = { image: '$(file-media)', video: '$(device-camera-video)', audio: '$(unmute)' };
  const uploadItem: AssetPick = {
    label: `$(cloud-upload) ${vscode.l10n.t('Upload a new file…')}`,
    description: kindsFor(role, version)
      .flatMap((kind) => SUPPORTED_TYPES.filter((t) => t.kind === kind).map((t) => t.label))
      .join(', '),
    alwaysShow: true,
  };
  const assets: AssetPick[] = deps.history
    .all()
    .filter((r) => roleAccepts(role, r.fileType, version))
    .map((record) => ({
      label: `${icon[record.fileType]} ${record.name}`,
      // Same locale as the Assets view, so the quick pick reads like the tree.
      description: relativeTime(record.uploadedAt, now, vscode.env.language),
      detail: record.url,
      record,
    }));
  const items: AssetPick[] = [uploadItem];
  if (assets.length > 0) {
    items.push({ label: vscode.l10n.t('Uploaded assets'), kind: vscode.QuickPickItemKind.Separator }, ...assets);
  }
  const inHistory = new Set(assets.map((a) => a.record?.id));
  const fromLibrary: AssetPick[] = [];
  for (const asset of deps.library?.all() ?? []) {
    const record = inHistory.has(asset.id) ? undefined : recordForLibraryAsset(asset, undefined);
    if (record && record.url && roleAccepts(role, record.fileType, version)) {
      fromLibrary.push({ label: `${icon[record.fileType]} ${record.name}`, description: relativeTime(record.uploadedAt, now, vscode.env.language), detail: record.url, record });
    }
  }
  if (fromLibrary.length > 0) {
    items.push({ label: vscode.l10n.t('HeyGen library'), kind: vscode.QuickPickItemKind.Separator }, ...fromLibrary);
  }
  const picked = await pickAsset(items, {
    title: pickTitle(role),
    placeholder: assets.length + fromLibrary.length > 0 ? vscode.l10n.t('Choose an uploaded asset or upload a new file') : vscode.l10n.t('No suitable asset uploaded yet: upload a file'),
    // The newest upload is what a person most likely wants to insert: Enter takes it; "Upload a new file…" stays on top.
    active: assets[0] ?? fromLibrary[0],
  });
  if (!picked) {
    return undefined;
  }
  return picked.record ?? (await uploadNew(role, version, deps));
}

/** The Insert pick, with `active` highlighted when it opens; undefined when dismissed. */
async function pickAsset(items: AssetPick[], options: { title: string; placeholder: string; active?: AssetPick }): Promise<AssetPick | undefined> {
  const pick = vscode.window.createQuickPick<AssetPick>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.matchOnDetail = true;
  pick.items = items;
  if (options.active) {
    pick.activeItems = [options.active];
  }
  return quickPicks.choose(pick);
}

async function uploadNew(role: SnippetRole, version: PayloadVersion, deps: SnippetDeps): Promise<AssetRecord | undefined> {
  const types = SUPPORTED_TYPES.filter((t) => roleAccepts(role, t.kind, version));
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: vscode.l10n.t('Upload and Insert'),
    title: uploadDialogTitle(role),
    filters: { [types.map((t) => t.label).join(', ')]: types.flatMap((t) => t.extensions) },
  });
  const uri = uris?.[0];
  if (!uri) {
    return undefined;
  }
  // The upload controller reports failures itself; a success is shown by the inserted snippet.
  const result = await deps.upload([uri], { quiet: true });
  return result.succeeded[0]?.record;
}

/** Where an insert goes when no editor is open: a new JSON payload with an empty object to fill. */
async function openScratchPayload(): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'json', content: '{\n\t\n}\n' });
  const editor = await vscode.window.showTextDocument(document);
  const position = new vscode.Position(1, document.lineAt(1).text.length);
  editor.selection = new vscode.Selection(position, position);
  return editor;
}

/** Inserts the fragment for `record` at every cursor of the active editor; true when the edit applied. */
export async function insertAsset(role: SnippetRole, record: AssetRecord, deps: Pick<SnippetDeps, 'config' | 'log'>): Promise<boolean> {
  const editor = vscode.window.activeTextEditor ?? (await openScratchPayload());
  const edit = buildWorkspaceEdit(editor, editor.selections, role, record, deps.config);
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} could not be changed; is it read-only?', path.basename(editor.document.uri.path) || editor.document.uri.toString()));
    return false;
  }
  deps.log.info(`Inserted ${record.name} (${record.id}) as ${role} in ${editor.document.uri.toString(true)} at ${editor.selections.length} cursor(s).`);
  return true;
}

/**
 * What Insert asks the snippet planner for, for one asset in a document of `languageId`. The agent's fragment tool
 * asks the same, so it writes exactly what Insert writes.
 */
export function snippetEditRequest(
  role: SnippetRole,
  record: AssetRecord,
  languageId: string,
  indent: IndentOptions,
  config: Pick<Configuration, 'snippetAvatarId' | 'snippetVoiceId' | 'snippetReference'> & Partial<Pick<Configuration, 'payloadVersion'>>,
): SnippetEditRequest {
  return {
    role,
    asset: { id: record.id, url: record.url, fileType: record.fileType },
    languageId,
    indent,
    defaults: { avatarId: config.snippetAvatarId, voiceId: config.snippetVoiceId },
    reference: config.snippetReference,
    // The agent's fragment tool passes no payload version: it writes fragments, never a new body.
    newPayloads: config.payloadVersion,
    editorIndents: EDITOR_INDENTS_SNIPPETS,
  };
}

/** One snippet edit per cursor, each fitted to its own place in the document. */
export function buildWorkspaceEdit(
  editor: vscode.TextEditor,
  selections: readonly vscode.Selection[],
  role: SnippetRole,
  record: AssetRecord,
  config: Pick<Configuration, 'snippetAvatarId' | 'snippetVoiceId' | 'snippetReference' | 'payloadVersion'>,
): vscode.WorkspaceEdit {
  const document = editor.document;
  const text = document.getText();
  const indent = {
    insertSpaces: editor.options.insertSpaces !== false && editor.options.insertSpaces !== 'false',
    tabSize: typeof editor.options.tabSize === 'number' ? editor.options.tabSize : 4,
  };
  const request = snippetEditRequest(role, record, document.languageId, indent, config);
  const cursors = selections.map((s) => ({ start: document.offsetAt(s.start), end: document.offsetAt(s.end) }));
  const edits: Array<vscode.TextEdit | vscode.SnippetTextEdit> = [];
  for (const plan of planSnippetEdits(text, cursors, request)) {
    const range = new vscode.Range(document.positionAt(plan.start), document.positionAt(plan.end));
    edits.push(new vscode.SnippetTextEdit(range, new vscode.SnippetString(plan.snippet)));
    for (const extra of plan.extraEdits) {
      edits.push(vscode.TextEdit.insert(document.positionAt(extra.offset), extra.text));
    }
  }
  const edit = new vscode.WorkspaceEdit();
  edit.set(document.uri, edits);
  return edit;
}
