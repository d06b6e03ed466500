import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as vm from 'node:vm';
import fc from 'fast-check';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import type { SnippetAsset, SnippetRole } from '../../../src/core/payload/buildSnippet';
import { planInsertion, planSnippetEdits, type SnippetEditRequest } from '../../../src/core/payload/insertionPlan';
import { resolveSnippet } from '../support/snippetResolver';

const IMAGE: SnippetAsset = { id: 'img-1', url: 'https://resource.heygen.ai/i/"a"\\b$c}.png', fileType: 'image' };
const AUDIO: SnippetAsset = { id: 'aud-1', url: 'https://resource.heygen.ai/a/voice.mp3', fileType: 'audio' };

function request(languageId: string, role: SnippetRole, asset: SnippetAsset, editorIndents = false): SnippetEditRequest {
  return {
    role,
    asset,
    languageId,
    indent: { insertSpaces: true, tabSize: 2 },
    defaults: { avatarId: 'av', voiceId: 'vo' },
    editorIndents,
  };
}

/** The document after accepting every placeholder's default, for cursors at `offsets` (`|` markers if none). */
function insert(doc: string, languageId: string, role: SnippetRole, asset: SnippetAsset, offsets?: number[]): string {
  let text = doc;
  let cursors = offsets;
  if (!cursors) {
    cursors = [];
    for (let i = text.indexOf('|'); i >= 0; i = text.indexOf('|')) {
      cursors.push(i);
      text = text.slice(0, i) + text.slice(i + 1);
    }
  }
  const plans = planSnippetEdits(
    text,
    cursors.map((c) => ({ start: c, end: c })),
    request(languageId, role, asset),
  );
  const edits = plans.flatMap((p) => [
    { start: p.start, end: p.end, text: resolveSnippet(p.snippet).text },
    ...p.extraEdits.map((e) => ({ start: e.offset, end: e.offset, text: e.text })),
  ]);
  edits.sort((a, b) => b.start - a.start);
  for (const e of edits) {
    text = text.slice(0, e.start) + e.text + text.slice(e.end);
  }
  return text;
}

function strictJsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: false });
  assert.deepEqual(errors, [], `not valid JSONC:\n${text}`);
  return value;
}

type Payload = { video_inputs: Array<Record<string, unknown>> } & Record<string, unknown>;

const ITEM = `{
      "character": {
        "type": "avatar",
        "avatar_id": "josh"
      }
    }`;
const DOC = `{
  "title": "Tour",
  "video_inputs": [
    ${ITEM}
  ]
}`;

