/**
 * Checks for JSON request bodies, each throwing a ParamError (a 400 in v3's envelope naming the parameter by its path,
 * e.g. `background.asset_id`), shared by the video, legacy video and avatar routes.
 */
import { ParamError } from './errors';

export type Json = Record<string, unknown>;

/** Looks an asset up in the emulator's library (seeded, v1 and v3 uploads). */
export type FindAsset = (id: string) => { type: string } | undefined;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An optional object property (a 400 when present and not an object). */
export function objectAt(body: Json, name: string, path = name): Json | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!isObject(value)) {
    throw new ParamError(path, `${path} must be an object.`);
  }
  return value;
}

/** A string property: undefined when absent (or null), a 400 when required and absent, or present and not a string. */
export function stringAt(body: Json, name: string, options: { required?: boolean; path?: string } = {}): string | undefined {
  const path = options.path ?? name;
  const value = body[name];
  if (value === undefined || value === null) {
    if (options.required) {
      throw new ParamError(path, `${path} is required.`);
    }
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new ParamError(path, `${path} must be a non-empty string.`);
  }
  return value;
}

export function enumAt<T extends string>(body: Json, name: string, allowed: readonly T[], path = name): T | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ParamError(path, `${path} must be one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

export function numberAt(body: Json, name: string, min: number, max: number, path = name): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ParamError(path, `${path} must be a number from ${min} to ${max}.`);
  }
  return value;
}

export function booleanAt(body: Json, name: string, path = name): boolean | undefined {
  const value = body[name];
  if (value !== undefined && value !== null && typeof value !== 'boolean') {
    throw new ParamError(path, `${path} must be true or false.`);
  }
  return value ?? undefined;
}

export function checkUrl(value: string, path: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ParamError(path, `${path} must be an http(s) URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ParamError(path, `${path} must be an http(s) URL.`);
  }
}

/** An asset id that must name an asset the account has, of `kind` when given. */
export function checkAssetId(id: string, path: string, findAsset: FindAsset, kind?: string): void {
  const asset = findAsset(id);
  if (!asset) {
    throw new ParamError(path, `No asset ${id}: upload it first (POST /v3/assets).`, 'asset_not_found');
  }
  if (kind && asset.type !== kind) {
    throw new ParamError(path, `Asset ${id} is of type ${asset.type}; ${path} takes ${kind}.`);
  }
}

const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg'];

/**
 * An asset input (`{type: url, url}`, `{type: asset_id, asset_id}` or `{type: base64, media_type, data}`), the union
 * the schema uses for `image`, an avatar's `file` and more; `kind` is what an asset id must name.
 */
export function checkAssetInput(value: unknown, path: string, findAsset: FindAsset, kind: 'image' | 'video' | 'audio'): void {
  if (!isObject(value)) {
    throw new ParamError(path, `${path} must be an object {type: url | asset_id | base64, ...}.`);
  }
  const type = enumAt(value, 'type', ['url', 'asset_id', 'base64'] as const, `${path}.type`);
  if (type === undefined) {
    throw new ParamError(`${path}.type`, `${path}.type is required (url, asset_id or base64).`);
  }
  if (type === 'url') {
    checkUrl(stringAt(value, 'url', { required: true, path: `${path}.url` })!, `${path}.url`);
  } else if (type === 'asset_id') {
    checkAssetId(stringAt(value, 'asset_id', { required: true, path: `${path}.asset_id` })!, `${path}.asset_id`, findAsset, kind);
  } else {
    const mediaType = stringAt(value, 'media_type', { required: true, path: `${path}.media_type` })!;
    if (kind === 'image' && !IMAGE_MEDIA_TYPES.includes(mediaType)) {
      throw new ParamError(`${path}.media_type`, `${path}.media_type must be one of ${IMAGE_MEDIA_TYPES.join(', ')}.`);
    }
    const data = stringAt(value, 'data', { required: true, path: `${path}.data` })!;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) {
      throw new ParamError(`${path}.data`, `${path}.data must be base64.`);
    }
  }
}
