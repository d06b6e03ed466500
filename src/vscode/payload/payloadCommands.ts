import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import type { Configuration } from '../configuration/configuration';
import type { UploadPort } from '../upload/uploadPort';
import type { Logger } from '../../core/base/logger';
import type { AssetReference } from '../../core/payload/assetReferences';
import type { KnownAssets } from '../../core/payload/knownAssets';
import { LocalFileChecks, localPathOf } from '../../core/payload/payloadProblems';
import { isWithin, lookAt, realRoots, type FileLook } from '../../core/base/fileLook';
import { replacementEdits } from '../../core/payload/replaceReference';
import type { ReferenceMode, SnippetAsset } from '../../core/payload/buildSnippet';
import {
  PAYLOAD_SELECTOR,
  PayloadCodeActions,
  PayloadCompletionProvider,
  PayloadDiagnostics,
  PayloadHoverProvider,
  documentDir,
  referencesIn,
} from './payloadProviders';

export interface PayloadDeps {
  port: UploadPort;
  known: KnownAssets;
  config: Pick<Configuration, 'snippetReference' | 'maxUploadBytes'>;
  log: Logger;
}

/** What the payload features expose to tests: the diagnostics (to await a pass) and the commands' work. */
export interface PayloadFeatures {
  diagnostics: PayloadDiagnostics;
  uploadLocalReferences(uri?: vscode.Uri, offsets?: readonly number[]): Promise<number>;
}

/**
 * Payload files that know their assets: hover, completion, problems with quick fixes, and the command that
 * uploads every local path of a payload and puts the assets in their place. Uploads go through `port`.
 */
export function registerPayloadFeatures(context: vscode.ExtensionContext, deps: PayloadDeps): PayloadFeatures {
  const files = new LocalFileChecks(() => deps.config.maxUploadBytes);
  const diagnostics = new PayloadDiagnostics(deps.known, files, deps.log);
  const replacer = new ReferenceReplacer(deps);
  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerHoverProvider(PAYLOAD_SELECTOR, new PayloadHoverProvider(deps.known, files)),
    vscode.languages.registerCompletionItemProvider(PAYLOAD_SELECTOR, new PayloadCompletionProvider(deps.known), '"', "'", '/'),
    vscode.languages.registerCodeActionsProvider(PAYLOAD_SELECTOR, new PayloadCodeActions(deps.known), PayloadCodeActions.metadata),
  );
  const registration = {
    log: deps.log,
    failureMessage: (reason: string) => vscode.l10n.t('The local files could not be replaced: {0}', reason),
  };
  // Both are also called from code actions and hover links, with (uri, offsets) rather than an explorer's (uri, uris[]).
  registerCommand(context, CommandId.UploadLocalReferences, (_context, uri, offsets) => replacer.uploadLocal(asUri(uri), asOffsets(offsets)), registration);
  registerCommand(
    context,
    CommandId.UploadSourceAgainAndReplace,
    (_context, uri, offset) => replacer.uploadSourceAgain(asUri(uri), typeof offset === 'number' ? offset : -1),
    registration,
  );
  return { diagnostics, uploadLocalReferences: (uri, offsets) => replacer.uploadLocal(uri, offsets) };
}

/** A document's URI: as code actions pass it, or as text from a hover's command link. */
function asUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) {
    return value;
  }
  return typeof value === 'string' ? vscode.Uri.parse(value, true) : undefined;
}

function asOffsets(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'number') ? value : undefined;
}

type LookedFile = Extract<FileLook, { kind: 'file' }>;

/** Uploads referenced files and puts the assets where the paths (or the gone assets) were: one edit, one undo. */
class ReferenceReplacer {
  constructor(private readonly deps: PayloadDeps) {}

