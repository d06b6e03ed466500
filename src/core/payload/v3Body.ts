import * as l10n from '@vscode/l10n';
import {
  dialectForLanguage,
  type IndentOptions,
  type ReferenceMode,
  type SnippetDefaults,
  type SnippetEntry,
} from './buildSnippet';
import { escapeSnippetText, indentUnit, renderProperty, renderValue } from './fragmentText';
import { propertyKeyFor, propertyValueFor, Tabstop, type FragmentObject, type FragmentValue } from './fragmentValues';

/**
 * A whole `POST /v3/videos` body around the assets, for a file that holds no payload yet (HeyGen's v3 schema as its
 * CLI generates it):
 * - a talking photo makes an `image` video (`image: {type: "asset_id", asset_id}`), anything else an `avatar` video
 *   with `avatar_id`;
 * - audio is the speech (`audio_asset_id`, or `audio_url`), and then there is no `script` nor `voice_id`;
 *   otherwise `script` and `voice_id` (an image video has no avatar whose voice could stand in for it);
 * - a background is `background: {type: "image", asset_id}` (or `url`).
 * One asset per place: the first of each role is used, the others are left out and counted in `used`.
 * Tabstops mark what the person still chooses (avatar, script, voice), numbered from 1 in that order.
 */
export function v3BodyFor(
  entries: readonly SnippetEntry[],
  defaults: SnippetDefaults,
  reference: ReferenceMode = 'auto',
): { body: FragmentObject; used: number } {
  const first = (role: SnippetEntry['role']): SnippetEntry | undefined => entries.find((e) => e.role === role);
  const photo = first('talkingPhoto');
  const audio = first('audio');
  const background = first('background');
  const options = { reference, version: 'v3' as const };
  let next = 1;
  const tab = (value: string, hint: string): Tabstop => new Tabstop(next++, value || hint);
  const body: Record<string, FragmentValue> = photo
    ? { type: 'image', image: propertyValueFor('talkingPhoto', photo.asset, options) }
    : { type: 'avatar', avatar_id: tab(defaults.avatarId, 'avatar_id') };
  if (audio) {
    body[propertyKeyFor('audio', 'v3', reference)] = propertyValueFor('audio', audio.asset, options);
  } else {
    // Translated here, not in a constant: the extension configures the bundle after this module is loaded.
    body.script = tab('', l10n.t('Hello! This is my HeyGen video.'));
    body.voice_id = tab(defaults.voiceId, 'voice_id');
  }
  if (background) {
    body.background = propertyValueFor('background', background.asset, options);
  }
  return { body, used: [photo, audio, background].filter((e) => e !== undefined).length };
}

/**
 * How a new v3 body goes in: `body`, the whole object (at the top of a JSON file, or as an argument or a list
 * element); `declaration`, the object assigned to a name at the top level of JS/TS (`const payload = {…};`, where a
 * bare object would read as a block) or Python (`payload = {…}`); `members`, its properties, into an object that holds
 * no payload yet, which then becomes the body.
 */
export type V3BodyShape = 'body' | 'declaration' | 'members';

export interface V3BodyRequest {
  entries: readonly SnippetEntry[];
  languageId: string;
  shape: V3BodyShape;
  indent: IndentOptions;
  defaults: SnippetDefaults;
  reference?: ReferenceMode;
  /** See `SnippetRequest`: the base indentation, separators around, and plain text instead of snippet syntax. */
  baseIndent?: string;
  prefix?: string;
  suffix?: string;
  plainText?: boolean;
}

/** The snippet (or plain text) of a new v3 body; ends with the final tabstop `$0`, and says how many assets it holds. */
export function buildV3BodySnippet(request: V3BodyRequest): { text: string; used: number } {
  const dialect = dialectForLanguage(request.languageId);
  const unit = indentUnit(request.indent);
  const plain = request.plainText === true;
  const { body, used } = v3BodyFor(request.entries, request.defaults, request.reference ?? 'auto');
  const esc = plain ? (t: string) => t : escapeSnippetText;
  let fragment: string;
  switch (request.shape) {
    case 'body':
      fragment = renderValue(body, dialect, unit, 0, plain);
      break;
    case 'declaration':
      fragment =
        dialect === 'python'
          ? `payload = ${renderValue(body, dialect, unit, 0, plain)}`
          : `const payload = ${renderValue(body, dialect, unit, 0, plain)};`;
      break;
    case 'members':
      fragment = Object.entries(body)
        .map(([key, value]) => renderProperty(key, value, dialect, unit, plain))
        .join(',\n');
      break;
  }
  const text = esc(request.prefix ?? '') + fragment + (plain ? '' : '$0') + esc(request.suffix ?? '');
  const base = request.baseIndent ?? '';
  return { text: base ? text.replace(/\n/g, '\n' + base) : text, used };
}
