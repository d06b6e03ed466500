import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  buildSnippet,
  dialectForLanguage,
  type SnippetAsset,
  type SnippetDefaults,
  type SnippetDialect,
  type SnippetRole,
  type SnippetShape,
} from '../../../src/core/payload/buildSnippet';
import {
  propertyKeyFor,
  propertyValueFor,
  Tabstop,
  videoInputItem,
  type FragmentValue,
} from '../../../src/core/payload/fragmentValues';
import { renderValue } from '../../../src/core/payload/fragmentText';
import { evalJs, evalPythonBatch, nastyString, PYTHON_MISSING } from '../support/literalEval';
import { resolveSnippet } from '../support/snippetResolver';

const TWO_SPACES = { insertSpaces: true, tabSize: 2 };
const NO_DEFAULTS: SnippetDefaults = { avatarId: '', voiceId: '' };
const IMAGE: SnippetAsset = { id: 'asset-1', url: 'https://resource.heygen.ai/image/bg.png', fileType: 'image' };
const VIDEO: SnippetAsset = { id: 'asset-2', url: 'https://resource.heygen.ai/video/bg.mp4', fileType: 'video' };
const AUDIO: SnippetAsset = { id: 'asset-3', url: 'https://resource.heygen.ai/audio/voice.mp3', fileType: 'audio' };
const ROLES: SnippetRole[] = ['background', 'talkingPhoto', 'audio'];
const SHAPES: SnippetShape[] = ['item', 'property', 'value', 'list'];
const LANGUAGE_OF: Record<SnippetDialect, string> = { json: 'json', javascript: 'typescript', python: 'python' };

