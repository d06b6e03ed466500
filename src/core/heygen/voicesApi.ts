/**
 * HeyGen v3 voices (shared/notes/heygen-videos-avatars.md, section 3): `GET /v3/voices`, paged, one `type` at a time
 * (`public`, the default, or `private`: the account's own clones). A voice's `voice_id` is a video's `voice_id`.
 */
import * as l10n from '@vscode/l10n';
import { HeyGenError } from '../base/heygenError';
import { v3RequestEnvelope, type V3Endpoint } from './v3Client';

/** HeyGen's largest page of voices (`limit` 1-100). */
export const VOICES_PAGE_SIZE = 100;

export type VoiceType = 'public' | 'private';
export const VOICE_TYPES: readonly VoiceType[] = ['public', 'private'];

/** One voice as the extension keeps it. Every text is HeyGen's and is shown as text, never as Markdown. */
export interface Voice {
  readonly id: string;
  readonly name: string;
  readonly language?: string;
  readonly gender?: string;
  readonly previewAudioUrl?: string;
  readonly type: VoiceType;
}

export interface VoicesPage {
  voices: Voice[];
  hasMore: boolean;
  nextToken: string | undefined;
}

function text(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** One entry of the voices' `data`, or undefined when it has no `voice_id`. */
export function parseVoice(value: unknown, listedAs: VoiceType): Voice | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const id = text(raw, 'voice_id') ?? text(raw, 'id');
  if (!id) {
    return undefined;
  }
  const type = raw.type === 'private' || raw.type === 'public' ? raw.type : listedAs;
  return {
    id,
    name: text(raw, 'name') ?? id,
    language: text(raw, 'language'),
    gender: text(raw, 'gender'),
    previewAudioUrl: text(raw, 'preview_audio_url'),
    type,
  };
}

/** One page of voices of one `type`. Reads are retried. */
export async function listVoicesPage(
  endpoint: V3Endpoint,
  options: { type: VoiceType; token?: string; limit?: number; signal?: AbortSignal },
): Promise<VoicesPage> {
  const envelope = await v3RequestEnvelope<unknown>(endpoint, 'GET', '/v3/voices', {
    query: { type: options.type, limit: options.limit ?? VOICES_PAGE_SIZE, token: options.token },
    signal: options.signal,
    retry: true,
  });
  if (!Array.isArray(envelope.data)) {
    throw new HeyGenError('protocol', l10n.t("HeyGen's list of voices has no data (an array was expected)."));
  }
  const voices: Voice[] = [];
  for (const entry of envelope.data) {
    const voice = parseVoice(entry, options.type);
    if (voice) {
      voices.push(voice);
    }
  }
  const nextToken = typeof envelope.next_token === 'string' && envelope.next_token ? envelope.next_token : undefined;
  return { voices, hasMore: envelope.has_more === true && nextToken !== undefined, nextToken };
}
