/**
 * Payload source as tokens: brackets, separators, strings and words, with the comments apart. JSON and JSONC are
 * tokenized by jsonc-parser; JavaScript, TypeScript and Python by a small scanner that knows their strings and
 * comments and follows brackets, which is enough for literal payloads in code.
 */
import { createScanner } from 'jsonc-parser';
import type { SnippetDialect } from './buildSnippet';

export type Bracket = '{' | '[' | '(';

export interface Token {
  kind: 'open' | 'close' | 'comma' | 'colon' | 'equals' | 'string' | 'word' | 'other';
  start: number;
  end: number;
  /** Unquoted text for strings and words. */
  value?: string;
  bracket?: Bracket;
}

export interface Span {
  start: number;
  end: number;
}

export interface Scan {
  tokens: Token[];
  comments: Array<Span & { line: boolean }>;
}

// jsonc-parser's SyntaxKind is an ambient const enum, which isolatedModules cannot read; these are its values.
const JsonKind = {
  OpenBrace: 1,
  CloseBrace: 2,
  OpenBracket: 3,
  CloseBracket: 4,
  Comma: 5,
  Colon: 6,
  StringLiteral: 10,
  LineComment: 12,
  BlockComment: 13,
  LineBreak: 14,
  Trivia: 15,
  EOF: 17,
} as const;

function scanJson(text: string): Scan {
  const scanner = createScanner(text, false);
  const tokens: Token[] = [];
  const comments: Scan['comments'] = [];
  for (let kind: number = scanner.scan(); kind !== JsonKind.EOF; kind = scanner.scan()) {
    const start = scanner.getTokenOffset();
    const end = start + scanner.getTokenLength();
    switch (kind) {
      case JsonKind.OpenBrace:
        tokens.push({ kind: 'open', start, end, bracket: '{' });
        break;
      case JsonKind.OpenBracket:
        tokens.push({ kind: 'open', start, end, bracket: '[' });
        break;
      case JsonKind.CloseBrace:
      case JsonKind.CloseBracket:
        tokens.push({ kind: 'close', start, end });
        break;
      case JsonKind.Comma:
        tokens.push({ kind: 'comma', start, end });
        break;
      case JsonKind.Colon:
        tokens.push({ kind: 'colon', start, end });
        break;
      case JsonKind.StringLiteral:
        tokens.push({ kind: 'string', start, end, value: scanner.getTokenValue() });
        break;
      case JsonKind.LineComment:
        comments.push({ start, end, line: true });
        break;
      case JsonKind.BlockComment:
        comments.push({ start, end, line: false });
        break;
      case JsonKind.LineBreak:
      case JsonKind.Trivia:
        break;
      default:
        tokens.push({ kind: 'other', start, end });
    }
  }
  return { tokens, comments };
}

const WORD_START = /[\p{L}_$]/u;
const WORD_PART = /[\p{L}\p{N}_$]/u;
const PY_STRING_PREFIX = /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])$/;

/** Tokens of JavaScript/TypeScript or Python source, as far as brackets, strings and comments go. */
function scanCode(text: string, dialect: 'javascript' | 'python'): Scan {
  const tokens: Token[] = [];
  const comments: Scan['comments'] = [];
  const python = dialect === 'python';
  let i = 0;
  const n = text.length;

  const readString = (quoteAt: number): number => {
    const quote = text[quoteAt];
    const triple = python && text.startsWith(quote.repeat(3), quoteAt);
    let j = quoteAt + (triple ? 3 : 1);
    while (j < n) {
      const c = text[j];
      if (c === '\\') {
        j += 2;
        continue;
      }
      if (triple) {
        if (text.startsWith(quote.repeat(3), j)) {
          return j + 3;
        }
      } else if (c === quote) {
        return j + 1;
      } else if (c === '\n' && quote !== '`') {
        // An unterminated literal ends at the line break, as the languages' own tokenizers recover.
        return j;
      }
      j++;
    }
    return n;
  };

  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if ((!python && c === '/' && text[i + 1] === '/') || (python && c === '#')) {
      let j = text.indexOf('\n', i);
      if (j < 0) {
        j = n;
      } else if (text[j - 1] === '\r') {
        j--;
      }
      comments.push({ start: i, end: j, line: true });
      i = j;
      continue;
    }
    if (!python && c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const j = close < 0 ? n : close + 2;
      comments.push({ start: i, end: j, line: false });
      i = j;
      continue;
    }
    if (c === '"' || c === "'" || (!python && c === '`')) {
      const end = readString(i);
      tokens.push({ kind: 'string', start: i, end, value: stringContent(text.slice(i, end)) });
      i = end;
      continue;
    }
    if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < n && WORD_PART.test(text[j])) {
        j++;
      }
      const word = text.slice(i, j);
      if (python && (text[j] === '"' || text[j] === "'") && PY_STRING_PREFIX.test(word)) {
        const end = readString(j);
        tokens.push({ kind: 'string', start: i, end, value: stringContent(text.slice(j, end)) });
        i = end;
        continue;
      }
      tokens.push({ kind: 'word', start: i, end: j, value: word });
      i = j;
      continue;
    }
    if (c === '{' || c === '[' || c === '(') {
      tokens.push({ kind: 'open', start: i, end: i + 1, bracket: c });
    } else if (c === '}' || c === ']' || c === ')') {
      tokens.push({ kind: 'close', start: i, end: i + 1 });
    } else if (c === ',') {
      tokens.push({ kind: 'comma', start: i, end: i + 1 });
    } else if (c === ':') {
      tokens.push({ kind: 'colon', start: i, end: i + 1 });
    } else if (c === '=' && text[i + 1] !== '=' && text[i + 1] !== '>' && !/[=!<>+\-*/%&|^~:]/.test(text[i - 1] ?? '')) {
      tokens.push({ kind: 'equals', start: i, end: i + 1 });
    } else {
      tokens.push({ kind: 'other', start: i, end: i + 1 });
    }
    i++;
  }
  return { tokens, comments };
}

/** The text between the quotes, without decoding escapes: enough to recognise keys such as `video_inputs`. */
function stringContent(literal: string): string {
  const quote = literal[0];
  const triple = literal.startsWith(quote.repeat(3)) && literal.length >= 6;
  const q = triple ? 3 : 1;
  const body = literal.endsWith(quote.repeat(q)) && literal.length >= 2 * q ? literal.slice(q, -q) : literal.slice(q);
  return body;
}

export function parseForLanguage(text: string, dialect: SnippetDialect): Scan {
  return dialect === 'json' ? scanJson(text) : scanCode(text, dialect);
}