/** The plain data a fragment stands for, with tabstops replaced by their defaults. */
function plain(value: FragmentValue): unknown {
  if (value instanceof Tabstop) {
    return value.placeholder;
  }
  if (Array.isArray(value)) {
    return value.map(plain);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function expectedFor(role: SnippetRole, asset: SnippetAsset, shape: SnippetShape, defaults: SnippetDefaults): unknown {
  switch (shape) {
    case 'item':
      return plain(videoInputItem(role, asset, defaults));
    case 'property':
      return { [propertyKeyFor(role)]: plain(propertyValueFor(role, asset)) };
    case 'value':
      return plain(propertyValueFor(role, asset));
    case 'list':
      return { video_inputs: [plain(videoInputItem(role, asset, defaults))] };
  }
}

/** Text that is a complete expression in every dialect: a property alone is wrapped in braces. */
function asExpression(text: string, shape: SnippetShape): string {
  return shape === 'property' || shape === 'list' ? `{${text}}` : text;
}

void describe('snippet fragments', () => {
  void it('maps languages to the literal syntax people expect', () => {
    assert.equal(dialectForLanguage('json'), 'json');
    assert.equal(dialectForLanguage('jsonc'), 'json');
    assert.equal(dialectForLanguage('typescriptreact'), 'javascript');
    assert.equal(dialectForLanguage('javascript'), 'javascript');
    assert.equal(dialectForLanguage('python'), 'python');
    assert.equal(dialectForLanguage('plaintext'), 'json');
    assert.equal(dialectForLanguage('markdown'), 'json');
  });

  void it('writes a background item in JSON with tabstops on what is still to fill', () => {
    const snippet = buildSnippet({
      role: 'background',
      asset: IMAGE,
      languageId: 'json',
      shape: 'item',
      indent: TWO_SPACES,
      defaults: { avatarId: 'josh_lite3_20230714', voiceId: '' },
    });
    assert.equal(
      snippet,
      [
        '{',
        '  "character": {',
        '    "type": "avatar",',
        '    "avatar_id": "${1:josh_lite3_20230714}",',
        '    "avatar_style": "normal"',
        '  },',
        '  "voice": {',
        '    "type": "text",',
        '    "input_text": "${2:Hello! This is my HeyGen video.}",',
        '    "voice_id": "${3:voice_id}"',
        '  },',
        '  "background": {',
        '    "type": "image",',
        '    "url": "https://resource.heygen.ai/image/bg.png"',
        '  }',
        '}$0',
      ].join('\n'),
    );
  });

  void it('uses video backgrounds for videos, talking_photo_id for photos and audio_url for audio', () => {
    const value = (role: SnippetRole, asset: SnippetAsset): unknown =>
      JSON.parse(resolveSnippet(buildSnippet({ role, asset, languageId: 'json', shape: 'value', indent: TWO_SPACES, defaults: NO_DEFAULTS })).text);
    assert.deepEqual(value('background', VIDEO), { type: 'video', url: VIDEO.url });
    assert.deepEqual(value('background', IMAGE), { type: 'image', url: IMAGE.url });
    assert.deepEqual(value('talkingPhoto', IMAGE), { type: 'talking_photo', talking_photo_id: IMAGE.id });
    assert.deepEqual(value('audio', AUDIO), { type: 'audio', audio_url: AUDIO.url });
  });

  void it('gives a talking photo item a text voice and an audio item an avatar', () => {
    const talking = JSON.parse(
      resolveSnippet(buildSnippet({ role: 'talkingPhoto', asset: IMAGE, languageId: 'json', shape: 'item', indent: TWO_SPACES, defaults: { avatarId: '', voiceId: 'v-9' } })).text,
    ) as Record<string, Record<string, string>>;
    assert.deepEqual(talking.character, { type: 'talking_photo', talking_photo_id: 'asset-1' });
    assert.equal(talking.voice.type, 'text');
    assert.equal(talking.voice.voice_id, 'v-9');
    assert.equal(talking.background, undefined);
    const audio = JSON.parse(
      resolveSnippet(buildSnippet({ role: 'audio', asset: AUDIO, languageId: 'json', shape: 'item', indent: TWO_SPACES, defaults: { avatarId: 'av', voiceId: '' } })).text,
    ) as Record<string, Record<string, string>>;
    assert.deepEqual(audio.character, { type: 'avatar', avatar_id: 'av', avatar_style: 'normal' });
    assert.deepEqual(audio.voice, { type: 'audio', audio_url: AUDIO.url });
  });

  void it('numbers tabstops in reading order and ends with one final tabstop', () => {
    const resolved = resolveSnippet(buildSnippet({ role: 'background', asset: IMAGE, languageId: 'python', shape: 'item', indent: TWO_SPACES, defaults: NO_DEFAULTS }));
    assert.deepEqual([...resolved.placeholders.keys()], [1, 2, 3, 0]);
    assert.equal(resolved.finalTabstops, 1);
    const property = resolveSnippet(buildSnippet({ role: 'audio', asset: AUDIO, languageId: 'json', shape: 'property', indent: TWO_SPACES, defaults: NO_DEFAULTS }));
    assert.deepEqual([...property.placeholders.keys()], [0], 'a property has nothing left to fill');
  });

  void it('writes TypeScript object literals with bare keys and Python dicts with quoted keys', () => {
    const ts = buildSnippet({ role: 'audio', asset: AUDIO, languageId: 'typescript', shape: 'property', indent: TWO_SPACES, defaults: NO_DEFAULTS });
    assert.equal(ts, "voice: {\n  type: 'audio',\n  audio_url: 'https://resource.heygen.ai/audio/voice.mp3'\n}$0");
    const py = buildSnippet({ role: 'audio', asset: AUDIO, languageId: 'python', shape: 'property', indent: TWO_SPACES, defaults: NO_DEFAULTS });
    assert.equal(py, "'voice': {\n  'type': 'audio',\n  'audio_url': 'https://resource.heygen.ai/audio/voice.mp3'\n}$0");
  });

  void it('writes Python True, False and None', () => {
    assert.equal(renderValue({ a: true, b: false, c: null }, 'python', ' '), "{\n 'a': True,\n 'b': False,\n 'c': None\n}");
    assert.equal(renderValue({ a: true, c: null }, 'javascript', ' '), '{\n a: true,\n c: null\n}');
  });

  void it('follows the editor indentation and the current line', () => {
    const tabs = buildSnippet({ role: 'background', asset: IMAGE, languageId: 'json', shape: 'property', indent: { insertSpaces: false, tabSize: 4 }, defaults: NO_DEFAULTS, baseIndent: '\t\t' });
    assert.equal(tabs, '"background": {\n\t\t\t"type": "image",\n\t\t\t"url": "https://resource.heygen.ai/image/bg.png"\n\t\t}$0');
    const four = buildSnippet({ role: 'background', asset: IMAGE, languageId: 'json', shape: 'value', indent: { insertSpaces: true, tabSize: 4 }, defaults: NO_DEFAULTS, baseIndent: '  ' });
    assert.equal(four, '{\n      "type": "image",\n      "url": "https://resource.heygen.ai/image/bg.png"\n  }$0');
  });

  void it('escapes quotes, backslashes, snippet syntax and line breaks in values and defaults', () => {
    const asset: SnippetAsset = { id: 'x', url: 'https://h/a"b\'c\\d$e}f${1:g}\nh', fileType: 'image' };
    for (const languageId of ['json', 'typescript']) {
      const snippet = buildSnippet({ role: 'background', asset, languageId, shape: 'value', indent: TWO_SPACES, defaults: { avatarId: '$}', voiceId: '\\' } });
      const text = resolveSnippet(snippet).text;
      const parsed = evalJs(text);
      assert.deepEqual(parsed, { type: 'image', url: asset.url }, languageId);
      assert.ok(!text.includes('\n  "url": "https://h/a"b'), 'no raw quote survives');
    }
  });

  // Property tests: for arbitrary strings, every dialect's text parses in its own language and gives back the values.
  const nasty = nastyString;
  const assetArb = fc.record({ id: nasty, url: nasty, fileType: fc.constantFrom<'image' | 'video' | 'audio'>('image', 'video', 'audio') });
  const caseArb = fc.record({
    asset: assetArb,
    defaults: fc.record({ avatarId: nasty, voiceId: nasty }),
    role: fc.constantFrom(...ROLES),
    shape: fc.constantFrom(...SHAPES),
    indent: fc.record({ insertSpaces: fc.boolean(), tabSize: fc.integer({ min: 1, max: 8 }) }),
    baseIndent: fc.constantFrom('', '  ', '\t', '    '),
  });

  void it('JSON fragments parse with JSON.parse and carry the values unchanged (property-based)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const snippet = buildSnippet({ ...c, languageId: 'jsonc' });
        const text = resolveSnippet(snippet).text;
        assert.deepEqual(JSON.parse(asExpression(text, c.shape)), expectedFor(c.role, c.asset, c.shape, c.defaults));
      }),
      { numRuns: 400 },
    );
  });

  void it('JavaScript/TypeScript fragments evaluate in node:vm and carry the values unchanged (property-based)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const text = resolveSnippet(buildSnippet({ ...c, languageId: 'typescriptreact' })).text;
        assert.deepEqual(evalJs(asExpression(text, c.shape)), expectedFor(c.role, c.asset, c.shape, c.defaults));
      }),
      { numRuns: 400 },
    );
  });

  void it('Python fragments are read by ast.literal_eval with the values unchanged (property-based, one interpreter)', { skip: PYTHON_MISSING }, () => {
    const cases = fc.sample(caseArb, { numRuns: 400, seed: 20260806 });
    // Arbitrary nested data too, so True/False/None and numbers are covered, not only our fixed shapes.
    const jsonish = fc.letrec<{ value: FragmentValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        nasty,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(nasty, tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    const values = fc.sample(jsonish, { numRuns: 200, seed: 7 });
    const texts = [
      ...cases.map((c) => asExpression(resolveSnippet(buildSnippet({ ...c, languageId: 'python' })).text, c.shape)),
      ...values.map((v) => resolveSnippet(renderValue(v, 'python', '  ') + '$0').text),
    ];
    const results = evalPythonBatch(texts);
    cases.forEach((c, i) => assert.deepEqual(results[i], expectedFor(c.role, c.asset, c.shape, c.defaults), texts[i]));
    values.forEach((v, i) => assert.deepEqual(results[cases.length + i], plain(v), texts[cases.length + i]));
  });

  void it('arbitrary nested values round-trip through JSON and JavaScript too', () => {
    const jsonish = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(jsonish, fc.constantFrom<SnippetDialect>('json', 'javascript'), (v, dialect) => {
        const text = resolveSnippet(renderValue(v as FragmentValue, dialect, '\t') + '$0').text;
        const back: unknown = dialect === 'json' ? JSON.parse(text) : evalJs(text);
        assert.deepEqual(back, v);
      }),
      { numRuns: 300 },
    );
  });

  void it('gives the same structure in JSON and JavaScript for the same case (Python: see the literal_eval test)', () => {
    for (const role of ROLES) {
      for (const dialect of ['json', 'javascript'] as const) {
        const text = resolveSnippet(buildSnippet({ role, asset: IMAGE, languageId: LANGUAGE_OF[dialect], shape: 'item', indent: TWO_SPACES, defaults: NO_DEFAULTS })).text;
        const parsed = evalJs(text);
        assert.deepEqual(parsed, expectedFor(role, IMAGE, 'item', NO_DEFAULTS), `${role} in ${dialect}`);
      }
    }
  });
});
