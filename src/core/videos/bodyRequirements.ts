/**
 * What a body must hold before it is worth sending, per type (shared/notes/heygen-videos-avatars.md sections 1
 * and 2): the first missing field is named in one sentence, so a person fixes it before credits or uploads are
 * spent. HeyGen checks everything else itself (ids that exist, enums, ranges) and says so in its 4xx.
 */
import * as l10n from '@vscode/l10n';

export type BodyApi = 'v3' | 'v2';

/** What the confirmation shows: the title (when the body has one) and the type as a person reads it. */
export interface BodySummary {
  api: BodyApi;
  title?: string;
  /** v3's `type` (`avatar`, `image`, …); `video_inputs` for a v2 body. */
  type: string;
  /** v2: how many scenes. */
  scenes?: number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function filled(value: unknown): boolean {
  return typeof value === 'string' ? value.trim() !== '' : value !== undefined && value !== null;
}

function filledString(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

export function summarizeBody(api: BodyApi, body: unknown): BodySummary {
  const object = isObject(body) ? body : {};
  const title = filledString(object.title) ? (object.title as string).trim() : undefined;
  if (api === 'v2') {
    const inputs = Array.isArray(object.video_inputs) ? object.video_inputs.length : undefined;
    return { api, title, type: 'video_inputs', scenes: inputs };
  }
  return { api, title, type: filledString(object.type) ? (object.type as string) : '' };
}

function needs(type: string, field: string): string {
  return l10n.t('The {0} video needs {1}.', type, field);
}

/** Speech: a script (read by `voice_id`, or by the avatar's own voice when `defaultVoice`), or an audio track. */
function speechProblem(type: string, body: Json, defaultVoice: boolean): string | undefined {
  const script = filledString(body.script);
  const audio = filledString(body.audio_url) || filledString(body.audio_asset_id);
  if (!script && !audio) {
    return defaultVoice
      ? needs(type, l10n.t('a script, audio_url or audio_asset_id'))
      : needs(type, l10n.t('a script with voice_id, audio_url or audio_asset_id'));
  }
  if (script && !audio && !defaultVoice && !filledString(body.voice_id)) {
    return needs(type, l10n.t('voice_id to read the script'));
  }
  return undefined;
}

/** The image of an `image` video: the schema's `image: {type, url | asset_id | data}`, or the n8n node's spellings. */
function hasImage(body: Json): boolean {
  if (filledString(body.image_url) || filledString(body.image_asset_id)) {
    return true;
  }
  const image = body.image;
  if (filledString(image)) {
    return true;
  }
  return isObject(image) && (filledString(image.url) || filledString(image.asset_id) || filledString(image.data));
}

function v3Problem(body: Json): string | undefined {
  const type = body.type;
  if (!filledString(type)) {
    return l10n.t('The body needs a type (avatar, image, cinematic_avatar or studio).');
  }
  switch (type) {
    case 'avatar':
      if (!filledString(body.avatar_id)) {
        return needs(type, 'avatar_id');
      }
      return speechProblem(type, body, true);
    case 'image':
      if (!hasImage(body)) {
        return needs(type, l10n.t('an image (image.url or image.asset_id)'));
      }
      return speechProblem(type, body, false);
    case 'cinematic_avatar': {
      if (!filledString(body.prompt)) {
        return needs(type, 'prompt');
      }
      const ids = Array.isArray(body.avatar_id) ? body.avatar_id : [body.avatar_id];
      if (ids.length === 0 || ids.length > 3 || !ids.every(filledString)) {
        return needs(type, l10n.t('avatar_id: one to three look ids'));
      }
      return undefined;
    }
    case 'studio':
      if (!Array.isArray(body.scenes) || body.scenes.length === 0 || body.scenes.length > 50) {
        return needs(type, l10n.t('scenes: one to fifty of them'));
      }
      return undefined;
    default:
      return l10n.t('HeyGen has no "{0}" video type: use avatar, image, cinematic_avatar or studio.', String(type));
  }
}

function v2SceneProblem(scene: unknown, at: string): string | undefined {
  const need = (field: string): string => l10n.t('The v2 body needs {0}.', `${at}.${field}`);
  if (!isObject(scene)) {
    return l10n.t('The v2 body needs {0} to be an object.', at);
  }
  const character = scene.character;
  if (!isObject(character)) {
    return need('character');
  }
  if (character.type === 'talking_photo') {
    if (!filledString(character.talking_photo_id)) {
      return need('character.talking_photo_id');
    }
  } else if (!filledString(character.avatar_id)) {
    return need(character.type === 'avatar' ? 'character.avatar_id' : 'character.type');
  }
  const voice = scene.voice;
  if (!isObject(voice)) {
    return need('voice');
  }
  switch (voice.type) {
    case 'text':
      if (!filledString(voice.voice_id)) {
        return need('voice.voice_id');
      }
      return filledString(voice.input_text) ? undefined : need('voice.input_text');
    case 'audio':
      return filledString(voice.audio_url) || filledString(voice.audio_asset_id) ? undefined : need('voice.audio_url');
    case 'silence':
      return undefined;
    default:
      return need('voice.type');
  }
}

function v2Problem(body: Json): string | undefined {
  const inputs = body.video_inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    return l10n.t('The v2 body needs {0}.', l10n.t('video_inputs with at least one scene'));
  }
  if (inputs.length > 50) {
    return l10n.t('The v2 body has {0} scenes; HeyGen takes at most 50.', inputs.length);
  }
  for (let i = 0; i < inputs.length; i++) {
    const problem = v2SceneProblem(inputs[i], `video_inputs[${i}]`);
    if (problem) {
      return problem;
    }
  }
  return filled(body.dimension) && !isObject(body.dimension) ? l10n.t('The v2 body needs {0}.', 'dimension {width, height}') : undefined;
}

/** The first required field the body lacks, as one sentence; undefined when it has them all. */
export function missingRequirement(api: BodyApi, body: unknown): string | undefined {
  if (!isObject(body)) {
    return l10n.t('The payload is not an object.');
  }
  return api === 'v3' ? v3Problem(body) : v2Problem(body);
}
