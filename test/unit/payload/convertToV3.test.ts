import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { renderValue } from '../../../src/core/payload/fragmentText';
import type { FragmentValue } from '../../../src/core/payload/fragmentValues';
import type { SnippetDialect } from '../../../src/core/payload/buildSnippet';
import { convertPayloadToV3, type Conversion } from '../../../src/core/payload/convertToV3';
import { detectBody } from '../../../src/core/payload/payloadShape';
import { evalJs, evalPythonBatch, PYTHON_MISSING } from '../support/literalEval';

type Data = Record<string, unknown>;
const INDENT = { indent: { insertSpaces: true, tabSize: 2 } };
type Syntax = 'json' | 'jsonc' | 'typescript' | 'python';
const SYNTAXES: Syntax[] = ['json', 'jsonc', 'typescript', 'python'];
const DIALECT: Record<Syntax, SnippetDialect> = { json: 'json', jsonc: 'json', typescript: 'javascript', python: 'python' };

/** A v2 body as the person's file would hold it: JSONC with a comment, TS and Python assigned to a name. */
function fileOf(body: Data, syntax: Syntax): string {
  const literal = renderValue(body as FragmentValue, DIALECT[syntax], '  ', 0, true);
  switch (syntax) {
    case 'json':
      return literal;
    case 'jsonc':
      return `// the payload\n${literal.replace('{\n', '{\n  // its scene\n')}\n`;
    case 'typescript':
      return `export const body = ${literal};\n`;
    case 'python':
      return `body = ${literal}\n`;
  }
}

function converted(file: string, syntax: Syntax): string {
  const result = convertPayloadToV3(file, syntax, INDENT);
  assert.ok(result.ok, result.ok ? '' : `${result.path}: ${result.message}\n${file}`);
  return file.slice(0, result.start) + result.text + file.slice(result.end);
}

/** The body the converted file holds, read by the language itself. */
function bodyIn(file: string, syntax: Syntax): unknown {
  switch (syntax) {
    case 'json':
      return JSON.parse(file);
    case 'jsonc': {
      const errors: ParseError[] = [];
      const value: unknown = parseJsonc(file, errors, { allowTrailingComma: false });
      assert.deepEqual(errors, [], file);
      return value;
    }
    case 'typescript':
      return evalJs(file.replace('export const body = ', '').replace(/;\n$/, ''));
    case 'python':
      return evalPythonBatch([file.replace(/^body = /, '')])[0];
  }
}

const scene = (character: Data, extra: Data = {}): Data => ({ video_inputs: [{ character, ...extra }] });
const AVATAR = { type: 'avatar', avatar_id: 'josh_lite3_20230714', avatar_style: 'normal' };
const TEXT = { type: 'text', input_text: 'Hello "world" \\ it\'s me', voice_id: 'voice-1' };

