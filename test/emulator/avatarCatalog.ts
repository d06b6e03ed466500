/**
 * The emulator's avatars (heygen-cli gen/avatar.go): groups (characters) holding looks, seeded deterministically with
 * `looks` looks (5,000 for the bench) in groups of three: group 1 is the account's photo avatars, every fifth a
 * private digital twin, the rest public studio avatars. Photo avatars made with `POST /v3/avatars` join it: they train
 * for `trainingMs` on the emulator's clock (no preview until then) and, when consent is required, wait for it first.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { seededId } from './paging';
import { previewUrl } from './previewMedia';
import type { VoiceCatalog } from './heygenVoices';

export const DEFAULT_LOOK_COUNT = 36;
export const DEFAULT_TRAINING_MS = 10_000;
export const AVATAR_TYPES = ['studio_avatar', 'digital_twin', 'photo_avatar'] as const;
export type AvatarType = (typeof AVATAR_TYPES)[number];
export type LookStatus = 'processing' | 'pending_consent' | 'failed' | 'completed';

export interface Group {
  id: string;
  name: string;
  gender: 'female' | 'male';
  avatarType: AvatarType;
  ownership: 'public' | 'private';
  defaultVoiceId: string;
  createdAt: number;
  /** Consent is needed before its looks render: `pending` until approved (absent when not required). */
  consent?: 'pending' | 'approved';
  /** Emulator clock (ms) when consent was approved: training starts then. */
  approvedAtMs?: number;
}

export interface Look {
  id: string;
  name: string;
  group: Group;
  /** Created through `POST /v3/avatars`: trains from `createdMs` (or from consent); seeded looks are ready. */
  createdMs?: number;
}

const STUDIO_NAMES = ['Abigail', 'Brandon', 'Chloe', 'Daniel', 'Emilia', 'Farid', 'Georgia', 'Hiro', 'Imani', 'Jonas', 'Kavya', 'Liam'];
const STYLES = ['Office Front', 'Casual Sofa', 'Studio Side', 'Outdoor Walk'];
const ENGINES: Record<AvatarType, readonly string[]> = {
  studio_avatar: ['avatar_iv', 'avatar_iii'],
  digital_twin: ['avatar_v', 'avatar_iv', 'avatar_iii'],
  photo_avatar: ['avatar_iv', 'avatar_iii'],
};
/** 2026-01-01, the seeded groups' newest creation time (unix s), so the catalogue is the same every run. */
const SEED_EPOCH = 1_767_225_600;

export class AvatarCatalog {
  groups: Group[] = [];
  looks: Look[] = [];
  /** `POST /v3/avatars` puts new photo avatars behind consent (see docs/emulator.md). */
  consentRequired = false;

  constructor(
    private readonly origin: () => string,
    private readonly voices: VoiceCatalog,
    private readonly clock: Clock,
    private lookCount = DEFAULT_LOOK_COUNT,
    public trainingMs = DEFAULT_TRAINING_MS,
  ) {
    this.seed();
  }

  seed(lookCount = this.lookCount): void {
    this.lookCount = lookCount;
    this.groups = [];
    this.looks = [];
    const groupCount = Math.ceil(lookCount / 3);
    for (let g = 1; g <= groupCount; g++) {
      const avatarType: AvatarType = g === 1 ? 'photo_avatar' : g % 5 === 0 ? 'digital_twin' : 'studio_avatar';
      const voice = this.voices.at(g);
      const group: Group = {
        id: seededId('group', g),
        name: g === 1 ? 'My Photo Avatars' : `${STUDIO_NAMES[g % STUDIO_NAMES.length]} ${String(g).padStart(4, '0')}`,
        gender: voice?.gender ?? (g % 2 === 1 ? 'female' : 'male'),
        avatarType,
        ownership: avatarType === 'studio_avatar' ? 'public' : 'private',
        defaultVoiceId: voice?.voice_id ?? '',
        createdAt: SEED_EPOCH - g * 86_400,
      };
      this.groups.push(group);
      for (let l = 1; l <= 3 && this.looks.length < lookCount; l++) {
        const n = this.looks.length + 1;
        const name = avatarType === 'photo_avatar' ? `Photo ${l}` : `${group.name} ${STYLES[(n + l) % STYLES.length]}`;
        this.looks.push({ id: seededId('look', n), name, group });
      }
    }
  }

