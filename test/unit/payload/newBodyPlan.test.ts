// Issue 23 item 2: in a file that holds no payload yet, Insert, drop and paste write a whole POST /v3/videos body
// (heygen.payload.version v3); inside an existing v2 body they keep writing v2 fragments, inside a v3 body v3 ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as vm from 'node:vm';
import type { PayloadVersion, SnippetAsset, SnippetEntry, SnippetRole } from '../../../src/core/payload/buildSnippet';
import { planSnippetEdits, type SnippetEditPlan } from '../../../src/core/payload/insertionPlan';
import { detectBodies } from '../../../src/core/payload/payloadShape';
import { evalPythonBatch, PYTHON_MISSING } from '../support/literalEval';
import { resolveSnippet } from '../support/snippetResolver';

const IMAGE: SnippetAsset = { id: 'img-1', url: 'https://resource.heygen.ai/i/bg.png', fileType: 'image' };
const AUDIO: SnippetAsset = { id: 'aud-1', url: 'https://resource.heygen.ai/a/voice.mp3', fileType: 'audio' };
const SCRIPT = 'Hello! This is my HeyGen video.';

interface Inserted {
  text: string;
  plans: SnippetEditPlan[];
}

/** The document after inserting at each `|` (placeholders at their defaults), as Insert does with `newPayloads`. */
function insert(doc: string, languageId: string, role: SnippetRole, asset: SnippetAsset, newPayloads?: PayloadVersion, extraItems: SnippetEntry[] = []): Inserted {
  let text = doc;
  const cursors: number[] = [];
  for (let i = text.indexOf('|'); i >= 0; i = text.indexOf('|')) {
    cursors.push(i);
    text = text.slice(0, i) + text.slice(i + 1);
  }
  const plans = planSnippetEdits(
    text,
    cursors.map((c) => ({ start: c, end: c })),
    {
      role,
      asset,
      extraItems,
      languageId,
      indent: { insertSpaces: true, tabSize: 2 },
      defaults: { avatarId: '', voiceId: '' },
      editorIndents: false,
      reference: 'auto',
      newPayloads,
    },
  );
  const edits = plans
    .flatMap((p) => [{ start: p.start, end: p.end, text: resolveSnippet(p.snippet).text }, ...p.extraEdits.map((e) => ({ start: e.offset, end: e.offset, text: e.text }))])
    .sort((a, b) => b.start - a.start);
  for (const e of edits) {
    text = text.slice(0, e.start) + e.text + text.slice(e.end);
  }
  return { text, plans };
}

/** Runs a JS/TS file's text and returns `name` (a declaration) or the body object it holds. */
function runJs(text: string, name = 'payload'): unknown {
  const context = vm.createContext({});
  vm.runInContext(`${text.replace(/^export /gm, '')}\nglobalThis.__result = ${name};`, context);
  return JSON.parse(JSON.stringify((context as { __result: unknown }).__result));
}

const BACKGROUND_BODY = { type: 'avatar', avatar_id: 'avatar_id', script: SCRIPT, voice_id: 'voice_id', background: { type: 'image', asset_id: 'img-1' } };