/** Every mapping of the table in convertToV3.ts: the v2 body and the v3 body it becomes. */
const MAPPINGS: Array<[string, Data, Data]> = [
  [
    'avatar with a text voice; no dimension means v2’s 1920×1080',
    scene(AVATAR, { voice: TEXT }),
    { type: 'avatar', avatar_id: AVATAR.avatar_id, script: TEXT.input_text, voice_id: 'voice-1', resolution: '1080p', aspect_ratio: '16:9' },
  ],
  [
    'talking photo becomes an image video with the id as an asset id',
    scene({ type: 'talking_photo', talking_photo_id: 'tp-1' }, { voice: TEXT }),
    { type: 'image', image: { type: 'asset_id', asset_id: 'tp-1' }, script: TEXT.input_text, voice_id: 'voice-1', resolution: '1080p', aspect_ratio: '16:9' },
  ],
  [
    'audio by URL',
    scene(AVATAR, { voice: { type: 'audio', audio_url: 'https://x/a.mp3' } }),
    { type: 'avatar', avatar_id: AVATAR.avatar_id, audio_url: 'https://x/a.mp3', resolution: '1080p', aspect_ratio: '16:9' },
  ],
  [
    'audio by asset id',
    scene(AVATAR, { voice: { type: 'audio', audio_asset_id: 'aud-1' } }),
    { type: 'avatar', avatar_id: AVATAR.avatar_id, audio_asset_id: 'aud-1', resolution: '1080p', aspect_ratio: '16:9' },
  ],
  [
    'voice speed, pitch and locale become voice_settings',
    scene(AVATAR, { voice: { ...TEXT, speed: 1.25, pitch: -10, locale: 'en-US' } }),
    {
      type: 'avatar',
      avatar_id: AVATAR.avatar_id,
      script: TEXT.input_text,
      voice_id: 'voice-1',
      voice_settings: { speed: 1.25, pitch: -10, locale: 'en-US' },
      resolution: '1080p',
      aspect_ratio: '16:9',
    },
  ],
  [
    'backgrounds: image URL',
    scene(AVATAR, { background: { type: 'image', url: 'https://x/bg.png' } }),
    { type: 'avatar', avatar_id: AVATAR.avatar_id, background: { type: 'image', url: 'https://x/bg.png' }, resolution: '1080p', aspect_ratio: '16:9' },
  ],
  [
    'backgrounds: image asset id',
    scene(AVATAR, { background: { type: 'image', image_asset_id: 'bg-1' } }),
    { type: 'avatar', avatar_id: AVATAR.avatar_id, background: { type: 'image', asset_id: 'bg-1' }, resolution: '1080p', aspect_ratio: '16:9' },
  ],
  [
    'backgrounds: color',
    scene(AVATAR, { background: { type: 'color', value: '#008000' } }),
    { type: 'avatar', avatar_id: AVATAR.avatar_id, background: { type: 'color', value: '#008000' }, resolution: '1080p', aspect_ratio: '16:9' },
  ],
  [
    'title, caption, callbacks; test and watermark off, folder at the root',
    {
      title: 'Tour',
      ...scene(AVATAR),
      caption: true,
      callback_url: 'https://hooks.example/done',
      callback_id: 'cb-7',
      test: false,
      enable_watermark: false,
      folder_id: '',
    },
    {
      type: 'avatar',
      avatar_id: AVATAR.avatar_id,
      title: 'Tour',
      resolution: '1080p',
      aspect_ratio: '16:9',
      caption: { style: 'default' },
      callback_url: 'https://hooks.example/done',
      callback_id: 'cb-7',
    },
  ],
  ['caption false is no caption', { ...scene(AVATAR), caption: false }, { type: 'avatar', avatar_id: AVATAR.avatar_id, resolution: '1080p', aspect_ratio: '16:9' }],
];

/** dimension → resolution and aspect_ratio, for every size the table takes. */
const SIZES: Array<[number, number, string, string]> = [
  [1920, 1080, '1080p', '16:9'],
  [1080, 1920, '1080p', '9:16'],
  [1280, 720, '720p', '16:9'],
  [720, 1280, '720p', '9:16'],
  [3840, 2160, '4k', '16:9'],
  [2160, 3840, '4k', '9:16'],
  [1080, 1080, '1080p', '1:1'],
  [720, 720, '720p', '1:1'],
  [1080, 1350, '1080p', '4:5'],
  [1350, 1080, '1080p', '5:4'],
];

/** Bodies v3 cannot express one-to-one, and the item or field the message names. */
const REFUSALS: Array<[Data, string]> = [
  [{ video_inputs: [{ character: AVATAR }, { character: AVATAR }] }, 'video_inputs[1]'],
  [{ video_inputs: [] }, 'video_inputs'],
  [{ title: 'no scene' , video_inputs: [{ voice: TEXT }] }, 'video_inputs[0].character'],
  [scene({ ...AVATAR, avatar_style: 'circle' }), 'video_inputs[0].character.avatar_style'],
  [scene({ ...AVATAR, matting: true }), 'video_inputs[0].character.matting'],
  [scene({ type: 'talking_photo', talking_photo_id: 'tp', talking_style: 'expressive' }), 'video_inputs[0].character.talking_style'],
  [scene({ type: 'cartoon', avatar_id: 'x' }), 'video_inputs[0].character.type'],
  [scene({ avatar_id: 'x' }), 'video_inputs[0].character.type'],
  [scene(AVATAR, { voice: { type: 'silence', duration: 2 } }), 'video_inputs[0].voice.type'],
  [scene(AVATAR, { voice: { ...TEXT, emotion: 'Excited' } }), 'video_inputs[0].voice.emotion'],
  [scene(AVATAR, { voice: { ...TEXT, speed: 1.8 } }), 'video_inputs[0].voice.speed'],
  [scene(AVATAR, { voice: { ...TEXT, pitch: 60 } }), 'video_inputs[0].voice.pitch'],
  [scene(AVATAR, { background: { type: 'video', url: 'https://x/bg.mp4', play_style: 'loop' } }), 'video_inputs[0].background.type'],
  [scene(AVATAR, { background: { type: 'image', url: 'https://x/bg.png', fit: 'cover' } }), 'video_inputs[0].background.fit'],
  [scene(AVATAR, { text: { type: 'text', text: 'overlay' } }), 'video_inputs[0].text'],
  [{ ...scene(AVATAR), dimension: { width: 1000, height: 1000 } }, 'dimension'],
  [{ ...scene(AVATAR), dimension: { width: 1920, height: 1200 } }, 'dimension'],
  [{ ...scene(AVATAR), test: true }, 'test'],
  [{ ...scene(AVATAR), enable_watermark: true }, 'enable_watermark'],
  [{ ...scene(AVATAR), folder_id: 'f-1' }, 'folder_id'],
  [{ ...scene(AVATAR), caption: 'yes' }, 'caption'],
  [{ ...scene(AVATAR), brand_voice_id: 'b' }, 'brand_voice_id'],
];

