import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectBodies, detectBody, payloadVersionAt, type BodyShape } from '../../../src/core/payload/payloadShape';

const V2_JSON = `{
  "title": "Tour",
  "video_inputs": [
    {
      "character": { "type": "avatar", "avatar_id": "josh" },
      "voice": { "type": "text", "input_text": "Hi", "voice_id": "v1" },
      "background": { "type": "image", "url": "https://x/bg.png" }
    },
    { "character": { "type": "talking_photo", "talking_photo_id": "tp" } }
  ],
  "dimension": { "width": 1920, "height": 1080 }
}`;

const V3_JSONC = `// v3 body
{
  /* "video_inputs": [] */
  "type": "avatar",
  "avatar_id": "josh",
  "script": "Hi",
  "voice_id": "v1",
  "background": { "type": "image", "asset_id": "a1" },
}`;

/** What a test reads of a shape: its kind, type or item count, and the text of its range. */
function summary(text: string, shape: BodyShape): Record<string, unknown> {
  if (shape.kind === 'none') {
    return { kind: 'none' };
  }
  return {
    kind: shape.kind,
    type: shape.type,
    itemCount: shape.itemCount,
    closed: shape.closed,
    text: text.slice(shape.range.start, shape.range.end),
  };
}

void describe('telling a payload body by its shape', () => {
  void it('a v2 body in JSON: kind, item count and the whole object as its range', () => {
    assert.deepEqual(summary(V2_JSON, detectBody(V2_JSON, 'json')), { kind: 'v2', type: undefined, itemCount: 2, closed: true, text: V2_JSON });
  });

  void it('a v3 body in JSONC, whatever its comments say', () => {
    const shape = detectBody(V3_JSONC, 'jsonc');
    assert.deepEqual(summary(V3_JSONC, shape), { kind: 'v3', type: 'avatar', itemCount: undefined, closed: true, text: V3_JSONC.slice(V3_JSONC.indexOf('{')) });
  });

  void it("never takes a v2 item's character or a v3 body's background for a body of its own", () => {
    assert.equal(detectBodies(V2_JSON, 'json').length, 1);
    assert.equal(detectBodies(V3_JSONC, 'jsonc').length, 1);
    const image = `{"type": "image", "image": {"type": "asset_id", "asset_id": "p1"}, "script": "Hi", "voice_id": "v"}`;
    assert.deepEqual(
      detectBodies(image, 'json').map((b) => [b.kind, b.type, b.range.start]),
      [['v3', 'image', 0]],
    );
  });

  void it('each v3 type HeyGen knows; any other type is no body', () => {
    for (const type of ['avatar', 'image', 'cinematic_avatar', 'studio']) {
      assert.equal(detectBody(`{"type": "${type}"}`, 'json').kind, 'v3', type);
    }
    assert.equal(detectBody(`{"type": "talking_photo", "talking_photo_id": "x"}`, 'json').kind, 'none');
    assert.equal(detectBody(`{"type": 3}`, 'json').kind, 'none');
  });

  void it('neither: an empty file, an empty object, a bare video_inputs item (its character is no v3 body), plain code', () => {
    const bareItem = `{"character": {"type": "avatar", "avatar_id": "a"}, "voice": {"type": "text"}, "background": {"type": "image"}}`;
    for (const text of ['', '{}', '{\n\t\n}\n', bareItem, `[${bareItem}]`]) {
      assert.equal(detectBody(text, 'json').kind, 'none', JSON.stringify(text));
    }
    assert.equal(detectBody('const x = f(1, [2, 3]);\n', 'typescript').kind, 'none');
    assert.equal(detectBody('print("video_inputs")\n', 'python').kind, 'none');
  });

  void it('a TypeScript object literal with bare keys; a variable video_inputs has no item count', () => {
    const ts = `const items = [];\nexport const body = {\n  title: 'T',\n  video_inputs: items,\n};\n`;
    const shape = detectBody(ts, 'typescript');
    assert.deepEqual(summary(ts, shape), { kind: 'v2', type: undefined, itemCount: undefined, closed: true, text: "{\n  title: 'T',\n  video_inputs: items,\n}" });
    const v3 = "fetch(url, { body: JSON.stringify({ type: `avatar`, avatar_id: 'a' }) });";
    assert.deepEqual(summary(v3, detectBody(v3, 'javascript')), {
      kind: 'v3',
      type: 'avatar',
      itemCount: undefined,
      closed: true,
      text: "{ type: `avatar`, avatar_id: 'a' }",
    });
  });

  void it('Python: a dict literal, and a dict(…) call whose range starts at dict', () => {
    const literal = `payload = {\n    'type': 'image',\n    "image": {'type': 'url', 'url': 'https://x/p.png'},\n}\n`;
    assert.deepEqual(summary(literal, detectBody(literal, 'python')), {
      kind: 'v3',
      type: 'image',
      itemCount: undefined,
      closed: true,
      text: literal.slice(literal.indexOf('{'), literal.lastIndexOf('}') + 1),
    });
    const call = `requests.post(url, json=dict(title='T', video_inputs=[dict(character=dict(type='avatar'))]))\n`;
    assert.deepEqual(summary(call, detectBody(call, 'python')), {
      kind: 'v2',
      type: undefined,
      itemCount: 1,
      closed: true,
      text: "dict(title='T', video_inputs=[dict(character=dict(type='avatar'))])",
    });
  });

  void it('several bodies: each in source order; the cursor picks the one it is in, else the first', () => {
    const text = `const a = { type: 'avatar', avatar_id: 'x' };\nconst gap = 1;\nconst b = { video_inputs: [{}, {}, {}] };\n`;
    const bodies = detectBodies(text, 'typescript');
    assert.deepEqual(
      bodies.map((b) => [b.kind, b.itemCount]),
      [
        ['v3', undefined],
        ['v2', 3],
      ],
    );
    assert.equal(detectBody(text, 'typescript', text.indexOf('[{}')).kind, 'v2');
    assert.equal(detectBody(text, 'typescript', text.indexOf('gap')).kind, 'v3');
    assert.equal(detectBody(text, 'typescript', text.lastIndexOf('}') + 1).kind, 'v2', 'just after its closing brace still counts');
  });

  void it('a body still being typed: unclosed, up to the end of the text', () => {
    const text = '{\n  "type": "avatar",\n  "avatar_id": "a",\n  "background": {';
    assert.deepEqual(summary(text, detectBody(text, 'json')), { kind: 'v3', type: 'avatar', itemCount: undefined, closed: false, text });
  });

  void it('the outermost object wins: a wrapper with a body inside is not itself a body', () => {
    const text = `{"request": {"type": "avatar", "avatar_id": "a"}, "note": {"video_inputs": []}}`;
    assert.deepEqual(
      detectBodies(text, 'json').map((b) => [b.kind, text.slice(b.range.start, b.range.start + 12)]),
      [
        ['v3', '{"type": "av'],
        ['v2', '{"video_inpu'],
      ],
    );
  });

  void it('which payload a cursor is in: its body; outside, the file’s v2 body, else its v3 body, else the setting', () => {
    const at = (text: string, setting: 'v2' | 'v3', languageId = 'typescript'): string =>
      payloadVersionAt(text.replace('|', ''), languageId, text.indexOf('|'), setting);
    const both = "const a = { type: 'avatar', avatar_id: '|' };\nconst b = { video_inputs: [] };\n";
    assert.equal(at(both, 'v3'), 'v3');
    assert.equal(at(both.replace("video_inputs: []", "video_inputs: [|]").replace("'|'", "''"), 'v3'), 'v2');
    assert.equal(at(`${both.replace('|', '')}|`, 'v3'), 'v2', 'outside both: where v2 items go');
    assert.equal(at("const a = { type: 'avatar' };\n|", 'v2'), 'v3', 'a file of v3 bodies');
    assert.equal(at('|', 'v3', 'json'), 'v3');
    assert.equal(at('{|}', 'v2', 'json'), 'v2');
    assert.equal(at('{"character": {"type": "avatar", "avatar_id": "|"}}', 'v3', 'json'), 'v3', 'a bare item is no payload');
  });
});
