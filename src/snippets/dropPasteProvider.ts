import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AssetRecord } from '../history/assetRecord';
import { SUPPORTED_EXTENSIONS } from '../upload/mediaKinds';
import type { SnippetRole } from './buildSnippet';
import { planSnippetEdit } from './payloadContext';
import type { SnippetDeps } from './snippetCommands';

/** Payload files people write `video/generate` requests in. */
export const DROP_LANGUAGES = ['json', 'jsonc', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact', 'python'];
const DROP_MIME_TYPES = ['text/uri-list', 'files'];

// Stable in VS Code 1.97+ but not in @types/vscode 1.95 (our engines floor): declared here and feature-detected.
interface EditKind {
  append(...parts: string[]): EditKind;
  readonly value: string;
}
interface EditKindStatic {
  readonly Empty: EditKind;
  readonly Text: EditKind;
}
interface DropEditWithKind extends vscode.DocumentDropEdit {
  title?: string;
  kind?: EditKind;
  yieldTo?: EditKind[];
}
interface PasteEdit {
  insertText: string | vscode.SnippetString;
  additionalEdit?: vscode.WorkspaceEdit;
  yieldTo?: EditKind[];
}
interface PasteEditStatic {
  new (insertText: string | vscode.SnippetString, title: string, kind: EditKind): PasteEdit;
}
interface PasteEditProvider {
  provideDocumentPasteEdits(
    document: vscode.TextDocument,
    ranges: readonly vscode.Range[],
    dataTransfer: vscode.DataTransfer,
    context: unknown,
    token: vscode.CancellationToken,
  ): Promise<PasteEdit[] | undefined>;
}
interface LanguagesWithPaste {
  registerDocumentPasteEditProvider?(
    selector: vscode.DocumentSelector,
    provider: PasteEditProvider,
    metadata: { providedPasteEditKinds: EditKind[]; pasteMimeTypes: string[] },
  ): vscode.Disposable;
  registerDocumentDropEditProvider(
    selector: vscode.DocumentSelector,
    provider: vscode.DocumentDropEditProvider,
    metadata?: { providedDropEditKinds?: EditKind[]; dropMimeTypes: string[] },
  ): vscode.Disposable;
}
interface VscodeNewer {
  DocumentDropOrPasteEditKind?: EditKindStatic;
  DocumentPasteEdit?: PasteEditStatic;
  languages: LanguagesWithPaste;
}

const SUPPORTED = new Set(SUPPORTED_EXTENSIONS);

function isSupportedName(name: string): boolean {
  return SUPPORTED.has(path.extname(name).slice(1).toLowerCase());
}

/** Media files in a drop or paste: file URIs from the explorer, or files from the operating system. */
export async function mediaFilesIn(dataTransfer: vscode.DataTransfer, log: SnippetDeps['log']): Promise<{ uris: vscode.Uri[]; cleanup: () => Promise<void> }> {
  const uris: vscode.Uri[] = [];
  const temporary: string[] = [];
  const uriList = await dataTransfer.get('text/uri-list')?.asString();
  if (uriList) {
    for (const line of uriList.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (!trimmed || trimmed.startsWith('#')) {
        continue;
      }
      try {
        const uri = vscode.Uri.parse(trimmed, true);
        if (uri.scheme === 'file' && isSupportedName(uri.path)) {
          uris.push(uri);
        }
      } catch {
        // Not a URI: nothing of ours.
      }
    }
  }
  if (uris.length === 0) {
    // Files dragged from the operating system: keep the ones with a path, copy the others to a temporary file.
    const files: vscode.DataTransferFile[] = [];
    dataTransfer.forEach((item) => {
      const file = item.asFile();
      if (file && isSupportedName(file.name)) {
        files.push(file);
      }
    });
    for (const file of files) {
      if (file.uri?.scheme === 'file') {
        uris.push(file.uri);
        continue;
      }
      const dir = path.join(os.tmpdir(), `heygen-drop-${randomUUID()}`);
      await fs.mkdir(dir, { recursive: true });
      const target = path.join(dir, path.basename(file.name));
      await fs.writeFile(target, await file.data());
      temporary.push(dir);
      uris.push(vscode.Uri.file(target));
    }
  }
  const cleanup = async (): Promise<void> => {
    for (const dir of temporary) {
      await fs.rm(dir, { recursive: true, force: true }).catch((e: unknown) => log.warn(`Could not remove ${dir}: ${String(e)}`));
    }
  };
  return { uris, cleanup };
}

function roleFor(record: AssetRecord): SnippetRole {
  return record.fileType === 'audio' ? 'audio' : 'background';
}

export interface PreparedInsert {
  /** Snippet for the drop position itself, or '' when the fragment goes elsewhere (see `additionalEdit`). */
  insertText: vscode.SnippetString;
  additionalEdit?: vscode.WorkspaceEdit;
  title: string;
}

/** Uploads the dropped or pasted media and builds the fitting fragment for `position`. */
export async function prepareInsert(
  document: vscode.TextDocument,
  position: vscode.Position,
  dataTransfer: vscode.DataTransfer,
  token: vscode.CancellationToken,
  deps: SnippetDeps,
): Promise<PreparedInsert | undefined> {
  const { uris, cleanup } = await mediaFilesIn(dataTransfer, deps.log);
  if (uris.length === 0) {
    return undefined;
  }
  let record: AssetRecord | undefined;
  try {
    // The upload controller shows progress (cancellable) and reports failures itself.
    const result = await deps.upload(uris, { quiet: true });
    record = result.succeeded[0]?.record;
    if (result.succeeded.length > 1) {
      deps.log.info(`${result.succeeded.length} files dropped; inserted the first, the others are in the Assets view.`);
    }
  } finally {
    await cleanup();
  }
  if (!record || token.isCancellationRequested) {
    return undefined;
  }
  const role = roleFor(record);
  const text = document.getText();
  const offset = document.offsetAt(position);
  const editorOptions = vscode.window.visibleTextEditors.find((e) => e.document === document)?.options;
  const request = {
    role,
    asset: { id: record.id, url: record.url, fileType: record.fileType },
    languageId: document.languageId,
    indent: {
      insertSpaces: editorOptions?.insertSpaces !== false,
      tabSize: typeof editorOptions?.tabSize === 'number' ? editorOptions.tabSize : 4,
    },
    defaults: { avatarId: deps.config.snippetAvatarId, voiceId: deps.config.snippetVoiceId },
    editorIndents: true,
  };
  const plan = planSnippetEdit(text, offset, request);
  const title =
    role === 'audio'
      ? vscode.l10n.t('Insert {0} as HeyGen audio', record.name)
      : vscode.l10n.t('Insert {0} as HeyGen background', record.name);
  const extra = plan.extraEdits.map((e) => vscode.TextEdit.insert(document.positionAt(e.offset), e.text));
  if (plan.start === offset && plan.end === offset) {
    const additionalEdit = extra.length > 0 ? new vscode.WorkspaceEdit() : undefined;
    additionalEdit?.set(document.uri, extra);
    return { insertText: new vscode.SnippetString(plan.snippet), additionalEdit, title };
  }
  // The fragment belongs elsewhere (after the member under the drop, or over an existing value): a drop edit
  // only inserts at the drop position, so the fragment goes in as plain text through the additional edit.
  const plainPlan = planSnippetEdit(text, offset, { ...request, editorIndents: false, plainText: true });
  const additionalEdit = new vscode.WorkspaceEdit();
  additionalEdit.set(document.uri, [
    ...extra,
    vscode.TextEdit.replace(new vscode.Range(document.positionAt(plainPlan.start), document.positionAt(plainPlan.end)), plainPlan.snippet),
  ]);
  return { insertText: new vscode.SnippetString(''), additionalEdit, title };
}

export function registerDropPasteProviders(context: vscode.ExtensionContext, deps: SnippetDeps): void {
  const api = vscode as unknown as VscodeNewer;
  const selector = DROP_LANGUAGES.map((language) => ({ language }));
  const kind = api.DocumentDropOrPasteEditKind?.Empty.append('heygen', 'asset');

  const dropProvider: vscode.DocumentDropEditProvider = {
    provideDocumentDropEdits: async (document, position, dataTransfer, token) => {
      try {
        const prepared = await prepareInsert(document, position, dataTransfer, token, deps);
        if (!prepared) {
          return undefined;
        }
        const edit: DropEditWithKind = new vscode.DocumentDropEdit(prepared.insertText);
        edit.additionalEdit = prepared.additionalEdit;
        // Our edit is the default for media dropped into a payload; VS Code's own choices (insert path,
        // relative path) stay one click away in the drop widget, so no yieldTo here.
        edit.title = prepared.title;
        if (kind) {
          edit.kind = kind;
        }
        return edit;
      } catch (error) {
        deps.log.error(`Drop into ${document.uri.toString(true)} failed: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    },
  };
  context.subscriptions.push(
    api.languages.registerDocumentDropEditProvider(selector, dropProvider, {
      ...(kind ? { providedDropEditKinds: [kind] } : {}),
      dropMimeTypes: DROP_MIME_TYPES,
    }),
  );

  const PasteEdit = api.DocumentPasteEdit;
  if (api.languages.registerDocumentPasteEditProvider && PasteEdit && kind) {
    const pasteProvider: PasteEditProvider = {
      provideDocumentPasteEdits: async (document, ranges, dataTransfer, _context, token) => {
        const first = ranges[0];
        if (!first) {
          return undefined;
        }
        try {
          const prepared = await prepareInsert(document, first.start, dataTransfer, token, deps);
          if (!prepared) {
            return undefined;
          }
          const edit = new PasteEdit(prepared.insertText, prepared.title, kind);
          edit.additionalEdit = prepared.additionalEdit;
          return [edit];
        } catch (error) {
          deps.log.error(`Paste into ${document.uri.toString(true)} failed: ${error instanceof Error ? error.message : String(error)}`);
          return undefined;
        }
      },
    };
    context.subscriptions.push(
      api.languages.registerDocumentPasteEditProvider(selector, pasteProvider, { providedPasteEditKinds: [kind], pasteMimeTypes: DROP_MIME_TYPES }),
    );
  } else {
    deps.log.info('This VS Code has no paste edit providers; media can still be dropped into payload files.');
  }
}
