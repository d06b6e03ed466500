import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import { relativeTime } from '../../core/base/time';
import type { Logger } from '../../core/base/logger';
import { findAssetReferences, referenceAt, type AssetReference } from '../../core/payload/assetReferences';
import type { KnownAsset, KnownAssets } from '../../core/payload/knownAssets';
import { classifyValue } from '../../core/payload/localPath';
import { localPathOf, namesNetworkOrDevicePath, payloadProblems, type LocalFileChecks, type PayloadProblem, type ProblemCode } from '../../core/payload/payloadProblems';
import { formatSize } from '../../core/base/sizes';
import { kindLabel } from '../../core/base/mediaKinds';
import { quoteString } from '../../core/payload/fragmentText';
import { PAYLOAD_LANGUAGES } from '../../core/payload/payloadLanguages';
import { codeSpan, escapeMarkdown, markdownThumbnail } from '../../core/base/markdown';
import { DocumentDiagnostics, type DocumentProblems } from '../ui/documentDiagnostics';

/** The diagnostics' source: what the Problems view shows next to each entry. */
export const DIAGNOSTIC_SOURCE = 'HeyGen';
/** Beyond this a file is not a hand-written payload (a bundle, a data dump): it is not scanned. */
const MAX_SCANNED_CHARS = 2_000_000;

export const PAYLOAD_SELECTOR: vscode.DocumentSelector = PAYLOAD_LANGUAGES.flatMap((language) => [
  { language, scheme: 'file' },
  { language, scheme: 'untitled' },
]);

export function isPayloadCandidate(document: vscode.TextDocument): boolean {
  return (
    PAYLOAD_LANGUAGES.includes(document.languageId) &&
    (document.uri.scheme === 'file' || document.uri.scheme === 'untitled') &&
    document.getText().length <= MAX_SCANNED_CHARS
  );
}

/** The folder relative paths in a payload start from; none for an untitled payload. */
export function documentDir(document: vscode.TextDocument): string | undefined {
  return document.uri.scheme === 'file' ? path.dirname(document.uri.fsPath) : undefined;
}

export function referencesIn(document: vscode.TextDocument): AssetReference[] {
  return isPayloadCandidate(document) ? findAssetReferences(document.getText(), document.languageId) : [];
}


function commandLink(command: CommandId, asset: KnownAsset): string {
  // The copy commands take a record-like argument (id and url), so a library asset not in the history works too.
  const args = encodeURIComponent(JSON.stringify([{ id: asset.id, url: asset.url, fileType: asset.fileType, name: asset.name }]));
  return `command:${command}?${args}`;
}

/** Whether the asset's source file is there to show as its thumbnail (asked only when no https URL can be shown). */
function sourceIsThere(asset: KnownAsset): boolean {
  return asset.fileType === 'image' && asset.sourcePath !== undefined && fs.existsSync(asset.sourcePath);
}

function uploadDate(ms: number): string {
  try {
    return new Date(ms).toLocaleString(vscode.env.language, { dateStyle: 'medium', timeStyle: 'short' });
  } catch {
    return new Date(ms).toISOString();
  }
}

/**
 * What a hover and a completion item's documentation say about an asset. Names, ids and URLs come from HeyGen or
 * the history: all of them go through base/markdown, so only our own Copy links are links.
 */