void describe('a new payload is a whole v3 body', () => {
  void it('Insert as Background in an empty new.json: the complete body, by asset id', () => {
    const { text, plans } = insert('|', 'json', 'background', IMAGE, 'v3');
    assert.deepEqual(JSON.parse(text), BACKGROUND_BODY);
    assert.deepEqual(
      plans.map((p) => [p.shape, p.version, p.inserted]),
      [['body', 'v3', 1]],
    );
    assert.equal(detectBodies(text, 'json')[0]?.kind, 'v3');
  });

  void it('the scratch object of a new file, or any object with no payload, becomes the body', () => {
    assert.deepEqual(JSON.parse(insert('{\n\t|\n}\n', 'json', 'talkingPhoto', IMAGE, 'v3').text), {
      type: 'image',
      image: { type: 'asset_id', asset_id: 'img-1' },
      script: SCRIPT,
      voice_id: 'voice_id',
    });
    assert.deepEqual(JSON.parse(insert('{"title": "Tour"|}', 'json', 'audio', AUDIO, 'v3').text), {
      title: 'Tour',
      type: 'avatar',
      avatar_id: 'avatar_id',
      audio_asset_id: 'aud-1',
    });
  });

  void it('an empty TypeScript or Python file gets a declaration; after `=` or in a call, the object itself', { skip: PYTHON_MISSING }, () => {
    assert.deepEqual(runJs(insert('|', 'typescript', 'background', IMAGE, 'v3').text), BACKGROUND_BODY);
    assert.deepEqual(runJs(insert('export const body = |;\n', 'typescript', 'background', IMAGE, 'v3').text, 'body'), BACKGROUND_BODY);
    const call = insert('const sent = JSON.stringify(|);\n', 'javascript', 'background', IMAGE, 'v3').text;
    assert.deepEqual(JSON.parse(runJs(call, 'sent') as string), BACKGROUND_BODY);
    const py = insert('|', 'python', 'background', IMAGE, 'v3').text;
    assert.match(py, /^payload = \{\n/);
    const kwarg = insert('import requests\nrequests.post(url, json=|)\n', 'python', 'audio', AUDIO, 'v3').text;
    const inner = /json=(\{[\s\S]*\})\)\n$/.exec(kwarg)?.[1] ?? '';
    const [fromPy, fromKwarg] = evalPythonBatch([py.replace(/^payload = /, ''), inner]);
    assert.deepEqual(fromPy, BACKGROUND_BODY);
    assert.deepEqual(fromKwarg, { type: 'avatar', avatar_id: 'avatar_id', audio_asset_id: 'aud-1' });
  });

  void it('a drop of an image and an audio file: one body holding both', () => {
    const { text, plans } = insert('|', 'json', 'background', IMAGE, 'v3', [{ role: 'audio', asset: AUDIO }]);
    assert.deepEqual(JSON.parse(text), { type: 'avatar', avatar_id: 'avatar_id', audio_asset_id: 'aud-1', background: { type: 'image', asset_id: 'img-1' } });
    assert.equal(plans[0]?.inserted, 2);
  });

  void it('a file of v3 bodies gets another v3 body outside them, whatever the setting', () => {
    const doc = "const a = { type: 'avatar', avatar_id: 'x' };\n|";
    const { text } = insert(doc, 'typescript', 'background', IMAGE, 'v2');
    assert.equal(detectBodies(text, 'typescript').length, 2);
    assert.ok(detectBodies(text, 'typescript').every((b) => b.kind === 'v3'));
  });

  void it('v2 where v2 is: inside a v2 body, in a file holding one, and for new files with heygen.payload.version v2', () => {
    const v2 = '{"video_inputs": [|]}';
    assert.deepEqual(Object.keys((JSON.parse(insert(v2, 'json', 'background', IMAGE, 'v3').text) as { video_inputs: object[] }).video_inputs[0]), [
      'character',
      'voice',
      'background',
    ]);
    const beside = insert('const a = { video_inputs: [] };\n|', 'typescript', 'background', IMAGE, 'v3');
    assert.equal(beside.plans[0]?.version, 'v2');
    assert.equal(insert('|', 'json', 'background', IMAGE, 'v2').plans[0]?.shape, 'item');
    assert.equal(insert('|', 'json', 'background', IMAGE).plans[0]?.shape, 'item', 'absent: as before v3 was the default');
  });

  void it('inside a v3 body, the v3 property, by asset id with reference auto', () => {
    const doc = '{\n  "type": "avatar",\n  "avatar_id": "a",\n  "script": "Hi",\n  "voice_id": "v"|\n}';
    const body = JSON.parse(insert(doc, 'json', 'background', IMAGE, 'v3').text) as Record<string, unknown>;
    assert.deepEqual(body.background, { type: 'image', asset_id: 'img-1' });
  });

  void it('two cursors in one empty object write one body', () => {
    const { text, plans } = insert('{\n  |\n  |\n}', 'json', 'background', IMAGE, 'v3');
    assert.equal(plans.length, 1);
    assert.deepEqual(JSON.parse(text), BACKGROUND_BODY);
  });
});

void describe('what a v3 body has no place for', () => {
  const VIDEO: SnippetAsset = { id: 'vid-1', url: 'https://resource.heygen.ai/v/bg.mp4', fileType: 'video' };

  void it('a video background is left out of a new body and counted out; alone, nothing is inserted', () => {
    const both = insert('|', 'json', 'background', VIDEO, 'v3', [{ role: 'audio', asset: AUDIO }]);
    assert.deepEqual(JSON.parse(both.text), { type: 'avatar', avatar_id: 'avatar_id', audio_asset_id: 'aud-1' });
    assert.equal(both.plans[0]?.inserted, 1);
    const alone = insert('{\n  |\n}', 'json', 'background', VIDEO, 'v3');
    assert.equal(alone.text, '{\n  \n}');
    assert.equal(alone.plans[0]?.inserted, 0);
  });

  void it('nor inside a v3 body; a v2 item still takes a video background', () => {
    const doc = '{"type": "avatar", "avatar_id": "a"|}';
    assert.equal(insert(doc, 'json', 'background', VIDEO, 'v3').plans[0]?.inserted, 0);
    const v2 = JSON.parse(insert('{"video_inputs": [|]}', 'json', 'background', VIDEO, 'v3').text) as { video_inputs: Array<{ background: unknown }> };
    assert.deepEqual(v2.video_inputs[0].background, { type: 'video', url: VIDEO.url });
  });
});
