// Drops of several files and the placeholder a drop leaves while it uploads: what lands in the document.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as vm from 'node:vm';
import fc from 'fast-check';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import type { SnippetAsset, SnippetEntry } from '../../../src/core/payload/buildSnippet';
import { editsAroundMarker, type TextReplacement } from '../../../src/core/payload/markerEdit';
import { planSnippetEdit, type SnippetEditPlan } from '../../../src/core/payload/insertionPlan';
import { resolveSnippet } from '../support/snippetResolver';

const IMAGE: SnippetAsset = { id: 'img-1', url: 'https://resource.heygen.ai/i/"a"\\b$c}.png', fileType: 'image' };
const VIDEO: SnippetAsset = { id: 'vid-1', url: "https://resource.heygen.ai/v/it's.mp4", fileType: 'video' };
const AUDIO: SnippetAsset = { id: 'aud-1', url: 'https://resource.heygen.ai/a/voice ${x}.mp3', fileType: 'audio' };
const DROPPED: SnippetEntry[] = [
  { role: 'background', asset: IMAGE },
  { role: 'audio', asset: AUDIO },
  { role: 'background', asset: VIDEO },
];

function plan(text: string, offset: number, languageId: string, entries: SnippetEntry[] = DROPPED): SnippetEditPlan {
  const [first, ...rest] = entries;
  return planSnippetEdit(text, offset, {
    ...first,
    extraItems: rest,
    languageId,
    indent: { insertSpaces: true, tabSize: 2 },
    defaults: { avatarId: '', voiceId: '' },
    editorIndents: false,
  });
}

/** The document after the drop at the `|`, every placeholder left at its default. */
function drop(doc: string, languageId: string, entries: SnippetEntry[] = DROPPED): { text: string; plan: SnippetEditPlan } {
  const offset = doc.indexOf('|');
  const text = doc.slice(0, offset) + doc.slice(offset + 1);
  const p = plan(text, offset, languageId, entries);
  const edits = [
    { start: p.start, end: p.end, text: resolveSnippet(p.snippet).text },
    ...p.extraEdits.map((e) => ({ start: e.offset, end: e.offset, text: e.text })),
  ].sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) {
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
  return { text: out, plan: p };
}

function strictJson(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: true });
  assert.deepEqual(errors, [], `not valid JSON:\n${text}`);
  return value;
}

type Item = Record<string, Record<string, unknown>>;

/** What each dropped asset must have become, in drop order. */
function assertItems(items: Item[]): void {
  assert.equal(items.length, 3, JSON.stringify(items));
  assert.deepEqual(items[0].background, { type: 'image', url: IMAGE.url });
  assert.deepEqual(items[1].voice, { type: 'audio', audio_url: AUDIO.url });
  assert.deepEqual(items[2].background, { type: 'video', url: VIDEO.url });
  for (const item of items) {
    assert.equal(item.character.type, 'avatar', 'each is a whole item with a character');
  }
}

