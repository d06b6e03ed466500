/**
 * The legacy video routes, over the same videos as v3: `POST /v2/video/generate` (`video_inputs` 1-50 scenes, each
 * with `character`, `voice` and an optional `background`; answered `{error: null, data: {video_id}}`) and
 * `GET /v1/video_status.get?video_id=` (v1's `{code: 100, data, message}`; status pending | processing | completed |
 * failed). HeyGen retires both on 2026-11-01 without saying what they answer then, so `legacy` chooses: `serve`,
 * `missing` (404, as an unknown path) or `gone` (410).
 */
import type * as http from 'node:http';
import type { AvatarCatalog } from './avatarCatalog';
import { checkAssetId, checkUrl, enumAt, isObject, numberAt, objectAt, stringAt, type Json } from './bodyChecks';
import { ParamError, v1Error } from './errors';
import { misbehave, readBody } from './faults';
import { sendJson } from './http';
import type { RecordedRequest } from './requestLog';
import { JSON_BODY_MAX_BYTES, parseJson, type V3Context } from './v3Context';
import { usableLook, type VideoCatalogs } from './videoRequest';
import type { VideoStore } from './videoStore';

export type LegacyMode = 'serve' | 'missing' | 'gone';

function v2Error(code: string, message: string, param?: string): string {
  return JSON.stringify({ error: { code, message, ...(param ? { param } : {}) }, data: null });
}

/** A talking photo: a photo avatar look or group, or (as the upload contract says) an uploaded image's asset id. */
function checkTalkingPhoto(id: string, path: string, c: VideoCatalogs, avatars: AvatarCatalog): void {
  const look = avatars.look(id);
  if (look) {
    usableLook(avatars, id, path);
    return;
  }
  if (avatars.group(id)?.avatarType === 'photo_avatar') {
    return;
  }
  checkAssetId(id, path, c.findAsset, 'image');
}

function checkScene(scene: unknown, at: string, c: VideoCatalogs): number {
  if (!isObject(scene)) {
    throw new ParamError(at, `${at} must be an object.`);
  }
  const character = objectAt(scene, 'character', `${at}.character`);
  if (!character) {
    throw new ParamError(`${at}.character`, `${at}.character is required.`);
  }
  const kind = enumAt(character, 'type', ['avatar', 'talking_photo'] as const, `${at}.character.type`);
  if (kind === 'avatar') {
    usableLook(c.avatars, stringAt(character, 'avatar_id', { required: true, path: `${at}.character.avatar_id` })!, `${at}.character.avatar_id`);
    enumAt(character, 'avatar_style', ['normal', 'closeUp', 'circle'] as const, `${at}.character.avatar_style`);
  } else if (kind === 'talking_photo') {
    const id = stringAt(character, 'talking_photo_id', { required: true, path: `${at}.character.talking_photo_id` })!;
    checkTalkingPhoto(id, `${at}.character.talking_photo_id`, c, c.avatars);
  } else {
    throw new ParamError(`${at}.character.type`, `${at}.character.type is required (avatar or talking_photo).`);
  }
  const voice = objectAt(scene, 'voice', `${at}.voice`);
  if (!voice) {
    throw new ParamError(`${at}.voice`, `${at}.voice is required.`);
  }
  const voiceType = enumAt(voice, 'type', ['text', 'audio', 'silence'] as const, `${at}.voice.type`);
  numberAt(voice, 'speed', 0.5, 2, `${at}.voice.speed`);
  numberAt(voice, 'pitch', -20, 20, `${at}.voice.pitch`);
  let seconds = 12.5;
  if (voiceType === 'text') {
    const voiceId = stringAt(voice, 'voice_id', { required: true, path: `${at}.voice.voice_id` })!;
    if (!c.voices.has(voiceId)) {
      throw new ParamError(`${at}.voice.voice_id`, `No voice ${voiceId}.`, 'voice_not_found');
    }
    const text = stringAt(voice, 'input_text', { required: true, path: `${at}.voice.input_text` })!;
    seconds = Math.max(1, text.split(/\s+/).filter(Boolean).length / 2.5);
  } else if (voiceType === 'audio') {
    const url = stringAt(voice, 'audio_url', { path: `${at}.voice.audio_url` });
    const assetId = stringAt(voice, 'audio_asset_id', { path: `${at}.voice.audio_asset_id` });
    if ((url === undefined) === (assetId === undefined)) {
      throw new ParamError(`${at}.voice.audio_url`, 'An audio voice takes exactly one of audio_url and audio_asset_id.');
    }
    if (url !== undefined) {
      checkUrl(url, `${at}.voice.audio_url`);
    } else {
      checkAssetId(assetId!, `${at}.voice.audio_asset_id`, c.findAsset, 'audio');
    }
  } else if (voiceType === 'silence') {
    seconds = numberAt(voice, 'duration', 1, 100, `${at}.voice.duration`) ?? 1;
  } else {
    throw new ParamError(`${at}.voice.type`, `${at}.voice.type is required (text, audio or silence).`);
  }
  const background = objectAt(scene, 'background', `${at}.background`);
  if (background) {
    checkBackground(background, `${at}.background`, c);
  }
  return seconds;
}

