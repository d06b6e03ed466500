import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { boundaryOf, receiveForm, type ReceivedForm } from '../../emulator/multipartForm';
import { keyed, send, sha256, v3ErrorOf } from './client';

const LIMITS = { fileMaxBytes: 32 * 1024 * 1024, keepMaxBytes: 2 * 1024 * 1024 };
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A one-part form as the product's client frames it (filename quotes escaped as %22, as browsers do). */
function ourFrame(fileName: string, mime: string): { contentType: string; prefix: Buffer; suffix: Buffer } {
  const boundary = `----HeyGenAssets${randomBytes(12).toString('hex')}`;
  const escaped = fileName.replace(/"/g, '%22');
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    prefix: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${escaped}"\r\nContent-Type: ${mime}\r\n\r\n`),
    suffix: Buffer.from(`\r\n--${boundary}--\r\n`),
  };
}

/** What undici's own parser reads from the whole body: the reference the streaming receiver must agree with. */
async function undiciReads(contentType: string, body: Buffer): Promise<ReceivedForm | undefined> {
  try {
    const parsed = await new Request('http://test.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
    const part = parsed.get('file');
    const form: ReceivedForm = { fields: [...parsed.keys()] };
    if (part instanceof File) {
      const bytes = Buffer.from(await part.arrayBuffer());
      form.file = { name: part.name, type: part.type, size: bytes.length, sha256: sha256(bytes), head: bytes.subarray(0, 64) };
    }
    return form;
  } catch {
    return undefined;
  }
}

/** The body fed to the receiver in pieces cut at `cuts` (sorted offsets); `bytes` left out to compare with undici. */
async function receiverReads(contentType: string, body: Buffer, cuts: number[]): Promise<ReceivedForm | undefined> {
  const receiver = receiveForm(contentType, LIMITS)!;
  let from = 0;
  for (const cut of [...cuts, body.length]) {
    receiver.write(body.subarray(from, cut));
    from = cut;
  }
  const form = await receiver.end();
  if (form?.file) {
    delete form.file.bytes;
  }
  return form;
}

const randomCuts = (length: number, count: number): number[] => Array.from({ length: count }, () => Math.floor(Math.random() * length)).sort((a, b) => a - b);
const piecesAt = (body: Buffer, cuts: number[]): Buffer[] => [...cuts, body.length].map((cut, i, all) => body.subarray(i === 0 ? 0 : all[i - 1], cut));

function cases(): Array<{ label: string; contentType: string; body: Buffer }> {
  const content = Buffer.concat([PNG_HEAD, randomBytes(300 * 1024)]);
  const ours = ourFrame('my "sample".png', 'image/png');
  // Content that holds most of the delimiter, and a CRLF and dashes right before the real one.
  const tricky = Buffer.concat([PNG_HEAD, Buffer.from(`\r\n--${boundaryOf(ours.contentType)!.slice(0, -1)}`), content, Buffer.from('\r\n--')]);
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
    {
      label: 'no file part',
      contentType: `multipart/form-data; boundary=${curlBoundary}`,
      body: Buffer.from(`--${curlBoundary}\r\nContent-Disposition: form-data; name="folder"\r\n\r\nx\r\n--${curlBoundary}--\r\n`),
    },
  ];
}

