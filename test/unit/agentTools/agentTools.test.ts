// The agent tools' vscode-free parts: input parsing (bad input is a sentence, never a throw), finding across the
// history and the library cache, the results' lines and JSON, and the fragment Insert would leave in an empty file.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { findAssets, type LibraryEntry } from '../../../src/core/agentTools/findAssets';
import { fragmentAsInsertedIntoEmptyFile, fragmentAsInsertedIntoV3Body } from '../../../src/core/agentTools/fragment';
import { classifySource, parseFindInput, parseFragmentInput, parseUploadInput } from '../../../src/core/agentTools/toolInput';
import { findResultText, uploadResultText } from '../../../src/core/agentTools/toolResult';
import type { AssetRecord } from '../../../src/core/base/assetRecord';
import { buildSnippet } from '../../../src/core/payload/buildSnippet';

const ROOT = path.join(path.sep, 'work', 'project');
const inRoot = (relative: string): string => path.join(ROOT, relative);

function record(id: string, name: string, fileType: AssetRecord['fileType'], uploadedAt: number, extra: Partial<AssetRecord> = {}): AssetRecord {
  return {
    id,
    name,
    fileType,
    mime: 'image/png',
    url: `https://resource.heygen.ai/${id}.bin`,
    imageKey: null,
    createdTs: 1,
    size: 100,
    sha256: 'a'.repeat(64),
    uploadedAt,
    keyFingerprint: 'fp-secret-fingerprint',
    ...extra,
  };
}

void describe('agent tools: upload input', () => {
  void it('takes http(s) URLs, absolute paths and workspace-relative paths', () => {
    const parsed = parseUploadInput({ paths: ['https://example.com/a/b%20c.png?sig=1', '/abs/x.mp4', 'media/y.wav'] }, inRoot);
    assert.ok(parsed.valid);
    assert.deepEqual(parsed.value, [
      { kind: 'url', input: 'https://example.com/a/b%20c.png', url: 'https://example.com/a/b%20c.png?sig=1', name: 'b c.png' },
      { kind: 'path', input: '/abs/x.mp4', path: path.normalize('/abs/x.mp4'), name: 'x.mp4' },
      { kind: 'path', input: 'media/y.wav', path: inRoot('media/y.wav'), name: 'y.wav' },
    ]);
  });

  void it('refuses no paths with a sentence instead of throwing', () => {
    for (const input of [undefined, null, {}, { paths: [] }, { paths: 'a.png' }, []]) {
      const parsed = parseUploadInput(input, inRoot);
      assert.equal(parsed.valid, false, JSON.stringify(input));
      assert.match(parsed.valid ? '' : parsed.reason, /^No files were given/);
    }
  });

  void it('turns bad entries into per-item sentences', () => {
    assert.deepEqual(classifySource('ftp://example.com/a.png', inRoot), {
      kind: 'invalid',
      input: 'ftp://example.com/a.png',
      name: 'ftp://example.com/a.png',
      reason: '"ftp://example.com/a.png" cannot be uploaded: only http and https URLs are supported.',
    });
    const file = classifySource('file:///etc/passwd', inRoot);
    assert.equal(file.kind, 'invalid');
    assert.equal(classifySource('https://', inRoot).kind, 'invalid');
    assert.equal(classifySource('', inRoot).kind, 'invalid');
    assert.equal(classifySource(7, inRoot).kind, 'invalid');
    const noFolder = classifySource('a.png', () => undefined);
    assert.equal(noFolder.kind, 'invalid');
    assert.match(noFolder.kind === 'invalid' ? noFolder.reason : '', /no folder is open/);
  });

  void it('never echoes a signed link’s query or credentials', () => {
    const source = classifySource('https://user:pw@cdn.example.com/clip.mp4?X-Amz-Signature=s3cret#frag', inRoot);
    assert.equal(source.kind, 'url');
    assert.equal(source.input, 'https://cdn.example.com/clip.mp4');
    const bad = classifySource('ftp://user:pw@host/x.png?token=s3cret', inRoot);
    assert.ok(!JSON.stringify(bad).includes('s3cret') && !JSON.stringify(bad).includes('pw@'), JSON.stringify(bad));
  });

  void it('a Windows drive letter is a path, not a scheme', () => {
    assert.notEqual(classifySource('C:\\media\\a.png', inRoot).kind, 'invalid');
  });
});

