import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { AssetRecord } from '../../../src/core/base/assetRecord';
import { altText, codeSpan, escapeMarkdown, markdownLink, markdownThumbnail, thumbnailTarget } from '../../../src/core/base/markdown';
import { assetTooltipMarkdown } from '../../../src/core/history/historyTree';
import { libraryTooltipMarkdown } from '../../../src/core/library/libraryTree';
import type { LibraryAsset } from '../../../src/core/heygen/libraryAsset';

// marked is the parser VS Code renders hovers and tooltips with (GitHub-flavoured, so bare URLs become links); it is
// an ES module, loaded once before the tests.
type MarkedParser = { parse(markdown: string, options: { async: false }): string; parseInline(markdown: string, options: { async: false }): string };
let marked: MarkedParser;
before(async () => {
  const { Marked } = await import('marked');
  marked = new Marked({ gfm: true, breaks: true });
});
const render = (markdown: string): string => marked.parse(markdown, { async: false });
const inline = (markdown: string): string => marked.parseInline(markdown, { async: false });

/** Whitespace runs as one space: a line's ends and runs of spaces are layout, not text. */
const words = (text: string): string => text.replace(/[\s\u2028\u2029\u0085]+/g, ' ').trim();

/** The text a reader sees: tags dropped, entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Names a hostile server or repository could give an asset. */
const HOSTILE = [
  '[click](command:heygen.clearHistory)',
  '![x](https://evil.example/x.png)',
  'https://evil.example/phish and www.evil.example and mail@evil.example',
  '<img src=x onerror=alert(1)> <a href="command:heygen.clearApiKey">a</a>',
  'line one\n\n# Heading\n[ref]: https://evil.example',
  '[ref] `tick` ``double`` ```fence```',
  '*bold* _em_ ~~strike~~ **strong** | a | b |',
  '$(zap) $(warning) icons',
  '&lt;entity&gt; &amp; &#x3C;',
  'trailing backslash\\',
  'sample.png',
  '  spaced  ',
  'tab\there\rcarriage\u2028separator',
];

/** Hostile text, or any text at all (NUL aside: parsers turn it into U+FFFD). */
const anyText = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ maxLength: 60 })).filter((s) => !s.includes('\0'));

void describe('Markdown escaping', () => {
  void it('renders any text as that text on one line, with no link, image or HTML', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const html = inline(escapeMarkdown(text));
        assert.doesNotMatch(html, /<(?!br>)/, html);
        assert.equal(textOf(html), text.replace(/[\r\n\u2028\u2029\u0085]+/g, ' '));
      }),
      { numRuns: 2000 },
    );
  });

  void it('makes code spans that show any text verbatim', () => {
    fc.assert(
      fc.property(
        anyText.filter((s) => s.trim() !== ''),
        (text) => {
          const html = inline(codeSpan(text));
          const match = /^<code>([\s\S]*)<\/code>$/.exec(html);
          assert.ok(match, html);
          assert.equal(textOf(match[1]), text.replace(/[\r\n\u2028\u2029\u0085]+/g, ' '));
        },
      ),
      { numRuns: 2000 },
    );
  });

  void it('links only to http(s), with the text shown literally', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const html = inline(markdownLink(text, 'https://files.example.test/a b)(<x>.png'));
        assert.deepEqual([...html.matchAll(/<a [^>]*>/g)].map((m) => m[0]), ['<a href="https://files.example.test/a%20b%29%28%3Cx%3E.png">']);
        assert.equal(textOf(html), text.replace(/[\r\n\u2028\u2029\u0085]+/g, ' '));
      }),
      { numRuns: 500 },
    );
    for (const url of ['javascript:alert(1)', 'command:heygen.clearHistory', 'file:///etc/passwd', 'not a url']) {
      assert.doesNotMatch(inline(markdownLink(url, url)), /<a /, url);
    }
  });

  void it('writes alt text with no escapes and nothing that could end it', () => {
    assert.equal(altText('sample.png'), 'sample.png');
    assert.equal(altText('my_photo (1).png'), 'my_photo (1).png');
    fc.assert(
      fc.property(anyText, (text) => {
        const markdown = markdownThumbnail(text, { kind: 'image', url: 'https://files.example.test/x.png' });
        // VS Code's renderer puts the alt text in as written: a backslash there is shown.
        assert.doesNotMatch(/^!\[([^\]]*)\]/.exec(markdown)?.[1] ?? '', /\\/, markdown);
        const html = render(markdown);
        const images = [...html.matchAll(/<img src="([^"]*)" alt="([^"]*)"/g)];
        assert.equal(images.length, 1, html);
        assert.equal(images[0][1], 'https://files.example.test/x.png');
        assert.doesNotMatch(images[0][2], /\\/);
        assert.equal(textOf(html.replace(/<img[^>]*>/, '')).trim(), '', html);
      }),
      { numRuns: 1000 },
    );
  });

  void it('shows a thumbnail only where it can load: the source file when it is there, else an https URL', () => {
    assert.equal(thumbnailTarget({ kind: 'image', url: 'http://127.0.0.1:4010/files/a.png' }), undefined, 'plain http is blocked by the editor');
    assert.equal(thumbnailTarget({ kind: 'image', url: 'http://127.0.0.1:4010/files/a.png', sourcePath: '/work/a.png', sourceExists: false }), undefined);
    assert.equal(thumbnailTarget({ kind: 'image', url: 'http://127.0.0.1:4010/files/a.png', sourcePath: '/work/a (1).png', sourceExists: true }), 'file:///work/a%20%281%29.png');
    assert.equal(thumbnailTarget({ kind: 'image', url: 'https://files.example.test/a.png', sourcePath: '/work/a.png', sourceExists: false }), 'https://files.example.test/a.png');
    assert.equal(thumbnailTarget({ kind: 'video', url: 'https://files.example.test/a.mp4' }), undefined);
    assert.equal(thumbnailTarget({ kind: 'image', url: 'javascript:alert(1)' }), undefined);
    assert.equal(markdownThumbnail('a', { kind: 'image', url: 'http://x.test/a.png' }), '');
    assert.equal(markdownThumbnail('sample.png', { kind: 'image', url: 'https://x.test/a.png' }, 120), '![sample.png](<https://x.test/a.png|width=120>)');
  });
});

