import * as l10n from '@vscode/l10n';
import type { SnippetDialect } from './buildSnippet';
import { literalOf } from './assetReferences';
import type { Container, Member } from './payloadContainers';
import { parseForLanguage } from './payloadTokens';
import { isObjectLiteral, type PayloadBody } from './payloadShape';

/** Plain data, as a request body carries it. */
export type LiteralValue = string | number | boolean | null | LiteralValue[] | { [key: string]: LiteralValue };

/** A value the file computes at run time (a variable, a call, an f-string), kept as the text that computes it. */
export class ComputedValue {
  constructor(
    /** The source text, verbatim. */
    readonly text: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

/** Plain data in which a value the file computes is kept as its source text. */
export type BodyValue = LiteralValue | ComputedValue | BodyValue[] | { [key: string]: BodyValue };

/** Where each value of a body sits in the text, by its path (`video_inputs[0].voice`); the body itself is ''. */
export type Places = ReadonlyMap<string, { start: number; end: number }>;

/** Where a body stops being plain data: the first value (in source order) that is computed or unreadable. */
export interface NotLiteral {
  /** `video_inputs[0].voice.input_text`: the place, for messages; empty for the body itself. */
  path: string;
  start: number;
  end: number;
  /** One sentence naming the place. */
  message: string;
}

export type LiteralResult = { ok: true; value: LiteralValue; places: Places } | ({ ok: false } & NotLiteral);
export type BodyTreeResult = { ok: true; value: BodyValue; places: Places } | ({ ok: false } & NotLiteral);

/**
 * The body as plain data, read from its literal text: JSON and JSONC (comments, trailing commas), JavaScript and
 * TypeScript object literals (bare or quoted keys, any quote, template literals without substitutions), Python
 * dicts (literals and `dict(…)` calls, `True`/`False`/`None`, prefixed and triple-quoted strings). A value computed
 * at run time (a variable, a call, a spread, an f-string) is refused by its place: the file's code would have to run
 * to know it, and nothing here runs it.
 */
export function readBodyValue(text: string, body: PayloadBody): LiteralResult {
  return new Reader(text, body.dialect, false).read(body.object) as LiteralResult;
}

/**
 * The body as `readBodyValue` reads it, except that a computed value in a member's place is kept as a
 * `ComputedValue` (its text) instead of refused: what moves a body's values around needs only their text. Spreads,
 * computed keys and unclosed brackets are still refused, since they hide which members the body has.
 */
export function readBodyTree(text: string, body: PayloadBody): BodyTreeResult {
  return new Reader(text, body.dialect, true).read(body.object);
}

class Refusal extends Error {
  constructor(readonly detail: NotLiteral) {
    super(detail.message);
  }
}

function refuse(path: string, start: number, end: number): never {
  const message = path
    ? l10n.t('{0} is not written out as a plain value (a variable, call or computed text), so it cannot be read without running the file.', path)
    : l10n.t('The payload is not written out as plain values, so it cannot be read without running the file.');
  throw new Refusal({ path, start, end, message });
}

const NUMBER = /^[+-]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?$/;

const WORDS: Readonly<Record<SnippetDialect, Readonly<Record<string, LiteralValue>>>> = {
  json: { true: true, false: false, null: null },
  javascript: { true: true, false: false, null: null },
  python: { True: true, False: false, None: null },
};

class Reader {
  private readonly places = new Map<string, { start: number; end: number }>();

  constructor(
    private readonly text: string,
    private readonly dialect: SnippetDialect,
    private readonly keepComputed: boolean,
  ) {}

  read(object: Container): BodyTreeResult {
    try {
      const value = this.container(object, '');
      this.places.set('', { start: object.open, end: Math.min(object.close + 1, this.text.length) });
      return { ok: true, value, places: this.places };
    } catch (error) {
      if (error instanceof Refusal) {
        return { ok: false, ...error.detail };
      }
      throw error;
    }
  }

  private container(c: Container, path: string): BodyValue {
    const { text, dialect } = this;
    if (c.close >= text.length) {
      // Still being typed: the missing bracket is the place to name.
      refuse(path, c.open, text.length);
    }
    if (c.bracket === '[') {
      return c.members.map((m, i) => this.member(m, m.start, `${path}[${i}]`));
    }
    if (!isObjectLiteral(text, c, dialect)) {
      refuse(path, c.open, c.close + 1);
    }
    const entries: Array<[string, BodyValue]> = [];
    for (const m of c.members) {
      const key = this.keyOf(m, c);
      if (key === undefined || m.valueStart === undefined) {
        refuse(path, m.start, m.end);
      }
      entries.push([key, this.member(m, m.valueStart, path ? `${path}.${key}` : key)]);
    }
    // fromEntries defines own properties, so a `__proto__` key is data as it is in JSON; the last duplicate wins.
    return Object.fromEntries(entries);
  }

  private keyOf(m: Member, c: Container): string | undefined {
    const token = m.keyToken;
    if (!token) {
      return undefined;
    }
    if (token.kind === 'word') {
      // A bare key names itself in JS and in Python's dict(key=…); in a Python dict literal it is a variable.
      return this.dialect === 'javascript' || (this.dialect === 'python' && c.bracket === '(') ? token.value : undefined;
    }
    if (this.dialect === 'json') {
      return token.value;
    }
    return literalOf(this.text, token, this.dialect)?.value;
  }

  private member(m: Member, valueStart: number, path: string): BodyValue {
    this.places.set(path, { start: valueStart, end: m.end });
    const { text, dialect } = this;
    const raw = text.slice(valueStart, m.end);
    const child = m.child;
    if (child && child.close < text.length && child.close + 1 === m.end) {
      const before = text.slice(valueStart, child.open).trim();
      if (before === '' || (dialect === 'python' && child.bracket === '(' && before === 'dict')) {
        return this.container(child, path);
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
      if (literal || !this.keepComputed) {
        refuse(path, token.start, token.end);
      }
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
    if (this.keepComputed && dialect !== 'json' && word !== '' && (!child || child.close < text.length)) {
      const start = valueStart + raw.indexOf(word);
      return new ComputedValue(word, start, start + word.length);
    }
    refuse(path, valueStart, m.end);
  }
}