void describe('agent tools: find and fragment input', () => {
  void it('find defaults to 20, caps the limit and refuses bad kinds and limits', () => {
    assert.deepEqual(parseFindInput(undefined), { valid: true, value: { limit: 20 } });
    assert.deepEqual(parseFindInput({ query: '  Logo ', kind: 'image', limit: 5000 }), { valid: true, value: { query: 'Logo', kind: 'image', limit: 200 } });
    assert.equal(parseFindInput({ kind: 'font' }).valid, false);
    assert.equal(parseFindInput({ limit: 0 }).valid, false);
    assert.equal(parseFindInput({ limit: 1.5 }).valid, false);
    assert.equal(parseFindInput({ query: 3 }).valid, false);
  });

  void it('fragment needs an id and a role; language and version default to json and v2', () => {
    assert.deepEqual(parseFragmentInput({ assetId: ' a1 ', role: 'audio' }), {
      valid: true,
      value: { assetId: 'a1', role: 'audio', language: 'json', payloadVersion: 'v2' },
    });
    assert.equal(parseFragmentInput({ role: 'audio' }).valid, false);
    assert.equal(parseFragmentInput({ assetId: 'a1', role: 'foreground' }).valid, false);
    assert.equal(parseFragmentInput({ assetId: 'a1', role: 'audio', language: 'ruby' }).valid, false);
    assert.equal(parseFragmentInput({ assetId: 'a1', role: 'audio', payloadVersion: 'v4' }).valid, false);
  });
});

