/**
 * Where Insert Avatar… and Insert Voice… put the id: into the avatar (or talking-photo) or voice string the cursor
 * is in; else into that field of the body or item around the cursor, when it has one (never a second key); else the
 * whole field at the cursor (`"avatar_id": "…"`, in the file's language), with the commas its neighbours need.
 * With the cursor outside every object (a file just opened has it before the body's `{`), a field written there would
 * break the file: the id goes into the file's one such field, or the whole field into its one v3 body; when the
 * file has several, nothing is planned (the caller says so).
 */
import { dialectForLanguage, type SnippetDialect } from '../payload/buildSnippet';
import { quoteString, renderKey } from '../payload/fragmentText';
import { parsePayload } from '../payload/payloadContainers';
import { detectBodies, isObjectLiteral } from '../payload/payloadShape';
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

function insideObject(text: string, languageId: string, offset: number): boolean {
  const { dialect, containers } = parsePayload(text, languageId);
  return containers.some((c) => c.open < offset && offset <= c.close && isObjectLiteral(text, c, dialect));
}

export function planIdInsertion(text: string, offset: number, languageId: string, kind: 'avatar' | 'voice', id: string): IdEdit | undefined {
  const fields = findIdFields(text, languageId);
  const fits = (f: IdField): boolean => (kind === 'avatar' ? f.kind === 'avatar' || f.kind === 'talkingPhoto' : f.kind === 'voice');
  const into = (f: IdField): IdEdit => ({ start: f.contentStart, end: f.contentEnd, text: escapedFor(id, f.dialect, f.quote), wholeField: false });
  const at = idFieldAt(fields, offset);
  const target = at && fits(at) ? at : fields.find((f) => f.kind === kind && f.owner.start < offset && offset < f.owner.end);
  if (target) {
    return into(target);
  }
  if (!insideObject(text, languageId, offset)) {
    const fitting = fields.filter(fits);
    if (fitting.length === 1) {
      return into(fitting[0]);
    }
    const bodies = detectBodies(text, languageId).filter((b) => b.kind === 'v3');
    return fitting.length === 0 && bodies.length === 1 ? planIdInsertion(text, bodies[0].object.open + 1, languageId, kind, id) : undefined;
  }
  const dialect = dialectForLanguage(languageId);
  const field = `${renderKey(kind === 'avatar' ? 'avatar_id' : 'voice_id', dialect)}: ${quoteString(id, dialect, '"')}`;
  const before = text.slice(0, offset).trimEnd();
  const after = text.slice(offset).trimStart();
  const prefix = before === '' || /[{[(,]$/.test(before) ? '' : ', ';
  const suffix = after === '' || /^[}\]),]/.test(after) ? '' : ', ';
  return { start: offset, end: offset, text: `${prefix}${field}${suffix}`, wholeField: true };
}