void describe('Convert Payload to API v3: the mapping', () => {
  for (const [name, v2, v3] of MAPPINGS) {
    void it(`${name}, in JSON, JSONC, TypeScript and Python`, { skip: PYTHON_MISSING }, () => {
      for (const syntax of SYNTAXES) {
        const out = converted(fileOf(v2, syntax), syntax);
        assert.deepEqual(bodyIn(out, syntax), v3, `${syntax}:\n${out}`);
        assert.equal(detectBody(out, syntax).kind, 'v3', 'the result is a v3 body by shape');
      }
    });
  }

  void it('every size of the table becomes its resolution and aspect ratio', () => {
    for (const [width, height, resolution, aspect] of SIZES) {
      const out = converted(fileOf({ ...scene(AVATAR), dimension: { width, height } }, 'json'), 'json');
      const body = JSON.parse(out) as Data;
      assert.deepEqual([body.resolution, body.aspect_ratio], [resolution, aspect], `${width}×${height}`);
    }
  });

  void it('keeps a value the file computes as its text (TypeScript variables, Python f-strings)', () => {
    const ts = "const body = {\n  video_inputs: [{ character: { type: 'avatar', avatar_id: AVATAR }, voice: { type: 'text', input_text: `Hi ${name}`, voice_id: VOICES.en } }],\n};\n";
    const out = converted(ts, 'typescript');
    assert.match(out, /avatar_id: AVATAR,\n/);
    assert.match(out, /script: `Hi \$\{name\}`,\n/);
    assert.match(out, /voice_id: VOICES\.en,\n/);
    const py = "body = {'video_inputs': [{'character': {'type': 'avatar', 'avatar_id': a}, 'voice': {'type': 'text', 'input_text': f'Hi {n}'}}]}\n";
    assert.match(converted(py, 'python'), /'avatar_id': a,\n {2}'script': f'Hi \{n\}',\n/);
  });
});

void describe('Convert Payload to API v3: what it leaves alone', () => {
  for (const [v2, path] of REFUSALS) {
    void it(`names ${path}`, () => {
      for (const syntax of SYNTAXES) {
        const file = fileOf(v2, syntax);
        const result: Conversion = convertPayloadToV3(file, syntax, INDENT);
        assert.equal(result.ok, false, `${syntax}: converted ${file}`);
        if (!result.ok) {
          assert.equal(result.path, path, syntax);
          assert.ok(result.message.startsWith(path), result.message);
          assert.ok(result.start >= 0 && result.end > result.start && result.end <= file.length, `${syntax}: a range in the text`);
        }
      }
    });
  }

  void it('a decision that needs a computed value, a v3 body, a file without a body', () => {
    const ts = "const body = { video_inputs: [{ character: { type: KIND, avatar_id: 'a' } }] };";
    const computed = convertPayloadToV3(ts, 'typescript', INDENT);
    assert.ok(!computed.ok);
    assert.equal(computed.path, 'video_inputs[0].character.type');
    assert.equal(ts.slice(computed.start, computed.end), 'KIND');
    const v3 = convertPayloadToV3('{"type": "avatar", "avatar_id": "a"}', 'json', INDENT);
    assert.ok(!v3.ok);
    assert.equal(v3.message, 'This payload is already an API v3 body.');
    const none = convertPayloadToV3('{}', 'json', INDENT);
    assert.ok(!none.ok);
    assert.match(none.message, /no API v2 payload/);
    const spread = convertPayloadToV3("const b = { ...base, video_inputs: [] };", 'typescript', INDENT);
    assert.ok(!spread.ok);
  });
});

