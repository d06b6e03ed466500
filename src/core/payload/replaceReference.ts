import { effectiveReference, propertyKeyFor, propertyValueFor, type FragmentObject } from './fragmentValues';
import { quoteString, renderKey } from './fragmentText';
import type { ReferenceMode, SnippetAsset } from './buildSnippet';
import type { TextReplacement } from './markerEdit';
import type { AssetReference } from './assetReferences';

/** The key, value and `type` a reference gets for an asset: what the snippets would write at that place. */
export interface ReferenceTarget {
  key: string;
  value: string;
  /** The `type` the enclosing object needs with that key, when it has one (`image`, `video`, `asset_id`, …). */
  type?: string;
}

/**
 * What the reference becomes. A property that takes an id always gets the id; one that takes a URL gets the URL,
 * or, in `assetId` mode (and in `auto` mode inside a v3 body), becomes the id property HeyGen documents for that place (`url` → `image_asset_id`,
 * `audio_url` → `audio_asset_id`, v3 `url` → `asset_id`). Derived from the fragment builder, so the replaced
 * property reads exactly like an inserted one.
 */
export function referenceTarget(reference: AssetReference, asset: SnippetAsset, mode: ReferenceMode): ReferenceTarget {
  const effective: ReferenceMode = reference.takes === 'id' ? 'assetId' : effectiveReference(mode, reference.version);
  const fragment = propertyValueFor(reference.role, asset, { reference: effective, version: reference.version });
  if (typeof fragment === 'string') {
    return { key: propertyKeyFor(reference.role, reference.version, effective), value: fragment };
  }
  const object = fragment as FragmentObject;
  // Every fragment object holds its `type` and exactly one string naming the asset.
  const type = typeof object.type === 'string' ? object.type : undefined;
  for (const [key, value] of Object.entries(object)) {
    if (key !== 'type' && typeof value === 'string') {
      return { key, value, type };
    }
  }
  return { key: reference.key, value: asset.url, type };
}

/**
 * The edits that point `reference` at `asset`: its value, its key when that changes, and the object's `type` when
 * that changes with it. Each keeps the person's quoting (JSON double quotes; in JS and Python the quote they used,
 * a template literal becoming single-quoted) and escapes what the language needs, so the document stays parseable.
 * The edits do not overlap; apply them together (one undo step).
 */
export function replacementEdits(reference: AssetReference, asset: SnippetAsset, mode: ReferenceMode): TextReplacement[] {
  const target = referenceTarget(reference, asset, mode);
  const { dialect } = reference;
  const quote = (q: string): '"' | "'" | undefined => (q === '"' || q === "'" ? q : undefined);
  const edits: TextReplacement[] = [
    { start: reference.start, end: reference.end, text: quoteString(target.value, dialect, quote(reference.quote)) },
  ];
  if (target.key !== reference.key) {
    const k = reference.keyToken;
    const text = k.bare ? renderKey(target.key, 'javascript') : quoteString(target.key, dialect, k.quote);
    edits.push({ start: k.start, end: k.end, text });
  }
  const type = reference.typeToken;
  if (target.type !== undefined && type && type.value !== target.type && typeFollowsReference(type.value, target.type)) {
    edits.push({ start: type.start, end: type.end, text: quoteString(target.type, dialect, quote(type.quote)) });
  }
  return edits.sort((a, b) => a.start - b.start);
}

/**
 * Only a `type` that says how the asset is referenced or what kind it is changes (`url` ↔ `asset_id`, `image` ↔
 * `video`); any other (`color`, `avatar`, …) is the person's choice and stays.
 */
function typeFollowsReference(current: string, wanted: string): boolean {
  const groups = [
    ['url', 'asset_id'],
    ['image', 'video'],
  ];
  return groups.some((g) => g.includes(current) && g.includes(wanted));
}

/** Applies non-overlapping replacements to a text (for tests and previews). */
export function applyReplacements(text: string, edits: readonly TextReplacement[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
  return out;
}
