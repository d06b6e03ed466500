// Filtering looks and voices by what is typed (completion, pickers, the agent tool): name or id, ranked, limited, with
// the gender, type and language filters; and the agent tool's input and answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionEntries, COMPLETION_LIMIT } from '../../../src/core/avatars/idCompletion';
import { searchLooks, searchVoices } from '../../../src/core/avatars/catalogSearch';
import { findAvatarsAndVoices, findAvatarsResultText, parseFindAvatarsInput } from '../../../src/core/avatars/findAvatarsAndVoices';
import type { AvatarLook } from '../../../src/core/heygen/avatarsApi';
import type { Voice } from '../../../src/core/heygen/voicesApi';

const looks: AvatarLook[] = [
  { id: 'aaaa0001', name: 'Daniel Office Front', gender: 'male', avatarType: 'studio_avatar', engines: ['avatar_iv'] },
  { id: 'bbbb0002', name: 'Chloe Casual Sofa', gender: 'female', avatarType: 'studio_avatar', engines: ['avatar_iv'] },
  { id: 'cccc0003', name: 'Photo 1', gender: 'female', avatarType: 'photo_avatar', engines: ['avatar_iv'], status: 'processing' },
  { id: 'dddd0004', name: 'Officer Dana', gender: 'female', avatarType: 'digital_twin', engines: ['avatar_v'] },
  { id: 'eeee0005', name: 'Backoffice clerk', gender: 'male', avatarType: 'studio_avatar', engines: ['avatar_iv'] },
];
const voices: Voice[] = [
  { id: 'v-ava', name: 'Ava 0001', language: 'English', gender: 'female', type: 'public' },
  { id: 'v-noah', name: 'Noah 0002', language: 'English (UK)', gender: 'male', type: 'public' },
  { id: 'v-lucia', name: 'Lucia 0003', language: 'Spanish', gender: 'female', type: 'private' },
];

void describe('searching the catalogue', () => {
  void it('matches every typed word in the name or id, name starts first, then word starts, then the rest', () => {
    assert.deepEqual(searchLooks(looks, 'office', 10).items.map((l) => l.name), ['Officer Dana', 'Daniel Office Front', 'Backoffice clerk']);
    assert.deepEqual(searchLooks(looks, 'OFFICE front', 10).items.map((l) => l.name), ['Daniel Office Front']);
    assert.deepEqual(searchLooks(looks, 'cccc', 10).items.map((l) => l.id), ['cccc0003'], 'by id');
    assert.deepEqual(searchLooks(looks, 'nobody', 10), { items: [], total: 0 });
    assert.deepEqual(searchLooks(looks, '', 2), { items: looks.slice(0, 2), total: 5 }, 'nothing typed: HeyGen\u2019s order, limited');
  });

  void it('filters looks by gender and type and voices by gender and language', () => {
    assert.deepEqual(searchLooks(looks, '', 10, { gender: 'FEMALE', avatarType: 'studio_avatar' }).items.map((l) => l.id), ['bbbb0002']);
    assert.deepEqual(searchVoices(voices, '', 10, { language: 'english' }).items.map((v) => v.id), ['v-ava', 'v-noah']);
    assert.deepEqual(searchVoices(voices, '', 10, { gender: 'female', language: 'spanish' }).items.map((v) => v.id), ['v-lucia']);
  });

  void it('completion: labels, details, photo avatars only in a talking photo, and an incomplete answer past the limit', () => {
    const catalog = { looks: () => looks, voices: () => voices, complete: true };
    const avatar = completionEntries(catalog, 'avatar', 'o', 2);
    assert.equal(avatar.total, 5);
    assert.equal(avatar.incomplete, true);
    assert.deepEqual(avatar.entries.map((e) => [e.label, e.detail]), [['Officer Dana', 'Female · Digital twin'], ['Daniel Office Front', 'Male · Studio avatar']]);
    assert.deepEqual(completionEntries(catalog, 'talkingPhoto', '', 10).entries.map((e) => [e.id, e.detail]), [['cccc0003', 'Female · Photo avatar · training']]);
    const voice = completionEntries(catalog, 'voice', 'lu', 10);
    assert.deepEqual(voice.entries.map((e) => [e.id, e.detail, e.filterText]), [['v-lucia', 'Female · Spanish · your voice', 'Lucia 0003 v-lucia']]);
    assert.equal(voice.incomplete, false);
    assert.equal(completionEntries({ ...catalog, complete: false }, 'voice', 'lu').incomplete, true, 'a listing still arriving');
    assert.ok(COMPLETION_LIMIT >= 100);
  });
});

void describe('heygen_find_avatars_and_voices', () => {
  void it('refuses a bad input with a sentence, and fills in the defaults', () => {
    assert.deepEqual(parseFindAvatarsInput({}), { valid: true, value: { query: '', kind: undefined, gender: undefined, language: undefined, limit: 20 } });
    assert.equal(parseFindAvatarsInput({ kind: 'look' }).valid, false);
    assert.equal(parseFindAvatarsInput({ limit: 0 }).valid, false);
    assert.equal(parseFindAvatarsInput({ query: 7 }).valid, false);
  });

  void it('returns ids with the facts a payload needs, as lines and as JSON', () => {
    const parsed = parseFindAvatarsInput({ query: 'a', gender: 'female', language: 'spanish', limit: 5 });
    assert.ok(parsed.valid);
    const result = findAvatarsAndVoices({ looks: () => looks, voices: () => voices }, parsed.value);
    assert.deepEqual(result.avatars?.items.map((a) => a.avatarId), ['bbbb0002', 'dddd0004']);
    assert.deepEqual(result.voices?.items.map((v) => v.voiceId), ['v-lucia']);
    const text = findAvatarsResultText(result, { complete: false });
    assert.match(text, /still loading/);
    assert.match(text, /- Lucia 0003: v-lucia \(female, Spanish, private\)/);
    const json = JSON.parse(/```json\n([\s\S]*)\n```/.exec(text)![1]) as typeof result;
    assert.deepEqual(json.avatars?.items[1].supportedEngines, ['avatar_v']);
    const onlyVoices = findAvatarsAndVoices({ looks: () => looks, voices: () => voices }, { query: '', kind: 'voice', limit: 1 });
    assert.equal(onlyVoices.avatars, undefined);
    assert.deepEqual(onlyVoices.voices, { total: 3, items: [{ voiceId: 'v-ava', name: 'Ava 0001', language: 'English', gender: 'female', type: 'public', previewAudioUrl: undefined }] });
  });
});
