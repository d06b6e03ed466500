/**
 * `heygen_generate_video` and `heygen_get_video` (issue 23 item 8): their inputs read without throwing, and their
 * results in the tools' shape (lines, then the same facts as JSON). A result never holds a presigned video URL: a
 * saved file's path or the video's page is given instead.
 */
import * as l10n from '@vscode/l10n';
import type { VideoInfo } from '../heygen/videoInfo';
import { classifyValue } from '../payload/localPath';
import { findAssetReferences } from '../payload/assetReferences';
import { V3_VIDEO_TYPES } from '../payload/payloadShape';
import { resultText } from './toolResult';
import type { Parsed } from './toolInput';

export const GENERATE_VIDEO_TOOL = 'heygen_generate_video';
export const GET_VIDEO_TOOL = 'heygen_get_video';

export type GenerateInput = { kind: 'file'; path: string } | { kind: 'body'; api: 'v3' | 'v2'; body: Record<string, unknown> };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ "payload": "<file path>" }` or `{ "body": { … } }`, exactly one. */
export function parseGenerateInput(input: unknown): Parsed<GenerateInput> {
  const payload = isObject(input) ? input.payload : undefined;
  const body = isObject(input) ? input.body : undefined;
  if ((payload === undefined) === (body === undefined)) {
    return { valid: false, reason: l10n.t('Pass either "payload", the path of a payload file, or "body", the request body as a JSON object (not both).') };
  }
  if (payload !== undefined) {
    if (typeof payload !== 'string' || payload.trim() === '') {
      return { valid: false, reason: l10n.t('"payload" must be the path of a payload file (JSON, JavaScript, TypeScript or Python).') };
    }
    return { valid: true, value: { kind: 'file', path: payload.trim() } };
  }
  if (!isObject(body)) {
    return { valid: false, reason: l10n.t('"body" must be a JSON object: a POST /v3/videos body or a v2 video/generate body.') };
  }
  if ('video_inputs' in body) {
    return { valid: true, value: { kind: 'body', api: 'v2', body } };
  }
  if (typeof body.type === 'string' && V3_VIDEO_TYPES.includes(body.type)) {
    return { valid: true, value: { kind: 'body', api: 'v3', body } };
  }
  return {
    valid: false,
    reason: l10n.t('"body" is neither a POST /v3/videos body (its "type" is one of {0}) nor a v2 body (with "video_inputs").', V3_VIDEO_TYPES.join(', ')),
  };
}

/** Local file paths at asset places of a body given as an object: they cannot be uploaded without a file to edit. */
export function localPathsInBody(body: Record<string, unknown>): string[] {
  const text = JSON.stringify(body, null, 2);
  return findAssetReferences(text, 'json')
    .filter((r) => classifyValue(r.value) === 'localPath')
    .map((r) => r.value);
}

/** `{ "videoId": "<id>" }`. */
export function parseGetVideoInput(input: unknown): Parsed<string> {
  const id = isObject(input) ? input.videoId : undefined;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(id.trim())) {
    return { valid: false, reason: l10n.t('"videoId" must be a HeyGen video id, as heygen_generate_video returned it.') };
  }
  return { valid: true, value: id.trim() };
}

export interface StartedFacts {
  videoId: string;
  status: string;
  api: string;
  type: string;
  title?: string;
  /** Where the editor saves the video once rendered. */
  savesTo: string;
}

export function startedResultText(facts: StartedFacts): string {
  const line = l10n.t(
    'Started HeyGen video {0} ({1}); it is {2}. The editor watches it and saves it as {3} when it is done; heygen_get_video with this id tells its status.',
    facts.videoId,
    facts.title ? `"${facts.title}", ${facts.type}` : facts.type,
    facts.status,
    facts.savesTo,
  );
  return resultText([line], facts);
}

export interface VideoFacts {
  videoId: string;
  status: string;
  title?: string;
  durationSeconds?: number;
  /** The saved file, when the video is on this computer. */
  file?: string;
  /** HeyGen's page of the video (never the presigned download URL). */
  pageUrl?: string;
  failureMessage?: string;
}

export function videoFacts(info: VideoInfo, file: string | undefined): VideoFacts {
  return {
    videoId: info.id,
    status: info.status,
    ...(info.title ? { title: info.title } : {}),
    ...(info.duration !== undefined ? { durationSeconds: info.duration } : {}),
    ...(info.status === 'completed' && file ? { file } : {}),
    ...(info.status === 'completed' && !file && info.pageUrl ? { pageUrl: info.pageUrl } : {}),
    ...(info.status === 'failed' ? { failureMessage: info.failureMessage ?? l10n.t('HeyGen gave no reason.') } : {}),
  };
}

export function videoResultText(facts: VideoFacts): string {
  let line: string;
  if (facts.status === 'completed') {
    const where = facts.file
      ? l10n.t('saved as {0}', facts.file)
      : facts.pageUrl
        ? l10n.t('its page is {0}', facts.pageUrl)
        : l10n.t('the person can open it from the Videos view');
    line =
      facts.durationSeconds !== undefined
        ? l10n.t('Video {0} is completed ({1} s); {2}.', facts.videoId, facts.durationSeconds, where)
        : l10n.t('Video {0} is completed; {1}.', facts.videoId, where);
  } else if (facts.status === 'failed') {
    line = l10n.t('Video {0} failed to render: {1}', facts.videoId, facts.failureMessage ?? '');
  } else {
    line = l10n.t('Video {0} is {1}; ask again in a minute.', facts.videoId, facts.status);
  }
  return resultText([line], facts);
}
