// Property tests: whatever the payload's language, quoting, and the asset's URL or id hold, a replaced reference
// leaves a document that its own language still reads, with the asset in place and everything else unchanged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findAssetReferences } from '../../../src/core/payload/assetReferences';
import { applyReplacements, referenceTarget, replacementEdits } from '../../../src/core/payload/replaceReference';
import { quoteString } from '../../../src/core/payload/fragmentText';
import type { SnippetAsset, SnippetDialect } from '../../../src/core/payload/buildSnippet';
import { planSnippetEdit } from '../../../src/core/payload/insertionPlan';
import { evalJs, evalPythonBatch, nastyString, PYTHON_MISSING } from '../support/literalEval';
import { resolveSnippet } from '../support/snippetResolver';

type Model = { [key: string]: string | Model | Model[] };

interface Place {
  version: 'v2' | 'v3';
  group?: string;
  key: string;
  types: string[];
  fileTypes: Array<SnippetAsset['fileType']>;
}

const PLACES: Place[] = [
  { version: 'v2', group: 'background', key: 'url', types: ['image', 'video', 'color'], fileTypes: ['image', 'video'] },
  { version: 'v2', group: 'background', key: 'image_asset_id', types: ['image'], fileTypes: ['image'] },
  { version: 'v2', group: 'background', key: 'video_asset_id', types: ['video'], fileTypes: ['video'] },
  { version: 'v2', group: 'character', key: 'talking_photo_id', types: ['talking_photo'], fileTypes: ['image'] },
  { version: 'v2', group: 'voice', key: 'audio_url', types: ['audio'], fileTypes: ['audio'] },
  { version: 'v2', group: 'voice', key: 'audio_asset_id', types: ['audio'], fileTypes: ['audio'] },
  { version: 'v3', group: 'background', key: 'url', types: ['image'], fileTypes: ['image'] },
  { version: 'v3', group: 'background', key: 'asset_id', types: ['image'], fileTypes: ['image'] },
  { version: 'v3', group: 'image', key: 'url', types: ['url'], fileTypes: ['image'] },
  { version: 'v3', group: 'image', key: 'asset_id', types: ['asset_id'], fileTypes: ['image'] },
  { version: 'v3', key: 'audio_url', types: [], fileTypes: ['audio'] },
  { version: 'v3', key: 'audio_asset_id', types: [], fileTypes: ['audio'] },
];

const LANGUAGE: Record<SnippetDialect, string> = { json: 'jsonc', javascript: 'typescript', python: 'python' };

const caseArb = fc
  .record({
    place: fc.constantFrom(...PLACES),
    dialect: fc.constantFrom<SnippetDialect>('json', 'javascript', 'python'),
    mode: fc.constantFrom<'url' | 'assetId'>('url', 'assetId'),
    original: nastyString,
    extra: nastyString,
    title: nastyString,
    id: nastyString,
    url: nastyString,
    typeIndex: fc.nat(),
    fileTypeIndex: fc.nat(),
    valueQuote: fc.constantFrom<'"' | "'">('"', "'"),
    keyQuote: fc.constantFrom<'"' | "'">('"', "'"),
    bareKeys: fc.boolean(),
    multiline: fc.boolean(),
  })
  .map((c) => {
    const type = c.place.types.length ? c.place.types[c.typeIndex % c.place.types.length] : undefined;
    const asset: SnippetAsset = { id: c.id, url: c.url, fileType: c.place.fileTypes[c.fileTypeIndex % c.place.fileTypes.length] };
    const holder: Model = { ...(type ? { type } : {}), [c.place.key]: c.original, note: c.extra };
    const model: Model =
      c.place.version === 'v2'
        ? { title: c.title, video_inputs: [{ character: { type: 'avatar', avatar_id: 'josh' }, ...(c.place.group ? { [c.place.group]: holder } : {}) }] }
        : c.place.group
          ? { type: 'avatar', avatar_id: 'josh', title: c.title, [c.place.group]: holder }
          : { type: 'avatar', avatar_id: 'josh', title: c.title, [c.place.key]: c.original, note: c.extra };
    return { ...c, asset, model };
  });

type Case = ReturnType<(typeof caseArb)['generate']>['value'];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The model as the person might have written it: their quotes, bare keys in JS, one line or several. */
function render(value: string | Model | Model[], c: Case, depth = 0): string {
  const d = c.dialect;
  if (typeof value === 'string') {
    return quoteString(value, d, c.valueQuote);
  }
  const pad = c.multiline ? '\n' + '  '.repeat(depth + 1) : ' ';
  const end = c.multiline ? '\n' + '  '.repeat(depth) : ' ';
  if (Array.isArray(value)) {
    return `[${pad}${value.map((v) => render(v, c, depth + 1)).join(`,${pad}`)}${end}]`;
  }
  const key = (k: string): string => (d === 'javascript' && c.bareKeys && IDENTIFIER.test(k) ? k : quoteString(k, d, c.keyQuote));
  return `{${pad}${Object.entries(value)
    .map(([k, v]) => `${key(k)}: ${render(v, c, depth + 1)}`)
    .join(`,${pad}`)}${end}}`;
}

