import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingRequirement, summarizeBody } from '../../../src/core/videos/bodyRequirements';

const avatar = { type: 'avatar', avatar_id: 'look_1', script: 'Hello there', voice_id: 'voice_1' };
const image = { type: 'image', image: { type: 'asset_id', asset_id: 'a1' }, script: 'Hi', voice_id: 'voice_1' };
const scene = {
  character: { type: 'avatar', avatar_id: 'look_1' },
  voice: { type: 'text', voice_id: 'voice_1', input_text: 'Hello' },
  background: { type: 'image', url: 'https://example.test/bg.png' },
};

void describe('required fields per body type', () => {
  void it('accepts complete bodies of every type', () => {
    assert.equal(missingRequirement('v3', avatar), undefined);
    // An avatar reads a script with its own default voice: voice_id is optional there.
    assert.equal(missingRequirement('v3', { type: 'avatar', avatar_id: 'look_1', script: 'Hi' }), undefined);
    assert.equal(missingRequirement('v3', { type: 'avatar', avatar_id: 'look_1', audio_asset_id: 'aud' }), undefined);
    assert.equal(missingRequirement('v3', image), undefined);
    // HeyGen's n8n node writes the image at the top level; both spellings are read.
    assert.equal(missingRequirement('v3', { type: 'image', image_asset_id: 'a1', audio_url: 'https://x/a.mp3' }), undefined);
    assert.equal(missingRequirement('v3', { type: 'cinematic_avatar', prompt: 'walks in', avatar_id: ['l1', 'l2'] }), undefined);
    assert.equal(missingRequirement('v3', { type: 'studio', scenes: [{ type: 'image' }] }), undefined);
    assert.equal(missingRequirement('v2', { video_inputs: [scene] }), undefined);
    assert.equal(missingRequirement('v2', { video_inputs: [{ ...scene, character: { type: 'talking_photo', talking_photo_id: 'tp' }, voice: { type: 'silence' } }] }), undefined);
  });

  void it('names the first missing field of each type', () => {
    const cases: Array<[Parameters<typeof missingRequirement>[0], unknown, RegExp]> = [
      ['v3', { avatar_id: 'x' }, /needs a type/],
      ['v3', { type: 'avatar', script: 'Hi' }, /The avatar video needs avatar_id\./],
      ['v3', { type: 'avatar', avatar_id: '  ' }, /The avatar video needs avatar_id\./],
      ['v3', { type: 'avatar', avatar_id: 'l' }, /The avatar video needs a script, audio_url or audio_asset_id\./],
      ['v3', { type: 'image', script: 'Hi', voice_id: 'v' }, /The image video needs an image \(image\.url or image\.asset_id\)\./],
      ['v3', { type: 'image', image: { type: 'url', url: '' }, script: 'Hi', voice_id: 'v' }, /needs an image/],
      // An image has no voice of its own.
      ['v3', { ...image, voice_id: undefined }, /The image video needs voice_id to read the script\./],
      ['v3', { type: 'image', image: { type: 'asset_id', asset_id: 'a' } }, /needs a script with voice_id, audio_url or audio_asset_id/],
      ['v3', { type: 'cinematic_avatar', avatar_id: ['l'] }, /The cinematic_avatar video needs prompt\./],
      ['v3', { type: 'cinematic_avatar', prompt: 'p', avatar_id: ['a', 'b', 'c', 'd'] }, /one to three look ids/],
      ['v3', { type: 'studio', scenes: [] }, /The studio video needs scenes/],
      ['v3', { type: 'movie' }, /no "movie" video type/],
      ['v2', { title: 'x' }, /video_inputs with at least one scene/],
      ['v2', { video_inputs: [{ ...scene, character: { type: 'avatar' } }] }, /video_inputs\[0\]\.character\.avatar_id/],
      ['v2', { video_inputs: [scene, { ...scene, voice: { type: 'text', voice_id: 'v' } }] }, /video_inputs\[1\]\.voice\.input_text/],
      ['v2', { video_inputs: [{ ...scene, voice: { type: 'audio' } }] }, /video_inputs\[0\]\.voice\.audio_url/],
      ['v2', { video_inputs: [{ ...scene, character: { type: 'talking_photo' } }] }, /character\.talking_photo_id/],
      ['v2', { video_inputs: Array.from({ length: 51 }, () => scene) }, /51 scenes; HeyGen takes at most 50/],
      ['v3', [avatar], /not an object/],
    ];
    for (const [api, body, expected] of cases) {
      assert.match(missingRequirement(api, body) ?? '(nothing missing)', expected, JSON.stringify(body).slice(0, 120));
    }
  });

  void it('summarizes the title and type for the confirmation', () => {
    assert.deepEqual(summarizeBody('v3', { ...avatar, title: ' Launch ' }), { api: 'v3', title: 'Launch', type: 'avatar' });
    assert.deepEqual(summarizeBody('v2', { video_inputs: [scene, scene] }), { api: 'v2', title: undefined, type: 'video_inputs', scenes: 2 });
  });
});
