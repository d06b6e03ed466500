import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { findAssetReferences, referenceAt, type AssetReference } from '../../../src/core/payload/assetReferences';
import { HistoryKnownAssets, LibraryKnownAssets, MergedKnownAssets, type KnownAsset, type KnownAssets } from '../../../src/core/payload/knownAssets';
import { classifyValue, resolveLocalPath } from '../../../src/core/payload/localPath';
import { LocalFileChecks, payloadProblems, problemMessages } from '../../../src/core/payload/payloadProblems';
import { applyReplacements, replacementEdits } from '../../../src/core/payload/replaceReference';
import type { SnippetAsset } from '../../../src/core/payload/buildSnippet';

const summary = (refs: readonly AssetReference[]): string[] => refs.map((r) => `${r.version} ${r.path}=${r.value} ${r.takes} ${r.kinds.join('|')}`);

const V2_JSON = `{
  // "background": { "url": "./commented.jpg" }
  "title": "./not-a-reference.jpg",
  "video_inputs": [
    {
      "character": { "type": "talking_photo", "talking_photo_id": "./face.png" },
      "voice": { "type": "audio", "audio_url": "./voice.mp3" },
      "background": { "type": "video", "url": "./clip.mp4", "play_style": "loop" }
    },
    {
      "character": { "type": "avatar", "avatar_id": "josh" },
      "voice": { "type": "audio", "audio_asset_id": "a1b2" },
      "background": { "type": "image", "image_asset_id": "img1", "url": "https://x.invalid/a\\u0020b.png" }
    },
    { "background": { "video_asset_id": "vid1", "url": "" } }
  ]
}`;

const IMAGE: SnippetAsset = { id: 'img-9', url: 'https://resource.heygen.ai/image/new.png', fileType: 'image' };
const VIDEO: SnippetAsset = { id: 'vid-9', url: 'https://resource.heygen.ai/video/new.mp4', fileType: 'video' };
const AUDIO: SnippetAsset = { id: 'aud-9', url: 'https://resource.heygen.ai/audio/new.mp3', fileType: 'audio' };

