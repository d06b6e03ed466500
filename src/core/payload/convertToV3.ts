import * as l10n from '@vscode/l10n';
import type { IndentOptions } from './buildSnippet';
import { detectStyle, renderBody } from './bodyStyle';
import { parseForLanguage } from './payloadTokens';
import { ComputedValue, readBodyTree, type BodyValue, type Places } from './payloadLiteral';
import { detectBody, type PayloadBody } from './payloadShape';

/*
 * "Convert Payload to API v3": one `POST /v2/video/generate` body with one `video_inputs` item becomes the
 * `POST /v3/videos` body that asks for the same video. The mapping (HeyGen's v3 schema as its CLI generates it):
 *
 *   v2                                              v3
 *   character {type: avatar, avatar_id}             type: "avatar", avatar_id
 *     avatar_style "normal" (v2's default)          (nothing: v3 has no other style; closeUp, circle refused)
 *   character {type: talking_photo,                 type: "image", image: {type: "asset_id", asset_id}
 *              talking_photo_id}
 *   voice {type: text, input_text, voice_id}        script, voice_id
 *     speed (0.5-1.5), pitch (-50..50), locale      voice_settings {speed, pitch, locale}
 *   voice {type: audio, audio_url|audio_asset_id}   audio_url | audio_asset_id (no script)
 *   background {type: color, value}                 background {type: "color", value}
 *   background {type: image, url|image_asset_id}    background {type: "image", url | asset_id}
 *   dimension {width, height}                       resolution + aspect_ratio, see RESOLUTIONS below;
 *                                                   absent: v2's default 1920x1080, so "1080p" and "16:9"
 *   title, callback_url, callback_id                the same keys
 *   caption true / false                            caption {style: "default"} (burnt in, as v2's) / nothing
 *   test false, enable_watermark false,             nothing (the default either way)
 *   folder_id "" or null
 *
 * Refused, naming the first item or field that stops it (v3 cannot ask for the same video): a second item (v3 makes
 * one scene), a video background, a silent voice, `test: true`, `enable_watermark: true`, a `folder_id`, speeds
 * beyond v3's 0.5-1.5, sizes outside the table, and any key v3 has no place for (emotion, matting, scale, fit, …).
 *
 * A talking photo's id always becomes an image asset id: the upload contract puts the uploaded image's asset id into
 * `talking_photo_id`, and that is what this extension writes there. An id of a photo avatar made in HeyGen's own flow
 * names a look instead, which v3 takes as an avatar video's `avatar_id`; the text alone cannot tell the two apart,
 * and HeyGen's answer to the converted body names the mistake.
 */

/** v3 resolutions by the short side of the frame (v3's "auto" ratio anchors the short edge to the resolution). */
const RESOLUTIONS: ReadonlyMap<number, string> = new Map([
  [720, '720p'],
  [1080, '1080p'],
  [2160, '4k'],
]);
/** v3's aspect ratios, width:height, from the schema's enum. */
const ASPECT_RATIOS: readonly string[] = ['16:9', '9:16', '4:5', '5:4', '1:1'];

export interface ConversionRequest {
  /** The cursor: the body holding it is converted (else the file's first body). */
  offset?: number;
  /** The editor's indentation, used when the body's own lines do not show one. */
  indent: IndentOptions;
}

export type Conversion =
  | { ok: true; start: number; end: number; text: string; type: 'avatar' | 'image' }
  | { ok: false; path: string; start: number; end: number; message: string };

class Stop extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const noPlace = (path: string): Stop => new Stop(path, l10n.t('{0} has no place in an API v3 body, so this payload cannot be converted.', path));
const needsValue = (path: string): Stop =>
  new Stop(path, l10n.t('{0} is computed in the file; converting needs its value written out.', path));
const cannotExpress = (path: string, value: BodyValue): Stop =>
  new Stop(path, l10n.t('{0} is {1}, which an API v3 body cannot express, so this payload cannot be converted.', path, JSON.stringify(value)));

/** The edit that turns the v2 body at the cursor into its v3 body, or the reason it is left as it is. */
export function convertPayloadToV3(text: string, languageId: string, request: ConversionRequest): Conversion {
  const body = detectBody(text, languageId, request.offset);
  if (body.kind !== 'v2') {
    const message =
      body.kind === 'v3'
        ? l10n.t('This payload is already an API v3 body.')
        : l10n.t('There is no API v2 payload (an object with video_inputs) here to convert.');
    return { ok: false, path: '', start: request.offset ?? 0, end: request.offset ?? 0, message };
  }
  const tree = readBodyTree(text, body);
  if (!tree.ok) {
    return tree;
  }
  try {
    const v3 = mapBody(tree.value);
    const style = detectStyle(text, body, request.indent);
    const rendered = renderBody(v3, style, commentsIn(text, body));
    return { ok: true, start: body.range.start, end: body.range.end, text: rendered, type: v3.type as 'avatar' | 'image' };
  } catch (error) {
    if (error instanceof Stop) {
      const place = placeOf(tree.places, error.path) ?? { start: body.range.start, end: body.range.end };
      return { ok: false, path: error.path, ...place, message: error.message };
    }
    throw error;
  }
}