/** The document after the replacement, and what it must read as. */
function replaceCase(c: Case): { text: string; check: (parsed: unknown) => void } {
  const text = render(c.model, c);
  const references = findAssetReferences(text, LANGUAGE[c.dialect]);
  assert.equal(references.length, 1, `one reference in ${text}`);
  const [reference] = references;
  assert.equal(reference.value, c.original, 'the reference reads the value as its language does');
  const target = referenceTarget(reference, c.asset, c.mode);
  const after = applyReplacements(text, replacementEdits(reference, c.asset, c.mode));
  const check = (parsed: unknown): void => {
    const root = parsed as Model;
    const holder = (c.place.version === 'v2' ? (root.video_inputs as Model[])[0][c.place.group!] : c.place.group ? root[c.place.group] : root) as Model;
    assert.equal(holder[target.key], target.value, 'the asset is in place');
    if (target.key !== c.place.key) {
      assert.equal(c.place.key in holder, false, 'the old key is gone, not duplicated');
    }
    assert.equal(holder.note, c.extra, 'the other members are unchanged');
    assert.equal(root.title, c.title);
    const wantedType = c.place.types.length ? c.place.types[c.typeIndex % c.place.types.length] : undefined;
    if (wantedType !== undefined) {
      assert.ok(holder.type === wantedType || holder.type === target.type, `type ${JSON.stringify(holder.type)}`);
    }
  };
  return { text: after, check };
}

void describe('replacing a reference keeps the payload readable (property-based)', () => {
  void it('JSON and JSONC: JSON.parse reads the result', () => {
    fc.assert(
      fc.property(
        caseArb.filter((c) => c.dialect === 'json'),
        (c) => {
          const { text, check } = replaceCase(c);
          check(JSON.parse(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  void it('JavaScript/TypeScript: node:vm evaluates the result', () => {
    fc.assert(
      fc.property(
        caseArb.filter((c) => c.dialect === 'javascript'),
        (c) => {
          const { text, check } = replaceCase(c);
          check(evalJs(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  void it('Python: ast.literal_eval reads the result (one interpreter)', { skip: PYTHON_MISSING }, () => {
    const cases = fc.sample(
      caseArb.filter((c) => c.dialect === 'python'),
      { numRuns: 400, seed: 20261201 },
    );
    const replaced = cases.map(replaceCase);
    const results = evalPythonBatch(replaced.map((r) => r.text));
    replaced.forEach((r, i) => r.check(results[i]));
  });
});

void describe('fragments follow heygen.snippet.reference and the payload version', () => {
  const IMAGE: SnippetAsset = { id: 'img-1', url: 'https://x.invalid/a.png', fileType: 'image' };
  const VIDEO: SnippetAsset = { id: 'vid-1', url: 'https://x.invalid/a.mp4', fileType: 'video' };
  const AUDIO: SnippetAsset = { id: 'aud-1', url: 'https://x.invalid/a.mp3', fileType: 'audio' };
  const request = { languageId: 'json', indent: { insertSpaces: true, tabSize: 2 }, defaults: { avatarId: 'josh', voiceId: 'v' }, editorIndents: false, plainText: true };
  const insert = (text: string, marker: string, role: 'background' | 'talkingPhoto' | 'audio', asset: SnippetAsset, reference: 'url' | 'assetId'): unknown => {
    const offset = text.indexOf(marker);
    const plan = planSnippetEdit(text.replace(marker, ''), offset, { ...request, role, asset, reference });
    const without = text.replace(marker, '');
    const edits = [...plan.extraEdits.map((e) => ({ start: e.offset, end: e.offset, text: e.text })), { start: plan.start, end: plan.end, text: resolveSnippet(plan.snippet + '$0').text }];
    return JSON.parse(applyReplacements(without, edits));
  };

  void it('v2 items carry image_asset_id, video_asset_id and audio_asset_id in assetId mode', () => {
    const empty = '{"video_inputs": [|]}';
    const bg = insert(empty, '|', 'background', IMAGE, 'assetId') as { video_inputs: Array<Record<string, unknown>> };
    assert.deepEqual(bg.video_inputs[0].background, { type: 'image', image_asset_id: 'img-1' });
    const video = insert(empty, '|', 'background', VIDEO, 'assetId') as { video_inputs: Array<Record<string, unknown>> };
    assert.deepEqual(video.video_inputs[0].background, { type: 'video', video_asset_id: 'vid-1' });
    const audio = insert(empty, '|', 'audio', AUDIO, 'assetId') as { video_inputs: Array<Record<string, unknown>> };
    assert.deepEqual(audio.video_inputs[0].voice, { type: 'audio', audio_asset_id: 'aud-1' });
    const byUrl = insert(empty, '|', 'audio', AUDIO, 'url') as { video_inputs: Array<Record<string, unknown>> };
    assert.deepEqual(byUrl.video_inputs[0].voice, { type: 'audio', audio_url: AUDIO.url });
  });

  void it('a v3 body gets v3 properties, replacing the one it has', () => {
    const body = '{\n  "type": "image",\n  "image": { "type": "url", "url": "https://old" },\n  "audio_url": "https://old.mp3",\n  "script": null|\n}';
    assert.deepEqual(insert(body, '|', 'talkingPhoto', IMAGE, 'assetId'), {
      type: 'image',
      image: { type: 'asset_id', asset_id: 'img-1' },
      audio_url: 'https://old.mp3',
      script: null,
    });
    assert.deepEqual(insert(body, '|', 'audio', AUDIO, 'assetId'), {
      type: 'image',
      image: { type: 'url', url: 'https://old' },
      audio_asset_id: 'aud-1',
      script: null,
    });
    const avatar = '{ "type": "avatar", "avatar_id": "josh"| }';
    assert.deepEqual(insert(avatar, '|', 'background', IMAGE, 'assetId'), { type: 'avatar', avatar_id: 'josh', background: { type: 'image', asset_id: 'img-1' } });
    assert.deepEqual(insert(avatar, '|', 'background', IMAGE, 'url'), { type: 'avatar', avatar_id: 'josh', background: { type: 'image', url: IMAGE.url } });
    assert.deepEqual(insert(avatar, '|', 'audio', AUDIO, 'url'), { type: 'avatar', avatar_id: 'josh', audio_url: AUDIO.url });
  });
});
