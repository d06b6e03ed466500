/**
 * How a look or a voice is described in one line (completion details, picker descriptions, the agent tool): HeyGen's
 * gender, type and language words in the person's language where the extension knows them, else as HeyGen wrote them.
 */
import * as l10n from '@vscode/l10n';
import type { AvatarLook } from '../heygen/avatarsApi';
import type { Voice } from '../heygen/voicesApi';

export function genderLabel(gender: string | undefined): string | undefined {
  switch (gender?.toLowerCase()) {
    case undefined:
      return undefined;
    case 'female':
      return l10n.t('Female');
    case 'male':
      return l10n.t('Male');
    default:
      return gender;
  }
}

export function avatarTypeLabel(type: string | undefined): string | undefined {
  switch (type) {
    case undefined:
      return undefined;
    case 'studio_avatar':
      return l10n.t('Studio avatar');
    case 'digital_twin':
      return l10n.t('Digital twin');
    case 'photo_avatar':
      return l10n.t('Photo avatar');
    default:
      return type;
  }
}

/** A private look that cannot be used yet says why; a ready one says nothing. */
export function lookStatusLabel(status: string | undefined): string | undefined {
  switch (status) {
    case 'processing':
    case 'pending':
      return l10n.t('training');
    case 'pending_consent':
      return l10n.t('waiting for consent');
    case 'failed':
      return l10n.t('training failed');
    default:
      return undefined;
  }
}

/** "Female · Photo avatar", "Male · Studio avatar · training". */
export function lookDetail(look: AvatarLook): string {
  return [genderLabel(look.gender), avatarTypeLabel(look.avatarType), lookStatusLabel(look.status)].filter((part) => part !== undefined).join(' · ');
}

/** "Female · English", "Male · Spanish · your voice". */
export function voiceDetail(voice: Voice): string {
  return [genderLabel(voice.gender), voice.language, voice.type === 'private' ? l10n.t('your voice') : undefined].filter((part) => part !== undefined).join(' · ');
}

/** A look is usable in a video once HeyGen has trained it. */
export function lookReady(look: AvatarLook): boolean {
  return lookStatusLabel(look.status) === undefined;
}