/** The range of `path`, or of the nearest enclosing place the text has (a missing key's object). */
function placeOf(places: Places, path: string): { start: number; end: number } | undefined {
  for (let p = path; ; p = p.replace(/(?:\.[^.[\]]+|\[\d+\])$/, '')) {
    const place = places.get(p);
    if (place || p === '') {
      return place;
    }
  }
}

function commentsIn(text: string, body: PayloadBody): string[] {
  const slice = text.slice(body.range.start, body.range.end);
  return parseForLanguage(slice, body.dialect).comments.map((c) => slice.slice(c.start, c.end));
}

type V3Body = Record<string, BodyValue>;

function objectAt(value: BodyValue | undefined, path: string): Record<string, BodyValue> {
  if (value instanceof ComputedValue) {
    throw needsValue(path);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw cannotExpress(path, value ?? null);
  }
  return value;
}

/** A value the mapping decides by: it must be written out. */
function literal(value: BodyValue, path: string): BodyValue {
  if (value instanceof ComputedValue) {
    throw needsValue(path);
  }
  return value;
}

function mapBody(value: BodyValue): V3Body {
  const v2 = objectAt(value, '');
  const items = v2.video_inputs;
  if (items instanceof ComputedValue) {
    throw needsValue('video_inputs');
  }
  if (!Array.isArray(items) || items.length === 0) {
    throw new Stop('video_inputs', l10n.t('{0} holds no item to convert.', 'video_inputs'));
  }
  if (items.length > 1) {
    throw new Stop(
      'video_inputs[1]',
      l10n.t('{0} is a second scene, and an API v3 video has one, so this payload cannot be converted.', 'video_inputs[1]'),
    );
  }
  const scene = mapItem(objectAt(items[0], 'video_inputs[0]'));
  const output: V3Body = {};
  let dimension: { resolution: string; aspect_ratio: string } = { resolution: '1080p', aspect_ratio: '16:9' };
  for (const [key, v] of Object.entries(v2)) {
    switch (key) {
      case 'video_inputs':
        break;
      case 'title':
      case 'callback_url':
      case 'callback_id':
        output[key] = v;
        break;
      case 'caption':
        if (literal(v, key) === true) {
          output.caption = { style: 'default' };
        } else if (v !== false && v !== null) {
          throw cannotExpress(key, v);
        }
        break;
      case 'dimension':
        dimension = mapDimension(v);
        break;
      case 'test':
      case 'enable_watermark':
        if (literal(v, key) !== false && v !== null) {
          throw cannotExpress(key, v);
        }
        break;
      case 'folder_id':
        if (literal(v, key) !== '' && v !== null) {
          throw noPlace(key);
        }
        break;
      default:
        throw noPlace(key);
    }
  }
  const fields: V3Body = { ...scene, ...output, ...dimension };
  return Object.fromEntries(KEY_ORDER.filter((key) => key in fields).map((key) => [key, fields[key]]));
}

/** The order a person reads a v3 body in: what the video shows and says, then how it is made and reported. */
const KEY_ORDER: readonly string[] = [
  'type',
  'avatar_id',
  'image',
  'script',
  'voice_id',
  'audio_url',
  'audio_asset_id',
  'voice_settings',
  'background',
  'title',
  'resolution',
  'aspect_ratio',
  'caption',
  'callback_url',
  'callback_id',
];

