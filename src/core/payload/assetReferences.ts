import type { AssetKind } from '../base/mediaKinds';
import type { PayloadVersion, SnippetDialect, SnippetRole } from './buildSnippet';
import { type Token } from './payloadTokens';
import { hasV3BodyMembers, isVideoInputsArray, parsePayload, type Container, type Member } from './payloadContainers';

/** A string literal of a payload: its decoded content and where it and its content sit. */
export interface StringLiteral {
  /** The string's content (JSON escapes decoded; the common backslash escapes of JS and Python too). */
  value: string;
  /** The string literal, quotes (and a Python prefix) included. */
  start: number;
  end: number;
  /** The content between the quotes. */
  contentStart: number;
  contentEnd: number;
  /** The quote the person wrote. */
  quote: '"' | "'" | '`';
}

/** One string value at a documented place of a payload that names an asset (or should). */
export interface AssetReference extends StringLiteral {
  version: PayloadVersion;
  role: SnippetRole;
  /** The key holding the value: `url`, `image_asset_id`, `audio_url`, `asset_id`, … */
  key: string;
  /** Where it sits, for messages and logs: `background.url`, `voice.audio_asset_id`, `audio_url`. */
  path: string;
  /** What the property takes. */
  takes: 'url' | 'id';
  /** The asset kinds that fit here (a video background takes a video, a voice audio, …). */
  kinds: readonly AssetKind[];
  /** The key's token, which a replacement renames when the reference changes from a URL to an id. */
  keyToken: { start: number; end: number; bare: boolean; quote?: '"' | "'" };
  /** The `type` string of the same object (`image`, `url`, …), which some replacements change along with the key. */
  typeToken?: { start: number; end: number; value: string; quote: '"' | "'" | '`' };
  dialect: SnippetDialect;
}

interface Place {
  key: string;
  takes: 'url' | 'id';
  kinds: (type: string | undefined) => readonly AssetKind[];
}

const IMAGE: readonly AssetKind[] = ['image'];
const VIDEO: readonly AssetKind[] = ['video'];
const AUDIO: readonly AssetKind[] = ['audio'];
const IMAGE_OR_VIDEO: readonly AssetKind[] = ['image', 'video'];
const always =
  (kinds: readonly AssetKind[]) =>
  (): readonly AssetKind[] =>
    kinds;
const byBackgroundType = (type: string | undefined): readonly AssetKind[] => (type === 'video' ? VIDEO : type === 'image' ? IMAGE : IMAGE_OR_VIDEO);

/** Documented places in a `video_inputs` item (v2): the item's property, then the keys inside it. */
const V2_PLACES: Readonly<Record<string, { role: SnippetRole; places: readonly Place[] }>> = {
  background: {
    role: 'background',
    places: [
      { key: 'url', takes: 'url', kinds: byBackgroundType },
      { key: 'image_asset_id', takes: 'id', kinds: always(IMAGE) },
      { key: 'video_asset_id', takes: 'id', kinds: always(VIDEO) },
    ],
  },
  character: { role: 'talkingPhoto', places: [{ key: 'talking_photo_id', takes: 'id', kinds: always(IMAGE) }] },
  voice: {
    role: 'audio',
    places: [
      { key: 'audio_url', takes: 'url', kinds: always(AUDIO) },
      { key: 'audio_asset_id', takes: 'id', kinds: always(AUDIO) },
    ],
  },
};

/** Documented places of a `POST /v3/videos` body: nested objects, then the body's own keys. */
const V3_NESTED: Readonly<Record<string, { role: SnippetRole; places: readonly Place[] }>> = {
  background: {
    role: 'background',
    places: [
      { key: 'url', takes: 'url', kinds: (type) => (type === 'video' ? VIDEO : IMAGE) },
      { key: 'asset_id', takes: 'id', kinds: (type) => (type === 'video' ? VIDEO : IMAGE) },
    ],
  },
  image: {
    role: 'talkingPhoto',
    places: [
      { key: 'url', takes: 'url', kinds: always(IMAGE) },
      { key: 'asset_id', takes: 'id', kinds: always(IMAGE) },
    ],
  },
};
const V3_FLAT: readonly Place[] = [
  { key: 'audio_url', takes: 'url', kinds: always(AUDIO) },
  { key: 'audio_asset_id', takes: 'id', kinds: always(AUDIO) },
];

/**
 * Every asset reference at the documented places (issue 14, item 1), found with the payload scanner the snippets
 * use, so strings in comments, other keys and other objects are never taken for one. In source order.
 */
