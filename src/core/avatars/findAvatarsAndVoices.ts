/**
 * `heygen_find_avatars_and_voices` for agent mode: the account's avatar looks and voices matching a query, with the
 * facts a payload needs (ids, engines, default voice, languages), so an agent writes real ids instead of made-up
 * ones. Input validation never throws: a bad input gets a sentence the model can act on.
 */
import * as l10n from '@vscode/l10n';
import type { AvatarLook } from '../heygen/avatarsApi';
import type { Voice } from '../heygen/voicesApi';
import type { CatalogView } from './avatarCatalog';
import { searchLooks, searchVoices } from './catalogSearch';

/** The tool's name: a public contract, like a command id. */
export const FIND_AVATARS_AND_VOICES_TOOL = 'heygen_find_avatars_and_voices';

export const DEFAULT_FIND_LIMIT = 20;
export const MAX_FIND_LIMIT = 100;

export interface FindAvatarsInput {
  query: string;
  kind?: 'avatar' | 'voice';
  gender?: string;
  /** Voices only: looks have no language of their own. */
  language?: string;
  limit: number;
}

export type ParsedFind = { valid: true; value: FindAvatarsInput } | { valid: false; reason: string };

function optionalText(raw: Record<string, unknown>, key: string): string | undefined | false {
  const value = raw[key];
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  return typeof value === 'string' ? value.trim() || undefined : false;
}

export function parseFindAvatarsInput(input: unknown): ParsedFind {
  const raw = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const query = optionalText(raw, 'query');
  const gender = optionalText(raw, 'gender');
  const language = optionalText(raw, 'language');
  if (query === false || gender === false || language === false) {
    return { valid: false, reason: l10n.t('"query", "gender" and "language" must be text when given.') };
  }
  const kind = raw.kind;
  if (kind !== undefined && kind !== null && kind !== 'avatar' && kind !== 'voice') {
    return { valid: false, reason: l10n.t('"kind" must be "avatar" or "voice" (or left out for both).') };
  }
  const limit = raw.limit ?? DEFAULT_FIND_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_FIND_LIMIT) {
    return { valid: false, reason: l10n.t('"limit" must be a whole number from 1 to {0}.', MAX_FIND_LIMIT) };
  }
  return { valid: true, value: { query: query ?? '', kind: kind ?? undefined, gender, language, limit } };
}

export interface LookFacts {
  avatarId: string;
  name: string;
  gender?: string;
  avatarType?: string;
  supportedEngines: readonly string[];
  defaultVoiceId?: string;
  previewImageUrl?: string;
  previewVideoUrl?: string;
  status?: string;
}

export interface VoiceFacts {
  voiceId: string;
  name: string;
  language?: string;
  gender?: string;
  type: string;
  previewAudioUrl?: string;
}

export interface FindAvatarsResult {
  avatars?: { total: number; items: LookFacts[] };
  voices?: { total: number; items: VoiceFacts[] };
}

const lookFacts = (l: AvatarLook): LookFacts => ({
  avatarId: l.id,
  name: l.name,
  gender: l.gender,
  avatarType: l.avatarType,
  supportedEngines: l.engines,
  defaultVoiceId: l.defaultVoiceId,
  previewImageUrl: l.previewImageUrl,
  previewVideoUrl: l.previewVideoUrl,
  status: l.status,
});

const voiceFacts = (v: Voice): VoiceFacts => ({
  voiceId: v.id,
  name: v.name,
  language: v.language,
  gender: v.gender,
  type: v.type,
  previewAudioUrl: v.previewAudioUrl,
});

export function findAvatarsAndVoices(catalog: Pick<CatalogView, 'looks' | 'voices'>, input: FindAvatarsInput): FindAvatarsResult {
  const result: FindAvatarsResult = {};
  if (input.kind !== 'voice') {
    const found = searchLooks(catalog.looks(), input.query, input.limit, { gender: input.gender });
    result.avatars = { total: found.total, items: found.items.map(lookFacts) };
  }
  if (input.kind !== 'avatar') {
    const found = searchVoices(catalog.voices(), input.query, input.limit, { gender: input.gender, language: input.language });
    result.voices = { total: found.total, items: found.items.map(voiceFacts) };
  }
  return result;
}

/** One line per entry for the model to quote, then the same facts as JSON to take ids from. */
export function findAvatarsResultText(result: FindAvatarsResult, state: { complete: boolean; problem?: string }): string {
  const lines: string[] = [];
  if (!state.complete) {
    lines.push(
      state.problem
        ? l10n.t('The account\'s lists could not be loaded completely ({0}); these are the entries known so far.', state.problem)
        : l10n.t("The account's lists are still loading; these are the entries known so far."),
    );
  }
  if (result.avatars) {
    lines.push(l10n.t('Avatar looks: {0} match (use the avatarId as avatar_id).', result.avatars.total));
    for (const a of result.avatars.items) {
      lines.push(`- ${a.name}: ${a.avatarId} (${[a.gender, a.avatarType, a.supportedEngines.join('/'), a.status].filter(Boolean).join(', ')})`);
    }
  }
  if (result.voices) {
    lines.push(l10n.t('Voices: {0} match (use the voiceId as voice_id).', result.voices.total));
    for (const v of result.voices.items) {
      lines.push(`- ${v.name}: ${v.voiceId} (${[v.gender, v.language, v.type].filter(Boolean).join(', ')})`);
    }
  }
  return `${lines.join('\n')}\n\n\`\`\`json\n${JSON.stringify(result, null, 2)}\n\`\`\``;
}