void describe('the emulator\u2019s multipart receiver (busboy)', () => {
  void it('reads every form as undici\u2019s parser does, however the body is cut into chunks', async () => {
    for (const { label, contentType, body } of cases()) {
      const expected = await undiciReads(contentType, body);
      assert.ok(expected, `undici reads ${label}`);
      for (const cuts of [[], [1], [body.length - 1], randomCuts(body.length, 7), randomCuts(body.length, 200)]) {
        assert.deepEqual(await receiverReads(contentType, body, cuts), expected, `${label}, cut at ${cuts.length} places`);
      }
    }
  });

  void it('hashes the file part while it arrives, before the form has ended', async () => {
    const frame = ourFrame('half.png', 'image/png');
    const receiver = receiveForm(frame.contentType, LIMITS)!;
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    receiver.write(frame.prefix);
    await turn();
    receiver.write(Buffer.concat([PNG_HEAD, randomBytes(512 * 1024)]));
    await turn();
    assert.ok(receiver.fileBytes() >= 500 * 1024, `only ${receiver.fileBytes()} bytes read before the end`);
  });

  void it('refuses a body without its closing delimiter, or with a part that has no headers', async () => {
    const ours = ourFrame('a.png', 'image/png');
    const unclosed = Buffer.concat([ours.prefix, randomBytes(1000)]);
    assert.equal(await receiverReads(ours.contentType, unclosed, []), undefined);
    assert.equal(await undiciReads(ours.contentType, unclosed), undefined, 'undici refuses it too');
    const boundary = boundaryOf(ours.contentType)!;
    const headless = Buffer.from(`--${boundary}\r\n\r\nno headers\r\n--${boundary}--\r\n`);
    assert.equal(await receiverReads(ours.contentType, headless, []), undefined);
    assert.equal(await undiciReads(ours.contentType, headless), undefined, 'undici refuses it too');
    assert.equal(receiveForm('application/json', LIMITS), undefined);
  });

  void it('finds the boundary in quoted and unquoted Content-Types, and nothing in others', () => {
    assert.equal(boundaryOf('multipart/form-data; boundary=abc'), 'abc');
    assert.equal(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b"'), 'a b');
    assert.equal(boundaryOf('application/json'), undefined);
  });
});

void describe('POST /v3/assets over HTTP', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());
  const post = (contentType: string, body: Buffer | Buffer[]): ReturnType<typeof send> =>
    send(`${emu.apiBaseUrl}/v3/assets`, { headers: keyed(emu.apiKey, { 'Content-Type': contentType }), body });

  void it('records each form as undici reads it, sent in many pieces, and makes the asset from the file\u2019s bytes', async () => {
    for (const { label, contentType, body } of cases().slice(0, 3)) {
      const expected = (await undiciReads(contentType, body))!;
      const reply = await post(contentType, piecesAt(body, randomCuts(body.length, 40)));
      assert.equal(reply.status, 200, `${label}: ${reply.text}`);
      const got = emu.received.at(-1)!;
      assert.deepEqual(got.formFields, expected.fields, label);
      assert.equal(got.fileName, expected.file!.name, label);
      assert.equal(got.partContentType, expected.file!.type, label);
      assert.equal(got.size, expected.file!.size, label);
      assert.equal(got.sha256, expected.file!.sha256, label);
      assert.equal(got.bodySize, body.length, label);
      const data = reply.json<{ data: { asset_id: string; size_bytes: number; mime_type: string } }>().data;
      assert.equal(data.size_bytes, expected.file!.size);
      assert.equal(data.mime_type, 'image/png');
      assert.equal(emu.v3Assets.get(data.asset_id)?.sha256, expected.file!.sha256);
    }
  });

  void it('serves a small uploaded file back byte for byte', async () => {
    const frame = ourFrame('small.png', 'image/png');
    const content = Buffer.concat([PNG_HEAD, randomBytes(4096)]);
    const reply = await post(frame.contentType, Buffer.concat([frame.prefix, content, frame.suffix]));
    const served = await send(reply.json<{ data: { url: string } }>().data.url);
    assert.equal(served.status, 200);
    assert.equal(sha256(served.bytes), sha256(content));
  });

  void it('refuses bad forms with 400 in v3\u2019s envelope, naming the file parameter', async () => {
    const ours = ourFrame('a.png', 'image/png');
    const boundary = boundaryOf(ours.contentType)!;
    const bad = [
      { contentType: ours.contentType, body: Buffer.concat([ours.prefix, PNG_HEAD, randomBytes(1000)]) },
      { contentType: ours.contentType, body: Buffer.from(`--${boundary}\r\n\r\nno headers\r\n--${boundary}--\r\n`) },
      { contentType: 'application/octet-stream', body: Buffer.concat([PNG_HEAD, randomBytes(100)]) },
      { contentType: ours.contentType, body: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\nnot a file\r\n--${boundary}--\r\n`) },
    ];
    for (const { contentType, body } of bad) {
      const reply = await post(contentType, body);
      assert.equal(reply.status, 400, reply.text);
      assert.equal(v3ErrorOf(reply).param, 'file');
    }
    assert.equal(emu.v3Assets.size, 0);
  });

  void it('refuses a file over 32 MB with 413 in v3\u2019s envelope, having streamed it', async () => {
    const frame = ourFrame('huge.png', 'image/png');
    const mb = randomBytes(1024 * 1024);
    const pieces = [frame.prefix, PNG_HEAD, ...Array.from({ length: 33 }, () => mb), frame.suffix];
    const reply = await post(frame.contentType, pieces);
    assert.equal(reply.status, 413);
    assert.deepEqual(v3ErrorOf(reply).code, 'file_too_large');
    assert.equal(emu.received.at(-1)!.status, 413);
    assert.equal(emu.v3Assets.size, 0);
  });
});