void describe('a drop of several files', () => {
  void it('into the payload root appends one whole item per file to video_inputs', () => {
    const { text, plan: p } = drop('{\n  "title": "x",|\n  "video_inputs": [\n    {}\n  ]\n}', 'json');
    const payload = strictJson(text) as { video_inputs: Item[] };
    assert.equal(payload.video_inputs.length, 4);
    assertItems(payload.video_inputs.slice(1));
    assert.equal(p.inserted, 3);
  });

  void it('into an empty video_inputs line gives comma-separated items', () => {
    const { text } = drop('{\n  "video_inputs": [\n    |\n  ]\n}', 'json');
    assertItems((strictJson(text) as { video_inputs: Item[] }).video_inputs);
  });

  void it('into an object without a list gives it one list holding every item', () => {
    const { text } = drop('{\n  "title": "x"|\n}', 'jsonc');
    const payload = strictJson(text) as { title: string; video_inputs: Item[] };
    assert.equal(payload.title, 'x');
    assertItems(payload.video_inputs);
    assert.equal(text.split('"video_inputs"').length, 2, 'one list');
  });

  void it('into an empty file gives items separated as list elements', () => {
    const { text } = drop('|', 'json');
    assertItems(strictJson(`[${text}]`) as Item[]);
  });

  void it('into a TypeScript list gives object literals separated by commas', () => {
    const { text } = drop('const payload = {\n  video_inputs: [\n    |\n  ],\n};\n', 'typescript');
    const payload = new vm.Script(`(${text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)})`).runInThisContext() as { video_inputs: Item[] };
    assertItems(payload.video_inputs);
  });

  void it('into a Python list gives dicts separated by commas', () => {
    const { text } = drop('payload = {\n    "video_inputs": [\n        |\n    ],\n}\n', 'python');
    // Python dict literals of strings read the same in JavaScript.
    const payload = new vm.Script(`(${text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)})`).runInThisContext() as { video_inputs: Item[] };
    assertItems(payload.video_inputs);
  });

  void it('numbers the placeholders on from item to item, so no two items edit together', () => {
    const p = plan('', 0, 'json');
    const { placeholders } = resolveSnippet(p.snippet);
    placeholders.delete(0);
    // Image background: avatar, text, voice; audio: avatar; video background: avatar, text, voice.
    assert.deepEqual([...placeholders.keys()].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7]);
    assert.ok([...placeholders.values()].every((defaults) => defaults.length === 1), 'each tabstop appears once');
  });

  void it('inside a video_inputs item inserts only the first file, as a property, and says so', () => {
    const { text, plan: p } = drop('{\n  "video_inputs": [\n    {\n      "voice": {"type": "text"}|\n    }\n  ]\n}', 'json');
    const item = (strictJson(text) as { video_inputs: Item[] }).video_inputs[0];
    assert.deepEqual(Object.keys(item), ['voice', 'background']);
    assert.deepEqual(item.background, { type: 'image', url: IMAGE.url });
    assert.equal(p.inserted, 1);
  });

  void it('a single file is inserted as before', () => {
    const { text, plan: p } = drop('{\n  "video_inputs": [\n    |\n  ]\n}', 'json', [DROPPED[1]]);
    const items = (strictJson(text) as { video_inputs: Item[] }).video_inputs;
    assert.equal(items.length, 1);
    assert.deepEqual(items[0].voice, { type: 'audio', audio_url: AUDIO.url });
    assert.equal(p.inserted, 1);
  });
});

function apply(text: string, edits: readonly TextReplacement[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
  return out;
}

void describe('replacing the placeholder of a drop', () => {
  const MARK = '«Uploading a.png to HeyGen… 1a2b3c»';

  void it('an insertion at the placeholder replaces it', () => {
    const edits = editsAroundMarker(3, MARK.length, { start: 3, end: 3, text: 'X' }, []);
    assert.equal(apply(`abc${MARK}def`, edits), 'abcXdef');
    assert.equal(edits.length, 1);
    assert.equal(edits[0].main, true);
  });

  void it('an insertion elsewhere removes the placeholder separately, and a comma at the placeholder takes its place', () => {
    const edits = editsAroundMarker(3, MARK.length, { start: 5, end: 5, text: 'X' }, [{ offset: 3, text: ',' }]);
    assert.equal(apply(`abc${MARK}def`, edits), 'abc,deXf');
  });

  void it('a comma merged into a snippet edit is escaped with the escape given', () => {
    const edits = editsAroundMarker(0, 2, { start: 0, end: 0, text: 'S' }, [{ offset: 0, text: '$' }], (t) => `\\${t}`);
    assert.equal(edits[0].text, '\\$S');
  });

  void it('for any plan, the edits give the planned text with the placeholder gone, and never overlap', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.string({ maxLength: 5 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(',', '\n', ', ')), { maxLength: 3 }),
        (text, m, a, b, replacement, rawInserts) => {
          const s = m % (text.length + 1);
          const start = Math.min(a, b) % (text.length + 1);
          const end = Math.max(start, Math.max(a, b) % (text.length + 1));
          // As planned, insertions (commas ending earlier members) are never inside or at the start of the
          // fragment's range, nor two at one offset.
          const seen = new Set<number>();
          const inserts = rawInserts
            .map(([o, t]) => ({ offset: o % (text.length + 1), text: t }))
            .filter((i) => !(i.offset >= start && i.offset < end) && i.offset !== start && !seen.has(i.offset) && seen.add(i.offset));
          const planned = apply(text, [...inserts.map((i) => ({ start: i.offset, end: i.offset, text: i.text })), { start, end, text: replacement }]);
          const withMarker = text.slice(0, s) + MARK + text.slice(s);
          const edits = editsAroundMarker(s, MARK.length, { start, end, text: replacement }, inserts);
          for (let i = 1; i < edits.length; i++) {
            assert.ok(edits[i].start >= edits[i - 1].end && edits[i].start !== edits[i - 1].start, `edits overlap: ${JSON.stringify(edits)}`);
          }
          assert.equal(edits.filter((e) => e.main).length, 1);
          const result = apply(withMarker, edits);
          assert.ok(!result.includes(MARK), 'the placeholder is gone');
          assert.equal(result, planned);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
