import * as path from 'node:path';
import * as vscode from 'vscode';
import { findAssetReferences, type AssetReference } from '../../core/payload/assetReferences';
import { readBodyValue, type LiteralValue } from '../../core/payload/payloadLiteral';
import { detectBody, detectBodies, type PayloadBody } from '../../core/payload/payloadShape';
import { localPathOf } from '../../core/payload/payloadProblems';
import { summarizeBody, type BodyApi, type BodySummary } from '../../core/videos/bodyRequirements';
import { DIAGNOSTIC_SOURCE, documentDir, isPayloadCandidate } from '../payload/payloadProviders';

/** A payload body as the editor holds it now (unsaved changes included), read as plain data. */
export interface EditorBody {
  api: BodyApi;
  value: LiteralValue;
  summary: BodySummary;
  /** The body's text in the document. */
  start: number;
  end: number;
}

export type BodyReading = { ok: true; body: EditorBody } | { ok: false; message: string; start?: number; end?: number };

/**
 * The problems that stop a render (issue 23 item 4): a file that is missing, cannot be uploaded or is the wrong kind,
 * a relative path with no folder, an asset HeyGen deleted. A local file that can be uploaded is no stop: it is
 * uploaded first.
 */
const BLOCKING_PROBLEMS: ReadonlySet<string> = new Set(['fileNotFound', 'badFile', 'wrongKind', 'noFolder', 'gone']);

/** Every body of the document (outermost only), for the CodeLens and the editor-title context key. */
export function bodiesIn(document: vscode.TextDocument): PayloadBody[] {
  return isPayloadCandidate(document) ? detectBodies(document.getText(), document.languageId) : [];
}

/** The body around `offset` (else the first one), read as plain data from the document's current text. */
export function readEditorBody(document: vscode.TextDocument, offset?: number): BodyReading {
  if (!isPayloadCandidate(document)) {
    return { ok: false, message: vscode.l10n.t('{0} is not a payload file (JSON, JavaScript, TypeScript or Python).', nameOf(document)) };
  }
  const text = document.getText();
  const shape = detectBody(text, document.languageId, offset);
  if (shape.kind === 'none') {
    return {
      ok: false,
      message: vscode.l10n.t(
        '{0} holds no video body: a POST /v3/videos body (an object with a type such as "avatar") or a v2 video/generate body (with video_inputs).',
        nameOf(document),
      ),
    };
  }
  const read = readBodyValue(text, shape);
  if (!read.ok) {
    return { ok: false, message: read.message, start: read.start, end: read.end };
  }
  return { ok: true, body: { api: shape.kind, value: read.value, summary: summarizeBody(shape.kind, read.value), start: shape.range.start, end: shape.range.end } };
}

/** The asset references inside the body. */
function referencesInBody(document: vscode.TextDocument, body: Pick<EditorBody, 'start' | 'end'>): AssetReference[] {
  return findAssetReferences(document.getText(), document.languageId).filter((r) => r.start >= body.start && r.end <= body.end);
}

/** The local files the body names (resolved), each once. */
export function localFilesInBody(document: vscode.TextDocument, body: Pick<EditorBody, 'start' | 'end'>): string[] {
  const dir = documentDir(document);
  return [...new Set(referencesInBody(document, body).map((r) => localPathOf(r, dir)).filter((p): p is string => p !== undefined))];
}

/**
 * The first problem of the body that stops a render, as the Problems view has it (recomputed now), in one sentence
 * naming its place: `background.url: File not found.`
 */
export function blockingProblem(document: vscode.TextDocument, body: Pick<EditorBody, 'start' | 'end'>, diagnostics: readonly vscode.Diagnostic[]): string | undefined {
  const references = referencesInBody(document, body);
  const found = diagnostics
    .filter((d) => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string' && BLOCKING_PROBLEMS.has(d.code))
    .map((d) => ({ d, offset: document.offsetAt(d.range.start) }))
    .filter(({ offset }) => offset >= body.start && offset < body.end)
    .sort((a, b) => a.offset - b.offset)[0];
  if (!found) {
    return undefined;
  }
  const reference = references.find((r) => r.start === found.offset);
  const sentence = /[.!?]$/.test(found.d.message.trim()) ? found.d.message.trim() : `${found.d.message.trim()}.`;
  return reference ? vscode.l10n.t('{0} ("{1}"): {2}', reference.path, reference.value, sentence) : sentence;
}

export function nameOf(document: vscode.TextDocument): string {
  return path.basename(document.uri.path) || document.uri.toString();
}