  look(id: string): Look | undefined {
    return this.looks.find((l) => l.id === id);
  }

  group(id: string): Group | undefined {
    return this.groups.find((g) => g.id === id);
  }

  /** A new photo-avatar look (and a new group unless one is given); it starts training now, or after consent. */
  createPhotoLook(name: string, group?: Group): Look {
    let target = group;
    if (!target) {
      target = {
        id: randomBytes(16).toString('hex'),
        name,
        gender: 'female',
        avatarType: 'photo_avatar',
        ownership: 'private',
        defaultVoiceId: this.voices.at(1)?.voice_id ?? '',
        createdAt: this.clock.seconds(),
        consent: this.consentRequired ? 'pending' : undefined,
      };
      this.groups.unshift(target);
    }
    const look: Look = { id: randomBytes(16).toString('hex'), name, group: target, createdMs: this.clock.now() };
    this.looks.unshift(look);
    return look;
  }

  approveConsent(group: Group): void {
    if (group.consent === 'pending') {
      group.consent = 'approved';
      group.approvedAtMs = this.clock.now();
    }
  }

  status(look: Look): LookStatus {
    if (look.createdMs === undefined) {
      return 'completed';
    }
    if (look.group.consent === 'pending') {
      return 'pending_consent';
    }
    const startedMs = Math.max(look.createdMs, look.group.approvedAtMs ?? 0);
    return this.clock.now() - startedMs >= this.trainingMs ? 'completed' : 'processing';
  }

  looksOf(group: Group): Look[] {
    return this.looks.filter((l) => l.group === group);
  }

  /** A look as `GET /v3/avatars/looks` lists it: no preview until it is trained; `status` for private ones. */
  lookJson(look: Look): Record<string, unknown> {
    const { group } = look;
    const status = this.status(look);
    const ready = status === 'completed';
    const portrait = group.avatarType === 'photo_avatar';
    return {
      id: look.id,
      name: look.name,
      avatar_type: group.avatarType,
      group_id: group.id,
      gender: group.gender,
      preview_image_url: ready ? previewUrl(this.origin(), 'looks', look.id, 'png') : undefined,
      preview_video_url: ready ? previewUrl(this.origin(), 'looks', look.id, 'mp4') : undefined,
      default_voice_id: group.defaultVoiceId,
      supported_api_engines: ENGINES[group.avatarType],
      status: group.ownership === 'private' ? status : undefined,
      tags: [group.avatarType === 'studio_avatar' ? 'professional' : 'custom'],
      image_width: portrait ? 1080 : 1920,
      image_height: portrait ? 1350 : 1080,
      preferred_orientation: portrait ? 'portrait' : 'landscape',
    };
  }

  /** A group as `GET /v3/avatars` lists it. */
  groupJson(group: Group): Record<string, unknown> {
    const looks = this.looksOf(group);
    const statuses = looks.map((l) => this.status(l));
    const status = statuses.includes('pending_consent') ? 'pending_consent' : statuses.includes('processing') ? 'processing' : 'completed';
    const first = looks.find((l) => this.status(l) === 'completed');
    return {
      id: group.id,
      name: group.name,
      gender: group.gender,
      preview_image_url: first ? previewUrl(this.origin(), 'looks', first.id, 'png') : undefined,
      preview_video_url: first ? previewUrl(this.origin(), 'looks', first.id, 'mp4') : undefined,
      default_voice_id: group.defaultVoiceId,
      looks_count: looks.length,
      created_at: group.createdAt,
      status: group.ownership === 'private' ? status : undefined,
      consent_status: group.consent,
    };
  }
}