void describe('payload asset references', () => {
  void it('finds every v2 place in JSONC, and nothing in comments or other keys', () => {
    assert.deepEqual(summary(findAssetReferences(V2_JSON, 'jsonc')), [
      'v2 character.talking_photo_id=./face.png id image',
      'v2 voice.audio_url=./voice.mp3 url audio',
      'v2 background.url=./clip.mp4 url video',
      'v2 voice.audio_asset_id=a1b2 id audio',
      'v2 background.image_asset_id=img1 id image',
      'v2 background.url=https://x.invalid/a b.png url image',
      'v2 background.video_asset_id=vid1 id video',
      'v2 background.url= url image|video',
    ]);
  });

  void it('finds v2 places in a TypeScript object literal with bare keys and mixed quotes', () => {
    const ts = `const payload = {
  video_inputs: [{
    character: { type: 'talking_photo', talking_photo_id: "./face.png" },
    // voice: { audio_url: './old.mp3' },
    voice: { type: 'audio', 'audio_url': \`./voice.mp3\` },
    background: { type: 'image', url: '../shared/bg\\'s.jpg' },
  }],
};
const other = { background: { url: './not-an-item.jpg' } };`;
    const refs = findAssetReferences(ts, 'typescript');
    assert.deepEqual(summary(refs), [
      'v2 character.talking_photo_id=./face.png id image',
      'v2 voice.audio_url=./voice.mp3 url audio',
      "v2 background.url=../shared/bg's.jpg url image",
    ]);
    assert.equal(refs[0].keyToken.bare, true);
    assert.equal(refs[1].keyToken.bare, false);
    assert.equal(refs[1].quote, '`');
  });

  void it('finds v2 places in a Python dict, with dict() calls and prefixed strings', () => {
    const py = `payload = {
    "video_inputs": [
        {
            "character": {"type": "talking_photo", "talking_photo_id": 'tp1'},  # "url": "./no.jpg"
            "voice": dict(type="audio", audio_url=r"./voice.mp3"),
            "background": {'type': 'image', 'url': "./bg.jpg"},
        }
    ]
}`;
    assert.deepEqual(summary(findAssetReferences(py, 'python')), [
      'v2 character.talking_photo_id=tp1 id image',
      'v2 voice.audio_url=./voice.mp3 url audio',
      'v2 background.url=./bg.jpg url image',
    ]);
    const calls = 'body = dict(type="avatar", avatar_id="a", audio_url="./a.mp3", background=dict(type="image", url="./b.png"), note=str(dict(url="./no.png")))';
    const refs = findAssetReferences(calls, 'python');
    assert.deepEqual(summary(refs), ['v3 audio_url=./a.mp3 url audio', 'v3 background.url=./b.png url image']);
    assert.equal(
      applyReplacements(calls, replacementEdits(refs[0], AUDIO, 'assetId')),
      calls.replace('audio_url="./a.mp3"', 'audio_asset_id="aud-9"'),
      'a keyword argument is renamed as a bare word',
    );
  });

  void it('finds v3 places in a POST /v3/videos body, and only in one', () => {
    const v3 = `{
  "type": "image",
  "image": { "type": "url", "url": "./portrait.jpg" },
  "background": { "type": "image", "asset_id": "bg-1" },
  "audio_url": "./speech.wav",
  "script": null
}`;
    assert.deepEqual(summary(findAssetReferences(v3, 'json')), [
      'v3 image.url=./portrait.jpg url image',
      'v3 background.asset_id=bg-1 id image',
      'v3 audio_url=./speech.wav url audio',
    ]);
    const avatar = `{ "type": "avatar", "avatar_id": "a", "audio_asset_id": "aud", "background": { "type": "image", "url": "./bg.png" }, "image": { "asset_id": "img" } }`;
    assert.deepEqual(summary(findAssetReferences(avatar, 'json')), [
      'v3 audio_asset_id=aud id audio',
      'v3 background.url=./bg.png url image',
      'v3 image.asset_id=img id image',
    ]);
    // A type of "avatar" next to video_inputs is a v2 payload; a body of another type is not a v3 video.
    assert.deepEqual(findAssetReferences(`{ "type": "avatar", "video_inputs": [], "audio_url": "./x.mp3" }`, 'json'), []);
    assert.deepEqual(findAssetReferences(`{ "type": "color", "audio_url": "./x.mp3" }`, 'json'), []);
  });

  void it('finds v3 places in TypeScript and Python', () => {
    assert.deepEqual(summary(findAssetReferences(`export const body = { type: 'avatar', avatar_id: 'x', audio_url: './a.mp3', background: { type: 'image', url: './b.png' } };`, 'typescript')), [
      'v3 audio_url=./a.mp3 url audio',
      'v3 background.url=./b.png url image',
    ]);
    assert.deepEqual(summary(findAssetReferences(`body = {"type": "image", "image": {"type": "asset_id", "asset_id": 'img'}}`, 'python')), [
      'v3 image.asset_id=img id image',
    ]);
  });

  void it('knows which reference a cursor is in, including an empty or unclosed string', () => {
    const text = '{"video_inputs": [{"background": {"type": "image", "url": ""}, "voice": {"audio_url": "./v.mp3"}}]}';
    const refs = findAssetReferences(text, 'json');
    const empty = text.indexOf('""') + 1;
    assert.equal(referenceAt(refs, empty)?.path, 'background.url');
    assert.equal(referenceAt(refs, text.indexOf('./v.mp3') + 3)?.path, 'voice.audio_url');
    assert.equal(referenceAt(refs, text.indexOf('"type"') + 2), undefined);
    const unclosed = '{"video_inputs": [{"background": {"url": "./sam\n}}]}';
    assert.equal(referenceAt(findAssetReferences(unclosed, 'json'), unclosed.indexOf('./sam') + 5)?.value, './sam');
  });
});

void describe('local paths in payloads', () => {
  void it('tells paths from URLs and asset ids', () => {
    const kinds = ['', './a.jpg', '../a.jpg', 'a.jpg', 'media/a', '/abs/a.png', '~/a.png', 'C:\\a.png', 'file:///tmp/a.png', 'https://x/a.png', 'data:image/png;base64,AA', 'a1b2c3d4e5', 'c1f6_8e'];
    assert.deepEqual(
      kinds.map(classifyValue),
      ['empty', 'localPath', 'localPath', 'localPath', 'localPath', 'localPath', 'localPath', 'localPath', 'localPath', 'url', 'url', 'id', 'id'],
    );
  });

  void it('resolves relative to the payload folder, absolute, from home and file: URLs; not without a folder', () => {
    assert.equal(resolveLocalPath('./media/a.jpg', '/work/p'), '/work/p/media/a.jpg');
    assert.equal(resolveLocalPath('../a.jpg', '/work/p'), '/work/a.jpg');
    assert.equal(resolveLocalPath('a.jpg', '/work/p'), '/work/p/a.jpg');
    assert.equal(resolveLocalPath('/abs/./a.png', '/work/p'), '/abs/a.png');
    assert.equal(resolveLocalPath('~/pics/a.png', '/work/p', '/home/me'), '/home/me/pics/a.png');
    // Without a home given, the person's own.
    assert.equal(resolveLocalPath('~/pics/a.png', '/work/p'), path.join(os.homedir(), 'pics', 'a.png'));
    assert.equal(resolveLocalPath('file:///tmp/a%20b.png', '/work/p'), '/tmp/a b.png');
    assert.equal(resolveLocalPath('./a.jpg', undefined), undefined);
    assert.equal(resolveLocalPath('/abs/a.jpg', undefined), '/abs/a.jpg');
  });
});

