import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AssetRecord } from '../../../src/core/base/assetRecord';
import { libraryContextValue } from '../../../src/core/library/libraryTree';
import { GROUP_CONTEXT_VALUE, NO_FILTER, assetContextValue, assetLabel, assetTooltipMarkdown, describeFilter, groupAssets, isFilterActive, normalizeFilter, type HistoryFilter } from '../../../src/core/history/historyTree';
import { codeSpan, escapeMarkdown, markdownUrl } from '../../../src/core/base/markdown';
import { relativeTime } from '../../../src/core/base/time';
import { formatSize } from '../../../src/core/base/sizes';

const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);

function asset(id: string, fileType: AssetRecord['fileType'], minutesAgo: number, overrides: Partial<AssetRecord> = {}): AssetRecord {
  const mime = { image: 'image/png', video: 'video/mp4', audio: 'audio/mpeg' }[fileType];
  return {
    id,
    name: `${id}.${mime.split('/')[1]}`,
    fileType,
    mime,
    url: `https://files.example.test/${id}`,
    imageKey: fileType === 'image' ? `image/${id}/original` : null,
    createdTs: Math.floor((NOW - minutesAgo * 60_000) / 1000),
    sourcePath: `/work/media/${id}`,
    size: 2048,
    sha256: '0'.repeat(64),
    uploadedAt: NOW - minutesAgo * 60_000,
    keyFingerprint: 'fp',
    ...overrides,
  };
}

const records = [
  asset('Sunset', 'image', 1),
  asset('intro', 'video', 2),
  asset('voice', 'audio', 3),
  asset('beach', 'image', 4),
  asset('SUNRISE', 'video', 5),
  asset('sunny-jingle', 'audio', 6),
  asset('portrait', 'image', 7),
];

void describe('groupAssets', () => {
  void it('groups Images, Videos, Audio in that order with counts, newest first inside each', () => {
    const groups = groupAssets(records);
    assert.deepEqual(
      groups.map((g) => [g.kind, g.count, g.records.map((r) => r.id)]),
      [
        ['image', 3, ['Sunset', 'beach', 'portrait']],
        ['video', 2, ['intro', 'SUNRISE']],
        ['audio', 2, ['voice', 'sunny-jingle']],
      ],
    );
  });

  void it('filters by name case-insensitively and leaves out groups with nothing to show', () => {
    const groups = groupAssets(records, normalizeFilter({ text: '  sUn ' }));
    assert.deepEqual(
      groups.map((g) => [g.kind, g.records.map((r) => r.id)]),
      [
        ['image', ['Sunset']],
        ['video', ['SUNRISE']],
        ['audio', ['sunny-jingle']],
      ],
    );
    assert.deepEqual(groupAssets(records, normalizeFilter({ text: 'nothing matches' })), []);
    assert.deepEqual(groupAssets([]), []);
  });

  void it('filters by kinds, alone or with text', () => {
    assert.deepEqual(
      groupAssets(records, normalizeFilter({ kinds: ['audio', 'video'] })).map((g) => g.kind),
      ['video', 'audio'],
    );
    assert.deepEqual(
      groupAssets(records, normalizeFilter({ text: 'sun', kinds: ['image'] })).map((g) => g.records.map((r) => r.id)),
      [['Sunset']],
    );
  });

  void it('shows exactly the records whose name holds the text, among the chosen kinds', () => {
    const cases: Array<[HistoryFilter, string[]]> = [
      [NO_FILTER, ['SUNRISE', 'Sunset', 'beach', 'intro', 'portrait', 'sunny-jingle', 'voice']],
      [normalizeFilter({ text: 'SUN' }), ['SUNRISE', 'Sunset', 'sunny-jingle']],
      [normalizeFilter({ text: 'o', kinds: ['image', 'audio'] }), ['portrait', 'voice']],
      [normalizeFilter({ kinds: ['video'] }), ['SUNRISE', 'intro']],
      [normalizeFilter({ text: 'nothing' }), []],
    ];
    for (const [filter, expected] of cases) {
      const shown = groupAssets(records, filter).flatMap((g) => g.records.map((r) => r.id)).sort();
      assert.deepEqual(shown, expected, JSON.stringify(filter));
    }
  });

  void it('uses the local file name when HeyGen gave no name', () => {
    const unnamed = asset('x', 'image', 1, { name: '', sourcePath: '/home/me/Pictures/Cat Photo.png' });
    assert.equal(assetLabel(unnamed), 'Cat Photo.png');
    assert.equal(groupAssets([unnamed], normalizeFilter({ text: 'cat' })).length, 1);
    assert.equal(assetLabel(asset('y', 'audio', 1, { name: '', sourcePath: undefined })), 'y');
  });
});

