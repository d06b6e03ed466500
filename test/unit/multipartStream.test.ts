import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { multipartFrame } from '../../src/core/heygen/v3Upload';
import { boundaryOf, MultipartStream, type ReceivedForm } from '../emulator/multipartStream';

/** What undici's own parser reads from the whole body: the reference the streaming receiver must agree with. */
async function undiciReads(contentType: string, body: Buffer): Promise<ReceivedForm | undefined> {
  try {
    const parsed = await new Request('http://test.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
    const part = parsed.get('file');
    const form: ReceivedForm = { fields: [...parsed.keys()] };
    if (part instanceof File) {
      const bytes = Buffer.from(await part.arrayBuffer());
      form.file = { name: part.name, type: part.type, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), head: bytes.subarray(0, 64) };
    }
    return form;
  } catch {
    return undefined;
  }
}

/** The body fed in pieces cut at `cuts` (sorted offsets). */
function streamReads(contentType: string, body: Buffer, cuts: number[]): Promise<ReceivedForm | undefined> {
  const stream = new MultipartStream(boundaryOf(contentType)!);
  let from = 0;
  for (const cut of [...cuts, body.length]) {
    stream.write(body.subarray(from, cut));
    from = cut;
  }
  return stream.end();
}

function randomCuts(length: number, count: number): number[] {
  return Array.from({ length: count }, () => Math.floor(Math.random() * length)).sort((a, b) => a - b);
}

void describe('the emulator\u2019s streaming multipart receiver', () => {
  const cases = (): Array<{ label: string; contentType: string; body: Buffer }> => {
    const content = randomBytes(300 * 1024);
    const ours = multipartFrame('my "sample".png', 'image/png');
    // Content that holds most of the delimiter, and a CRLF and dashes right before the real one.
    const tricky = Buffer.concat([Buffer.from('\x89PNG'), Buffer.from(`\r\n--${ours.contentType.split('boundary=')[1].slice(0, -1)}`), content, Buffer.from('\r\n--')]);
    const curlBoundary = '------------------------16af96b1bef8a55b';
    const twoParts = Buffer.concat([
      Buffer.from(`--${curlBoundary}\r\nContent-Disposition: form-data; name="folder"\r\n\r\nbackgrounds\r\n`),
      Buffer.from(`--${curlBoundary}\r\nContent-Disposition: form-data; name="file"; filename="ten.png"\r\nContent-Type: image/png\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${curlBoundary}--\r\n`),
    ]);
    return [
      { label: 'our client\u2019s frame', contentType: ours.contentType, body: Buffer.concat([ours.prefix, content, ours.suffix]) },
      { label: 'content that nearly holds the delimiter', contentType: ours.contentType, body: Buffer.concat([ours.prefix, tricky, ours.suffix]) },
      { label: 'a curl -F form with a field before the file', contentType: `multipart/form-data; boundary=${curlBoundary}`, body: twoParts },
      { label: 'an empty file', contentType: ours.contentType, body: Buffer.concat([ours.prefix, ours.suffix]) },
      { label: 'no file part', contentType: `multipart/form-data; boundary=${curlBoundary}`, body: Buffer.from(`--${curlBoundary}\r\nContent-Disposition: form-data; name="folder"\r\n\r\nx\r\n--${curlBoundary}--\r\n`) },
    ];
  };

  void it('reads every form as undici\u2019s parser does, however the body is cut into chunks', async () => {
    for (const { label, contentType, body } of cases()) {
      const expected = await undiciReads(contentType, body);
      assert.ok(expected, `undici reads ${label}`);
      for (const cuts of [[], [1], [body.length - 1], randomCuts(body.length, 7), randomCuts(body.length, 200)]) {
        assert.deepEqual(await streamReads(contentType, body, cuts), expected, `${label}, cut at ${cuts.length} places`);
      }
    }
  });

  void it('refuses a body without its closing delimiter, or with a part that has no headers', async () => {
    const ours = multipartFrame('a.png', 'image/png');
    const unclosed = Buffer.concat([ours.prefix, randomBytes(1000)]);
    assert.equal(await streamReads(ours.contentType, unclosed, []), undefined);
    assert.equal(await undiciReads(ours.contentType, unclosed), undefined, 'undici refuses it too');
    const boundary = boundaryOf(ours.contentType)!;
    const headless = Buffer.from(`--${boundary}\r\n\r\nno headers\r\n--${boundary}--\r\n`);
    assert.equal(await streamReads(ours.contentType, headless, []), undefined);
    assert.equal(await undiciReads(ours.contentType, headless), undefined, 'undici refuses it too');
  });

  void it('finds the boundary in quoted and unquoted Content-Types, and nothing in others', () => {
    assert.equal(boundaryOf('multipart/form-data; boundary=abc'), 'abc');
    assert.equal(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b"'), 'a b');
    assert.equal(boundaryOf('application/json'), undefined);
  });
});
