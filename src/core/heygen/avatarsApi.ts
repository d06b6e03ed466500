/**
 * HeyGen v3 avatars (shared/notes/heygen-videos-avatars.md, section 3): the account's looks (`GET /v3/avatars/looks`,
 * paged; a look's `id` is the `avatar_id` of a video), and photo avatars made from an uploaded image
 * (`POST /v3/avatars` type `photo`, then `POST /v3/avatars/{group_id}/consent` when HeyGen asks for consent).
 */
import * as l10n from '@vscode/l10n';
import { HeyGenError } from '../base/heygenError';
import { v3RequestEnvelope, type V3Endpoint } from './v3Client';

/** HeyGen's largest page of looks (`limit` 1-50): 5,000 looks are 100 requests. */
export const LOOKS_PAGE_SIZE = 50;

/** One look as the extension keeps it. Every text is HeyGen's and is shown as text, never as Markdown. */
export interface AvatarLook {
  readonly id: string;
  /** HeyGen's name; the id when it gave none. */
  readonly name: string;
  readonly gender?: string;
  /** `studio_avatar`, `digital_twin`, `photo_avatar` (or what HeyGen answers). */
  readonly avatarType?: string;
  readonly groupId?: string;
  readonly previewImageUrl?: string;
  readonly previewVideoUrl?: string;
  readonly defaultVoiceId?: string;
  /** `supported_api_engines`: `avatar_v`, `avatar_iv`, `avatar_iii`; empty when HeyGen did not say. */
  readonly engines: readonly string[];
  /** Private looks: `processing`, `pending_consent`, `failed`, `completed`. */
  readonly status?: string;
}

export interface LooksPage {
  looks: AvatarLook[];
  hasMore: boolean;
  nextToken: string | undefined;
}

/** `consent_status` of a photo avatar's group: `pending` means HeyGen waits for the person's consent. */
export type ConsentStatus = 'pending' | 'approved' | undefined;

export interface CreatedPhotoAvatar {
  /** The new look (`avatar_item`): its id is the `avatar_id` to use; it trains before it renders. */
  look: AvatarLook;
  groupId: string;
  consent: ConsentStatus;
}

function text(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Engine lists repeat a handful of combinations: one frozen array per combination keeps 5,000 looks small. */
const engineLists = new Map<string, readonly string[]>();

export function sharedEngines(engines: readonly string[]): readonly string[] {
  const key = engines.join(',');
  let shared = engineLists.get(key);
  if (!shared) {
    shared = Object.freeze([...engines]);
    engineLists.set(key, shared);
  }
  return shared;
}

/** One entry of the looks' `data` (or a created `avatar_item`), or undefined when it has no id. */
export function parseLook(value: unknown): AvatarLook | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const id = text(raw, 'id') ?? text(raw, 'avatar_id');
  if (!id) {
    return undefined;
  }
  const engines = Array.isArray(raw.supported_api_engines) ? raw.supported_api_engines.filter((e): e is string => typeof e === 'string') : [];
  return {
    id,
    name: text(raw, 'name') ?? text(raw, 'avatar_name') ?? id,
    gender: text(raw, 'gender'),
    avatarType: text(raw, 'avatar_type'),
    groupId: text(raw, 'group_id') ?? text(raw, 'avatar_group_id'),
    previewImageUrl: text(raw, 'preview_image_url'),
    previewVideoUrl: text(raw, 'preview_video_url'),
    defaultVoiceId: text(raw, 'default_voice_id'),
    engines: sharedEngines(engines),
    status: text(raw, 'status'),
  };
}

/** A list's `has_more` without a `next_token` could never be followed: it ends the listing. */
function nextTokenOf(envelope: { has_more?: boolean; next_token?: string | null }): { hasMore: boolean; nextToken: string | undefined } {
  const nextToken = typeof envelope.next_token === 'string' && envelope.next_token ? envelope.next_token : undefined;
  return { hasMore: envelope.has_more === true && nextToken !== undefined, nextToken };
}

/** One page of the account's looks (`group_id` narrows it to one avatar's looks). Reads are retried. */
export async function listLooksPage(
  endpoint: V3Endpoint,
  options: { token?: string; groupId?: string; limit?: number; signal?: AbortSignal } = {},
): Promise<LooksPage> {
  const envelope = await v3RequestEnvelope<unknown>(endpoint, 'GET', '/v3/avatars/looks', {
    query: { limit: options.limit ?? LOOKS_PAGE_SIZE, token: options.token, group_id: options.groupId },
    signal: options.signal,
    retry: true,
  });
  if (!Array.isArray(envelope.data)) {
    throw new HeyGenError('protocol', l10n.t("HeyGen's list of avatars has no data (an array was expected)."));
  }
  const looks: AvatarLook[] = [];
  for (const entry of envelope.data) {
    const look = parseLook(entry);
    if (look) {
      looks.push(look);
    }
  }
  return { looks, ...nextTokenOf(envelope) };
}

/**
 * `POST /v3/avatars` with `type: "photo"` and an uploaded image's asset id. Not retried: a create that may have
 * happened must not be repeated blindly (HeyGen documents no Idempotency-Key for it).
 */
export async function createPhotoAvatar(endpoint: V3Endpoint, request: { name: string; assetId: string; groupId?: string }, signal?: AbortSignal): Promise<CreatedPhotoAvatar> {
  const envelope = await v3RequestEnvelope<unknown>(endpoint, 'POST', '/v3/avatars', {
    json: {
      type: 'photo',
      name: request.name,
      file: { type: 'asset_id', asset_id: request.assetId },
      ...(request.groupId ? { avatar_group_id: request.groupId } : {}),
    },
    signal,
  });
  const data = envelope.data as { avatar_item?: unknown; avatar_group?: Record<string, unknown> } | null;
  const look = parseLook(data?.avatar_item);
  const group = typeof data?.avatar_group === 'object' && data.avatar_group !== null ? data.avatar_group : {};
  const groupId = text(group, 'id') ?? look?.groupId;
  if (!look || !groupId) {
    throw new HeyGenError('protocol', l10n.t("HeyGen's answer about the new photo avatar has no avatar id."));
  }
  const consentStatus = text(group, 'consent_status');
  const consent: ConsentStatus =
    consentStatus === 'pending' || look.status === 'pending_consent' || text(group, 'status') === 'pending_consent' ? 'pending' : consentStatus === 'approved' ? 'approved' : undefined;
  return { look: { ...look, groupId }, groupId, consent };
}

/** `POST /v3/avatars/{group_id}/consent`: the page where the person gives HeyGen their consent. */
export async function requestConsent(endpoint: V3Endpoint, groupId: string, signal?: AbortSignal): Promise<string> {
  const envelope = await v3RequestEnvelope<unknown>(endpoint, 'POST', `/v3/avatars/${encodeURIComponent(groupId)}/consent`, { json: {}, signal });
  const url = typeof envelope.data === 'object' && envelope.data !== null ? text(envelope.data as Record<string, unknown>, 'url') : undefined;
  if (!url || !/^https?:\/\//i.test(url)) {
    throw new HeyGenError('protocol', l10n.t("HeyGen's answer about consent has no page to open."));
  }
  return url;
}
