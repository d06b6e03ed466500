/**
 * Checks a `POST /v3/videos` body as HeyGen's schema describes it (heygen-cli gen/video.go, CreateVideoFrom*): a
 * union on `type` (avatar, image, cinematic_avatar, studio). Every refusal is a ParamError naming the parameter.
 * Fields the schema does not have are not refused (HeyGen's n8n node sends some, e.g. `test`, `image_url`); they are
 * noted so a test can see a client wrote a spelling other than the schema's.
 */
import type { AvatarCatalog, Look } from './avatarCatalog';
import { checkAssetId, checkAssetInput, checkUrl, enumAt, isObject, numberAt, objectAt, stringAt, type FindAsset, type Json } from './bodyChecks';
import { ParamError } from './errors';
import type { VoiceCatalog } from './heygenVoices';

export const VIDEO_TYPES = ['avatar', 'image', 'cinematic_avatar', 'studio'] as const;
export type VideoType = (typeof VIDEO_TYPES)[number];
const RESOLUTIONS = ['4k', '1080p', '720p'] as const;
const ASPECT_RATIOS = ['16:9', '9:16', '4:5', '5:4', '1:1', 'auto'] as const;
const ENGINES = ['avatar_v', 'avatar_iv', 'avatar_iii'] as const;

/** The fields each type's schema has (others are noted as unknown). */
const COMMON = ['type', 'title', 'resolution', 'aspect_ratio', 'fit', 'output_format', 'background', 'remove_background', 'caption', 'callback_url', 'callback_id', 'script', 'voice_id', 'voice_settings', 'audio_url', 'audio_asset_id', 'motion_prompt', 'expressiveness', 'watermark'];
const KNOWN: Record<VideoType, readonly string[]> = {
  avatar: [...COMMON, 'avatar_id', 'engine'],
  image: [...COMMON, 'image'],
  cinematic_avatar: ['type', 'prompt', 'avatar_id', 'duration', 'auto_duration', 'enhance_prompt', 'references', 'resolution', 'aspect_ratio', 'title'],
  studio: ['type', 'scenes', 'aspect_ratio', 'resolution', 'caption', 'callback_url', 'callback_id', 'title', 'watermark'],
};

export interface CheckedVideo {
  type: VideoType;
  title: string | null;
  /** Seconds of speech the video will have (from the script's words, else a fixed length for audio). */
  duration: number;
  /** A captioned copy is rendered (`caption.style` set). */
  captioned: boolean;
  callbackId: string | null;
  /** Top-level fields the schema of this type does not have. */
  unknownFields: string[];
}

export interface VideoCatalogs {
  avatars: AvatarCatalog;
  voices: VoiceCatalog;
  findAsset: FindAsset;
}

/** A look usable in a video now: known, consent given, trained (a 4xx naming `path` otherwise). */
export function usableLook(avatars: AvatarCatalog, id: string, path: string): Look {
  const look = avatars.look(id);
  if (!look) {
    throw new ParamError(path, `No avatar look ${id}: list them with GET /v3/avatars/looks.`, 'avatar_not_found');
  }
  const status = avatars.status(look);
  if (status === 'pending_consent') {
    throw new ParamError(path, `Avatar ${look.group.id} needs consent first: POST /v3/avatars/${look.group.id}/consent.`, 'consent_required', 403);
  }
  if (status !== 'completed') {
    throw new ParamError(path, `Avatar look ${id} is still training; wait until it has a preview_image_url.`, 'avatar_not_ready');
  }
  return look;
}

/** Words spoken at 2.5 a second, at least a second; a fixed 12.5 s for an audio track (its length is unknown here). */
function speechSeconds(script: string | undefined): number {
  if (script === undefined) {
    return 12.5;
  }
  const words = script.trim().split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round((words / 2.5) * 10) / 10);
}

/** Speech: `script` (with a known `voice_id`, or the look's default voice) XOR `audio_url` XOR `audio_asset_id`. */
function checkSpeech(body: Json, c: VideoCatalogs, look: Look | undefined): string | undefined {
  const script = stringAt(body, 'script');
  const audioUrl = stringAt(body, 'audio_url');
  const audioAssetId = stringAt(body, 'audio_asset_id');
  const given = [script, audioUrl, audioAssetId].filter((v) => v !== undefined).length;
  if (given === 0) {
    throw new ParamError('script', 'One of script (with voice_id), audio_url or audio_asset_id is required.');
  }
  if (given > 1) {
    throw new ParamError(script !== undefined ? 'script' : 'audio_url', 'script, audio_url and audio_asset_id are mutually exclusive.');
  }
  if (audioUrl !== undefined) {
    checkUrl(audioUrl, 'audio_url');
  }
  if (audioAssetId !== undefined) {
    checkAssetId(audioAssetId, 'audio_asset_id', c.findAsset, 'audio');
  }
  if (script !== undefined) {
    const voiceId = stringAt(body, 'voice_id') ?? look?.group.defaultVoiceId;
    if (voiceId === undefined) {
      throw new ParamError('voice_id', 'voice_id is required with script (only an avatar look brings a default voice).');
    }
    if (!c.voices.has(voiceId)) {
      throw new ParamError('voice_id', `No voice ${voiceId}: list them with GET /v3/voices.`, 'voice_not_found');
    }
  }
  const settings = objectAt(body, 'voice_settings');
  if (settings) {
    numberAt(settings, 'speed', 0.5, 1.5, 'voice_settings.speed');
    numberAt(settings, 'pitch', -50, 50, 'voice_settings.pitch');
    numberAt(settings, 'volume', 0, 1, 'voice_settings.volume');
  }
  return script;
}