void describe('filters', () => {
  void it('normalizes: trimmed text, every kind means no restriction, kinds in a fixed order', () => {
    assert.deepEqual(normalizeFilter(undefined), { text: '', kinds: [] });
    assert.deepEqual(normalizeFilter({ kinds: ['audio', 'image', 'video'] }), { text: '', kinds: [] });
    assert.deepEqual(normalizeFilter({ text: ' a ', kinds: ['audio', 'image', 'audio'] }), { text: 'a', kinds: ['image', 'audio'] });
    assert.equal(isFilterActive(normalizeFilter({ text: '   ' })), false);
    assert.equal(isFilterActive(normalizeFilter({ kinds: ['video'] })), true);
  });

  void it('describes an active filter for the view description', () => {
    const names = { image: 'images', video: 'videos', audio: 'audio' } as const;
    assert.equal(describeFilter(normalizeFilter({ text: 'foo', kinds: ['image'] }), (k) => names[k]), 'foo · images');
    assert.equal(describeFilter(normalizeFilter({ kinds: ['video', 'audio'] }), (k) => names[k]), 'videos, audio');
    assert.equal(describeFilter(normalizeFilter({ text: 'bar' }), (k) => names[k]), 'bar');
  });
});

void describe('contextValue and the package.json menus', () => {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { menus: { 'view/item/context': { command: string; when: string; group: string }[] } };
  };
  /** Which commands a row's context menu offers in `view`, by evaluating the `view == … && viewItem =~ /…/` clauses. */
  function menuFor(contextValue: string, view = 'heygen.assets'): string[] {
    const commands = new Set<string>();
    for (const entry of manifest.contributes.menus['view/item/context']) {
      const match = /^view == ([\w.]+) && viewItem =~ \/(.+)\/$/.exec(entry.when);
      assert.ok(match, `unexpected when clause ${entry.when}`);
      if (match[1] === view && new RegExp(match[2]).test(contextValue)) {
        commands.add(entry.command.replace('heygen.', ''));
      }
    }
    return [...commands].sort();
  }

  void it('gives images every action, including image key, talking photo and the source actions', () => {
    const value = assetContextValue(asset('a', 'image', 1), true);
    assert.equal(value, 'asset image background talkingPhoto imageKey sourceExists');
    assert.deepEqual(menuFor(value), [
      'copyId',
      'copyImageKey',
      'copyUrl',
      'createPhotoAvatar',
      'deleteFromHeyGen',
      'findAssetReferences',
      'insertBackground',
      'insertTalkingPhoto',
      'openInBrowser',
      'removeFromHistory',
      'revealSource',
      'uploadAgain',
    ]);
  });

  void it('gives videos background but no talking photo, audio, or image key', () => {
    const value = assetContextValue(asset('v', 'video', 1), false);
    assert.equal(value, 'asset video background');
    assert.deepEqual(menuFor(value), ['copyId', 'copyUrl', 'deleteFromHeyGen', 'findAssetReferences', 'insertBackground', 'openInBrowser', 'removeFromHistory']);
  });

  void it('gives audio the audio insert only, and the source actions when the file exists', () => {
    assert.equal(assetContextValue(asset('s', 'audio', 1), false), 'asset audio');
    assert.deepEqual(menuFor(assetContextValue(asset('s', 'audio', 1), true)), [
      'copyId',
      'copyUrl',
      'deleteFromHeyGen',
      'findAssetReferences',
      'insertAudio',
      'openInBrowser',
      'removeFromHistory',
      'revealSource',
      'uploadAgain',
    ]);
  });

  void it('offers no image-key action for an image without one, and nothing at all on group rows', () => {
    assert.ok(!menuFor(assetContextValue(asset('n', 'image', 1, { imageKey: null }), false)).includes('copyImageKey'));
    assert.deepEqual(menuFor(GROUP_CONTEXT_VALUE), []);
  });

  void it('an upload HeyGen no longer has offers Upload Again inline (with its source) and no Delete from HeyGen', () => {
    const gone = `${assetContextValue(asset('g', 'image', 1, { imageKey: null }), true)} gone`;
    const menu = menuFor(gone);
    assert.ok(menu.includes('uploadAgain') && !menu.includes('deleteFromHeyGen'), menu.join());
    const inline = manifest.contributes.menus['view/item/context'].filter((e) => e.group.startsWith('inline') && e.command === 'heygen.uploadAgain');
    assert.equal(inline.length, 1);
    assert.ok(!menuFor(`${assetContextValue(asset('g', 'image', 1), false)} gone`).includes('uploadAgain'), 'not without the source file');
  });

  void it('library rows: the history actions that fit, Delete from HeyGen, and Reveal Source only for ours', () => {
    const image = libraryContextValue({ id: 'l', name: 'l.png', kind: 'image', type: 'image', uploadedAt: 1, url: 'https://x.test/l.png', folderId: null }, false);
    assert.deepEqual(menuFor(image, 'heygen.library'), ['copyId', 'copyUrl', 'createPhotoAvatar', 'deleteFromHeyGen', 'findAssetReferences', 'insertBackground', 'insertTalkingPhoto', 'openInBrowser']);
    const ours = libraryContextValue({ id: 'l', name: 'l.mp3', kind: 'audio', type: 'audio', uploadedAt: 1, url: 'https://x.test/l.mp3', folderId: null }, true);
    assert.deepEqual(menuFor(ours, 'heygen.library'), ['copyId', 'copyUrl', 'deleteFromHeyGen', 'findAssetReferences', 'insertAudio', 'openInBrowser', 'revealSource']);
    const font = libraryContextValue({ id: 'f', name: 'f.ttf', kind: 'other', type: 'font', uploadedAt: 1, url: null, folderId: null }, false);
    assert.deepEqual(menuFor(font, 'heygen.library'), ['copyId', 'deleteFromHeyGen', 'findAssetReferences']);
    assert.deepEqual(menuFor('libraryGroup', 'heygen.library'), []);
    assert.deepEqual(menuFor('libraryLoadMore', 'heygen.library'), []);
  });
});

