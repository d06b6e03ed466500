import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import type { Logger } from '../../core/base/logger';
import { convertPayloadToV3, type Conversion } from '../../core/payload/convertToV3';
import { detectBodies } from '../../core/payload/payloadShape';
import { PAYLOAD_SELECTOR, isPayloadCandidate } from './payloadProviders';

export interface ConvertPayloadDeps {
  log: Logger;
}

/**
 * "Convert Payload to API v3": the command (palette, or a quick fix's arguments: the document and an offset in the
 * body) and the quick fix offered wherever the cursor is in a v2 body. The v2 body becomes the v3 body in one edit,
 * one undo step; a body v3 cannot express is left alone and the message names what stops it (the quick fix shows the
 * same sentence as the reason it is unavailable).
 */
export function registerConvertPayload(context: vscode.ExtensionContext, deps: ConvertPayloadDeps): void {
  registerCommand(context, CommandId.ConvertPayloadToV3, (_ctx, uri, offset) => convert(asUri(uri), typeof offset === 'number' ? offset : undefined, deps), {
    log: deps.log,
    failureMessage: (reason) => vscode.l10n.t('The payload could not be converted: {0}', reason),
  });
  context.subscriptions.push(vscode.languages.registerCodeActionsProvider(PAYLOAD_SELECTOR, new ConvertPayloadActions(), ConvertPayloadActions.metadata));
}

function asUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) {
    return value;
  }
  return typeof value === 'string' ? vscode.Uri.parse(value, true) : undefined;
}

function indentOf(document: vscode.TextDocument): { insertSpaces: boolean; tabSize: number } {
  const options = vscode.window.visibleTextEditors.find((e) => e.document === document)?.options;
  return {
    insertSpaces: options?.insertSpaces !== false && options?.insertSpaces !== 'false',
    tabSize: typeof options?.tabSize === 'number' ? options.tabSize : 4,
  };
}

function conversionAt(document: vscode.TextDocument, offset: number | undefined): Conversion {
  return convertPayloadToV3(document.getText(), document.languageId, { offset, indent: indentOf(document) });
}

/** Converts the v2 body at `offset` (else at the cursor, else the file's first); true when the edit applied. */
async function convert(uri: vscode.Uri | undefined, offset: number | undefined, deps: ConvertPayloadDeps): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  const document = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
  if (!document) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a payload file first.'));
    return false;
  }
  const shown = vscode.window.visibleTextEditors.find((e) => e.document === document);
  const at = offset ?? (shown ? document.offsetAt(shown.selection.active) : undefined);
  const conversion = conversionAt(document, at);
  const name = path.basename(document.uri.path) || document.uri.toString();
  if (!conversion.ok) {
    deps.log.info(`Not converted to API v3: ${name}: ${conversion.message}`);
    if (shown && conversion.end > conversion.start) {
      // The place that stops it, selected, so the person sees what to change.
      const range = new vscode.Range(document.positionAt(conversion.start), document.positionAt(conversion.end));
      shown.selection = new vscode.Selection(range.start, range.end);
      shown.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    void vscode.window.showWarningMessage(conversion.message);
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(conversion.start), document.positionAt(conversion.end)), conversion.text);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} could not be changed; is it read-only?', name));
    return false;
  }
  deps.log.info(`Converted the payload in ${document.uri.toString(true)} to an API v3 ${conversion.type} body.`);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Converted the payload to API v3.'), 5000);
  return true;
}

/** The quick fix on a v2 body: offered at any cursor or selection inside one. */
export class ConvertPayloadActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    if (!isPayloadCandidate(document)) {
      return [];
    }
    const text = document.getText();
    const start = document.offsetAt(range.start);
    const end = document.offsetAt(range.end);
    const body = detectBodies(text, document.languageId).find((b) => b.kind === 'v2' && b.range.start <= start && end <= b.range.end);
    if (!body) {
      return [];
    }
    const title = vscode.l10n.t('Convert Payload to API v3');
    const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    const conversion = conversionAt(document, body.range.start);
    if (conversion.ok) {
      // The edit itself, so the fix is one undo step like the command's.
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, new vscode.Range(document.positionAt(conversion.start), document.positionAt(conversion.end)), conversion.text);
    } else {
      action.disabled = { reason: conversion.message };
    }
    return [action];
  }
}
