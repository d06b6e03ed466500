/**
 * What completion offers inside an avatar, talking-photo or voice id: the account's looks (photo avatars only for a
 * v2 `talking_photo_id`) or voices matching what is typed, the name as label and gender, type or language as detail,
 * inserting the id. At most COMPLETION_LIMIT entries: the editor asks again as the person types (the answer says it
 * is incomplete), so the best matches of 5,000 looks are always a keystroke away.
 */
import type { AvatarLook } from '../heygen/avatarsApi';
import type { Voice } from '../heygen/voicesApi';
import type { CatalogView } from './avatarCatalog';
import { lookDetail, voiceDetail } from './catalogLabels';
import { searchLooks, searchVoices, type SearchResult } from './catalogSearch';
import type { IdFieldKind } from './idFields';

export const COMPLETION_LIMIT = 300;

export interface CompletionEntry {
  id: string;
  label: string;
  detail: string;
  /** What the editor filters on: the name and the id, so typing either finds it. */
  filterText: string;
  /** Keeps the ranking of the search (the editor sorts by this, then by label). */
  sortText: string;
  look?: AvatarLook;
  voice?: Voice;
}

export interface CompletionAnswer {
  entries: CompletionEntry[];
  /** More would match than are listed, or the lists are still arriving: ask again as the person types. */
  incomplete: boolean;
  /** How many matched in all. */
  total: number;
}

export function completionEntries(catalog: Pick<CatalogView, 'looks' | 'voices' | 'complete'>, kind: IdFieldKind, typed: string, limit = COMPLETION_LIMIT): CompletionAnswer {
  const sortText = (i: number): string => String(i).padStart(5, '0');
  let found: SearchResult<AvatarLook> | SearchResult<Voice>;
  let entries: CompletionEntry[];
  if (kind === 'voice') {
    const voices = searchVoices(catalog.voices(), typed, limit);
    found = voices;
    entries = voices.items.map((voice, i) => ({ id: voice.id, label: voice.name, detail: voiceDetail(voice), filterText: `${voice.name} ${voice.id}`, sortText: sortText(i), voice }));
  } else {
    const looks = searchLooks(catalog.looks(), typed, limit, kind === 'talkingPhoto' ? { avatarType: 'photo_avatar' } : {});
    found = looks;
    entries = looks.items.map((look, i) => ({ id: look.id, label: look.name, detail: lookDetail(look), filterText: `${look.name} ${look.id}`, sortText: sortText(i), look }));
  }
  return { entries, incomplete: found.total > found.items.length || !catalog.complete, total: found.total };
}