function replaced(text: string, languageId: string, index: number, asset: SnippetAsset, mode: 'url' | 'assetId'): string {
  const reference = findAssetReferences(text, languageId)[index];
  assert.ok(reference, `reference ${index} exists`);
  return applyReplacements(text, replacementEdits(reference, asset, mode));
}

void describe('replacing a reference', () => {
  void it('puts the URL into a url property and the id into an id property', () => {
    const json = '{"video_inputs": [{"background": {"type": "image", "url": "./bg.jpg"}, "character": {"type": "talking_photo", "talking_photo_id": "./me.png"}}]}';
    assert.equal(replaced(json, 'json', 0, IMAGE, 'url'), json.replace('"./bg.jpg"', `"${IMAGE.url}"`));
    assert.equal(replaced(json, 'json', 1, IMAGE, 'url'), json.replace('"./me.png"', `"${IMAGE.id}"`));
  });

  void it('in assetId mode, turns url into the id property HeyGen documents for the place', () => {
    const json = '{"video_inputs": [{"background": {"type": "image", "url": "./clip.mp4"}, "voice": {"type": "audio", "audio_url": "./v.mp3"}}]}';
    assert.equal(
      replaced(json, 'json', 0, VIDEO, 'assetId'),
      '{"video_inputs": [{"background": {"type": "video", "video_asset_id": "vid-9"}, "voice": {"type": "audio", "audio_url": "./v.mp3"}}]}',
    );
    assert.equal(
      replaced(json, 'json', 1, AUDIO, 'assetId'),
      '{"video_inputs": [{"background": {"type": "image", "url": "./clip.mp4"}, "voice": {"type": "audio", "audio_asset_id": "aud-9"}}]}',
    );
  });

  void it('in a v3 body, writes v3 fields: asset_id with its type, audio_asset_id', () => {
    const v3 = `{ type: 'image', image: { type: 'url', url: './me.jpg' }, audio_url: "./v.mp3" }`;
    assert.equal(replaced(v3, 'typescript', 0, IMAGE, 'assetId'), `{ type: 'image', image: { type: 'asset_id', asset_id: 'img-9' }, audio_url: "./v.mp3" }`);
    assert.equal(replaced(v3, 'typescript', 1, AUDIO, 'assetId'), `{ type: 'image', image: { type: 'url', url: './me.jpg' }, audio_asset_id: "aud-9" }`);
    assert.equal(replaced(v3, 'typescript', 1, AUDIO, 'url'), `{ type: 'image', image: { type: 'url', url: './me.jpg' }, audio_url: "${AUDIO.url}" }`);
  });

  void it("keeps the person's quotes in JS and Python, escaping what each needs", () => {
    const asset: SnippetAsset = { id: "it's", url: `https://x.invalid/"q" it's \\ é.png`, fileType: 'image' };
    const py = `{"video_inputs": [{"background": {'type': 'image', 'url': './a.png'}}]}`;
    assert.equal(replaced(py, 'python', 0, asset, 'url'), `{"video_inputs": [{"background": {'type': 'image', 'url': 'https://x.invalid/"q" it\\'s \\\\ é.png'}}]}`);
    const js = 'const p = { video_inputs: [{ background: { type: "image", url: `./a.png` } }] };';
    assert.equal(replaced(js, 'javascript', 0, asset, 'assetId'), `const p = { video_inputs: [{ background: { type: "image", image_asset_id: 'it\\'s' } }] };`);
  });

  void it('leaves a type that is the person’s choice alone', () => {
    const json = '{"video_inputs": [{"background": {"type": "color", "url": "./bg.jpg"}}]}';
    assert.equal(replaced(json, 'json', 0, IMAGE, 'assetId'), '{"video_inputs": [{"background": {"type": "color", "image_asset_id": "img-9"}}]}');
  });
});

