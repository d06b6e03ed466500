import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as vm from 'node:vm';
import type { ReferenceMode, SnippetAsset, SnippetEntry, SnippetRole } from '../../../src/core/payload/buildSnippet';
import { buildV3BodySnippet, v3BodyFor, type V3BodyShape } from '../../../src/core/payload/v3Body';
import { detectBody } from '../../../src/core/payload/payloadShape';
import { evalJs, evalPythonBatch, PYTHON_MISSING } from '../support/literalEval';
import { resolveSnippet } from '../support/snippetResolver';

const IMAGE: SnippetAsset = { id: 'img-1', url: 'https://resource.heygen.ai/i/"bg"$}.png', fileType: 'image' };
const AUDIO: SnippetAsset = { id: 'aud-1', url: 'https://resource.heygen.ai/a/voice.mp3', fileType: 'audio' };
const NO_DEFAULTS = { avatarId: '', voiceId: '' };
const TWO = { insertSpaces: true, tabSize: 2 };

/**
 * What `POST /v3/videos` takes for the two types new bodies use (HeyGen's CLI schema, gen/video.go): the fields a
 * body may have, those it must have, and the pairs it must not have together.
 */
const V3_FIELDS = {
  common: ['type', 'script', 'voice_id', 'audio_url', 'audio_asset_id', 'background', 'title', 'resolution', 'aspect_ratio', 'caption', 'callback_url', 'callback_id'],
  avatar: ['avatar_id'],
  image: ['image'],
};

function assertValidV3(body: Record<string, unknown>, what: string): void {
  const type = body.type as 'avatar' | 'image';
  assert.ok(type === 'avatar' || type === 'image', what);
  for (const key of Object.keys(body)) {
    assert.ok(V3_FIELDS.common.includes(key) || V3_FIELDS[type].includes(key), `${what}: ${key} is no field of a v3 ${type} body`);
  }
  assert.ok(V3_FIELDS[type].every((k) => k in body), `${what}: a ${type} body needs ${V3_FIELDS[type].join(', ')}`);
  const speech = ['script', 'audio_url', 'audio_asset_id'].filter((k) => k in body);
  assert.equal(speech.length, 1, `${what}: one of script, audio_url and audio_asset_id`);
  if ('script' in body) {
    assert.ok('voice_id' in body, `${what}: a script with its voice`);
  }
  if (body.background !== undefined) {
    const background = body.background as Record<string, unknown>;
    assert.equal(background.type, 'image', what);
    assert.equal(Object.keys(background).length, 2, `${what}: type and one of url, asset_id`);
    assert.ok('url' in background || 'asset_id' in background, what);
  }
  if (body.image !== undefined) {
    const image = body.image as Record<string, unknown>;
    assert.ok(image.type === 'asset_id' ? typeof image.asset_id === 'string' : image.type === 'url' && typeof image.url === 'string', what);
  }
}

const entry = (role: SnippetRole, asset: SnippetAsset): SnippetEntry => ({ role, asset });