void describe('where a snippet goes in a payload', () => {
  void it('after the last property of an item: only the property, with a comma before it', () => {
    const out = insert(DOC.replace('"josh"\n      }', '"josh"\n      }|'), 'json', 'background', IMAGE);
    const item = (JSON.parse(out) as Payload).video_inputs[0];
    assert.deepEqual(Object.keys(item), ['character', 'background']);
    assert.deepEqual(item.background, { type: 'image', url: IMAGE.url });
    assert.match(out, /\n {6}\},\n {6}"background": \{\n {8}"type": "image",/, 'on its own line, indented like its siblings');
  });

  void it('before a property: a comma after it', () => {
    const out = insert(DOC.replace('"character"', '|"character"'), 'json', 'audio', AUDIO);
    assert.deepEqual(Object.keys((JSON.parse(out) as Payload).video_inputs[0]), ['voice', 'character']);
  });

  void it('on an empty line after the last property: the comma goes after that property', () => {
    const out = insert(DOC.replace('"josh"\n      }', '"josh"\n      }\n      |'), 'json', 'background', IMAGE);
    assert.match(out, /\n {6}\},\n {6}"background"/);
    JSON.parse(out);
  });

  void it('inside another property value: the property goes after that property', () => {
    const out = insert(DOC.replace('"jo', '"j|o'), 'json', 'background', IMAGE);
    const item = (JSON.parse(out) as Payload).video_inputs[0];
    assert.equal((item.character as Record<string, string>).avatar_id, 'josh', 'the string was not split');
    assert.deepEqual(item.background, { type: 'image', url: IMAGE.url });
  });

  void it('an existing property has its value replaced instead of a duplicate key', () => {
    const plan = planInsertion(DOC, DOC.indexOf('"type"'), 'json', 'talkingPhoto');
    assert.equal(plan.shape, 'value');
    assert.equal(DOC.slice(plan.start, plan.end), '{\n        "type": "avatar",\n        "avatar_id": "josh"\n      }');
    const out = insert(DOC.replace('"type"', '|"type"'), 'json', 'talkingPhoto', IMAGE);
    assert.equal(out.split('"character"').length, 2);
    assert.deepEqual((JSON.parse(out) as Payload).video_inputs[0].character, { type: 'talking_photo', talking_photo_id: IMAGE.id });
  });

  void it('between items of video_inputs: a whole item with commas', () => {
    const out = insert(DOC.replace(`${ITEM}\n  ]`, `${ITEM}|\n  ]`), 'json', 'background', IMAGE);
    const payload = JSON.parse(out) as Payload;
    assert.equal(payload.video_inputs.length, 2);
    assert.ok(payload.video_inputs[1].character && payload.video_inputs[1].voice);
  });

  void it('elsewhere in the payload object: appended to video_inputs', () => {
    const out = insert(DOC.replace('"title"', '|"title"'), 'json', 'audio', AUDIO);
    const payload = JSON.parse(out) as Payload;
    assert.equal(payload.video_inputs.length, 2);
    assert.deepEqual(payload.video_inputs[1].voice, { type: 'audio', audio_url: AUDIO.url });
    assert.equal(Object.keys(payload).join(), 'title,video_inputs');
  });

  void it('in an object without video_inputs: a video_inputs list is added', () => {
    const out = insert('{\n  "title": "x"|\n}', 'json', 'background', IMAGE);
    const payload = JSON.parse(out) as Payload;
    assert.equal(payload.title, 'x');
    assert.deepEqual(payload.video_inputs[0].background, { type: 'image', url: IMAGE.url });
  });

  void it('in an empty file or outside brackets: a whole item at the cursor', () => {
    assert.equal(planInsertion('', 0, 'json', 'background').shape, 'item');
    assert.equal(planInsertion('print(1)\n', 9, 'python', 'background').shape, 'item');
  });

  void it('never types into a comment', () => {
    const doc = '{\n  "video_inputs": [\n    // one item here\n  ]\n}';
    const out = insert(doc, 'jsonc', 'background', IMAGE, [doc.indexOf('item here')]);
    assert.ok(out.includes('// one item here'));
    assert.equal((strictJsonc(out) as Payload).video_inputs.length, 1);
  });

  void it('JSONC: comments between members do not confuse the commas', () => {
    const doc = '{\n  "video_inputs": [\n    {\n      "character": {} // who, speaks\n      /* , */\n    }\n  ]\n}';
    const out = insert(doc, 'jsonc', 'background', IMAGE, [doc.indexOf('/* , */') + 7]);
    const payload = strictJsonc(out) as Payload;
    assert.deepEqual(payload.video_inputs[0].background, { type: 'image', url: IMAGE.url });
  });

  void it('several cursors: each place gets its fragment, one per item, commas between neighbours', () => {
    const twoItems = `{\n  "video_inputs": [\n    ${ITEM},\n    ${ITEM}\n  ]\n}`;
    const first = twoItems.indexOf('"type"');
    const second = twoItems.indexOf('"type"', first + 1);
    const out = insert(twoItems, 'json', 'background', IMAGE, [second, first, first + 3]);
    const payload = JSON.parse(out) as Payload;
    assert.equal(out.split('"background"').length, 3, 'one background per item');
    for (const item of payload.video_inputs) {
      assert.deepEqual(item.background, { type: 'image', url: IMAGE.url });
    }
    const gap = '{\n  "video_inputs": [\n    {},\n    |\n    |\n    |\n  ]\n}';
    assert.equal((JSON.parse(insert(gap, 'json', 'audio', AUDIO)) as Payload).video_inputs.length, 4);
    const gapBefore = '{\n  "video_inputs": [\n    |\n    |\n    {}\n  ]\n}';
    assert.equal((JSON.parse(insert(gapBefore, 'json', 'audio', AUDIO)) as Payload).video_inputs.length, 3);
    const noComma = '{\n  "video_inputs": [\n    {}\n    |\n    |\n  ]\n}';
    assert.equal((JSON.parse(insert(noComma, 'json', 'audio', AUDIO)) as Payload).video_inputs.length, 3);
  });

  void it('TypeScript: object literals with bare keys, comments and strings with brackets', () => {
    const doc = [
      'const payload = {',
      '  // video_inputs: [ {',
      "  title: 'a } ] { [',",
      '  video_inputs: [',
      '    {',
      "      character: { type: 'avatar', avatar_id: `x${1}` },|",
      '    },',
      '  ],',
      '};',
    ].join('\n');
    const out = insert(doc, 'typescript', 'background', IMAGE);
    const payload = new vm.Script(`(${out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)})`).runInThisContext() as Payload;
    assert.deepEqual(payload.video_inputs[0].background, { type: 'image', url: IMAGE.url });
    assert.match(out, /\n {6}background: \{\n {8}type: 'image',/);
  });

  void it('Python: dict literals, keyword arguments and comments', () => {
    const doc = [
      'payload = dict(',
      '    # video_inputs=[{',
      '    video_inputs=[',
      '        {',
      "            'character': {'type': 'avatar', 'avatar_id': \"it's\"}|",
      '        }',
      '    ],',
      ')',
    ].join('\n');
    const out = insert(doc, 'python', 'audio', AUDIO);
    assert.match(out, /'avatar_id': "it's"\},\n {12}'voice': \{\n {14}'type': 'audio',/);
    assert.equal(planInsertion(doc.replace('|', ''), doc.indexOf('|'), 'python', 'audio').shape, 'property');
    assert.equal(planInsertion('x = {"a": 1}', 11, 'python', 'audio').shape, 'list');
  });

  // Property-based: arbitrary payloads, arbitrary cursor positions inside the payload object; the result is
  // always valid JSON (JSONC when comments were added) and holds the asset in some video_inputs list.
  const text = fc.string({ maxLength: 6 });
  const leaf = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null));
  const subObject = fc.dictionary(fc.constantFrom('type', 'url', 'avatar_id', 'x', 'voice_id'), leaf, { maxKeys: 3 });
  const item = fc.dictionary(fc.constantFrom('character', 'voice', 'background', 'extra'), fc.oneof(subObject, leaf), { maxKeys: 4 });
  const payload = fc.record(
    {
      title: text,
      dimension: fc.record({ width: fc.integer(), height: fc.integer() }),
      tags: fc.array(text, { maxLength: 3 }),
      video_inputs: fc.array(item, { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );
  const layout = fc.constantFrom<number | string | undefined>(undefined, 2, 4, '\t');

  /** With a video_inputs list in the payload the asset must land in it; without one, anywhere (e.g. another array). */
  function containsAsset(value: unknown, role: SnippetRole, asset: SnippetAsset, inList = true): boolean {
    const expected =
      role === 'background'
        ? { key: 'background', value: { type: asset.fileType === 'video' ? 'video' : 'image', url: asset.url } }
        : role === 'talkingPhoto'
          ? { key: 'character', value: { type: 'talking_photo', talking_photo_id: asset.id } }
          : { key: 'voice', value: { type: 'audio', audio_url: asset.url } };
    const visit = (v: unknown): boolean => {
      if (Array.isArray(v)) {
        return v.some(visit);
      }
      if (v === null || typeof v !== 'object') {
        return false;
      }
      if (!inList && isDeepEqual((v as Record<string, unknown>)[expected.key], expected.value)) {
        return true;
      }
      const list = (v as Record<string, unknown>).video_inputs;
      if (Array.isArray(list) && list.some((i) => i !== null && typeof i === 'object' && isDeepEqual((i as Record<string, unknown>)[expected.key], expected.value))) {
        return true;
      }
      return Object.values(v).some(visit);
    };
    return visit(value);
  }

  function isDeepEqual(a: unknown, b: unknown): boolean {
    try {
      assert.deepEqual(a, b);
      return true;
    } catch {
      return false;
    }
  }

  void it('any cursor in any payload keeps the JSON valid and places the asset (property-based)', () => {
    fc.assert(
      fc.property(
        payload,
        layout,
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        fc.constantFrom<SnippetRole>('background', 'talkingPhoto', 'audio'),
        fc.boolean(),
        (doc, space, picks, role, withComments) => {
          let source = JSON.stringify(doc, null, space);
          if (withComments) {
            // A comment after every opening bracket and comma: JSONC, with commas inside the comments.
            source = source.replace(/([{[,])\n/g, '$1 // note, with a comma ] }\n');
          }
          const asset = role === 'audio' ? AUDIO : IMAGE;
          // Cursors strictly inside the payload's braces (the root is the payload).
          const offsets = picks.map((p) => 1 + (p % (source.length - 1)));
          const out = insert(source, 'jsonc', role, asset, offsets);
          const parsed = strictJsonc(out);
          assert.ok(containsAsset(parsed, role, asset, doc.video_inputs !== undefined), `asset not placed:\n${out}`);
        },
      ),
      { numRuns: Number(process.env.SNIPPET_RUNS ?? 600) },
    );
  });

  void it('any cursor in a TypeScript payload keeps it evaluable (property-based)', () => {
    fc.assert(
      fc.property(payload, fc.nat(), fc.constantFrom<SnippetRole>('background', 'audio'), (doc, pick, role) => {
        const literal = JSON.stringify(doc, null, 2).replace(/"([a-z_]+)":/g, '$1:');
        const source = `const payload = ${literal};\n`;
        const open = source.indexOf('{');
        const offset = open + 1 + (pick % (literal.length - 1));
        const asset = role === 'audio' ? AUDIO : IMAGE;
        const out = insert(source, 'typescript', role, asset, [offset]);
        const body = out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1);
        const value = new vm.Script(`(${body})`).runInThisContext() as unknown;
        assert.ok(containsAsset(JSON.parse(JSON.stringify(value)), role, asset, doc.video_inputs !== undefined), out);
      }),
      { numRuns: 300 },
    );
  });
});
