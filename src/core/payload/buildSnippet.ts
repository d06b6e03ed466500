import * as l10n from '@vscode/l10n';
import type { AssetKind } from '../base/mediaKinds';

/** What the asset becomes in a `video_inputs` item. */
export type SnippetRole = 'background' | 'talkingPhoto' | 'audio';

/** The literal syntax a fragment is written in. */
export type SnippetDialect = 'json' | 'javascript' | 'python';

/**
 * What is inserted: a whole `video_inputs` item, one property of an existing item (`"background": {…}`),
 * only the value of a property that already exists (its old value is replaced), or a `"video_inputs": [item]`
 * property for a payload object that has no list yet.
 */
export type SnippetShape = 'item' | 'property' | 'value' | 'list';

/**
 * How a fragment points at its asset (`heygen.snippet.reference`): by URL, as the upload contract documents, or by
 * asset id, as HeyGen recommends because it cannot always fetch a URL; `auto` (the setting's default) takes ids in v3
 * bodies, where HeyGen's advice is the current API's, and URLs in v2 `video_inputs`, as the upload contract writes them.
 */
export type ReferenceMode = 'auto' | 'url' | 'assetId';

/** What `mode` means in a payload of `version`: `auto` resolved. */
export function effectiveReference(mode: ReferenceMode | undefined, version: PayloadVersion = 'v2'): 'url' | 'assetId' {
  if (mode === 'auto') {
    return version === 'v3' ? 'assetId' : 'url';
  }
  return mode ?? 'url';
}

/**
 * Which request body a fragment goes into: v2 `video/generate` (`video_inputs` items) or v3 `POST /v3/videos`
 * (a flat body with a top-level `type`).
 */
export type PayloadVersion = 'v2' | 'v3';

/** What decides a fragment's shape besides the asset: both default to what the product has always written. */
export interface FragmentOptions {
  reference?: ReferenceMode;
  version?: PayloadVersion;
}

export interface SnippetAsset {
  id: string;
  url: string;
  fileType: AssetKind;
}

export interface SnippetDefaults {
  /** `heygen.snippet.avatarId`; empty means "show a hint the person overwrites". */
  avatarId: string;
  /** `heygen.snippet.voiceId`; empty means "show a hint the person overwrites". */
  voiceId: string;
}

export interface IndentOptions {
  insertSpaces: boolean;
  tabSize: number;
}

/** Something a person still has to fill: rendered as a snippet placeholder inside a string literal. */
export class Tabstop {
  constructor(
    readonly index: number,
    readonly placeholder: string,
  ) {}
}

export type FragmentValue = string | number | boolean | null | Tabstop | FragmentValue[] | FragmentObject;
export interface FragmentObject {
  readonly [key: string]: FragmentValue;
}

const PLACEHOLDER_AVATAR = 'avatar_id';
const PLACEHOLDER_VOICE = 'voice_id';

const JS_LANGUAGES = new Set(['javascript', 'typescript', 'javascriptreact', 'typescriptreact']);

export function dialectForLanguage(languageId: string): SnippetDialect {
  if (JS_LANGUAGES.has(languageId)) {
    return 'javascript';
  }
  if (languageId === 'python') {
    return 'python';
  }
  // JSON, JSONC and every other language: JSON is what the HeyGen API takes, so it is the useful default.
  return 'json';
}

/**
 * Which roles an asset kind can play; the palette offers only these assets for each command. A v3 body's background
 * is an image (or a color): v3 has no video backgrounds.
 */
export function roleAccepts(role: SnippetRole, kind: AssetKind, version: PayloadVersion = 'v2'): boolean {
  switch (role) {
    case 'background':
      return kind === 'image' || (kind === 'video' && version === 'v2');
    case 'talkingPhoto':
      return kind === 'image';
    case 'audio':
      return kind === 'audio';
  }
}

/**
 * The key of the property a role fills: of a `video_inputs` item (v2), or of the v3 body, where audio is a plain
 * top-level `audio_url` / `audio_asset_id` and a talking photo is the `image` of an image video.
 */
