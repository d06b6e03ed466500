import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { closeHttpClient } from '../../../src/core/http/httpClient';
import { uploadFromUrl, type UploadOptions } from '../../../src/core/upload/uploadEngine';
import { nameForDownload } from '../../../src/core/http/download';
import { HeyGenError, type HeyGenErrorKind } from '../../../src/core/base/heygenError';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { MB, MEDIA, capturingLogger, sha256, targetFor } from '../support/engineKit';

const LIMIT = 10 * MB;
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

interface StreamRecord {
  path: string;
  /** Bytes the server managed to hand to its socket before the client went away. */
  written: number;
  finished: boolean;
  /** Settles when the response's connection closes. */
  closed: Promise<void>;
}

/** A loopback source server: sample files under odd names, a 50 MB endless-looking stream, 404s, redirects. */
async function startSourceServer(): Promise<{ origin: string; streams: StreamRecord[]; hanging(): Promise<void>; close(): Promise<void> }> {
  const streams: StreamRecord[] = [];
  /** Resolved when /hang.jpg has first sent its first bytes. */
  let hangingStarted: () => void = () => undefined;
  const hanging = new Promise<void>((resolve) => (hangingStarted = resolve));
  const jpg = readFileSync(join(MEDIA, 'sample.jpg'));
  const png = readFileSync(join(MEDIA, 'sample.png'));
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const stream50 = (declare: boolean): void => {
      let closed: () => void = () => undefined;
      const record: StreamRecord = { path, written: 0, finished: false, closed: new Promise((resolve) => (closed = resolve)) };
      streams.push(record);
      const total = 50 * MB;
      // A JPEG signature first, so only the size can stop it.
      const first = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), CHUNK.subarray(4)]);
      res.writeHead(200, { 'Content-Type': 'image/jpeg', ...(declare ? { 'Content-Length': String(total) } : {}) });
      res.on('close', () => closed());
      const pump = (): void => {
        while (record.written < total && !res.destroyed) {
          const chunk = record.written === 0 ? first : CHUNK;
          record.written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) {
          record.finished = true;
          res.end();
        }
      };
      pump();
    };
    switch (path) {
      case '/big.jpg':
        return stream50(false);
      case '/declared.jpg':
        return stream50(true);
      case '/photo.jpg':
        // Served with a wrong Content-Type: the content decides.
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return void res.end(jpg);
      case '/image':
        res.writeHead(200, { 'Content-Type': 'image/png' });
        return void res.end(png);
      case '/download':
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment; filename="my photo.jpg"' });
        return void res.end(jpg);
      case '/moved':
        res.writeHead(302, { Location: '/photo.jpg' });
        return void res.end();
      case '/notes.png':
        res.writeHead(200, { 'Content-Type': 'image/png' });
        return void res.end('just some text');
      case '/cut.jpg':
        res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': String(jpg.length) });
        // Cut off once the first bytes are out.
        res.write(jpg.subarray(0, 1000), () => res.socket?.destroy());
        return;
      case '/hang.jpg':
        res.writeHead(200, { 'Content-Type': 'image/jpeg' });
        res.write(jpg.subarray(0, 1000), () => hangingStarted());
        return; // never ends
      default:
        res.writeHead(404, { 'Content-Type': 'text/html' });
        return void res.end('<h1>Not Found</h1>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    streams,
    hanging: () => hanging,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function expectError(promise: Promise<unknown>, kind: HeyGenErrorKind, pattern?: RegExp): Promise<HeyGenError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HeyGenError, `expected an HeyGenError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (pattern) {
      assert.match(error.message, pattern);
    }
    return error;
  }
  assert.fail('expected the upload to fail');
}

void describe('uploadFromUrl', () => {
  let emu: Emulator;
  let source: Awaited<ReturnType<typeof startSourceServer>>;
  let temp: string;
  const savedTmp = process.env.TMPDIR;
  const baseTmp = tmpdir();
  // The source server is on loopback: these are URLs the person typed (their own server), which may name it.
  const opts = (extra: Partial<UploadOptions> = {}): UploadOptions => ({ maxBytes: LIMIT, addresses: 'named', ...extra });
  const leftovers = (): string[] => readdirSync(temp);

  before(async () => {
    emu = await startEmulator();
    source = await startSourceServer();
  });
  after(async () => {
    await closeHttpClient();
    await emu.close();
    await source.close();
  });
  beforeEach(() => {
    emu.reset();
    // A private temp folder, so "the temporary file is removed" can be checked exactly.
    temp = mkdtempSync(join(baseTmp, 'heygen-url-test-'));
    process.env.TMPDIR = temp;
  });
  afterEach(() => {
    if (savedTmp === undefined) {
      delete process.env.TMPDIR;
    } else {
      process.env.TMPDIR = savedTmp;
    }
    rmSync(temp, { recursive: true, force: true });
  });

  void it('downloads, sniffs the content (not the Content-Type) and uploads the same bytes', async () => {
    const log = capturingLogger();
    const outcome = await uploadFromUrl(`${source.origin}/photo.jpg`, targetFor(emu), opts({ log }));
    const jpg = readFileSync(join(MEDIA, 'sample.jpg'));
    assert.equal(emu.received.length, 1);
    assert.equal(emu.received[0].contentType, 'image/jpeg');
    assert.equal(emu.received[0].sha256, sha256(jpg));
    assert.equal(outcome.source.sha256, sha256(jpg));
    assert.equal(outcome.source.name, 'photo.jpg');
    assert.equal(outcome.source.url, `${source.origin}/photo.jpg`);
    assert.equal(outcome.source.path, undefined);
    assert.equal(outcome.source.kind, 'image');
    assert.ok(log.lines.some((l) => l.level === 'warn' && /served as text\/plain/.test(l.message)), log.text());
    assert.deepEqual(leftovers(), []);
  });

  void it('names the file from Content-Disposition, or adds the sniffed extension', async () => {
    const a = await uploadFromUrl(`${source.origin}/download`, targetFor(emu), opts());
    assert.equal(a.source.name, 'my photo.jpg');
    const b = await uploadFromUrl(`${source.origin}/image`, targetFor(emu), opts());
    assert.equal(b.source.name, 'image.png');
    assert.equal(emu.received[1].contentType, 'image/png');
    assert.equal(nameForDownload(new URL('https://x/a/b%20c.mp4?x=1'), undefined), 'b c.mp4');
    assert.equal(nameForDownload(new URL('https://x/'), undefined), 'download');
    assert.equal(nameForDownload(new URL('https://x/y'), "attachment; filename*=UTF-8''%C3%A9t%C3%A9.png"), 'été.png');
    assert.equal(nameForDownload(new URL('https://x/y'), 'attachment; filename="../../etc/passwd"'), 'passwd');
  });

  void it('follows a redirect of the download (no key is sent there)', async () => {
    const outcome = await uploadFromUrl(`${source.origin}/moved`, targetFor(emu), opts());
    // Named after the URL the person gave, with the sniffed extension.
    assert.equal(outcome.source.name, 'moved.jpg');
    assert.equal(emu.received[0].sha256, sha256(readFileSync(join(MEDIA, 'sample.jpg'))));
    assert.equal(emu.received.length, 1);
  });

  void it('stops reading a 50 MB body just past the limit and removes the temporary file', async () => {
    const log = capturingLogger();
    await expectError(
      uploadFromUrl(`${source.origin}/big.jpg`, targetFor(emu), opts({ log })),
      'invalidFile',
      /^"big\.jpg" is over the 10 MB limit, so the download was stopped\.$/,
    );
    const record = source.streams.at(-1)!;
    await record.closed;
    assert.equal(record.finished, false);
    // We stopped reading within one network chunk of the limit…
    const read = Number(/after (\d+) bytes/.exec(log.text())?.[1]);
    assert.ok(read > LIMIT && read <= LIMIT + 256 * 1024, `read ${read} bytes`);
    // …and the server could hand its socket only that plus what fits in the loopback socket buffers (~4-5 MB here).
    assert.ok(record.written < LIMIT + 6 * MB, `server wrote ${(record.written / MB).toFixed(1)} MB before the close`);
    assert.equal(emu.received.length, 0);
    assert.deepEqual(leftovers(), []);
  });

  void it('refuses a declared oversize body without reading it', async () => {
    await expectError(
      uploadFromUrl(`${source.origin}/declared.jpg`, targetFor(emu), opts()),
      'invalidFile',
      /^"declared\.jpg" is 50 MB, over the 10 MB limit, so it was not downloaded\.$/,
    );
    await source.streams.at(-1)!.closed;
    assert.ok(source.streams.at(-1)!.written < LIMIT);
    assert.equal(emu.received.length, 0);
    assert.deepEqual(leftovers(), []);
  });

  void it('reports a 404 in one sentence and uploads nothing', async () => {
    const error = await expectError(
      uploadFromUrl(`${source.origin}/nothing-here.png`, targetFor(emu), opts()),
      'invalidFile',
      /could not be downloaded: the server answered HTTP 404 \(Not Found\)\.$/,
    );
    assert.equal(error.status, 404);
    assert.equal(emu.received.length, 0);
    assert.deepEqual(leftovers(), []);
  });

  void it('refuses content that is no supported type even when the URL says .png', async () => {
    await expectError(uploadFromUrl(`${source.origin}/notes.png`, targetFor(emu), opts()), 'invalidFile', /"notes\.png" is named like a PNG file/);
    assert.equal(emu.received.length, 0);
    assert.deepEqual(leftovers(), []);
  });

  void it('accepts only http and https URLs', async () => {
    for (const url of ['ftp://127.0.0.1/a.png', 'file:///etc/passwd', 'data:image/png;base64,AAAA', 'not a url']) {
      await expectError(uploadFromUrl(url, targetFor(emu), opts()), 'invalidFile');
    }
    assert.equal(emu.received.length, 0);
  });

  void it('reports a download cut off midway, or a server that is not there, in one sentence', async () => {
    await expectError(
      uploadFromUrl(`${source.origin}/cut.jpg`, targetFor(emu), opts()),
      'invalidFile',
      /^"cut\.jpg" could not be downloaded completely: .+\.$/,
    );
    await expectError(
      uploadFromUrl('http://127.0.0.1:9/a.png', targetFor(emu), opts()),
      'invalidFile',
      /^"http:\/\/127\.0\.0\.1:9\/a\.png" could not be downloaded: the connection was refused\.$/,
    );
    assert.equal(emu.received.length, 0);
    assert.deepEqual(leftovers(), []);
  });

  void it('cancels a hanging download at once and removes the temporary file', async () => {
    const controller = new AbortController();
    const upload = uploadFromUrl(`${source.origin}/hang.jpg`, targetFor(emu), opts({ signal: controller.signal }));
    // Cancelled once the body has started and stopped: only the cancel can end it (the idle timeout is 2 s).
    await source.hanging();
    controller.abort();
    await expectError(upload, 'cancelled');
    assert.equal(emu.received.length, 0);
    assert.deepEqual(leftovers(), []);
  });

  void it('removes the temporary file when the upload after the download fails', async () => {
    emu.behave({ mode: 'status', status: 401 });
    await expectError(uploadFromUrl(`${source.origin}/photo.jpg`, targetFor(emu), opts()), 'auth');
    assert.deepEqual(leftovers(), []);
  });

  void it('reuses an earlier asset for identical downloaded content', async () => {
    const first = await uploadFromUrl(`${source.origin}/photo.jpg`, targetFor(emu), opts());
    const reuse = { lookup: (sha: string, fp: string) => Promise.resolve(sha === first.source.sha256 && fp === first.record.keyFingerprint ? first.record : undefined) };
    const second = await uploadFromUrl(`${source.origin}/download`, targetFor(emu), opts({ reuse }));
    assert.equal(second.reused, true);
    assert.equal(second.record.id, first.record.id);
    assert.equal(emu.received.length, 1);
  });
});
