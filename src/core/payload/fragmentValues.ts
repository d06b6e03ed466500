/**
 * What a fragment holds: the key and value a role's asset gets, and whole `video_inputs` items around it, as values
 * that fragmentText.ts writes in any dialect.
 */
import * as l10n from '@vscode/l10n';
import type { PayloadVersion, ReferenceMode, SnippetAsset, SnippetDefaults, SnippetEntry, SnippetRole } from './buildSnippet';

/** What `mode` means in a payload of `version`: `auto` resolved. */
export function effectiveReference(mode: ReferenceMode | undefined, version: PayloadVersion = 'v2'): 'url' | 'assetId' {
  if (mode === 'auto') {
    return version === 'v3' ? 'assetId' : 'url';
  }
  return mode ?? 'url';
}

/** What decides a fragment's shape besides the asset: both default to what the product has always written. */
export interface FragmentOptions {
  reference?: ReferenceMode;
  version?: PayloadVersion;
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