void describe('relative time and size', () => {
  void it('speaks like a person, in English by default', () => {
    const at = (ms: number): string => relativeTime(NOW - ms, NOW);
    assert.equal(at(3_000), 'now');
    // Ages refresh once a minute at most: a count of seconds would be stale at once, so the first minute is "now".
    assert.equal(at(42_000), 'now');
    assert.equal(at(2 * 60_000 + 5_000), '2 minutes ago');
    assert.equal(at(3 * 3_600_000), '3 hours ago');
    assert.equal(at(30 * 3_600_000), 'yesterday');
    assert.equal(at(4 * 86_400_000), '4 days ago');
    assert.equal(at(15 * 86_400_000), '2 weeks ago');
    assert.equal(at(70 * 86_400_000), '2 months ago');
    assert.equal(at(800 * 86_400_000), '2 years ago');
    assert.equal(relativeTime(NOW + 60_000, NOW), 'now', 'a clock running behind does not give "in 1 minute"');
  });

  void it('follows the locale', () => {
    assert.equal(relativeTime(NOW - 2 * 60_000, NOW, 'de'), 'vor 2 Minuten');
    assert.equal(relativeTime(NOW - 2 * 60_000, NOW, 'not a locale!'), '2 minutes ago');
  });

  void it('formats sizes', () => {
    assert.equal(formatSize(0), '0 B');
    assert.equal(formatSize(1023), '1023 B');
    assert.equal(formatSize(1536), '1.5 KB');
    assert.equal(formatSize(10 * 1024 * 1024), '10 MB');
    assert.equal(formatSize(123.4 * 1024 * 1024), '123 MB');
    assert.equal(formatSize(3 * 1024 ** 3), '3 GB');
  });
});

interface MarkdownIt {
  render(src: string): string;
}
function markdownRenderer(): MarkdownIt | undefined {
  try {
    // Present as a dependency of @vscode/vsce; a CommonMark renderer shows what a hover would show.
    const ctor = createRequire(__filename)('markdown-it') as new (options?: object) => MarkdownIt;
    return new ctor({ html: false, linkify: false });
  } catch {
    return undefined;
  }
}

