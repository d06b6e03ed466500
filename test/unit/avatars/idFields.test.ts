// Which strings of a payload name an avatar look, a talking photo or a voice (v3 bodies, v2 items; JSON, JS, Python),
// where Insert Avatar…/Insert Voice… put an id, and the Problems of those ids.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findIdFields, idFieldAt } from '../../../src/core/avatars/idFields';
import { planIdInsertion } from '../../../src/core/avatars/idInsertion';
import { idProblems } from '../../../src/core/avatars/idProblems';
import type { AvatarLook } from '../../../src/core/heygen/avatarsApi';
import type { Voice } from '../../../src/core/heygen/voicesApi';

const V3 = `{
  // a comment with "avatar_id": "not-a-field"
  "type": "avatar",
  "avatar_id": "look-1",
  "voice_id": "voice-1",
  "script": "Hello",
  "engine": { "type": "avatar_v" },
  "background": { "type": "image", "avatar_id": "nested-is-not-a-field" }
}`;

const V2 = `{
  "video_inputs": [
    { "character": { "type": "avatar", "avatar_id": "look-2" }, "voice": { "type": "text", "voice_id": "voice-2", "input_text": "Hi" } },
    { "character": { "type": "talking_photo", "talking_photo_id": "asset-3" }, "voice": { "type": "silence" } }
  ],
  "voice_id": "top-level-of-v2-is-not-a-field"
}`;