function mapDimension(value: BodyValue): { resolution: string; aspect_ratio: string } {
  const dimension = objectAt(value, 'dimension');
  for (const key of Object.keys(dimension)) {
    if (key !== 'width' && key !== 'height') {
      throw noPlace(`dimension.${key}`);
    }
  }
  const width = literal(dimension.width ?? null, 'dimension.width');
  const height = literal(dimension.height ?? null, 'dimension.height');
  const refuse = (): Stop =>
    new Stop(
      'dimension',
      l10n.t(
        '{0} is {1}×{2}, which API v3 has no resolution for (720p, 1080p or 4k at 16:9, 9:16, 1:1, 4:5 or 5:4), so this payload cannot be converted.',
        'dimension',
        JSON.stringify(width),
        JSON.stringify(height),
      ),
    );
  if (typeof width !== 'number' || typeof height !== 'number' || !Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw refuse();
  }
  const resolution = RESOLUTIONS.get(Math.min(width, height));
  const divisor = gcd(width, height);
  const ratio = `${width / divisor}:${height / divisor}`;
  if (!resolution || !ASPECT_RATIOS.includes(ratio)) {
    throw refuse();
  }
  return { resolution, aspect_ratio: ratio };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The v3 body's fields for the one `video_inputs` item, in the order they are written. */
function mapItem(item: Record<string, BodyValue>): V3Body {
  const at = (key: string): string => `video_inputs[0].${key}`;
  let character: V3Body | undefined;
  let voice: V3Body = {};
  let background: V3Body = {};
  for (const [key, value] of Object.entries(item)) {
    switch (key) {
      case 'character':
        character = mapCharacter(objectAt(value, at(key)), at(key));
        break;
      case 'voice':
        voice = mapVoice(objectAt(value, at(key)), at(key));
        break;
      case 'background':
        background = { background: mapBackground(objectAt(value, at(key)), at(key)) };
        break;
      default:
        throw noPlace(at(key));
    }
  }
  if (!character) {
    throw new Stop(at('character'), l10n.t('{0} is missing: an API v3 body needs an avatar or a talking photo.', at('character')));
  }
  return { ...character, ...voice, ...background };
}

function typeOf(object: Record<string, BodyValue>, path: string): BodyValue {
  if (!('type' in object)) {
    throw new Stop(`${path}.type`, l10n.t('{0} is missing, so this payload cannot be converted.', `${path}.type`));
  }
  return literal(object.type, `${path}.type`);
}

function mapCharacter(character: Record<string, BodyValue>, path: string): V3Body {
  const type = typeOf(character, path);
  if (type !== 'avatar' && type !== 'talking_photo') {
    throw cannotExpress(`${path}.type`, type);
  }
  const out: V3Body = {};
  for (const [key, value] of Object.entries(character)) {
    const here = `${path}.${key}`;
    if (key === 'type') {
      out.type = type === 'avatar' ? 'avatar' : 'image';
    } else if (type === 'avatar' && key === 'avatar_id') {
      out.avatar_id = value;
    } else if (type === 'avatar' && key === 'avatar_style') {
      if (literal(value, here) !== 'normal' && value !== null) {
        throw cannotExpress(here, value);
      }
    } else if (type === 'talking_photo' && key === 'talking_photo_id') {
      out.image = { type: 'asset_id', asset_id: value };
    } else {
      throw noPlace(here);
    }
  }
  return out;
}

/** v3's voice_settings ranges (the schema's descriptions): speed 0.5-1.5, pitch -50..50 semitones. */
const RANGES: Readonly<Record<string, readonly [number, number]>> = { speed: [0.5, 1.5], pitch: [-50, 50] };

function mapVoice(voice: Record<string, BodyValue>, path: string): V3Body {
  const type = typeOf(voice, path);
  if (type !== 'text' && type !== 'audio') {
    throw cannotExpress(`${path}.type`, type);
  }
  const out: V3Body = {};
  const settings: V3Body = {};
  for (const [key, value] of Object.entries(voice)) {
    const here = `${path}.${key}`;
    if (key === 'type') {
      continue;
    } else if (type === 'text' && key === 'input_text') {
      out.script = value;
    } else if (type === 'text' && key === 'voice_id') {
      out.voice_id = value;
    } else if (type === 'text' && (key === 'speed' || key === 'pitch')) {
      const [min, max] = RANGES[key];
      if (typeof value === 'number' && (value < min || value > max)) {
        throw new Stop(here, l10n.t('{0} is {1}, and API v3 takes {2} to {3}, so this payload cannot be converted.', here, String(value), String(min), String(max)));
      }
      settings[key] = value;
    } else if (type === 'text' && key === 'locale') {
      settings.locale = value;
    } else if (type === 'audio' && (key === 'audio_url' || key === 'audio_asset_id')) {
      out[key] = value;
    } else {
      throw noPlace(here);
    }
  }
  return Object.keys(settings).length > 0 ? { ...out, voice_settings: settings } : out;
}

function mapBackground(background: Record<string, BodyValue>, path: string): V3Body {
  const type = typeOf(background, path);
  if (type !== 'color' && type !== 'image') {
    // v3 backgrounds are a color or an image; a video background has no v3 form.
    throw cannotExpress(`${path}.type`, type);
  }
  const out: V3Body = {};
  for (const [key, value] of Object.entries(background)) {
    const here = `${path}.${key}`;
    if (key === 'type') {
      out.type = type;
    } else if (type === 'color' && key === 'value') {
      out.value = value;
    } else if (type === 'image' && key === 'url') {
      out.url = value;
    } else if (type === 'image' && key === 'image_asset_id') {
      out.asset_id = value;
    } else {
      throw noPlace(here);
    }
  }
  return out;
}
