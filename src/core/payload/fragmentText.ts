/** Fragment values written as JSON, JavaScript or Python literal text, snippet-escaped unless asked for plain text. */
import type { IndentOptions, SnippetDialect } from './buildSnippet';
import { Tabstop, type FragmentValue } from './fragmentValues';

/** Escapes text for VS Code's snippet grammar, in literal text and inside `${n:…}` alike. */
export function escapeSnippetText(text: string): string {
  return text.replace(/[\\$}]/g, '\\$&');
}

/**
 * A string literal in the dialect. Control characters, U+2028/U+2029 and lone surrogates are written as
 * escapes: they are legal in some of these languages but the editor mangles or warns about them raw.
 */
export function quoteString(value: string, dialect: SnippetDialect, preferredQuote?: '"' | "'"): string {
  // JSON knows only double quotes; JavaScript and Python take either, so a replaced value can keep the person's.
  const quote = dialect === 'json' ? '"' : (preferredQuote ?? "'");
  let out = quote;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const low = value.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += ch + value[i + 1];
        i++;
        continue;
      }
    }
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case quote:
        out += '\\' + quote;
        continue;
    }
    const needsEscape =
      code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || (code >= 0xd800 && code <= 0xdfff);
    if (needsEscape) {
      out += dialect === 'python' && code < 0x100 ? '\\x' + hex(code, 2) : '\\u' + hex(code, 4);
    } else {
      out += ch;
    }
  }
  return out + quote;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

const JS_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function renderKey(key: string, dialect: SnippetDialect): string {
  if (dialect === 'javascript' && key === '__proto__') {
    // In an object literal `__proto__:` (quoted or not) sets the prototype; only a computed key makes a property.
    return `['__proto__']`;
  }
  if (dialect === 'javascript' && JS_IDENTIFIER.test(key)) {
    return key;
  }
  return quoteString(key, dialect);
}


export function indentUnit(options: IndentOptions): string {
  return options.insertSpaces ? ' '.repeat(Math.max(1, Math.round(options.tabSize))) : '\t';
}

/**
 * Snippet text for a value, multi-line with `unit` per nesting level. Lines after the first carry no base
 * indentation: `buildSnippet` adds it. Literal parts are snippet-escaped; tabstops become `${n:…}`.
 */
export function renderValue(value: FragmentValue, dialect: SnippetDialect, unit: string, depth = 0, plain = false): string {
  const esc = plain ? (text: string) => text : escapeSnippetText;
  if (value instanceof Tabstop) {
    const literal = quoteString(value.placeholder, dialect);
    if (plain) {
      return literal;
    }
    const quote = literal[0];
    return `${quote}\${${value.index}:${escapeSnippetText(literal.slice(1, -1))}}${quote}`;
  }
  if (value === null) {
    return dialect === 'python' ? 'None' : 'null';
  }
  if (typeof value === 'boolean') {
    if (dialect === 'python') {
      return value ? 'True' : 'False';
    }
    return String(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError('Fragments hold finite numbers only.');
    }
    return Object.is(value, -0) ? '-0' : String(value);
  }
  if (typeof value === 'string') {
    return esc(quoteString(value, dialect));
  }
  const inner = unit.repeat(depth + 1);
  const outer = unit.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return '[]';
    }
    const items = value.map((v) => inner + renderValue(v, dialect, unit, depth + 1, plain));
    return `[\n${items.join(',\n')}\n${outer}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) {
    return '{}';
  }
  const members = entries.map(([k, v]) => `${inner}${esc(renderKey(k, dialect))}: ${renderValue(v, dialect, unit, depth + 1, plain)}`);
  return `{\n${members.join(',\n')}\n${outer}}`;
}

export function renderProperty(key: string, value: FragmentValue, dialect: SnippetDialect, unit: string, plain = false): string {
  const renderedKey = renderKey(key, dialect);
  return `${plain ? renderedKey : escapeSnippetText(renderedKey)}: ${renderValue(value, dialect, unit, 0, plain)}`;
}