function apply(text: string, edit: { start: number; end: number; text: string } | undefined): string {
  assert.ok(edit, 'an edit is planned');
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

void describe('avatar and voice id fields', () => {
  void it('finds a v3 body\u2019s avatar_id, voice_id and engine.type, and nothing in comments or nested objects', () => {
    const fields = findIdFields(V3, 'jsonc');
    assert.deepEqual(
      fields.map((f) => [f.kind, f.version, f.path, f.value]),
      [
        ['avatar', 'v3', 'avatar_id', 'look-1'],
        ['voice', 'v3', 'voice_id', 'voice-1'],
      ],
    );
    assert.equal(fields[0].engine?.value, 'avatar_v');
    assert.equal(V3.slice(fields[0].contentStart, fields[0].contentEnd), 'look-1');
    assert.equal(idFieldAt(fields, V3.indexOf('voice-1') + 2)?.key, 'voice_id');
    assert.equal(idFieldAt(fields, V3.indexOf('Hello')), undefined);
  });

  void it('finds a v2 item\u2019s character.avatar_id, character.talking_photo_id and voice.voice_id', () => {
    assert.deepEqual(
      findIdFields(V2, 'json').map((f) => [f.kind, f.version, f.path, f.value]),
      [
        ['avatar', 'v2', 'character.avatar_id', 'look-2'],
        ['voice', 'v2', 'voice.voice_id', 'voice-2'],
        ['talkingPhoto', 'v2', 'character.talking_photo_id', 'asset-3'],
      ],
    );
  });

  void it('reads JavaScript and Python bodies, an empty string being typed, and cinematic avatars\u2019 lists', () => {
    const js = "const body = { type: 'avatar', avatar_id: '', voice_id: `v-9` };";
    const jsFields = findIdFields(js, 'typescript');
    assert.deepEqual(jsFields.map((f) => [f.key, f.value, f.quote]), [['avatar_id', '', "'"], ['voice_id', 'v-9', '`']]);
    assert.equal(idFieldAt(jsFields, js.indexOf("''") + 1)?.key, 'avatar_id', 'the cursor between empty quotes');
    const py = 'body = dict(type="avatar", avatar_id="look-7", voice_id=\'voice-7\')';
    assert.deepEqual(findIdFields(py, 'python').map((f) => [f.key, f.value]), [['avatar_id', 'look-7'], ['voice_id', 'voice-7']]);
    const cinematic = '{"type": "cinematic_avatar", "prompt": "walk", "avatar_id": ["look-a", "look-b"]}';
    assert.deepEqual(findIdFields(cinematic, 'json').map((f) => f.value), ['look-a', 'look-b']);
    const image = '{"type": "image", "image": {"type": "asset_id", "asset_id": "a"}, "avatar_id": "x", "voice_id": "v"}';
    assert.deepEqual(findIdFields(image, 'json').map((f) => f.key), ['voice_id'], 'an image video has no avatar');
    assert.deepEqual(findIdFields('{"avatar_id": "look-1", "voice_id": "v"}', 'json'), [], 'not a payload body');
  });
});

void describe('inserting an id', () => {
  void it('fills the field under the cursor, or the body\u2019s own field, or writes the whole field at the cursor', () => {
    const into = planIdInsertion(V3, V3.indexOf('look-1') + 2, 'jsonc', 'avatar', 'new-look');
    assert.equal(into?.wholeField, false);
    assert.match(apply(V3, into), /"avatar_id": "new-look"/);

    const elsewhere = planIdInsertion(V3, V3.indexOf('"script"'), 'jsonc', 'voice', 'new-voice');
    assert.equal(elsewhere?.wholeField, false, 'the body has a voice_id: no second key');
    assert.match(apply(V3, elsewhere), /"voice_id": "new-voice"/);

    const body = '{\n  "type": "avatar",\n  \n  "script": "Hi"\n}';
    const cursor = body.indexOf('\n  \n') + 3;
    const whole = planIdInsertion(body, cursor, 'json', 'avatar', 'look-9');
    assert.equal(whole?.wholeField, true);
    const written = apply(body, whole);
    assert.deepEqual(JSON.parse(written), { type: 'avatar', avatar_id: 'look-9', script: 'Hi' });

    const js = "x = { type: 'avatar' }";
    const atEnd = planIdInsertion(js, js.indexOf(' }'), 'javascript', 'voice', "it's");
    assert.equal(apply(js, atEnd), "x = { type: 'avatar', voice_id: \"it's\" }");

    const talking = planIdInsertion(V2, V2.indexOf('asset-3'), 'json', 'avatar', 'photo-look');
    assert.match(apply(V2, talking), /"talking_photo_id": "photo-look"/, 'a photo avatar goes into talking_photo_id');
  });

  void it('with the cursor outside every object (a file just opened), fills the one field or body, never breaks the file', () => {
    const opened = '{\n  "type": "avatar",\n  "avatar_id": "",\n  "voice_id": "",\n  "script": "Hi"\n}\n';
    for (const cursor of [0, opened.length]) {
      const look = apply(opened, planIdInsertion(opened, cursor, 'json', 'avatar', 'look-1'));
      const both = apply(look, planIdInsertion(look, cursor === 0 ? 0 : look.length, 'json', 'voice', 'voice-1'));
      assert.deepEqual(JSON.parse(both), { type: 'avatar', avatar_id: 'look-1', voice_id: 'voice-1', script: 'Hi' }, `cursor at ${cursor}`);
    }
    const bare = '\n{"type": "avatar", "script": "Hi"}\n';
    assert.deepEqual(JSON.parse(apply(bare, planIdInsertion(bare, 0, 'json', 'voice', 'voice-2'))), { voice_id: 'voice-2', type: 'avatar', script: 'Hi' });
    const two = '[{"type": "avatar", "avatar_id": ""}, {"type": "avatar", "avatar_id": ""}]';
    assert.equal(planIdInsertion(two, 0, 'json', 'avatar', 'look-3'), undefined, 'two bodies: which one is the person\u2019s to say');
  });
});

void describe('problems of avatar and voice ids', () => {
  const look: AvatarLook = { id: 'look-1', name: 'Abigail <b>Office</b>', engines: ['avatar_iv', 'avatar_iii'] };
  const voice: Voice = { id: 'voice-1', name: 'Ava', type: 'public' };
  const catalog = (complete: boolean) => ({
    complete,
    look: (id: string) => (id === look.id ? look : undefined),
    voice: (id: string) => (id === voice.id ? voice : undefined),
  });

  void it('names the engines a look supports when engine.type is another, whether or not the listing is complete', () => {
    for (const complete of [false, true]) {
      const problems = idProblems(findIdFields(V3, 'jsonc'), catalog(complete));
      assert.deepEqual(problems.map((p) => p.code), ['unsupportedEngine']);
      assert.equal(problems[0].message, 'The avatar "Abigail <b>Office</b>" does not support the engine avatar_v; it supports avatar_iv, avatar_iii.');
      assert.equal(V3.slice(problems[0].start, problems[0].end), '"avatar_v"');
    }
  });

  void it('reports unknown ids only after a complete listing, and never an empty one', () => {
    const text = '{"type": "avatar", "avatar_id": "gone-look", "voice_id": "gone-voice"}';
    assert.deepEqual(idProblems(findIdFields(text, 'json'), catalog(false)), [], 'a partial listing proves nothing');
    const problems = idProblems(findIdFields(text, 'json'), catalog(true));
    assert.deepEqual(problems.map((p) => p.code), ['unknownAvatar', 'unknownVoice']);
    assert.match(problems[0].message, /no avatar look with the id "gone-look"/);
    assert.deepEqual(idProblems(findIdFields('{"type": "avatar", "avatar_id": "", "voice_id": " "}', 'json'), catalog(true)), []);
    assert.deepEqual(idProblems(findIdFields(V2, 'json'), catalog(true)).map((p) => p.code), ['unknownAvatar', 'unknownVoice'], 'a talking photo id may be an asset: not checked');
  });
});
