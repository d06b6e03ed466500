/**
 * Where Insert Avatar… and Insert Voice… put the id: into the avatar (or talking-photo) or voice string the cursor
 * is in; else into that field of the body or item around the cursor, when it has one (never a second key); else the
 * whole field at the cursor (`"avatar_id": "…"`, in the file's language), with the commas its neighbours need.
 */
import { dialectForLanguage, type SnippetDialect } from '../payload/buildSnippet';
import { quoteString, renderKey } from '../payload/fragmentText';
import { findIdFields, idFieldAt, type IdField } from './idFields';

export interface IdEdit {
  /** The range replaced (equal for an insertion). */
  start: number;
  end: number;
  text: string;
  /** Whether the edit writes a whole field rather than a value. */
  wholeField: boolean;
}

/** The id as the content of a string literal opened with `quote`. */
export function escapedFor(id: string, dialect: SnippetDialect, quote: IdField['quote']): string {
  const escaped = quoteString(id, dialect, quote === "'" ? "'" : '"').slice(1, -1);
  // Inside a template literal a backtick or `${` would end the string or start a substitution.
  return quote === '`' ? escaped.replace(/`/g, '\\`').replace(/\$\{/g, '\\${') : escaped;
}

export function planIdInsertion(text: string, offset: number, languageId: string, kind: 'avatar' | 'voice', id: string): IdEdit {
  const fields = findIdFields(text, languageId);
  const fits = (f: IdField): boolean => (kind === 'avatar' ? f.kind === 'avatar' || f.kind === 'talkingPhoto' : f.kind === 'voice');
  const at = idFieldAt(fields, offset);
  const target = at && fits(at) ? at : fields.find((f) => f.kind === kind && f.owner.start < offset && offset < f.owner.end);
  if (target) {
    return { start: target.contentStart, end: target.contentEnd, text: escapedFor(id, target.dialect, target.quote), wholeField: false };
  }
  const dialect = dialectForLanguage(languageId);
  const field = `${renderKey(kind === 'avatar' ? 'avatar_id' : 'voice_id', dialect)}: ${quoteString(id, dialect, '"')}`;
  const before = text.slice(0, offset).trimEnd();
  const after = text.slice(offset).trimStart();
  const prefix = before === '' || /[{[(,]$/.test(before) ? '' : ', ';
  const suffix = after === '' || /^[}\]),]/.test(after) ? '' : ', ';
  return { start: offset, end: offset, text: `${prefix}${field}${suffix}`, wholeField: true };
}