void describe('agent tools: finding assets', () => {
  const history = [
    record('h2', 'Logo Dark.png', 'image', 3000, { sourcePath: path.join(ROOT, 'brand', 'logo-dark.png') }),
    record('h1', 'intro.mp3', 'audio', 1000, { sourceUrl: 'https://cdn.example.com/intro.mp3' }),
  ];
  const library: LibraryEntry[] = [
    { id: 'l1', name: 'Studio Backdrop', kind: 'video', type: 'video', uploadedAt: 2000, url: 'https://resource.heygen.ai/l1.mp4', folderId: null },
    { id: 'h2', name: 'Logo Dark (library copy)', kind: 'image', type: 'image', uploadedAt: 9999, url: 'https://resource.heygen.ai/h2.png', folderId: null },
    { id: 'font1', name: 'Logo Font', kind: 'other', type: 'font', uploadedAt: 5000, url: 'https://resource.heygen.ai/font1.ttf', folderId: null },
    { id: 'nourl', name: 'Logo pending', kind: 'image', type: 'image', uploadedAt: 6000, url: null, folderId: null },
  ];

  void it('merges history and library newest first, each asset once, the history’s record winning', () => {
    const found = findAssets(history, library, { limit: 20 });
    assert.deepEqual(found.map((f) => [f.assetId, f.from]), [['h2', 'history'], ['l1', 'library'], ['h1', 'history']]);
  });

  void it('matches name, source file name, id or URL, case-insensitively', () => {
    const ids = (query: string): string[] => findAssets(history, library, { query, limit: 20 }).map((f) => f.assetId);
    assert.deepEqual(ids('LOGO'), ['h2']);
    assert.deepEqual(ids('logo-dark'), ['h2'], 'source file name');
    assert.deepEqual(ids('cdn.example.com/intro'), ['h1'], 'source URL');
    assert.deepEqual(ids('L1'), ['l1'], 'id');
    assert.deepEqual(ids('heygen.ai/l1.mp4'), ['l1'], 'URL');
    assert.deepEqual(findAssets(history, library, { kind: 'audio', limit: 20 }).map((f) => f.assetId), ['h1']);
    assert.deepEqual(findAssets(history, library, { limit: 1 }).map((f) => f.assetId), ['h2']);
  });

  void it('marks what HeyGen no longer has, in the facts and the line', () => {
    const found = findAssets(history, library, { query: 'studio', limit: 20 }, (id) => id === 'l1');
    assert.equal(found[0].gone, true);
    assert.match(findResultText(found, {}), /^Studio Backdrop: video asset l1, \S+; HeyGen no longer has it, so do not use it\n/);
    assert.equal(findAssets(history, library, { query: 'logo', limit: 20 }, (id) => id === 'l1')[0].gone, undefined);
  });

  void it('results hold no key fingerprint, no content hash and no signed query', () => {
    const signed = [record('s1', 'clip.mp4', 'video', 1, { sourceUrl: 'https://cdn.example.com/clip.mp4?X-Amz-Signature=s3cret' })];
    const text = findResultText(findAssets(signed, [], { limit: 20 }), {});
    assert.ok(!text.includes('fp-secret-fingerprint') && !text.includes('a'.repeat(64)) && !text.includes('s3cret'), text);
    assert.match(text, /^clip\.mp4: video asset s1, https:\/\/resource\.heygen\.ai\/s1\.bin \(100 B\)\n\n```json\n/);
  });
});

void describe('agent tools: results', () => {
  void it('one line per item, then the same facts as JSON', () => {
    const text = uploadResultText(
      [
        { input: 'a.png', name: 'a.png', kind: 'image', assetId: 'id1', url: 'https://r/id1.png', reused: false },
        { input: 'b.png', name: 'b.png', kind: 'image', assetId: 'id2', url: 'https://r/id2.png', reused: true },
        { input: 'c.png', name: 'c.png', error: '"c.png" does not exist.' },
      ],
      'upload.heygen.com',
    );
    const [lines, json] = text.split('\n\n');
    assert.deepEqual(lines.split('\n'), [
      'a.png: image asset id1, https://r/id1.png (uploaded)',
      'b.png: image asset id2, https://r/id2.png (reused: identical content was uploaded before)',
      'c.png: not uploaded. "c.png" does not exist.',
    ]);
    const facts = JSON.parse(json.replace(/^```json\n/, '').replace(/\n```$/, '')) as { uploaded: number; failed: number; endpoint: string; items: unknown[] };
    assert.equal(facts.uploaded, 2);
    assert.equal(facts.failed, 1);
    assert.equal(facts.endpoint, 'upload.heygen.com');
    assert.equal(facts.items.length, 3);
  });
});

void describe('agent tools: fragment', () => {
  void it('is the plain text of the whole item Insert writes in an empty file, in each language', () => {
    const asset = { id: 'bg1', url: 'https://resource.heygen.ai/image/"bg" $1 }.png', fileType: 'image' as const };
    for (const languageId of ['json', 'javascript', 'typescript', 'python']) {
      const request = {
        role: 'background' as const,
        asset,
        languageId,
        indent: { insertSpaces: true, tabSize: 4 },
        defaults: { avatarId: 'josh', voiceId: '' },
        editorIndents: true,
      };
      const fragment = fragmentAsInsertedIntoEmptyFile(request);
      assert.equal(fragment, buildSnippet({ ...request, shape: 'item', plainText: true }), languageId);
      assert.ok(!fragment.includes('${') && !fragment.endsWith('$0'), 'no snippet syntax is left');
    }
    const json = JSON.parse(
      fragmentAsInsertedIntoEmptyFile({
        role: 'background',
        asset,
        languageId: 'json',
        indent: { insertSpaces: true, tabSize: 2 },
        defaults: { avatarId: '', voiceId: '' },
        editorIndents: true,
      }),
    ) as { background: unknown; character: { avatar_id: string } };
    assert.deepEqual(json.background, { type: 'image', url: asset.url });
    assert.equal(json.character.avatar_id, 'avatar_id', 'a placeholder left as its hint, as after Insert');
  });

  void it('for v3 is the body property, by URL or by id as the reference setting says', () => {
    const request = {
      role: 'background' as const,
      asset: { id: 'bg1', url: 'https://resource.heygen.ai/bg1.png', fileType: 'image' as const },
      languageId: 'json',
      indent: { insertSpaces: true, tabSize: 2 },
      defaults: { avatarId: '', voiceId: '' },
      editorIndents: true,
    };
    assert.deepEqual(JSON.parse(`{${fragmentAsInsertedIntoV3Body(request)}}`), { background: { type: 'image', url: request.asset.url } });
    assert.deepEqual(JSON.parse(`{${fragmentAsInsertedIntoV3Body({ ...request, reference: 'assetId' })}}`), { background: { type: 'image', asset_id: 'bg1' } });
    assert.equal(fragmentAsInsertedIntoV3Body({ ...request, role: 'audio', asset: { ...request.asset, fileType: 'audio' } }), '"audio_url": "https://resource.heygen.ai/bg1.png"');
  });
});
