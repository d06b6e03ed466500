import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findAssetReferences } from '../../../src/core/payload/assetReferences';
import { payloadProblems } from '../../../src/core/payload/payloadProblems';
import { HistoryKnownAssets } from '../../../src/core/payload/knownAssets';

const PAYLOADS: ReadonlyArray<readonly [string, string]> = [
  ['javascript', 'const p = { video_inputs: [{ "\\u{110000}": { url: "x.png" }, background: { "\\u{110000}": 1, url: "\\u{110000}.png" } }] };'],
  ['typescript', "export const p = { video_inputs: [{ background: { url: '\\u{FFFFFFFF}' }, voice: { audio_url: '\\u{10FFFF}' } }] };"],
  ['python', 'p = {"video_inputs": [{"background": {"\\U00110000": 1, "url": "\\u{110000}"}}]}'],
  ['json', '{"video_inputs": [{"background": {"\\u{110000}": 1, "url": "\\u{110000}"}}]}'],
];

void describe('escapes beyond Unicode in payloads', () => {
  void it('a \\u{110000} escape at a key or in a value does not throw; the value keeps the escape as written', () => {
    const known = new HistoryKnownAssets({ all: () => [], onDidChange: () => ({ dispose: () => undefined }) });
    for (const [language, text] of PAYLOADS) {
      const references = findAssetReferences(text, language);
      assert.doesNotThrow(() => payloadProblems(references, { documentDir: '/work', files: () => undefined, known }), language);
    }
    const [js] = findAssetReferences(PAYLOADS[0][1], 'javascript');
    assert.equal(js.value, '\\u{110000}.png');
    const ts = findAssetReferences(PAYLOADS[1][1], 'typescript');
    assert.deepEqual(ts.map((r) => r.value), ['\\u{FFFFFFFF}', '\u{10FFFF}']);
  });
});