void describe('a new v3 body', () => {
  void it('for each role: the asset in its v3 place, by asset id by default (auto)', () => {
    const plain = (entries: SnippetEntry[], reference?: ReferenceMode): unknown => {
      const text = buildV3BodySnippet({ entries, languageId: 'json', shape: 'body', indent: TWO, defaults: NO_DEFAULTS, reference }).text;
      return JSON.parse(resolveSnippet(text).text);
    };
    const script = 'Hello! This is my HeyGen video.';
    assert.deepEqual(plain([entry('background', IMAGE)]), {
      type: 'avatar',
      avatar_id: 'avatar_id',
      script,
      voice_id: 'voice_id',
      background: { type: 'image', asset_id: 'img-1' },
    });
    assert.deepEqual(plain([entry('talkingPhoto', IMAGE)]), { type: 'image', image: { type: 'asset_id', asset_id: 'img-1' }, script, voice_id: 'voice_id' });
    assert.deepEqual(plain([entry('audio', AUDIO)]), { type: 'avatar', avatar_id: 'avatar_id', audio_asset_id: 'aud-1' });
    assert.deepEqual(plain([entry('audio', AUDIO)], 'url'), { type: 'avatar', avatar_id: 'avatar_id', audio_url: AUDIO.url });
    assert.deepEqual(plain([entry('background', IMAGE)], 'url'), {
      type: 'avatar',
      avatar_id: 'avatar_id',
      script,
      voice_id: 'voice_id',
      background: { type: 'image', url: IMAGE.url },
    });
  });

  void it('several assets: one per place, the rest counted out', () => {
    const { body, used } = v3BodyFor([entry('background', IMAGE), entry('audio', AUDIO), entry('background', { ...IMAGE, id: 'img-2' })], { avatarId: 'av', voiceId: 'vo' });
    assert.equal(used, 2);
    assert.deepEqual(Object.keys(body), ['type', 'avatar_id', 'audio_asset_id', 'background']);
  });

  void it('the settings fill the avatar and voice; placeholders are tabstops 1, 2, 3 otherwise', () => {
    const text = buildV3BodySnippet({ entries: [entry('background', IMAGE)], languageId: 'json', shape: 'body', indent: TWO, defaults: { avatarId: 'Abigail_expressive_2024112501', voiceId: '' } }).text;
    const resolved = resolveSnippet(text);
    assert.deepEqual([...resolved.placeholders.keys()].filter((k) => k > 0), [1, 2, 3]);
    assert.equal((JSON.parse(resolved.text) as Record<string, unknown>).avatar_id, 'Abigail_expressive_2024112501');
    assert.equal(resolved.finalTabstops, 1);
  });

  void it('is a complete, valid v3 body in every syntax and shape, read back by each language', { skip: PYTHON_MISSING }, () => {
    const combos: Array<[SnippetEntry[], ReferenceMode]> = [
      [[entry('background', IMAGE)], 'auto'],
      [[entry('talkingPhoto', IMAGE)], 'auto'],
      [[entry('audio', AUDIO)], 'auto'],
      [[entry('background', IMAGE), entry('audio', AUDIO)], 'url'],
      [[entry('talkingPhoto', IMAGE), entry('background', IMAGE)], 'assetId'],
    ];
    const python: Array<[string, string]> = [];
    for (const [entries, reference] of combos) {
      for (const shape of ['body', 'declaration', 'members'] as V3BodyShape[]) {
        for (const languageId of ['json', 'jsonc', 'typescript', 'javascript', 'python']) {
          if (shape === 'declaration' && languageId.startsWith('json')) {
            continue;
          }
          for (const plainText of [false, true]) {
            const built = buildV3BodySnippet({ entries, languageId, shape, indent: { insertSpaces: false, tabSize: 4 }, defaults: NO_DEFAULTS, reference, plainText, baseIndent: '  ' });
            const text = plainText ? built.text : resolveSnippet(built.text).text;
            const what = `${languageId} ${shape} ${reference}${plainText ? ' plain' : ''}:\n${text}`;
            const source = shape === 'members' ? `{\n${text}\n}` : text;
            assert.equal(detectBody(source, languageId).kind, 'v3', what);
            if (languageId === 'python') {
              python.push([source.replace(/^payload = /, ''), what]);
            } else if (shape === 'declaration') {
              const context = vm.createContext({});
              vm.runInContext(`${source}\nglobalThis.result = payload;`, context);
              assertValidV3(JSON.parse(JSON.stringify(context.result)) as Record<string, unknown>, what);
            } else {
              assertValidV3((languageId.startsWith('json') ? JSON.parse(source) : evalJs(source)) as Record<string, unknown>, what);
            }
          }
        }
      }
    }
    const values = evalPythonBatch(python.map(([source]) => source));
    values.forEach((value, i) => assertValidV3(value as Record<string, unknown>, python[i][1]));
  });
});