export function propertyKeyFor(role: SnippetRole, version: PayloadVersion = 'v2', reference: ReferenceMode = 'url'): string {
  if (version === 'v3') {
    switch (role) {
      case 'background':
        return 'background';
      case 'talkingPhoto':
        return 'image';
      case 'audio':
        return effectiveReference(reference, 'v3') === 'assetId' ? 'audio_asset_id' : 'audio_url';
    }
  }
  switch (role) {
    case 'background':
      return 'background';
    case 'talkingPhoto':
      return 'character';
    case 'audio':
      return 'voice';
  }
}

/** Every key a role's property may already sit under, so an insertion replaces it instead of adding a second one. */
export function propertyKeysFor(role: SnippetRole, version: PayloadVersion = 'v2'): string[] {
  return version === 'v3' && role === 'audio' ? ['audio_asset_id', 'audio_url'] : [propertyKeyFor(role, version)];
}

/**
 * The value of the property a role fills: per the upload contract's "Using Uploaded Assets" (v2, by URL), with
 * HeyGen's asset-id fields (`image_asset_id`, `video_asset_id`, `audio_asset_id`) in `assetId` mode, and in v3's
 * shapes (`background: {type, asset_id | url}`, `image: {type: "asset_id", asset_id} | {type: "url", url}`, a plain
 * `audio_asset_id` / `audio_url` string). A talking photo is always referenced by id in v2: HeyGen takes nothing else.
 */
export function propertyValueFor(role: SnippetRole, asset: SnippetAsset, options: FragmentOptions = {}): FragmentValue {
  const byId = effectiveReference(options.reference, options.version) === 'assetId';
  const isVideo = asset.fileType === 'video';
  if (options.version === 'v3') {
    switch (role) {
      case 'background':
        // v3 documents image and color backgrounds only; a video keeps its kind so HeyGen's answer names the problem.
        return byId ? { type: isVideo ? 'video' : 'image', asset_id: asset.id } : { type: isVideo ? 'video' : 'image', url: asset.url };
      case 'talkingPhoto':
        return byId ? { type: 'asset_id', asset_id: asset.id } : { type: 'url', url: asset.url };
      case 'audio':
        return byId ? asset.id : asset.url;
    }
  }
  switch (role) {
    case 'background':
      if (byId) {
        return isVideo ? { type: 'video', video_asset_id: asset.id } : { type: 'image', image_asset_id: asset.id };
      }
      return { type: isVideo ? 'video' : 'image', url: asset.url };
    case 'talkingPhoto':
      return { type: 'talking_photo', talking_photo_id: asset.id };
    case 'audio':
      return byId ? { type: 'audio', audio_asset_id: asset.id } : { type: 'audio', audio_url: asset.url };
  }
}

/**
 * A complete `video_inputs` item around the asset, with tabstops on what the person still has to choose,
 * numbered from `firstTabstop` (items inserted together need distinct numbers, or their placeholders would mirror each other).
 */
export function videoInputItem(
  role: SnippetRole,
  asset: SnippetAsset,
  defaults: SnippetDefaults,
  firstTabstop = 1,
  reference: ReferenceMode = 'url',
): FragmentObject {
  const value = propertyValueFor(role, asset, { reference });
  let next = firstTabstop;
  const tab = (value: string, hint: string): Tabstop => new Tabstop(next++, value || hint);
  const avatar = (): FragmentObject => ({
    type: 'avatar',
    avatar_id: tab(defaults.avatarId, PLACEHOLDER_AVATAR),
    avatar_style: 'normal',
  });
  const textVoice = (): FragmentObject => {
    // Translated here, not in a constant: the extension configures the bundle after this module is loaded.
    const inputText = tab('', l10n.t('Hello! This is my HeyGen video.'));
    return { type: 'text', input_text: inputText, voice_id: tab(defaults.voiceId, PLACEHOLDER_VOICE) };
  };
  switch (role) {
    case 'background': {
      const character = avatar();
      const voice = textVoice();
      return { character, voice, background: value };
    }
    case 'talkingPhoto':
      return { character: value, voice: textVoice() };
    case 'audio':
      return { character: avatar(), voice: value };
  }
}

