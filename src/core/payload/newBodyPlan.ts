import type { SnippetDialect } from './buildSnippet';
import { lineAfter, lineBefore, memberAround, separate, type Placement } from './memberGaps';
import type { Container } from './payloadContainers';
import { isObjectLiteral, type PayloadBody } from './payloadShape';
import type { Token } from './payloadTokens';
import type { V3BodyShape } from './v3Body';

/**
 * Whether a cursor at `offset` outside every body gets a whole new v3 body: when the file holds no v2 body (whose
 * items are where new ones go) and either holds v3 bodies already or holds no payload and `heygen.payload.version`
 * is `v3`. The same rule as `payloadVersionAt`, for a cursor in no body.
 */
export function wantsNewV3Body(bodies: readonly PayloadBody[], offset: number, newPayloads: 'v2' | 'v3'): boolean {
  if (bodies.some((b) => b.range.start < offset && offset < b.range.end) || bodies.some((b) => b.kind === 'v2')) {
    return false;
  }
  return bodies.length > 0 || newPayloads === 'v3';
}

/**
 * Where a whole new `POST /v3/videos` body goes for a cursor at `offset`, `innermost` being the bracket around it:
 * - right after a key and its `:` or `=` → the body object as that member's value;
 * - inside an object that is no payload (an empty `{}`, a new file's scratch object) → the body's members (shape
 *   `members`), so that object becomes the body;
 * - inside a list or a call's parentheses → the body object as an element or argument, with its commas;
 * - at the top level: in JSON the body object; in JS/TS and Python a declaration (`const payload = {…};`,
 *   `payload = {…}`), since a bare object there is a block (JS) or a value thrown away, unless the cursor is where
 *   an expression goes (after `=`, `:`, `,`, an opening bracket, `return`, `default`, `=>`), where the object goes.
 */
export function planNewV3Body(
  text: string,
  offset: number,
  innermost: Container | undefined,
  tokens: readonly Token[],
  dialect: SnippetDialect,
): Placement & { shape: V3BodyShape; target?: string } {
  if (innermost && expressionExpected(text, offset, tokens, ['equals', 'colon'])) {
    // `"key": |` or `key=|`: the body is that member's value.
    return { shape: 'body', start: offset, end: offset, prefix: '', suffix: '', extraEdits: [], target: `value@${offset}` };
  }
  if (innermost) {
    const holder = memberAround(innermost, offset);
    const at = holder ? holder.end : offset;
    if (isObjectLiteral(text, innermost, dialect)) {
      return { ...separate(text, innermost, at), shape: 'members', target: `newBody@${innermost.open}` };
    }
    return { ...separate(text, innermost, at), shape: 'body', target: holder ? `after@${holder.end}` : undefined };
  }
  return {
    shape: dialect === 'json' || expressionExpected(text, offset, tokens) ? 'body' : 'declaration',
    start: offset,
    end: offset,
    prefix: /\S/.test(lineBefore(text, offset)) ? '\n' : '',
    suffix: /\S/.test(lineAfter(text, offset)) ? '\n' : '',
    extraEdits: [],
  };
}

const EXPRESSION_WORDS = new Set(['return', 'default', 'yield', 'await', 'lambda']);

/**
 * True when the code before `offset` leaves an expression to complete (`x = |`, `f(|`, `return |`, `() => |`), or
 * with `only`, when the token before is one of those kinds.
 */
function expressionExpected(text: string, offset: number, tokens: readonly Token[], only?: ReadonlyArray<Token['kind']>): boolean {
  let before: Token | undefined;
  for (const token of tokens) {
    if (token.end > offset) {
      break;
    }
    before = token;
  }
  if (!before) {
    return false;
  }
  if (only) {
    return only.includes(before.kind);
  }
  switch (before.kind) {
    case 'equals':
    case 'colon':
    case 'comma':
    case 'open':
      return true;
    case 'word':
      return EXPRESSION_WORDS.has(before.value ?? '');
    default:
      return text.slice(before.start - 1, before.end) === '=>';
  }
}