export function assetMarkdown(asset: KnownAsset, now = Date.now()): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.isTrusted = { enabledCommands: [CommandId.CopyUrl, CommandId.CopyId] };
  md.supportHtml = false;
  md.appendMarkdown(`**${escapeMarkdown(asset.name)}**`);
  const facts = [kindLabel(asset.fileType)];
  if (asset.size !== undefined) {
    facts.push(formatSize(asset.size));
  }
  if (asset.uploadedAt !== undefined) {
    facts.push(vscode.l10n.t('uploaded {0} ({1})', relativeTime(asset.uploadedAt, now, vscode.env.language), uploadDate(asset.uploadedAt)));
  }
  md.appendMarkdown(` — ${escapeMarkdown(facts.join(', '))}\n\n`);
  const https = /^https:/i.test(asset.url);
  const thumbnail = markdownThumbnail(
    asset.name,
    { kind: asset.fileType, url: asset.url, sourcePath: asset.sourcePath, sourceExists: !https && sourceIsThere(asset) },
    120,
  );
  if (thumbnail) {
    md.appendMarkdown(`${thumbnail}\n\n`);
  }
  if (asset.sourcePath) {
    md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('Source: '))}[${escapeMarkdown(path.basename(asset.sourcePath))}](<${vscode.Uri.file(asset.sourcePath).toString()}>)\n\n`);
  }
  md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('ID: '))}${codeSpan(asset.id)} · [${escapeMarkdown(vscode.l10n.t('Copy ID'))}](${commandLink(CommandId.CopyId, asset)})\n\n`);
  md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('URL: '))}${codeSpan(asset.url)} · [${escapeMarkdown(vscode.l10n.t('Copy URL'))}](${commandLink(CommandId.CopyUrl, asset)})`);
  return md;
}

/** The string's content as a range: what completion replaces and hover highlights. */
function contentRange(document: vscode.TextDocument, reference: AssetReference): vscode.Range {
  return new vscode.Range(document.positionAt(reference.contentStart), document.positionAt(reference.contentEnd));
}

export class PayloadHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly known: KnownAssets,
    private readonly files: LocalFileChecks,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const offset = document.offsetAt(position);
    const references = referencesIn(document);
    const reference = referenceAt(references, offset);
    const kind = reference ? classifyValue(reference.value) : undefined;
    // A local path's problem covers the whole literal, quotes included: the file's facts do too, so that the hover
    // never shows the problem without them.
    const local = kind === 'localPath' ? reference : references.find((r) => r.start <= offset && offset <= r.end && classifyValue(r.value) === 'localPath');
    if (local) {
      return this.localPathHover(document, local);
    }
    if (!reference || kind === 'empty') {
      return undefined;
    }
    const range = contentRange(document, reference);
    const asset = this.known.find(reference.value);
    if (!asset) {
      return new vscode.Hover(
        kind === 'url'
          ? vscode.l10n.t('No upload in your HeyGen history has this URL.')
          : vscode.l10n.t('No upload in your HeyGen history has this asset id.'),
        range,
      );
    }
    const md = assetMarkdown(asset);
    if (this.known.isGone(asset.id)) {
      md.appendMarkdown(`\n\n${escapeMarkdown(vscode.l10n.t('HeyGen no longer has this asset.'))}`);
    }
    return new vscode.Hover(md, range);
  }

  /**
   * A local path: the file's facts and the one action that applies. Where nothing applies (no such file, a file that
   * cannot be uploaded, the wrong kind for its place, no folder yet), the problem shown in the same hover says why;
   * this part adds the facts that are known and never a second, contradicting sentence.
   */
  private async localPathHover(document: vscode.TextDocument, reference: AssetReference): Promise<vscode.Hover | undefined> {
    const range = new vscode.Range(document.positionAt(reference.start), document.positionAt(reference.end));
    // A network or device path is never looked at (its problem says so): not even a stat.
    if (namesNetworkOrDevicePath(reference, documentDir(document))) {
      return undefined;
    }
    const localPath = localPathOf(reference, documentDir(document));
    if (!localPath) {
      return undefined;
    }
    await this.files.refresh([localPath]);
    const check = this.files.get(localPath);
    if (!check?.valid) {
      return undefined;
    }
    const { file } = check;
    const md = new vscode.MarkdownString();
    md.isTrusted = { enabledCommands: [CommandId.UploadLocalReferences] };
    // The file name comes from the payload (perhaps a cloned repository's): text, like every name in a hover.
    md.appendMarkdown(`[${escapeMarkdown(path.basename(localPath))}](<${vscode.Uri.file(localPath).toString()}>)`);
    md.appendMarkdown(escapeMarkdown(` — ${vscode.l10n.t('{0} {1}, {2}', file.type.label, kindLabel(file.type.kind).toLowerCase(), formatSize(file.size))}`));
    if (reference.kinds.includes(file.type.kind)) {
      const args = encodeURIComponent(JSON.stringify([document.uri.toString(), [reference.start]]));
      md.appendMarkdown('\n\n');
      md.appendMarkdown(`[${vscode.l10n.t('Upload to HeyGen and Replace')}](command:${CommandId.UploadLocalReferences}?${args})`);
    }
    return new vscode.Hover(md, range);
  }
}

export class PayloadCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly known: KnownAssets) {}

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionList | undefined {
    const offset = document.offsetAt(position);
    const reference = referenceAt(referencesIn(document), offset);
    if (!reference) {
      return undefined;
    }
    const now = Date.now();
    const replacing = contentRange(document, reference);
    const inserting = new vscode.Range(replacing.start, position);
    const items = this.known
      .all()
      .filter((asset) => reference.kinds.includes(asset.fileType) && !this.known.isGone(asset.id))
      .map((asset, index) => {
        const value = reference.takes === 'id' ? asset.id : asset.url;
        const item = new vscode.CompletionItem(asset.name, asset.fileType === 'audio' ? vscode.CompletionItemKind.Value : vscode.CompletionItemKind.File);
        const age = asset.uploadedAt !== undefined ? relativeTime(asset.uploadedAt, now, vscode.env.language) : undefined;
        item.detail = age ? `${kindLabel(asset.fileType)} · ${age}` : kindLabel(asset.fileType);
        item.documentation = assetMarkdown(asset, now);
        // Escaped for the string it goes into, without the quotes, which are already there.
        const escaped = quoteString(value, reference.dialect, reference.quote === "'" ? "'" : '"').slice(1, -1);
        // Inside a template literal a backtick or `${` would end the string or start a substitution.
        item.insertText = reference.quote === '`' ? escaped.replace(/`/g, '\\`').replace(/\$\{/g, '\\${') : escaped;
        item.range = { inserting, replacing };
        item.filterText = `${asset.name} ${value}`;
        // Newest first, as the history lists them.
        item.sortText = String(index).padStart(6, '0');
        return item;
      });
    return new vscode.CompletionList(items, false);
  }
}

/**
 * The Problems of every open payload: recomputed a moment after the person stops typing (never per keystroke,
 * and never asking HeyGen), from the payload's text, file checks cached by file identity, and the known assets.
 */
export class PayloadDiagnostics extends DocumentDiagnostics {
  constructor(
    private readonly known: KnownAssets,
    private readonly files: LocalFileChecks,
    log: Logger,
  ) {
    super('heygen', 'Payload problems', log);
    this.subscriptions.push(known.onDidChange(() => this.refreshAll()));
    // A referenced file that appears, changes or goes away changes its problem.
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const onFile = (): void => this.refreshAll();
    this.subscriptions.push(watcher, watcher.onDidCreate(onFile), watcher.onDidDelete(onFile), watcher.onDidChange(onFile));
    this.refreshAll();
  }

  protected wants(document: vscode.TextDocument): boolean {
    return PAYLOAD_LANGUAGES.includes(document.languageId);
  }

  protected async problemsOf(document: vscode.TextDocument): Promise<DocumentProblems> {
    if (document.isClosed || !isPayloadCandidate(document)) {
      return 'clear';
    }
    const version = document.version;
    const references = referencesIn(document);
    const dir = documentDir(document);
    const paths = references.map((r) => localPathOf(r, dir)).filter((p): p is string => p !== undefined);
    await this.files.refresh(paths);
    if (document.isClosed || document.version !== version) {
      return 'stale';
    }
    const problems = payloadProblems(references, { documentDir: dir, files: (p) => this.files.get(p), known: this.known });
    return problems.map((p) => toDiagnostic(document, p));
  }
}

function toDiagnostic(document: vscode.TextDocument, problem: PayloadProblem): vscode.Diagnostic {
  const severity =
    problem.severity === 'error'
      ? vscode.DiagnosticSeverity.Error
      : problem.severity === 'warning'
        ? vscode.DiagnosticSeverity.Warning
        : vscode.DiagnosticSeverity.Information;
  const diagnostic = new vscode.Diagnostic(new vscode.Range(document.positionAt(problem.start), document.positionAt(problem.end)), problem.message, severity);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = problem.code;
  return diagnostic;
}

export const UPLOAD_LOCAL_FILES_KIND = vscode.CodeActionKind.Source.append('heygen').append('uploadLocalFiles');

export class PayloadCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, UPLOAD_LOCAL_FILES_KIND],
  };

  constructor(private readonly known: KnownAssets) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    // These actions upload. Asked automatically for particular kinds, VS Code applies what it gets unseen
    // (editor.codeActionsOnSave, which a cloned repository's settings can set): offer them only when a person asks, or
    // for the light bulb, which asks automatically for no kind in particular and applies nothing by itself.
    const explicit = context.triggerKind === vscode.CodeActionTriggerKind.Invoke;
    if (!explicit && context.only !== undefined) {
      return [];
    }
    const actions: vscode.CodeAction[] = [];
    const references = referencesIn(document);
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) {
        continue;
      }
      const code = diagnostic.code as ProblemCode;
      const offset = document.offsetAt(diagnostic.range.start);
      const reference = references.find((r) => r.start === offset);
      if (!reference) {
        continue;
      }
      if (code === 'localFile') {
        const action = new vscode.CodeAction(vscode.l10n.t('Upload to HeyGen and Replace'), vscode.CodeActionKind.QuickFix);
        action.command = { command: CommandId.UploadLocalReferences, title: action.title, arguments: [document.uri, [offset]] };
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        actions.push(action);
      } else if (code === 'gone' && this.known.find(reference.value)?.sourcePath) {
        const action = new vscode.CodeAction(vscode.l10n.t('Upload the Source Again and Replace'), vscode.CodeActionKind.QuickFix);
        action.command = { command: CommandId.UploadSourceAgainAndReplace, title: action.title, arguments: [document.uri, offset] };
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        actions.push(action);
      }
    }
    // The whole-payload upload is a source action: never run on save, and not offered in a workspace not trusted.
    if (explicit && vscode.workspace.isTrusted && (!context.only || context.only.intersects(UPLOAD_LOCAL_FILES_KIND))) {
      const dir = documentDir(document);
      if (references.some((r) => localPathOf(r, dir) !== undefined)) {
        const action = new vscode.CodeAction(vscode.l10n.t('Upload Local Files in This Payload'), UPLOAD_LOCAL_FILES_KIND);
        action.command = { command: CommandId.UploadLocalReferences, title: action.title, arguments: [document.uri] };
        actions.push(action);
      }
    }
    return actions;
  }
}