class FakeKnownAssets implements KnownAssets {
  constructor(
    private readonly assets: KnownAsset[],
    private readonly gone: Set<string>,
  ) {}
  find(reference: string): KnownAsset | undefined {
    return this.assets.find((a) => a.id === reference || a.url === reference);
  }
  isGone(id: string): boolean {
    return this.gone.has(id);
  }
  all(): readonly KnownAsset[] {
    return this.assets;
  }
  onDidChange(): { dispose(): void } {
    return { dispose: () => undefined };
  }
}

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'media');

void describe('payload problems', () => {
  void it('names local files, missing files, files the upload would refuse, mislabelled ones and gone assets', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-payload-'));
    fs.copyFileSync(path.join(FIXTURES, 'sample.jpg'), path.join(dir, 'sample.jpg'));
    fs.copyFileSync(path.join(FIXTURES, 'sample.jpg'), path.join(dir, 'really-a-jpeg.png'));
    fs.writeFileSync(path.join(dir, 'notes.png'), 'just text');
    fs.writeFileSync(path.join(dir, 'empty.mp3'), '');
    fs.copyFileSync(path.join(FIXTURES, 'sample.mp3'), path.join(dir, 'voice.mp3'));
    const known = new FakeKnownAssets(
      [
        { id: 'kept', name: 'kept.png', fileType: 'image', url: 'https://x.invalid/kept.png' },
        { id: 'lost', name: 'lost.png', fileType: 'image', url: 'https://x.invalid/lost.png', sourcePath: path.join(dir, 'sample.jpg') },
      ],
      new Set(['lost', 'lost-id-only']),
    );
    const text = `{"video_inputs": [
      {"background": {"type": "image", "url": "./sample.jpg"}, "voice": {"type": "audio", "audio_url": "./empty.mp3"}},
      {"background": {"type": "image", "url": "./missing.jpg"}},
      {"background": {"type": "image", "url": "notes.png"}},
      {"background": {"type": "image", "url": "./really-a-jpeg.png"}},
      {"background": {"type": "image", "url": "https://x.invalid/lost.png"}},
      {"background": {"type": "image", "url": "https://x.invalid/kept.png"}},
      {"background": {"type": "image", "image_asset_id": "lost-id-only"}},
      {"background": {"url": "./voice.mp3"}, "voice": {"audio_url": "./sample.jpg"}}
    ]}`;
    const references = findAssetReferences(text, 'json');
    const checks = new LocalFileChecks(() => 10 * 1024 * 1024);
    await checks.refresh(references.map((r) => resolveLocalPath(r.value, dir)).filter((p): p is string => p !== undefined && classifyValue(p) === 'localPath'));
    const problems = payloadProblems(references, { documentDir: dir, files: (p) => checks.get(p), known });
    assert.deepEqual(
      problems.map((p) => `${p.code} ${p.severity} ${text.slice(p.start, p.end)}: ${p.message}`),
      [
        `localFile error "./sample.jpg": ${problemMessages.localFile()}`,
        'badFile error "./empty.mp3": "empty.mp3" is empty.',
        'fileNotFound error "./missing.jpg": File not found',
        'badFile error "notes.png": "notes.png" is named like a PNG file, but its content is not PNG or any other supported type (JPEG, PNG, MP4, WebM, MP3 or WAV).',
        `localFile error "./really-a-jpeg.png": ${problemMessages.localFile()}`,
        'mislabelled warning "./really-a-jpeg.png": "really-a-jpeg.png" is named like a PNG file, but its content is JPEG; it is uploaded as image/jpeg.',
        'gone warning "https://x.invalid/lost.png": HeyGen no longer has lost.png: upload its source again or choose another asset.',
        'gone warning "lost-id-only": HeyGen no longer has lost-id-only: upload its source again or choose another asset.',
        'wrongKind error "./voice.mp3": "voice.mp3" is an audio file; background.url takes an image or a video.',
        'wrongKind error "./sample.jpg": "sample.jpg" is not an audio file; voice.audio_url takes an MP3 or WAV file.',
      ],
    );
    assert.equal(problems.find((p) => p.code === 'gone')?.asset?.sourcePath, path.join(dir, 'sample.jpg'));
    assert.deepEqual(
      payloadProblems(findAssetReferences('{"video_inputs": [{"background": {"url": "./x.jpg"}}]}', 'json'), { documentDir: undefined, files: () => undefined, known }).map((p) => p.code),
      ['noFolder'],
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  void it('checks a file again only when it changed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-payload-'));
    const file = path.join(dir, 'later.jpg');
    const checks = new LocalFileChecks(() => 10 * 1024 * 1024);
    await checks.refresh([file]);
    assert.equal(checks.get(file)?.valid, false);
    fs.copyFileSync(path.join(FIXTURES, 'sample.jpg'), file);
    await checks.refresh([file]);
    const first = checks.get(file);
    assert.equal(first?.valid, true);
    await checks.refresh([file]);
    assert.equal(checks.get(file), first, 'an unchanged file keeps its check');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  void it('knows history records by id and by URL, newest first for a URL recorded twice', () => {
    const listeners: Array<() => void> = [];
    let records: KnownAsset[] = [
      { id: 'new', name: 'n.png', fileType: 'image', url: 'https://x.invalid/same.png' },
      { id: 'old', name: 'o.png', fileType: 'image', url: 'https://x.invalid/same.png' },
    ];
    const known = new HistoryKnownAssets({
      all: () => records,
      onDidChange: (l) => {
        listeners.push(l);
        return { dispose: () => undefined };
      },
    });
    assert.equal(known.find('https://x.invalid/same.png')?.id, 'new');
    assert.equal(known.find('old')?.name, 'o.png');
    assert.equal(known.isGone('old'), false);
    records = [{ id: 'third', name: 't.png', fileType: 'image', url: 'https://x.invalid/t.png' }];
    listeners.forEach((l) => l());
    assert.equal(known.find('old'), undefined);
    assert.equal(known.find('third')?.name, 't.png');
  });

  void it('merges history and library: first source answers, gone if any says so, each asset once, newest first', () => {
    const history = new FakeKnownAssets(
      [
        { id: 'h1', name: 'from-history.png', fileType: 'image', url: 'https://x.invalid/h1.png', uploadedAt: 300, sourcePath: '/src/h1.png' },
        { id: 'both', name: 'history-name.png', fileType: 'image', url: 'https://x.invalid/both.png', uploadedAt: 100 },
      ],
      new Set(),
    );
    const library = new FakeKnownAssets(
      [
        { id: 'l1', name: 'library-only.mp3', fileType: 'audio', url: 'https://x.invalid/l1.mp3', uploadedAt: 200 },
        { id: 'both', name: 'library-name.png', fileType: 'image', url: 'https://x.invalid/both.png', uploadedAt: 100 },
      ],
      new Set(['both']),
    );
    const merged = new MergedKnownAssets([history, library]);
    assert.deepEqual(
      merged.all().map((a) => a.name),
      ['from-history.png', 'library-only.mp3', 'history-name.png'],
    );
    assert.equal(merged.find('both')?.name, 'history-name.png');
    assert.equal(merged.find('https://x.invalid/l1.mp3')?.id, 'l1');
    assert.equal(merged.isGone('both'), true);
    assert.equal(merged.isGone('h1'), false);
  });

  void it('reads the library by shape: its media with a URL, and its stale marks', () => {
    let listed = [
      { id: 'img', name: 'lib.png', kind: 'image', uploadedAt: 1000, url: 'https://x.invalid/lib.png' },
      { id: 'font', name: 'f.ttf', kind: 'other', uploadedAt: 900, url: 'https://x.invalid/f.ttf' },
      { id: 'nourl', name: 'n.mp4', kind: 'video', uploadedAt: 800, url: null },
    ];
    const library = new LibraryKnownAssets({ all: () => listed, isGone: (id) => id === 'img', onDidChange: () => ({ dispose: () => undefined }) });
    assert.deepEqual(library.all(), [{ id: 'img', name: 'lib.png', fileType: 'image', url: 'https://x.invalid/lib.png', uploadedAt: 1000 }]);
    assert.equal(library.find('https://x.invalid/lib.png')?.id, 'img');
    assert.equal(library.isGone('img'), true);
    listed = [{ id: 'aud', name: 'a.mp3', kind: 'audio', uploadedAt: 0, url: 'https://x.invalid/a.mp3' }];
    assert.equal(library.find('img'), undefined, 'a new listing is read anew');
    assert.equal(library.find('aud')?.name, 'a.mp3');
  });
});