function checkBackground(background: Json, at: string, c: VideoCatalogs): void {
  const type = enumAt(background, 'type', ['color', 'image', 'video'] as const, `${at}.type`);
  enumAt(background, 'fit', ['cover', 'crop', 'contain', 'none'] as const, `${at}.fit`);
  if (type === 'color') {
    const value = stringAt(background, 'value', { required: true, path: `${at}.value` })!;
    if (!/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)) {
      throw new ParamError(`${at}.value`, `${at}.value must be a hex colour.`);
    }
    return;
  }
  if (type === undefined) {
    throw new ParamError(`${at}.type`, `${at}.type is required (color, image or video).`);
  }
  const idField = type === 'image' ? 'image_asset_id' : 'video_asset_id';
  const url = stringAt(background, 'url', { path: `${at}.url` });
  const assetId = stringAt(background, idField, { path: `${at}.${idField}` });
  if ((url === undefined) === (assetId === undefined)) {
    throw new ParamError(`${at}.url`, `An ${type} background takes exactly one of url and ${idField}.`);
  }
  if (url !== undefined) {
    checkUrl(url, `${at}.url`);
  } else {
    checkAssetId(assetId!, `${at}.${idField}`, c.findAsset, type);
  }
  if (type === 'video') {
    enumAt(background, 'play_style', ['fit_to_scene', 'freeze', 'loop', 'once'] as const, `${at}.play_style`);
  }
}

export class LegacyVideoRoutes {
  mode: LegacyMode;

  constructor(
    private readonly ctx: V3Context,
    private readonly store: VideoStore,
    private readonly catalogs: VideoCatalogs,
    private readonly initialMode: LegacyMode = 'serve',
  ) {
    this.mode = initialMode;
  }

  reset(): void {
    this.mode = this.initialMode;
  }

  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, entry: RecordedRequest): boolean {
    const generate = url.pathname === '/v2/video/generate' && req.method === 'POST';
    const status = url.pathname === '/v1/video_status.get' && req.method === 'GET';
    if (!generate && !status) {
      return false;
    }
    if (this.mode !== 'serve') {
      req.resume();
      const gone = this.mode === 'gone';
      sendJson(res, gone ? 410 : 404, v1Error(gone ? 410 : 404, gone ? 'This endpoint was retired on 2026-11-01: use the v3 API (POST /v3/videos, GET /v3/videos/{id}).' : 'Not found'));
      return true;
    }
    const b = this.ctx.faults.take(generate ? 'video-create' : 'video-status');
    void readBody(req, b, JSON_BODY_MAX_BYTES, this.ctx.timers.later).then((read) => {
      if (!read) {
        return;
      }
      if (read.body.length > 0) {
        entry.body = parseJson(read.body) ?? read.body.toString('utf8');
      }
      const normal = (): void => (generate ? this.generate(req, res, read.body) : this.status(req, res, url.searchParams.get('video_id')));
      if (!misbehave(b, req, res, normal, this.ctx.timers.later)) {
        normal();
      }
    });
    return true;
  }

  private generate(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): void {
    if (req.headers['x-api-key'] !== this.ctx.apiKey) {
      sendJson(res, 401, v2Error('unauthorized', 'Invalid API key.'));
      return;
    }
    const body = parseJson(raw);
    try {
      if (!body) {
        throw new ParamError('body', 'The body must be a JSON object.', 'invalid_request');
      }
      const inputs = body.video_inputs;
      if (!Array.isArray(inputs) || inputs.length < 1 || inputs.length > 50) {
        throw new ParamError('video_inputs', 'video_inputs must hold 1 to 50 scenes.');
      }
      const duration = inputs.reduce<number>((sum, scene, i) => sum + checkScene(scene, `video_inputs[${i}]`, this.catalogs), 0);
      const dimension = objectAt(body, 'dimension');
      if (dimension) {
        numberAt(dimension, 'width', 128, 4096, 'dimension.width');
        numberAt(dimension, 'height', 128, 4096, 'dimension.height');
      }
      const callbackUrl = stringAt(body, 'callback_url');
      if (callbackUrl !== undefined) {
        checkUrl(callbackUrl, 'callback_url');
      }
      const video = this.store.create({
        type: 'v2',
        title: stringAt(body, 'title') ?? null,
        duration: Math.round(duration * 10) / 10,
        captioned: body.caption === true,
        callbackId: stringAt(body, 'callback_id') ?? null,
        unknownFields: [],
      });
      sendJson(res, 200, { error: null, data: { video_id: video.id } });
    } catch (error) {
      if (!(error instanceof ParamError)) {
        throw error;
      }
      sendJson(res, error.status, v2Error(error.code, error.message, error.param));
    }
  }

  private status(req: http.IncomingMessage, res: http.ServerResponse, id: string | null): void {
    if (req.headers['x-api-key'] !== this.ctx.apiKey) {
      sendJson(res, 401, v1Error(400112, 'Unauthorized'));
      return;
    }
    const video = id ? this.store.get(id) : undefined;
    if (!video) {
      sendJson(res, id ? 404 : 400, v1Error(id ? 404 : 40001, id ? `Video ${id} not found.` : 'video_id is required.'));
      return;
    }
    const v3 = this.store.json(video, this.ctx.origin(), this.ctx.storageOrigin());
    const status = v3.status === 'waiting' ? 'pending' : v3.status;
    const failed = status === 'failed';
    sendJson(res, 200, {
      code: 100,
      data: {
        id: video.id,
        status,
        video_url: v3.video_url,
        video_url_caption: v3.captioned_video_url,
        thumbnail_url: v3.thumbnail_url,
        gif_url: null,
        caption_url: v3.subtitle_url,
        duration: v3.duration,
        callback_id: video.callbackId,
        created_at: v3.created_at,
        error: failed ? { code: v3.failure_code, message: v3.failure_message, detail: v3.failure_message } : null,
      },
      message: 'Success',
    });
  }
}
