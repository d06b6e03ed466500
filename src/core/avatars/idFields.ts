/**
 * The strings of a payload that name an avatar look or a voice, found with the payload scanner (so strings in
 * comments, other keys and other objects are never taken for one):
 * - a `POST /v3/videos` body: its `avatar_id` (type `avatar`; for `cinematic_avatar` a list of look ids), its
 *   `voice_id`, and the `engine.type` the look must support;
 * - a v2 `video_inputs` item: `character.avatar_id`, `character.talking_photo_id` and `voice.voice_id`.
 */
import { literalOf, type StringLiteral } from '../payload/assetReferences';
import type { PayloadVersion, SnippetDialect } from '../payload/buildSnippet';
import { isVideoInputsArray, parsePayload, type Container, type Member } from '../payload/payloadContainers';
import { detectBodies, isObjectLiteral } from '../payload/payloadShape';

export type IdFieldKind = 'avatar' | 'voice' | 'talkingPhoto';

export interface IdField extends StringLiteral {
  kind: IdFieldKind;
  version: PayloadVersion;
  /** `avatar_id`, `voice_id`, `talking_photo_id`. */
  key: string;
  /** Where it sits, for messages: `avatar_id`, `character.avatar_id`, `voice.voice_id`. */
  path: string;
  dialect: SnippetDialect;
  /** A v3 body's `engine.type`, which the look named here must support. */
  engine?: { value: string; start: number; end: number };
  /** The v3 body or the v2 item the field belongs to (from its opening bracket to its end). */
  owner: { start: number; end: number };
}

/** v3 body types whose `avatar_id` names looks. */
const AVATAR_BODIES = new Set(['avatar', 'cinematic_avatar']);
/** v3 body types that speak with a `voice_id`. */
const VOICE_BODIES = new Set(['avatar', 'image', 'cinematic_avatar']);

/** Every avatar, voice and talking-photo id of the payload text, in source order. */
export function findIdFields(text: string, languageId: string): IdField[] {
  const { dialect, containers } = parsePayload(text, languageId);
  const found: IdField[] = [];
  const add = (kind: IdFieldKind, version: PayloadVersion, path: string, key: string, member: Member, owner: IdField['owner'], engine?: IdField['engine']): void => {
    if (member.value?.kind !== 'string') {
      return;
    }
    const literal = literalOf(text, member.value, dialect);
    if (literal) {
      found.push({ kind, version, key, path, ...literal, dialect, owner, ...(engine ? { engine } : {}) });
    }
  };
  const objectValue = (m: Member): Container | undefined => {
    const child = m.child;
    if (!child || m.valueStart === undefined || !isObjectLiteral(text, child, dialect)) {
      return undefined;
    }
    // The member's value is the object itself (`"character": {…}` or `dict(…)`), not something that merely holds it.
    const before = text.slice(m.valueStart, child.open).trim();
    return before === '' || (child.bracket === '(' && before === 'dict') ? child : undefined;
  };
  const stringOf = (c: Container, key: string): IdField['engine'] => {
    const token = c.members.find((m) => m.key === key && m.value?.kind === 'string')?.value;
    const literal = token ? literalOf(text, token, dialect) : undefined;
    return literal ? { value: literal.value, start: literal.start, end: literal.end } : undefined;
  };

  for (const body of detectBodies(text, languageId)) {
    if (body.kind !== 'v3') {
      continue;
    }
    const type = body.type ?? '';
    const owner = body.range;
    const engineMember = body.object.members.find((m) => m.key === 'engine');
    const engineObject = engineMember ? objectValue(engineMember) : undefined;
    const engine = engineObject ? stringOf(engineObject, 'type') : undefined;
    for (const m of body.object.members) {
      if (m.key === 'avatar_id' && AVATAR_BODIES.has(type)) {
        const list = m.child?.bracket === '[' && m.child.open === m.valueStart ? m.child : undefined;
        if (list) {
          // cinematic_avatar: one to three look ids.
          for (const item of list.members) {
            const token = lonelyString(text, item);
            if (token) {
              add('avatar', 'v3', 'avatar_id', 'avatar_id', { ...item, value: token }, owner, engine);
            }
          }
        } else {
          add('avatar', 'v3', 'avatar_id', 'avatar_id', m, owner, engine);
        }
      } else if (m.key === 'voice_id' && VOICE_BODIES.has(type)) {
        add('voice', 'v3', 'voice_id', 'voice_id', m, owner);
      }
    }
  }

  for (const c of containers) {
    if (!isVideoInputsArray(c.parent) || !isObjectLiteral(text, c, dialect)) {
      continue;
    }
    const owner = { start: c.open, end: Math.min(text.length, c.close + 1) };
    for (const m of c.members) {
      const object = m.key === 'character' || m.key === 'voice' ? objectValue(m) : undefined;
      if (!object) {
        continue;
      }
      for (const inner of object.members) {
        if (m.key === 'character' && inner.key === 'avatar_id') {
          add('avatar', 'v2', 'character.avatar_id', 'avatar_id', inner, owner);
        } else if (m.key === 'character' && inner.key === 'talking_photo_id') {
          add('talkingPhoto', 'v2', 'character.talking_photo_id', 'talking_photo_id', inner, owner);
        } else if (m.key === 'voice' && inner.key === 'voice_id') {
          add('voice', 'v2', 'voice.voice_id', 'voice_id', inner, owner);
        }
      }
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** A list element that is one string literal and nothing else, as a string token. */
function lonelyString(text: string, item: Member): Member['value'] {
  if (item.key !== undefined || item.child) {
    return undefined;
  }
  const raw = text.slice(item.start, item.end);
  const quote = /^[rRuU]?(["'`])/.exec(raw)?.[1];
  // One literal: the quote it opens with closes it at its end, and nowhere before.
  if (!quote || !raw.endsWith(quote) || raw.indexOf(quote, raw.indexOf(quote) + 1) !== raw.length - 1) {
    return undefined;
  }
  return { kind: 'string', start: item.start, end: item.end };
}

/** The field whose string holds `offset` (between its quotes, or right after an unclosed one). */
export function idFieldAt(fields: readonly IdField[], offset: number): IdField | undefined {
  return fields.find((f) => f.contentStart <= offset && offset <= f.contentEnd);
}