/** One asset of several inserted together. */
export interface SnippetEntry {
  role: SnippetRole;
  asset: SnippetAsset;
}

/** Whole items for several assets, in order, their tabstops numbered on from one item to the next. */
export function videoInputItems(entries: readonly SnippetEntry[], defaults: SnippetDefaults, reference: ReferenceMode = 'url'): FragmentObject[] {
  let next = 1;
  return entries.map(({ role, asset }) => {
    const item = videoInputItem(role, asset, defaults, next, reference);
    next += countTabstops(item);
    return item;
  });
}

function countTabstops(value: FragmentValue): number {
  if (value instanceof Tabstop) {
    return 1;
  }
  if (Array.isArray(value)) {
    return value.reduce<number>((sum, v) => sum + countTabstops(v), 0);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).reduce<number>((sum, v) => sum + countTabstops(v), 0);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// Escaping

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

// ---------------------------------------------------------------------------------------------------
// Rendering to snippet text

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

export interface SnippetRequest {
  role: SnippetRole;
  asset: SnippetAsset;
  languageId: string;
  shape: SnippetShape;
  indent: IndentOptions;
  defaults: SnippetDefaults;
  /**
   * Indentation put before every line after the first. Pass the current line's indentation when the text is
   * inserted verbatim; pass '' when the editor adds it itself (VS Code's snippet insertion does).
   */
  baseIndent?: string;
  /** Plain text around the fragment, e.g. a separating comma; may hold line breaks. */
  prefix?: string;
  suffix?: string;
  /**
   * Plain text instead of snippet syntax (placeholders become their defaults), for edits that the editor
   * applies as text, such as the additional edits of a drop.
   */
  plainText?: boolean;
  /** `heygen.snippet.reference`; `url` when absent. */
  reference?: ReferenceMode;
  /** The payload the fragment goes into; `v2` when absent. Whole items and lists exist in v2 only. */
  version?: PayloadVersion;
  /**
   * Further assets inserted together with `asset` (a drop of several files): for the `item` and `list` shapes
   * each becomes a whole item of its own after the first, separated as list elements; ignored by `property`
   * and `value`, where only one asset fits.
   */
  extraItems?: readonly SnippetEntry[];
}

/** The complete snippet text for one insertion point; ends with the final tabstop `$0` after the fragment. */
export function buildSnippet(request: SnippetRequest): string {
  const dialect = dialectForLanguage(request.languageId);
  const unit = indentUnit(request.indent);
  const plain = request.plainText === true;
  const options: FragmentOptions = { reference: request.reference ?? 'url', version: request.version ?? 'v2' };
  let body: string;
  switch (request.shape) {
    case 'item':
      body = videoInputItems(entriesOf(request), request.defaults, options.reference)
        .map((item) => renderValue(item, dialect, unit, 0, plain))
        .join(',\n');
      break;
    case 'property':
      body = renderProperty(
        propertyKeyFor(request.role, options.version, options.reference),
        propertyValueFor(request.role, request.asset, options),
        dialect,
        unit,
        plain,
      );
      break;
    case 'value':
      body = renderValue(propertyValueFor(request.role, request.asset, options), dialect, unit, 0, plain);
      break;
    case 'list':
      body = renderProperty('video_inputs', videoInputItems(entriesOf(request), request.defaults, options.reference), dialect, unit, plain);
      break;
  }
  const esc = plain ? (t: string) => t : escapeSnippetText;
  const text = esc(request.prefix ?? '') + body + (plain ? '' : '$0') + esc(request.suffix ?? '');
  return indentFollowingLines(text, request.baseIndent ?? '');
}

function entriesOf(request: SnippetRequest): SnippetEntry[] {
  return [{ role: request.role, asset: request.asset }, ...(request.extraItems ?? [])];
}

function indentFollowingLines(text: string, baseIndent: string): string {
  if (!baseIndent) {
    return text;
  }
  return text.replace(/\n/g, '\n' + baseIndent);
}

/** The leading whitespace of the line holding `offset`, up to `offset`. */
export function lineIndentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const match = /^[ \t]*/.exec(text.slice(lineStart, offset));
  return match ? match[0] : '';
}