void describe('Convert Payload to API v3: the file keeps its style', () => {
  const v2 = scene(AVATAR, { voice: TEXT });

  void it('JSON indented with tabs, CRLF line breaks, the body indented inside a wrapper', () => {
    const file = `{\r\n\t"request": {\r\n\t\t"video_inputs": [{"character": {"type": "avatar", "avatar_id": "a"}}]\r\n\t}\r\n}\r\n`;
    const out = converted(file, 'json');
    assert.equal(
      out,
      `{\r\n\t"request": {\r\n\t\t"type": "avatar",\r\n\t\t"avatar_id": "a",\r\n\t\t"resolution": "1080p",\r\n\t\t"aspect_ratio": "16:9"\r\n\t}\r\n}\r\n`,
    );
  });

  void it('TypeScript: single quotes, bare keys, four spaces, trailing commas; or quoted keys with double quotes', () => {
    const file = `const body = {\n    video_inputs: [\n        {\n            character: { type: 'avatar', avatar_id: 'a' },\n        },\n    ],\n};\n`;
    assert.equal(
      converted(file, 'typescript'),
      `const body = {\n    type: 'avatar',\n    avatar_id: 'a',\n    resolution: '1080p',\n    aspect_ratio: '16:9',\n};\n`,
    );
    const quoted = `const body = {"video_inputs": [{"character": {"type": "avatar", "avatar_id": "a"}}]};\n`;
    assert.equal(converted(quoted, 'typescript'), `const body = {\n  "type": "avatar",\n  "avatar_id": "a",\n  "resolution": "1080p",\n  "aspect_ratio": "16:9"\n};\n`);
  });

  void it('Python: double quotes kept; a dict(…) call stays one', () => {
    const file = `body = {\n    "video_inputs": [{"character": {"type": "talking_photo", "talking_photo_id": "tp"}}],\n}\n`;
    assert.equal(
      converted(file, 'python'),
      `body = {\n    "type": "image",\n    "image": {\n        "type": "asset_id",\n        "asset_id": "tp",\n    },\n    "resolution": "1080p",\n    "aspect_ratio": "16:9",\n}\n`,
    );
    const call = `body = dict(video_inputs=[dict(character=dict(type='avatar', avatar_id='a'))])\n`;
    assert.equal(converted(call, 'python'), `body = dict(\n  type='avatar',\n  avatar_id='a',\n  resolution='1080p',\n  aspect_ratio='16:9'\n)\n`);
  });

  void it('every comment of the body is kept, at the top of the new body', () => {
    const file = fileOf(v2, 'jsonc').replace('"voice_id"', '/* chosen in the app */ "voice_id"');
    const out = converted(file, 'jsonc');
    assert.match(out, /^\/\/ the payload\n\{\n {2}\/\/ its scene\n {2}\/\* chosen in the app \*\/\n {2}"type": "avatar",/);
    const py = `body = {\n    # v2 for now\n    'video_inputs': [{'character': {'type': 'avatar', 'avatar_id': 'a'}}],  # one scene\n}\n`;
    assert.match(converted(py, 'python'), /^body = \{\n {4}# v2 for now\n {4}# one scene\n {4}'type': 'avatar',/);
  });

  void it('converts the body at the cursor and leaves the others', () => {
    const file = `const a = ${renderValue(v2 as FragmentValue, 'javascript', '  ', 0, true)};\nconst b = ${renderValue(v2 as FragmentValue, 'javascript', '  ', 0, true)};\n`;
    const second = file.indexOf('const b');
    const result = convertPayloadToV3(file, 'typescript', { ...INDENT, offset: second + 20 });
    assert.ok(result.ok);
    assert.ok(result.start > second);
    const out = file.slice(0, result.start) + result.text + file.slice(result.end);
    assert.equal(out.slice(0, second), file.slice(0, second));
  });
});
