import * as vscode from 'vscode';
import { findIdFields, type IdField } from '../../core/avatars/idFields';
import { PAYLOAD_LANGUAGES } from '../../core/payload/payloadLanguages';

/** Beyond this a file is not a hand-written payload (a bundle, a data dump): it is not scanned. */
const MAX_SCANNED_CHARS = 2_000_000;

/** The payload languages, saved or untitled: where the avatar and voice providers answer. */
export const ID_FIELD_SELECTOR: vscode.DocumentSelector = PAYLOAD_LANGUAGES.flatMap((language) => [
  { language, scheme: 'file' },
  { language, scheme: 'untitled' },
]);

function scanned(document: vscode.TextDocument): boolean {
  return PAYLOAD_LANGUAGES.includes(document.languageId) && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled');
}

let last: { uri: string; version: number; fields: IdField[] } | undefined;

/**
 * The avatar, talking-photo and voice ids of a payload document. Completion, hover and problems ask about the same
 * text in turn: the last document's answer is kept for its version.
 */
export function idFieldsIn(document: vscode.TextDocument): IdField[] {
  if (!scanned(document)) {
    return [];
  }
  const uri = document.uri.toString();
  if (last?.uri === uri && last.version === document.version) {
    return last.fields;
  }
  const text = document.getText();
  const fields = text.length <= MAX_SCANNED_CHARS ? findIdFields(text, document.languageId) : [];
  last = { uri, version: document.version, fields };
  return fields;
}

export function isIdFieldCandidate(document: vscode.TextDocument): boolean {
  return scanned(document);
}
