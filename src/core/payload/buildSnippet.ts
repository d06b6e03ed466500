import type { AssetKind } from '../base/mediaKinds';
import { propertyKeyFor, propertyValueFor, videoInputItems, type FragmentOptions } from './fragmentValues';
import { escapeSnippetText, indentUnit, renderProperty, renderValue } from './fragmentText';

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

/**
 * Which request body a fragment goes into: v2 `video/generate` (`video_inputs` items) or v3 `POST /v3/videos`
 * (a flat body with a top-level `type`).
 */
export type PayloadVersion = 'v2' | 'v3';

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

/** One asset of several inserted together. */
export interface SnippetEntry {
  role: SnippetRole;
  asset: SnippetAsset;
}

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