/** Output, background and caption settings both the avatar and image types take. */
function checkOutput(body: Json, c: VideoCatalogs): boolean {
  enumAt(body, 'resolution', RESOLUTIONS);
  enumAt(body, 'aspect_ratio', ASPECT_RATIOS);
  enumAt(body, 'fit', ['contain', 'cover'] as const);
  enumAt(body, 'expressiveness', ['high', 'medium', 'low'] as const);
  const format = enumAt(body, 'output_format', ['mp4', 'webm'] as const);
  const background = objectAt(body, 'background');
  if (background) {
    if (format === 'webm') {
      throw new ParamError('background', 'A webm output has a transparent background: leave background out.');
    }
    const type = enumAt(background, 'type', ['color', 'image'] as const, 'background.type');
    if (type === undefined) {
      throw new ParamError('background.type', 'background.type is required (color or image).');
    }
    if (type === 'color') {
      const value = stringAt(background, 'value', { required: true, path: 'background.value' })!;
      if (!/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)) {
        throw new ParamError('background.value', 'background.value must be a hex colour such as #ff0000.');
      }
    } else {
      const url = stringAt(background, 'url', { path: 'background.url' });
      const assetId = stringAt(background, 'asset_id', { path: 'background.asset_id' });
      if ((url === undefined) === (assetId === undefined)) {
        throw new ParamError('background.url', 'An image background takes exactly one of url and asset_id.');
      }
      if (url !== undefined) {
        checkUrl(url, 'background.url');
      } else {
        checkAssetId(assetId!, 'background.asset_id', c.findAsset, 'image');
      }
    }
  }
  const caption = objectAt(body, 'caption');
  if (caption) {
    enumAt(caption, 'file_format', ['srt'] as const, 'caption.file_format');
    enumAt(caption, 'style', ['default'] as const, 'caption.style');
  }
  const callbackUrl = stringAt(body, 'callback_url');
  if (callbackUrl !== undefined) {
    checkUrl(callbackUrl, 'callback_url');
  }
  return caption?.style === 'default';
}

function checkCinematic(body: Json, c: VideoCatalogs): number {
  stringAt(body, 'prompt', { required: true });
  const ids = body.avatar_id;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 3 || !ids.every((id) => typeof id === 'string')) {
    throw new ParamError('avatar_id', 'avatar_id must list 1 to 3 look ids for a cinematic avatar video.');
  }
  ids.forEach((id: string, i) => usableLook(c.avatars, id, `avatar_id[${i}]`));
  enumAt(body, 'resolution', ['720p', '1080p'] as const);
  enumAt(body, 'aspect_ratio', ['16:9', '9:16', '1:1'] as const);
  const duration = numberAt(body, 'duration', 4, 15);
  if (duration !== undefined && !Number.isInteger(duration)) {
    throw new ParamError('duration', 'duration must be a whole number of seconds from 4 to 15.');
  }
  return duration ?? 10;
}

function checkStudio(body: Json): number {
  const scenes = body.scenes;
  if (!Array.isArray(scenes) || scenes.length < 1 || scenes.length > 50) {
    throw new ParamError('scenes', 'scenes must hold 1 to 50 scenes.');
  }
  scenes.forEach((scene, i) => {
    if (!isObject(scene)) {
      throw new ParamError(`scenes[${i}]`, `scenes[${i}] must be an object.`);
    }
    if (enumAt(scene, 'type', ['avatar_video', 'image', 'video'] as const, `scenes[${i}].type`) === undefined) {
      throw new ParamError(`scenes[${i}].type`, `scenes[${i}].type is required (avatar_video, image or video).`);
    }
  });
  return scenes.length * 5;
}

/** The checked video, or a ParamError saying what is wrong. */
export function checkVideoRequest(body: Json, c: VideoCatalogs): CheckedVideo {
  const type = enumAt(body, 'type', VIDEO_TYPES);
  if (type === undefined) {
    throw new ParamError('type', `type is required (${VIDEO_TYPES.join(', ')}).`);
  }
  const title = stringAt(body, 'title') ?? null;
  const callbackId = stringAt(body, 'callback_id') ?? null;
  const unknownFields = Object.keys(body).filter((k) => !KNOWN[type].includes(k));
  if (type === 'cinematic_avatar') {
    return { type, title, duration: checkCinematic(body, c), captioned: false, callbackId, unknownFields };
  }
  if (type === 'studio') {
    return { type, title, duration: checkStudio(body), captioned: false, callbackId, unknownFields };
  }
  let look: Look | undefined;
  if (type === 'avatar') {
    look = usableLook(c.avatars, stringAt(body, 'avatar_id', { required: true })!, 'avatar_id');
    const engine = objectAt(body, 'engine');
    if (engine) {
      const engineType = enumAt(engine, 'type', ENGINES, 'engine.type');
      if (engineType === undefined) {
        throw new ParamError('engine.type', `engine.type is required (${ENGINES.join(', ')}).`);
      }
      const supported = c.avatars.lookJson(look).supported_api_engines as string[];
      if (!supported.includes(engineType)) {
        throw new ParamError('engine.type', `Avatar look ${look.id} supports ${supported.join(', ')}, not ${engineType}.`);
      }
    }
  } else {
    if (body.engine !== undefined && body.engine !== null) {
      throw new ParamError('engine', 'An image video takes no engine.');
    }
    if (body.image === undefined || body.image === null) {
      throw new ParamError('image', 'image is required: {type: asset_id | url | base64, ...}.');
    }
    checkAssetInput(body.image, 'image', c.findAsset, 'image');
  }
  const captioned = checkOutput(body, c);
  const script = checkSpeech(body, c, look);
  return { type, title, duration: speechSeconds(script), captioned, callbackId, unknownFields };
}
