import { indentUnit, quoteString } from './fragmentText';
import type { IndentOptions, SnippetDialect } from './buildSnippet';
import { parseForLanguage } from './payloadTokens';
import { ComputedValue, type BodyValue } from './payloadLiteral';
import type { PayloadBody } from './payloadShape';

/** How a file writes its payload, so that a body written into it reads like the person's own. */
export interface BodyStyle {
  dialect: SnippetDialect;
  /** One level of indentation. */
  unit: string;
  /** The indentation of the line the body starts on: every following line starts with it. */
  baseIndent: string;
  /** JS and Python: the quote most of the body's strings use (JSON: always double). */
  quote: '"' | "'";
  /** JS: identifier keys written bare, as most of the body's keys are. */
  bareKeys: boolean;
  /** Python: objects written as `dict(key=value)` calls, as the body itself is. */
  dictCalls: boolean;
  /** A comma after the last member, as the body has one. */
  trailingComma: boolean;
  eol: '\n' | '\r\n';
}

/** The style of `body`; `fallback` gives the indentation when the body's own lines do not tell it. */
export function detectStyle(text: string, body: PayloadBody, fallback: IndentOptions): BodyStyle {
  const { dialect, object } = body;
  const bodyText = text.slice(body.range.start, body.range.end);
  const tokens = parseForLanguage(bodyText, dialect).tokens;
  let single = 0;
  let double = 0;
  for (const t of tokens) {
    if (t.kind === 'string') {
      const quote = /^[rRbBuU]{0,2}(['"])/.exec(bodyText.slice(t.start, t.end))?.[1];
      single += quote === "'" ? 1 : 0;
      double += quote === '"' ? 1 : 0;
    }
  }
  let bare = 0;
  let quoted = 0;
  const countKeys = (members: typeof object.members): void => {
    for (const m of members) {
      if (m.keyToken?.kind === 'word') {
        bare++;
      } else if (m.keyToken?.kind === 'string') {
        quoted++;
      }
      if (m.child) {
        countKeys(m.child.members);
      }
    }
  };
  countKeys(object.members);
  const baseIndent = /^[ \t]*/.exec(text.slice(lineStartOf(text, body.range.start)))?.[0] ?? '';
  const last = object.members[object.members.length - 1];
  return {
    dialect,
    unit: unitOf(text, body, baseIndent) ?? indentUnit(fallback),
    baseIndent,
    quote: dialect === 'json' ? '"' : single > double ? "'" : '"',
    bareKeys: dialect === 'javascript' && bare >= quoted,
    dictCalls: dialect === 'python' && object.bracket === '(',
    trailingComma: last?.commaAt !== undefined,
    eol: bodyText.includes('\r\n') ? '\r\n' : '\n',
  };
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The indentation the body's first member on a line of its own adds to the body's line; undefined if none. */
function unitOf(text: string, body: PayloadBody, baseIndent: string): string | undefined {
  for (const m of body.object.members) {
    const start = lineStartOf(text, m.start);
    if (start > body.range.start) {
      const indent = text.slice(start, m.start);
      if (/^[ \t]+$/.test(indent) && indent.startsWith(baseIndent) && indent.length > baseIndent.length) {
        return indent.slice(baseIndent.length);
      }
      return undefined;
    }
  }
  return undefined;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const PY_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The body's text in `style`, ready to replace the old body: lines after the first carry the base indentation, and
 * `comments` (the old body's, verbatim) open it, each on a line of its own, so that converting loses none of them.
 */
export function renderBody(value: BodyValue, style: BodyStyle, comments: readonly string[] = []): string {
  return render(value, style, 0, comments);
}

function render(value: BodyValue, style: BodyStyle, depth: number, comments: readonly string[] = []): string {
  const { dialect } = style;
  // Line breaks of the structure carry the base indentation; a computed value's own text is kept verbatim.
  const nl = style.eol + style.baseIndent;
  if (value instanceof ComputedValue) {
    return value.text;
  }
  if (value === null) {
    return dialect === 'python' ? 'None' : 'null';
  }
  if (typeof value === 'boolean') {
    return dialect === 'python' ? (value ? 'True' : 'False') : String(value);
  }
  if (typeof value === 'number') {
    return Object.is(value, -0) ? '-0' : String(value);
  }
  if (typeof value === 'string') {
    return quoteString(value, dialect, style.quote);
  }
  const inner = style.unit.repeat(depth + 1);
  const outer = style.unit.repeat(depth);
  const close = style.trailingComma ? ',' : '';
  const head = comments.map((c) => `${nl}${inner}${c}`).join('');
  if (Array.isArray(value)) {
    if (value.length === 0 && !head) {
      return '[]';
    }
    const items = value.map((v) => nl + inner + render(v, style, depth + 1));
    return `[${head}${items.join(',')}${items.length > 0 ? close : ''}${nl}${outer}]`;
  }
  const entries = Object.entries(value);
  const call = style.dictCalls && entries.every(([k]) => PY_IDENTIFIER.test(k));
  if (entries.length === 0 && !head) {
    return call ? 'dict()' : '{}';
  }
  const members = entries.map(([k, v]) => `${nl}${inner}${renderKey(k, style, call)}${render(v, style, depth + 1)}`);
  const body = `${head}${members.join(',')}${members.length > 0 ? close : ''}${nl}${outer}`;
  return call ? `dict(${body})` : `{${body}}`;
}

function renderKey(key: string, style: BodyStyle, call: boolean): string {
  if (call) {
    return `${key}=`;
  }
  if (style.dialect === 'javascript' && key === '__proto__') {
    return `['__proto__']: `;
  }
  if (style.bareKeys && IDENTIFIER.test(key)) {
    return `${key}: `;
  }
  return `${quoteString(key, style.dialect, style.quote)}: `;
}
