import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { AssetKind } from '../base/mediaKinds';
import { withoutCredentials } from '../base/safeUrl';
import type { SnippetRole } from '../payload/buildSnippet';

/** The language-model tools' names: a public contract, like command ids (agents and prompts refer to them). */
export const enum ToolName {
  UploadAssets = 'heygen_upload_assets',
  FindAssets = 'heygen_find_assets',
  AssetFragment = 'heygen_asset_fragment',
}

/** Input validation never throws: a model that sends a bad input gets a sentence it can act on. */
export type Parsed<T> = { valid: true; value: T } | { valid: false; reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------
// heygen_upload_assets

/** One entry of `paths`, as understood before anything is read or sent. */
export type UploadSource =
  | { kind: 'url'; input: string; url: string; name: string }
  | { kind: 'path'; input: string; path: string; name: string }
  | { kind: 'invalid'; input: string; name: string; reason: string };

/** The most paths one heygen_upload_assets call takes: each URL is a download the person approves in one go. */
export const MAX_UPLOAD_PATHS = 20;

/**
 * `{ "paths": string[] }`. Each entry is an http(s) URL, an absolute path, or a path relative to a workspace folder;
 * `resolveRelative` picks the folder (the first one holding it, else the first folder).
 */
export function parseUploadInput(input: unknown, resolveRelative: (relative: string) => string | undefined): Parsed<UploadSource[]> {
  const paths = isObject(input) ? input.paths : undefined;
  if (!Array.isArray(paths) || paths.length === 0) {
    return { valid: false, reason: l10n.t('No files were given: pass "paths", a list of workspace file paths or http(s) URLs.') };
  }
  if (paths.length > MAX_UPLOAD_PATHS) {
    return { valid: false, reason: l10n.t('{0} paths were given; one call uploads at most {1}: split them over several calls.', paths.length, MAX_UPLOAD_PATHS) };
  }
  return { valid: true, value: paths.map((entry) => classifySource(entry, resolveRelative)) };
}

/** Scheme-like prefixes of two or more letters; one letter is a Windows drive (C:\…). */
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

export function classifySource(entry: unknown, resolveRelative: (relative: string) => string | undefined): UploadSource {
  if (typeof entry !== 'string' || entry.trim().length === 0) {
    const shown = typeof entry === 'string' ? entry : JSON.stringify(entry) ?? String(entry);
    return { kind: 'invalid', input: shown, name: shown, reason: l10n.t('{0} is not a file path or URL.', JSON.stringify(shown)) };
  }
  const text = entry.trim();
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    // The input is echoed in results: a signed link's query (its token) must not be.
    const shown = withoutCredentials(text);
    if (scheme !== 'http' && scheme !== 'https') {
      return {
        kind: 'invalid',
        input: shown,
        name: shown,
        reason: l10n.t('"{0}" cannot be uploaded: only http and https URLs are supported.', shown),
      };
    }
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return { kind: 'invalid', input: shown, name: shown, reason: l10n.t('"{0}" is not a valid URL.', shown) };
    }
    if (!parsed.hostname) {
      return { kind: 'invalid', input: shown, name: shown, reason: l10n.t('"{0}" is not a valid URL.', shown) };
    }
    return { kind: 'url', input: shown, url: text, name: nameFromUrl(parsed) };
  }
  const absolute = path.isAbsolute(text) ? text : resolveRelative(text);
  if (absolute === undefined) {
    return {
      kind: 'invalid',
      input: text,
      name: path.basename(text),
      reason: l10n.t('"{0}" is a relative path, but no folder is open in the editor; give an absolute path.', text),
    };
  }
  return { kind: 'path', input: text, path: path.normalize(absolute), name: path.basename(absolute) };
}

function nameFromUrl(url: URL): string {
  const last = url.pathname.split('/').filter(Boolean).pop();
  if (!last) {
    return url.hostname;
  }
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

export function directoryRefusal(name: string): string {
  return l10n.t('"{0}" is a folder; name the files in it to upload them.', name);
}

// ---------------------------------------------------------------------------------------------------
// heygen_find_assets

export interface FindQuery {
  query?: string;
  kind?: AssetKind;
  limit: number;
}

export const DEFAULT_FIND_LIMIT = 20;
export const MAX_FIND_LIMIT = 200;
const KINDS: readonly AssetKind[] = ['image', 'video', 'audio'];

export function parseFindInput(input: unknown): Parsed<FindQuery> {
  const given = isObject(input) ? input : {};
  const { query, kind, limit } = given;
  if (query !== undefined && typeof query !== 'string') {
    return { valid: false, reason: l10n.t('"query" must be text.') };
  }
  if (kind !== undefined && !KINDS.includes(kind as AssetKind)) {
    return { valid: false, reason: l10n.t('"kind" must be "image", "video" or "audio".') };
  }
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    return { valid: false, reason: l10n.t('"limit" must be a whole number of at least 1.') };
  }
  const trimmed = query?.trim();
  return {
    valid: true,
    value: {
      ...(trimmed ? { query: trimmed } : {}),
      ...(kind !== undefined ? { kind: kind as AssetKind } : {}),
      limit: Math.min(MAX_FIND_LIMIT, limit ?? DEFAULT_FIND_LIMIT),
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// heygen_asset_fragment

export type FragmentLanguage = 'json' | 'javascript' | 'typescript' | 'python';
export type FragmentPayloadVersion = 'v2' | 'v3';

export interface FragmentQuery {
  assetId: string;
  role: SnippetRole;
  language: FragmentLanguage;
  payloadVersion: FragmentPayloadVersion;
}

const ROLES: readonly SnippetRole[] = ['background', 'talkingPhoto', 'audio'];
const LANGUAGES: readonly FragmentLanguage[] = ['json', 'javascript', 'typescript', 'python'];
const VERSIONS: readonly FragmentPayloadVersion[] = ['v2', 'v3'];

export function parseFragmentInput(input: unknown): Parsed<FragmentQuery> {
  const given = isObject(input) ? input : {};
  const { assetId, role, language, payloadVersion } = given;
  if (typeof assetId !== 'string' || assetId.trim().length === 0) {
    return { valid: false, reason: l10n.t('"assetId" is missing: pass the id of an uploaded asset (heygen_find_assets lists them).') };
  }
  if (!ROLES.includes(role as SnippetRole)) {
    return { valid: false, reason: l10n.t('"role" must be "background", "talkingPhoto" or "audio".') };
  }
  if (language !== undefined && !LANGUAGES.includes(language as FragmentLanguage)) {
    return { valid: false, reason: l10n.t('"language" must be "json", "javascript", "typescript" or "python".') };
  }
  if (payloadVersion !== undefined && !VERSIONS.includes(payloadVersion as FragmentPayloadVersion)) {
    return { valid: false, reason: l10n.t('"payloadVersion" must be "v2" or "v3".') };
  }
  return {
    valid: true,
    value: {
      assetId: assetId.trim(),
      role: role as SnippetRole,
      language: (language as FragmentLanguage | undefined) ?? 'json',
      payloadVersion: (payloadVersion as FragmentPayloadVersion | undefined) ?? 'v2',
    },
  };
}