export function findAssetReferences(text: string, languageId: string): AssetReference[] {
  const { dialect, containers } = parsePayload(text, languageId);
  const found: AssetReference[] = [];
  const add = (version: PayloadVersion, role: SnippetRole, owner: string | undefined, object: Container, places: readonly Place[]): void => {
    const type = stringMember(text, object, 'type', dialect);
    for (const member of object.members) {
      const place = places.find((p) => p.key === member.key);
      if (!place || member.value?.kind !== 'string' || !member.keyToken) {
        continue;
      }
      const literal = literalOf(text, member.value, dialect);
      if (!literal) {
        continue;
      }
      found.push({
        version,
        role,
        key: place.key,
        path: owner ? `${owner}.${place.key}` : place.key,
        takes: place.takes,
        kinds: place.kinds(type?.value),
        ...literal,
        keyToken: keyTokenOf(text, member.keyToken),
        typeToken: type,
        dialect,
      });
    }
  };
  // An object literal, or in Python also a `dict(key=value, …)` call.
  const isObject = (c: Container): boolean => c.bracket === '{' || (dialect === 'python' && c.bracket === '(' && /\bdict\s*$/.test(text.slice(Math.max(0, c.open - 12), c.open)));
  const objectValue = (m: Member): Container | undefined => {
    const child = m.child;
    if (!child || m.valueStart === undefined || !isObject(child)) {
      return undefined;
    }
    // The member's value is the object itself (`"background": {…}` or `dict(…)`), not something that merely holds it.
    const before = text.slice(m.valueStart, child.open).trim();
    return before === '' || (child.bracket === '(' && before === 'dict') ? child : undefined;
  };
  for (const c of containers) {
    if (!isObject(c)) {
      continue;
    }
    if (isVideoInputsArray(c.parent)) {
      for (const m of c.members) {
        const group = m.key !== undefined ? V2_PLACES[m.key] : undefined;
        const object = group ? objectValue(m) : undefined;
        if (group && object) {
          add('v2', group.role, m.key, object, group.places);
        }
      }
    } else if (hasV3BodyMembers(c)) {
      add('v3', 'audio', undefined, c, V3_FLAT);
      for (const m of c.members) {
        const group = m.key !== undefined ? V3_NESTED[m.key] : undefined;
        const object = group ? objectValue(m) : undefined;
        if (group && object) {
          add('v3', group.role, m.key, object, group.places);
        }
      }
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The reference whose string holds `offset` (between its quotes, or right after an unclosed one). */
export function referenceAt(references: readonly AssetReference[], offset: number): AssetReference | undefined {
  return references.find((r) => r.contentStart <= offset && offset <= r.contentEnd);
}

function stringMember(text: string, object: Container, key: string, dialect: SnippetDialect): AssetReference['typeToken'] {
  const token = object.members.find((m) => m.key === key && m.value?.kind === 'string')?.value;
  const literal = token ? literalOf(text, token, dialect) : undefined;
  return literal ? { start: literal.start, end: literal.end, value: literal.value, quote: literal.quote } : undefined;
}

const PY_PREFIX = /^[rRbBuUfF]{1,2}/;

/** A string token's decoded content and its parts; undefined for a string computed at run time (f-string, `${}`). */
export function literalOf(text: string, token: Token, dialect: SnippetDialect): StringLiteral | undefined {
  const raw = text.slice(token.start, token.end);
  const prefix = dialect === 'python' ? (PY_PREFIX.exec(raw)?.[0] ?? '') : '';
  const quote = raw[prefix.length] as '"' | "'" | '`';
  if (quote !== '"' && quote !== "'" && quote !== '`') {
    return undefined;
  }
  const triple = dialect === 'python' && raw.startsWith(quote.repeat(3), prefix.length);
  const q = triple ? 3 : 1;
  const contentStart = token.start + prefix.length + q;
  const closed = raw.length >= prefix.length + 2 * q && raw.endsWith(quote.repeat(q));
  const contentEnd = closed ? token.end - q : token.end;
  const body = text.slice(contentStart, contentEnd);
  if (quote === '`' && body.includes('${')) {
    // A template with substitutions is computed at run time: not a literal we can read or replace.
    return undefined;
  }
  if (/[fF]/.test(prefix)) {
    return undefined;
  }
  const value = dialect === 'json' ? (token.value ?? body) : /[rR]/.test(prefix) ? body : unescapeCode(body);
  return { value, start: token.start, end: token.end, contentStart, contentEnd, quote };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };

/** The escapes of JS and Python string literals (a Python `\a` and octal escapes aside, which paths never hold). */
function unescapeCode(body: string): string {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|.)/gs, (_m, e: string) => {
    if (e === '\r\n') {
      return '';
    }
    if (e.length > 1 && (e[0] === 'u' || e[0] === 'x')) {
      const code = parseInt(e.startsWith('u{') ? e.slice(2, -1) : e.slice(1), 16);
      // Beyond U+10FFFF is no character (the language refuses the literal): kept as written instead of throwing.
      return code <= 0x10ffff ? String.fromCodePoint(code) : `\\${e}`;
    }
    return SIMPLE_ESCAPES[e] ?? e;
  });
}

function keyTokenOf(text: string, token: Token): AssetReference['keyToken'] {
  if (token.kind === 'word') {
    return { start: token.start, end: token.end, bare: true };
  }
  const quote = text[token.start] === "'" ? "'" : '"';
  return { start: token.start, end: token.end, bare: false, quote };
}
