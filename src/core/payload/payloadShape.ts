import type { SnippetDialect } from './buildSnippet';
import { parsePayload, type Container } from './payloadContainers';

/**
 * Which request a payload's body is, told by its shape alone:
 * - `v2`: a `POST /v2/video/generate` body, an object with a `video_inputs` member;
 * - `v3`: a `POST /v3/videos` body, an object with a string `type` HeyGen's v3 union knows (`avatar`, `image`,
 *   `cinematic_avatar`, `studio`) and no `video_inputs`;
 * - `none`: neither (an empty file, a bare `video_inputs` item, unrelated code).
 * Only the outermost such object counts, and never the value of a `character`, `voice`, `background` or `image`
 * key: a v2 item's `character: {type: "avatar"}` or a v3 body's `background: {type: "image"}` is part of a body. An object is an object literal, or in
 * Python also a `dict(…)` call. A body that is still being typed (unclosed) is a body too; `closed` tells.
 */
export type BodyKind = 'v2' | 'v3' | 'none';

/** The `type` values of HeyGen's `POST /v3/videos` union. */
export const V3_VIDEO_TYPES: readonly string[] = ['avatar', 'image', 'cinematic_avatar', 'studio'];

/**
 * Keys whose object value is part of a body, whatever its `type` says: a bare v2 item written on its own (as this
 * extension once wrote into empty files) holds `character: {type: "avatar", …}`, which is no v3 body.
 */
const PARTS: ReadonlySet<string> = new Set(['character', 'voice', 'background', 'image']);

export interface PayloadBody {
  kind: 'v2' | 'v3';
  dialect: SnippetDialect;
  /** The body's text: its opening bracket (in Python, the `dict` of a `dict(…)` call) to just after its closing one. */
  range: { start: number; end: number };
  /** False while the closing bracket is missing; `range.end` is then the end of the text. */
  closed: boolean;
  /** v3: the body's `type` (`avatar`, `image`, …). */
  type?: string;
  /** v2: how many items its `video_inputs` list holds, when the list is written out (not a variable). */
  itemCount?: number;
  /** The scanned object, for the payload modules that read or edit it. */
  object: Container;
}

export type BodyShape = PayloadBody | { kind: 'none' };

/** Every body in the text, outermost only, in source order. */
export function detectBodies(text: string, languageId: string): PayloadBody[] {
  const { dialect, containers } = parsePayload(text, languageId);
  const bodies: PayloadBody[] = [];
  const taken = new Set<Container>();
  // Containers come in order of their opening bracket, so an ancestor is always looked at before its descendants.
  for (const c of containers) {
    if (!isObjectLiteral(text, c, dialect) || hasAncestorIn(c, taken)) {
      continue;
    }
    const body = bodyOf(text, c, dialect);
    if (body) {
      taken.add(c);
      bodies.push(body);
    }
  }
  return bodies;
}

/**
 * The body holding `offset`; without an offset, or when no body holds it, the first body of the text;
 * `{kind: 'none'}` when the text holds none.
 */
export function detectBody(text: string, languageId: string, offset?: number): BodyShape {
  const bodies = detectBodies(text, languageId);
  if (offset !== undefined) {
    const around = bodies.find((b) => b.range.start <= offset && offset <= b.range.end);
    if (around) {
      return around;
    }
  }
  return bodies[0] ?? { kind: 'none' };
}

function bodyOf(text: string, c: Container, dialect: SnippetDialect): PayloadBody | undefined {
  const closed = c.close < text.length;
  const start = c.bracket === '(' ? dictCallStart(text, c.open) : c.open;
  const range = { start, end: closed ? c.close + 1 : text.length };
  const inputs = c.members.find((m) => m.key === 'video_inputs');
  if (inputs) {
    // `video_inputs: [` … the list written out; a variable or a call leaves the count unknown.
    const list = inputs.child?.bracket === '[' && inputs.child.open === inputs.valueStart ? inputs.child : undefined;
    return { kind: 'v2', dialect, range, closed, itemCount: list?.members.length, object: c };
  }
  const type = c.members.find((m) => m.key === 'type' && m.value?.kind === 'string')?.value?.value;
  if (type !== undefined && V3_VIDEO_TYPES.includes(type) && !(c.key !== undefined && PARTS.has(c.key))) {
    return { kind: 'v3', dialect, range, closed, type, object: c };
  }
  return undefined;
}

/** An object literal, or in Python a `dict(…)` call (whose keyword arguments are its members). */
export function isObjectLiteral(text: string, c: Container, dialect: SnippetDialect): boolean {
  return c.bracket === '{' || (dialect === 'python' && c.bracket === '(' && /\bdict\s*$/.test(text.slice(Math.max(0, c.open - 12), c.open)));
}

function dictCallStart(text: string, open: number): number {
  const match = /\bdict\s*$/.exec(text.slice(Math.max(0, open - 12), open));
  return match ? open - match[0].length : open;
}

function hasAncestorIn(c: Container, set: ReadonlySet<Container>): boolean {
  for (let p = c.parent; p; p = p.parent) {
    if (set.has(p)) {
      return true;
    }
  }
  return false;
}

/**
 * Which payload version a fragment at `offset` belongs to: the version of the body holding it; outside every body,
 * v2 when the file holds a v2 body (its items are where new ones go), else v3 when it holds a v3 body, else
 * `newPayloads` (`heygen.payload.version`), since the file holds no payload yet.
 */
export function payloadVersionAt(text: string, languageId: string, offset: number, newPayloads: 'v2' | 'v3'): 'v2' | 'v3' {
  const bodies = detectBodies(text, languageId);
  const around = bodies.find((b) => b.range.start < offset && offset < b.range.end);
  if (around) {
    return around.kind;
  }
  if (bodies.some((b) => b.kind === 'v2')) {
    return 'v2';
  }
  return bodies.length > 0 ? 'v3' : newPayloads;
}
