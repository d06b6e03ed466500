import * as l10n from '@vscode/l10n';
import type { SnippetDialect } from './buildSnippet';
import { literalOf } from './assetReferences';
import type { Container, Member } from './payloadContainers';
import { parseForLanguage } from './payloadTokens';
import { isObjectLiteral, type PayloadBody } from './payloadShape';

/** Plain data, as a request body carries it. */
export type LiteralValue = string | number | boolean | null | LiteralValue[] | { [key: string]: LiteralValue };

/** Where a body stops being plain data: the first value (in source order) that is computed or unreadable. */
export interface NotLiteral {
  /** `video_inputs[0].voice.input_text`: the place, for messages; empty for the body itself. */
  path: string;
  start: number;
  end: number;
  /** One sentence naming the place. */
  message: string;
}

export type LiteralResult = { ok: true; value: LiteralValue } | ({ ok: false } & NotLiteral);

/**
 * The body as plain data, read from its literal text: JSON and JSONC (comments, trailing commas), JavaScript and
 * TypeScript object literals (bare or quoted keys, any quote, template literals without substitutions), Python
 * dicts (literals and `dict(…)` calls, `True`/`False`/`None`, prefixed and triple-quoted strings). A value computed
 * at run time (a variable, a call, a spread, an f-string) is refused by its place: the file's code would have to run
 * to know it, and nothing here runs it.
 */
export function readBodyValue(text: string, body: PayloadBody): LiteralResult {
  return readContainer(text, body.object, body.dialect, '');
}

class Refusal extends Error {
  constructor(readonly detail: NotLiteral) {
    super(detail.message);
  }
}

function readContainer(text: string, c: Container, dialect: SnippetDialect, path: string): LiteralResult {
  try {
    return { ok: true, value: containerValue(text, c, dialect, path) };
  } catch (error) {
    if (error instanceof Refusal) {
      return { ok: false, ...error.detail };
    }
    throw error;
  }
}

function refuse(path: string, start: number, end: number): never {
  const message = path
    ? l10n.t('{0} is not written out as a plain value (a variable, call or computed text), so it cannot be read without running the file.', path)
    : l10n.t('The payload is not written out as plain values, so it cannot be read without running the file.');
  throw new Refusal({ path, start, end, message });
}

function containerValue(text: string, c: Container, dialect: SnippetDialect, path: string): LiteralValue {
  if (c.close >= text.length) {
    // Still being typed: the missing bracket is the place to name.
    refuse(path, c.open, text.length);
  }
  if (c.bracket === '[') {
    return c.members.map((m, i) => memberValue(text, m, m.start, dialect, `${path}[${i}]`));
  }
  if (!isObjectLiteral(text, c, dialect)) {
    refuse(path, c.open, c.close + 1);
  }
  const entries: Array<[string, LiteralValue]> = [];
  for (const m of c.members) {
    const key = keyOf(text, m, c, dialect);
    if (key === undefined || m.valueStart === undefined) {
      refuse(path, m.start, m.end);
    }
    entries.push([key, memberValue(text, m, m.valueStart, dialect, path ? `${path}.${key}` : key)]);
  }
  // fromEntries defines own properties, so a `__proto__` key is data as it is in JSON; the last duplicate wins.
  return Object.fromEntries(entries);
}

function keyOf(text: string, m: Member, c: Container, dialect: SnippetDialect): string | undefined {
  const token = m.keyToken;
  if (!token) {
    return undefined;
  }
  if (token.kind === 'word') {
    // A bare key names itself in JS and in Python's dict(key=…); in a Python dict literal it is a variable.
    return dialect === 'javascript' || (dialect === 'python' && c.bracket === '(') ? token.value : undefined;
  }
  if (dialect === 'json') {
    return token.value;
  }
  return literalOf(text, token, dialect)?.value;
}

const NUMBER = /^[+-]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?$/;

const WORDS: Readonly<Record<SnippetDialect, Readonly<Record<string, LiteralValue>>>> = {
  json: { true: true, false: false, null: null },
  javascript: { true: true, false: false, null: null },
  python: { True: true, False: false, None: null },
};

function memberValue(text: string, m: Member, valueStart: number, dialect: SnippetDialect, path: string): LiteralValue {
  const raw = text.slice(valueStart, m.end);
  const child = m.child;
  if (child && child.close < text.length && child.close + 1 === m.end) {
    const before = text.slice(valueStart, child.open).trim();
    if (before === '' || (dialect === 'python' && child.bracket === '(' && before === 'dict')) {
      return containerValue(text, child, dialect, path);
    }
  }
  // Scanned on its own, as a list element carries no value token of its own.
  const tokens = parseForLanguage(raw, dialect).tokens;
  if (tokens.length === 1 && tokens[0].kind === 'string') {
    const token = { ...tokens[0], start: valueStart + tokens[0].start, end: valueStart + tokens[0].end };
    const literal = literalOf(text, token, dialect);
    // An unclosed string is still being typed: its content is not known yet.
    if (literal && literal.contentEnd < literal.end) {
      return literal.value;
    }
    refuse(path, token.start, token.end);
  }
  const word = raw.trim();
  if (Object.prototype.hasOwnProperty.call(WORDS[dialect], word)) {
    return WORDS[dialect][word];
  }
  if (NUMBER.test(word) && !/_(?:_|$|\.)|^[+-]?_/.test(word)) {
    const number = Number(word.replace(/_/g, ''));
    if (Number.isFinite(number)) {
      return number;
    }
  }
  refuse(path, valueStart, m.end);
}
