/** The objects, arrays and parentheses of payload source with their members, and which of them are payloads. */
import { dialectForLanguage, type SnippetDialect } from './buildSnippet';
import { parseForLanguage, type Bracket, type Token } from './payloadTokens';

export interface Member {
  start: number;
  end: number;
  key?: string;
  /** The token naming the key (a string or a bare word). */
  keyToken?: Token;
  /** The value's token when the value is that single token (a string, a number, a word). */
  value?: Token;
  valueStart?: number;
  /** Offset of the comma that ends this member, if any. */
  commaAt?: number;
  /** The container whose opening bracket is this member's value, if any. */
  child?: Container;
}

export interface Container {
  bracket: Bracket;
  open: number;
  /** Offset of the closing bracket, or the text length when unclosed. */
  close: number;
  key?: string;
  parent?: Container;
  members: Member[];
}

/** Containers (objects, arrays, parentheses) with their members, from the token stream. */
export function buildContainers(tokens: readonly Token[], textLength: number): Container[] {
  const all: Container[] = [];
  const root: Container = { bracket: '(', open: -1, close: textLength, members: [] };
  const stack: Array<{ container: Container; member: Token[]; memberChild?: Container }> = [{ container: root, member: [] }];

  const finishMember = (frame: (typeof stack)[number], commaAt?: number): void => {
    const toks = frame.member;
    if (toks.length > 0) {
      const first = toks[0];
      const last = toks[toks.length - 1];
      const member: Member = { start: first.start, end: last.end };
      const second = toks[1];
      if (second && (first.kind === 'string' || first.kind === 'word') && (second.kind === 'colon' || second.kind === 'equals')) {
        member.key = first.value;
        member.keyToken = first;
        member.valueStart = toks[2]?.start;
        if (toks.length === 3) {
          member.value = toks[2];
        }
      }
      if (commaAt !== undefined) {
        member.commaAt = commaAt;
      }
      if (frame.memberChild) {
        member.child = frame.memberChild;
      }
      frame.container.members.push(member);
    }
    frame.member = [];
    frame.memberChild = undefined;
  };

  for (const token of tokens) {
    const frame = stack[stack.length - 1];
    switch (token.kind) {
      case 'open': {
        const before = frame.member;
        const sep = before[before.length - 1];
        const keyToken = before[before.length - 2];
        const container: Container = { bracket: token.bracket!, open: token.start, close: textLength, parent: frame.container, members: [] };
        if (sep && keyToken && (sep.kind === 'colon' || sep.kind === 'equals') && (keyToken.kind === 'string' || keyToken.kind === 'word')) {
          container.key = keyToken.value;
        }
        frame.member.push(token);
        frame.memberChild ??= container;
        all.push(container);
        stack.push({ container, member: [] });
        break;
      }
      case 'close': {
        if (stack.length === 1) {
          frame.member.push(token);
          break;
        }
        finishMember(frame);
        frame.container.close = token.start;
        stack.pop();
        // The parent's member now spans to the closing bracket.
        stack[stack.length - 1].member.push(token);
        break;
      }
      case 'comma':
        finishMember(frame, token.start);
        break;
      default:
        frame.member.push(token);
    }
  }
  while (stack.length > 0) {
    finishMember(stack.pop()!);
  }
  return all;
}

export function isVideoInputsArray(c: Container | undefined): boolean {
  return c !== undefined && c.bracket === '[' && c.key === 'video_inputs';
}

export function isItem(c: Container): boolean {
  return c.bracket === '{' && isVideoInputsArray(c.parent);
}

const V3_BODY_TYPES = new Set(['avatar', 'image']);

/** A `POST /v3/videos` body: top-level `type` `avatar` or `image` and no `video_inputs` list. */
export function isV3Body(c: Container): boolean {
  return c.bracket === '{' && hasV3BodyMembers(c);
}

/** The members of a v3 body, whatever holds them (an object literal, or Python's `dict(…)`). */
export function hasV3BodyMembers(c: Container): boolean {
  let typed = false;
  for (const m of c.members) {
    if (m.key === 'video_inputs') {
      return false;
    }
    if (m.key === 'type' && m.value?.kind === 'string' && V3_BODY_TYPES.has(m.value.value ?? '')) {
      typed = true;
    }
  }
  return typed;
}

/** The objects, arrays and parentheses of a payload file with their members, as the insertion planner sees them. */
export function parsePayload(text: string, languageId: string): { dialect: SnippetDialect; containers: Container[] } {
  const dialect = dialectForLanguage(languageId);
  return { dialect, containers: buildContainers(parseForLanguage(text, dialect).tokens, text.length) };
}