void describe('tooltip Markdown', () => {
  void it('shows name, id, URL, size, date and an image preview', () => {
    const md = assetTooltipMarkdown(asset('Sunset', 'image', 2), { now: NOW, sourceExists: true });
    assert.match(md, /^\*\*Sunset\\\.png\*\* · Image · image\/png/);
    assert.ok(md.includes('ID: `Sunset`'));
    assert.ok(md.includes('URL: [https\\://files\\.example\\.test/Sunset](<https://files.example.test/Sunset>)'));
    assert.ok(md.includes('Size: 2 KB'));
    assert.ok(md.includes('2 minutes ago'));
    assert.ok(md.includes('2025'));
    assert.ok(md.includes('Image key: `image/Sunset/original`'));
    assert.ok(md.includes('Source: `/work/media/Sunset`'));
    assert.ok(!md.includes('no longer exists'));
    // The source file is there: the preview is that file, and its alt text carries no escapes.
    assert.ok(md.endsWith('![Sunset.png](<file:///work/media/Sunset>)'), md);
  });

  void it('is headed by the file name and lists HeyGen\'s own name for the asset when it has another one', () => {
    const record = asset('Sunset', 'image', 2, { heygenName: 'asset_3f2a91c0' });
    assert.equal(assetLabel(record), 'Sunset.png', 'the tree shows the file name');
    const md = assetTooltipMarkdown(record, { now: NOW });
    assert.match(md, /^\*\*Sunset\\\.png\*\*/);
    assert.ok(md.includes('Name at HeyGen: asset\\_3f2a91c0'), md);
    assert.ok(!assetTooltipMarkdown(asset('Sunset', 'image', 2), { now: NOW }).includes('Name at HeyGen'));
  });

  void it('has no preview for video and audio, and says when the source is gone', () => {
    const md = assetTooltipMarkdown(asset('clip', 'video', 2), { now: NOW, sourceExists: false });
    assert.ok(!md.includes('!['));
    assert.ok(md.includes('no longer exists'));
    assert.ok(!assetTooltipMarkdown(asset('s', 'audio', 2), { now: NOW }).includes('!['));
  });

  void it('escapes names and URLs so they cannot inject links, images or HTML', () => {
    const evil = asset('e', 'image', 1, {
      name: '*bold* [click](https://evil.example) <img src=x onerror=alert(1)> ![x](https://evil.example/x.png) `code`',
      url: 'https://files.example.test/a b)(<x>.png',
      id: 'id`with`ticks',
    });
    const md = assetTooltipMarkdown(evil, { now: NOW });
    const renderer = markdownRenderer();
    if (renderer) {
      const html = renderer.render(md);
      assert.ok(!html.includes('href="https://evil.example"'), html);
      assert.ok(!html.includes('src="https://evil.example/x.png"'), html);
      assert.ok(!html.includes('<img src=x'), html);
      assert.ok(!html.includes('<strong>bold</strong>'), html);
      assert.ok(html.includes('<code>id`with`ticks</code>'), html);
      // The only image is the preview, pointing at the encoded asset URL.
      assert.deepEqual(
        [...html.matchAll(/<img src="([^"]*)"/g)].map((m) => m[1]),
        ['https://files.example.test/a%20b%29%28%3Cx%3E.png'],
      );
    }
    assert.ok(md.includes('\\[click\\]\\(https\\://evil\\.example\\)'));
    assert.ok(md.includes('\\<img src\\=x'));
  });

  void it('shows a URL that is not http(s) as plain text, with no link or preview', () => {
    const md = assetTooltipMarkdown(asset('j', 'image', 1, { url: 'javascript:alert(1)' }), { now: NOW });
    assert.ok(!md.includes('!['));
    assert.ok(!md.includes('](<'));
    assert.ok(md.includes('javascript\\:alert\\(1\\)'));
  });

  void it('has helpers that hold up on their own', () => {
    assert.equal(escapeMarkdown('a\nb_c'), 'a b\\_c');
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan('`x`'), '`` `x` ``');
    assert.equal(markdownUrl('ftp://x/y'), undefined);
    assert.equal(markdownUrl('not a url'), undefined);
    assert.equal(markdownUrl('https://x.test/(a)'), 'https://x.test/%28a%29');
  });
});
