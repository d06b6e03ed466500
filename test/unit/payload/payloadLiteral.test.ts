import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { renderValue } from '../../../src/core/payload/fragmentText';
import type { FragmentValue } from '../../../src/core/payload/fragmentValues';
import type { SnippetDialect } from '../../../src/core/payload/buildSnippet';
import { readBodyValue, type LiteralResult, type LiteralValue } from '../../../src/core/payload/payloadLiteral';
import { detectBody } from '../../../src/core/payload/payloadShape';
import { evalJs, evalPythonBatch, nastyString, PYTHON_MISSING } from '../support/literalEval';

const LANGUAGE_OF: Record<SnippetDialect, string> = { json: 'json', javascript: 'typescript', python: 'python' };

function read(text: string, languageId: string): LiteralResult {
  const body = detectBody(text, languageId);
  assert.notEqual(body.kind, 'none', `no body in ${text}`);
  return readBodyValue(text, body as Exclude<typeof body, { kind: 'none' }>);
}

function value(text: string, languageId: string): LiteralValue {
  const result = read(text, languageId);
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.value;
}

/** Plain data with every string and key a person could write, for bodies of either version. */
const plainData: fc.Arbitrary<LiteralValue> = fc.letrec<{ value: LiteralValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    nastyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .dictionary(
        nastyString.filter((k) => k !== '__proto__'),
        tie('value'),
        { maxKeys: 4 },
      )
      // fast-check's dictionaries have no prototype; bodies read from text are ordinary objects.
      .map((d) => ({ ...d })),
  ),
})).value;

const bodyOf = (type: 'avatar' | 'v2', data: LiteralValue): Record<string, LiteralValue> =>
  type === 'v2' ? { video_inputs: [{ data }], extra: data } : { type: 'avatar', avatar_id: 'a', extra: data };

void describe('reading a body as plain data', () => {
  void it('reads back whatever the fragment renderer writes, in JSON, TypeScript and Python', () => {
    const samples = fc.sample(fc.tuple(fc.constantFrom<'avatar' | 'v2'>('avatar', 'v2'), plainData), { numRuns: 150, seed: 23 });
    for (const dialect of ['json', 'javascript', 'python'] as const) {
      for (const [type, data] of samples) {
        const body = bodyOf(type, data);
        const text = `x = ${renderValue(body, dialect, '  ', 0, true)}\n`.slice(dialect === 'json' ? 4 : 0);
        assert.deepEqual(value(text, LANGUAGE_OF[dialect]), body, text);
      }
    }
  });

  void it('agrees with Python and JavaScript themselves on what the literal holds', { skip: PYTHON_MISSING }, () => {
    const samples = fc.sample(plainData, { numRuns: 80, seed: 7 }).map((data) => bodyOf('avatar', data));
    const python = samples.map((b) => renderValue(b as FragmentValue, 'python', '    ', 0, true));
    const evaluated = evalPythonBatch(python);
    python.forEach((text, i) => assert.deepEqual(value(text, 'python'), evaluated[i]));
    for (const b of samples) {
      const js = renderValue(b, 'javascript', '  ', 0, true);
      assert.deepEqual(value(js, 'javascript'), evalJs(js));
    }
  });

  void it('JSONC comments and trailing commas; JS template literals and bare keys; Python prefixes, triple quotes and dict()', () => {
    assert.deepEqual(value('{\n  // note\n  "type": "avatar", /* x */ "n": [1, 2,],\n}', 'jsonc'), { type: 'avatar', n: [1, 2] });
    assert.deepEqual(value("const b = { type: `image`, 'k': -1.5e3, n: 1_000, ok: true, no: null };", 'typescript'), {
      type: 'image',
      k: -1500,
      n: 1000,
      ok: true,
      no: null,
    });
    assert.deepEqual(value(`b = dict(type='avatar', script=r'a\\n', t="""x\ny""", u=u'\\u00e9', f=False, z=None, d={'k': [dict(a=1)]})`, 'python'), {
      type: 'avatar',
      script: 'a\\n',
      t: 'x\ny',
      u: 'é',
      f: false,
      z: null,
      d: { k: [{ a: 1 }] },
    });
  });

  void it('refuses what only running the file would tell, naming the first such place', () => {
    const cases: Array<[string, string, string]> = [
      ['typescript', "const b = { video_inputs: [{ voice: { type: 'text', input_text: TEXT } }] };", 'video_inputs[0].voice.input_text'],
      ['typescript', "const b = { type: 'avatar', avatar_id: id(), script: 'x' };", 'avatar_id'],
      ['typescript', "const b = { type: 'avatar', ...rest };", ''],
      ['typescript', "const b = { type: 'avatar', avatar_id };", ''],
      ['typescript', 'const b = { type: `avatar`, script: `Hi ${name}` };', 'script'],
      ['typescript', "const b = { type: 'avatar', [key]: 1 };", ''],
      ['python', "b = {'type': 'avatar', 'script': f'Hi {name}'}", 'script'],
      ['python', "b = {'type': 'avatar', voice_id: 'v'}", ''],
      ['python', "b = {'type': 'avatar', 'dimension': (1920, 1080)}", 'dimension'],
      ['python', "b = {'type': 'avatar', **extra}", ''],
      ['json', '{"type": "avatar", "avatar_id": "a", "background": {"type": "image"', ''],
    ];
    for (const [languageId, text, path] of cases) {
      const result = read(text, languageId);
      assert.equal(result.ok, false, text);
      if (!result.ok) {
        assert.equal(result.path, path, text);
        assert.ok(result.start >= 0 && result.end > result.start && result.end <= text.length, text);
        if (path) {
          assert.ok(result.message.includes(path), result.message);
        }
      }
    }
  });
});