const RECORD: AssetRecord = {
  id: 'a1',
  name: 'sample.png',
  fileType: 'image',
  mime: 'image/png',
  url: 'http://127.0.0.1:4010/files/a1.png',
  imageKey: null,
  createdTs: 1_746_057_600,
  size: 2048,
  sha256: '0'.repeat(64),
  uploadedAt: Date.UTC(2025, 4, 1),
  keyFingerprint: '',
};

void describe('Tooltips render server text as text', () => {
  void it('in the Assets view: any name, HeyGen name, id and URL stay text; the only link is the URL, no http preview', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, (name, heygenName, id) => {
        const html = render(assetTooltipMarkdown({ ...RECORD, name, heygenName, id }, { now: Date.UTC(2025, 4, 2), sourceExists: false }));
        assert.deepEqual([...html.matchAll(/<a [^>]*>/g)].map((m) => m[0]), ['<a href="http://127.0.0.1:4010/files/a1.png">'], html);
        assert.doesNotMatch(html, /<img/, 'an http preview would show a broken image');
        const text = textOf(html);
        for (const value of [name, heygenName, id]) {
          assert.ok(words(text).includes(words(value)), `${JSON.stringify(value)} is not shown literally in ${html}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  void it('in the Library: any name, id and URL stay text; a local source file is the preview, with plain alt text', () => {
    const labels = { id: 'ID', heygenName: 'Name at HeyGen', url: 'URL', uploaded: 'Uploaded', source: 'Source', kind: 'Image' };
    fc.assert(
      fc.property(anyText, anyText, (name, id) => {
        const asset: LibraryAsset = { id, name, kind: 'image', type: 'image', uploadedAt: Date.UTC(2025, 4, 1), url: 'https://files.example.test/x.png', folderId: null };
        const markdown = libraryTooltipMarkdown(asset, { ...RECORD, id, sourcePath: '/work/sample.png' }, labels, Date.UTC(2025, 4, 2), 'en', true);
        const html = render(markdown);
        assert.deepEqual([...html.matchAll(/<a [^>]*>/g)].map((m) => m[0]), ['<a href="https://files.example.test/x.png">'], html);
        const images = [...html.matchAll(/<img src="([^"]*)" alt="([^"]*)"/g)];
        assert.deepEqual(images.map((m) => m[1]), ['file:///work/sample.png']);
        assert.doesNotMatch(/!\[([^\]]*)\]\(<file:/.exec(markdown)?.[1] ?? '', /\\/, markdown);
        assert.doesNotMatch(images[0][2], /\\/);
        const text = textOf(html);
        for (const value of [name, id]) {
          assert.ok(words(text).includes(words(value)), `${JSON.stringify(value)} is not shown literally in ${html}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