  /**
   * Uploads the local files of the payload (all of them, or those whose strings start at `offsets`) as one
   * batch, then replaces each path that was uploaded with its asset's URL or id in one edit. Returns how many
   * references were replaced.
   */
  async uploadLocal(uri: vscode.Uri | undefined, offsets?: readonly number[]): Promise<number> {
    const document = await this.documentFor(uri);
    if (!document) {
      return 0;
    }
    const dir = documentDir(document);
    const version = document.version;
    const wanted = (r: AssetReference): boolean => !offsets || offsets.includes(r.start);
    const paths = [
      ...new Set(
        referencesIn(document)
          .filter(wanted)
          .map((r) => localPathOf(r, dir))
          .filter((p): p is string => p !== undefined),
      ),
    ];
    if (paths.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} has no local file to upload.', this.nameOf(document)));
      return 0;
    }
    const chosen = await this.chooseFiles(paths);
    if (chosen.size === 0) {
      return 0;
    }
    // Exactly the files looked at (their real paths, those versions); the controller shows the progress and any
    // failure, and success is the edit itself.
    const uris = new Map([...chosen.values()].map((file) => [file.realPath, vscode.Uri.file(file.realPath)]));
    const approved = new Map([...chosen.values()].map((file) => [uris.get(file.realPath)!.fsPath, file.stamp]));
    const result = await this.deps.port.upload([...uris.values()], { quiet: true, approved });
    const byRealPath = new Map(result.succeeded.map((s) => [path.normalize(s.uri.fsPath), s.record]));
    const assets = new Map([...chosen].flatMap(([named, file]) => {
      const record = byRealPath.get(path.normalize(file.realPath));
      return record ? [[named, record] as const] : [];
    }));
    if (assets.size === 0) {
      return 0;
    }
    // The person may have typed meanwhile: then the offsets no longer point at the same strings, and every
    // reference to an uploaded file is replaced.
    const stillWanted = document.version === version ? wanted : () => true;
    return this.replace(document, (r) => {
      const p = stillWanted(r) ? localPathOf(r, dir) : undefined;
      return p !== undefined ? assets.get(path.normalize(p)) : undefined;
    });
  }

  /**
   * The files a payload names that may be uploaded, by the path it names: each is looked at without being opened
   * (a folder, a pipe or a device is refused in a sentence), and files outside the workspace folders go only once the
   * person has seen their real paths in a modal and said yes.
   */
  private async chooseFiles(paths: readonly string[]): Promise<Map<string, LookedFile>> {
    const roots = await realRoots((vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath));
    const inside = new Map<string, LookedFile>();
    const outside = new Map<string, LookedFile>();
    const refused: string[] = [];
    await Promise.all(
      paths.map(async (named) => {
        const name = path.basename(named);
        const look = await lookAt(named);
        switch (look.kind) {
          case 'file':
            (isWithin(look.realPath, roots) ? inside : outside).set(path.normalize(named), look);
            return;
          case 'directory':
            refused.push(vscode.l10n.t('"{0}" is a folder; a payload names files.', name));
            return;
          case 'other':
            refused.push(vscode.l10n.t('"{0}" is not a regular file.', name));
            return;
          case 'missing':
            refused.push(vscode.l10n.t('"{0}" does not exist.', name));
            return;
          case 'unreadable':
            refused.push(vscode.l10n.t('"{0}" cannot be read ({1}).', name, look.code));
            return;
        }
      }),
    );
    if (refused.length > 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Not uploaded: {0}', refused.sort().join(' ')));
    }
    if (outside.size === 0) {
      return inside;
    }
    const realPaths = [...new Set([...outside.values()].map((file) => file.realPath))].sort();
    const uploadAll = vscode.l10n.t('Upload All');
    const onlyInside = vscode.l10n.t('Only Workspace Files');
    const choice = await vscode.window.showWarningMessage(
      realPaths.length === 1
        ? vscode.l10n.t('This payload names a file outside the workspace folders. Upload it to HeyGen?')
        : vscode.l10n.t('This payload names {0} files outside the workspace folders. Upload them to HeyGen?', realPaths.length),
      { modal: true, detail: realPaths.join('\n') },
      ...(inside.size > 0 ? [uploadAll, onlyInside] : [uploadAll]),
    );
    if (choice === uploadAll) {
      return new Map([...inside, ...outside]);
    }
    if (choice === onlyInside) {
      return inside;
    }
    return new Map();
  }

  /** Uploads the source file of a gone asset again (never reusing the gone one) and replaces the reference. */
  async uploadSourceAgain(uri: vscode.Uri | undefined, offset: number): Promise<number> {
    const document = await this.documentFor(uri);
    if (!document) {
      return 0;
    }
    const before = referencesIn(document).find((r) => r.start === offset);
    const gone = before ? this.deps.known.find(before.value) : undefined;
    if (!before || !gone?.sourcePath) {
      return 0;
    }
    const result = await this.deps.port.upload([vscode.Uri.file(gone.sourcePath)], { quiet: true, force: true });
    const fresh = result.succeeded[0]?.record;
    if (!fresh) {
      return 0;
    }
    return this.replace(document, (r) => (r.value === before.value && r.path === before.path ? fresh : undefined));
  }

  private async replace(document: vscode.TextDocument, assetFor: (r: AssetReference) => SnippetAsset | undefined): Promise<number> {
    const mode: ReferenceMode = this.deps.config.snippetReference;
    const edit = new vscode.WorkspaceEdit();
    let replaced = 0;
    for (const reference of referencesIn(document)) {
      const asset = assetFor(reference);
      if (!asset) {
        continue;
      }
      for (const e of replacementEdits(reference, asset, mode)) {
        edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.text);
      }
      replaced++;
    }
    if (replaced === 0) {
      return 0;
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('{0} could not be changed; the uploaded files are in the HeyGen Assets view.', this.nameOf(document)),
      );
      return 0;
    }
    this.deps.log.info(`Replaced ${replaced} reference(s) in ${document.uri.toString(true)} with uploaded assets (${mode}).`);
    vscode.window.setStatusBarMessage(
      replaced === 1 ? vscode.l10n.t('Replaced 1 local file with its HeyGen asset.') : vscode.l10n.t('Replaced {0} local files with their HeyGen assets.', replaced),
      5000,
    );
    return replaced;
  }

  private async documentFor(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
    if (uri) {
      return vscode.workspace.openTextDocument(uri);
    }
    const document = vscode.window.activeTextEditor?.document;
    if (!document) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a payload file first.'));
    }
    return document;
  }

  private nameOf(document: vscode.TextDocument): string {
    return path.basename(document.uri.path) || document.uri.toString();
  }
}
