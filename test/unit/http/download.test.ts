// The guarded download over real HTTP: redirects, the address policy on every hop, a name that answers differently
// each time it is resolved, and the total deadline against a server that trickles bytes.
//
// Every server here is on loopback, which the guard treats as private. To have a "public" server, the tests hand the
// download a judge (DownloadRequest.judge) that counts 127.0.0.2 as public and resolves made-up names: cdn.test to
// 127.0.0.2 (the public server), intranet.test to 127.0.0.1 (the private one). Everything else is the real guard:
// the resolved answers go through the same lookup the socket uses, and the private server counts every request it
// gets, so "refused" means nothing was asked of it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it, type TestContext } from 'node:test';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { isPrivateAddress, type AddressJudge, type AddressPolicy } from '../../../src/core/http/addressGuard';
import { DOWNLOAD_REFUSED, MAX_REDIRECTS, downloadToFile, writeBody, type DownloadRequest, type Downloaded } from '../../../src/core/http/download';
import { closeHttpClient, type HttpSettings } from '../../../src/core/http/httpClient';
import { settingsRouting } from '../../../src/core/http/proxyRouting';
import { makeSelfSignedCertificate } from '../../tools/selfSignedCertificate';
import { startConnectProxy, type ConnectProxy } from '../../tools/connectProxy';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2000, 7)]);
const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const SETTINGS: HttpSettings = { connectTimeoutMs: 5_000, idleTimeoutMs: 60_000 };

interface TestServer {
  origin: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** What the trickling route has done: bytes sent, and whether its client went away. */
interface Trickle {
  sent: number;
  onByte?: () => void;
  onClose?: () => void;
}

/** `/file.png` serves PNG; `/to?url=…` redirects there; `/chain/N` redirects N times first; `/trickle` never ends. */
async function startServer(scheme: 'http' | 'https', host: string, trickle: Trickle, certificate?: { key: string; cert: string }): Promise<TestServer> {
  const requests: string[] = [];
  const route = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname);
    if (url.pathname === '/file.png') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(PNG.length) }).end(PNG);
    } else if (url.pathname === '/to') {
      res.writeHead(302, { location: url.searchParams.get('url') ?? '/' }).end();
    } else if (url.pathname.startsWith('/chain/')) {
      const left = Number(url.pathname.slice('/chain/'.length));
      if (left > 0) {
        res.writeHead(301, { location: `/chain/${left - 1}` }).end();
      } else {
        res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      }
    } else if (url.pathname === '/trickle') {
      // A byte at a time, never finishing: the idle timeout never fires, only a total deadline ends it.
      res.writeHead(200, { 'content-type': 'image/png' });
      const pump = setInterval(() => {
        res.write(PNG.subarray(trickle.sent % PNG.length, (trickle.sent % PNG.length) + 1));
        trickle.sent += 1;
        trickle.onByte?.();
      }, 2);
      res.on('close', () => {
        clearInterval(pump);
        trickle.onClose?.();
      });
    } else {
      res.writeHead(404).end();
    }
  };
  const server = scheme === 'https' ? https.createServer(certificate ?? {}, route) : http.createServer(route);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    origin: `${scheme}://${host}:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

void describe('downloadToFile: redirects, addresses and the deadline', () => {
  let dir = '';
  /** 127.0.0.2, which the judge counts as public: "a CDN". */
  let cdn: TestServer;
  /** 127.0.0.1: "the intranet" (and this computer). */
  let intranet: TestServer;
  /** https on 127.0.0.2, reached through the proxy with certificate checks off (http.proxyStrictSSL false). */
  let secure: TestServer;
  let proxy: ConnectProxy;
  const trickle: Trickle = { sent: 0 };
  /** How often each name was resolved. */
  const resolved: Record<string, number> = {};
  /** What rebind.test answers, call by call. */
  let rebinding: string[] = [];

  const judge: AddressJudge = {
    resolve: (hostname) => {
      const call = (resolved[hostname] = (resolved[hostname] ?? 0) + 1);
      const names: Record<string, string | undefined> = {
        'cdn.test': '127.0.0.2',
        'intranet.test': '127.0.0.1',
        'rebind.test': rebinding[call - 1],
        localhost: '127.0.0.1',
      };
      const address = names[hostname];
      return address ? Promise.resolve([{ address, family: 4 }]) : Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
    },
    isPrivate: (address) => address !== '127.0.0.2' && isPrivateAddress(address),
  };
  const port = (server: TestServer): string => new URL(server.origin).port;
  const at = (server: TestServer, name: string, path: string): string => `http://${name}:${port(server)}${path}`;

  let counter = 0;
  const download = (url: string, addresses: AddressPolicy, extra: Partial<DownloadRequest> = {}, settings: HttpSettings = SETTINGS): Promise<Downloaded> =>
    downloadToFile(settings, { url: new URL(url), path: join(dir, `file-${(counter += 1)}`), maxBytes: 1024 * 1024, addresses, judge, ...extra });

  async function failure(promise: Promise<unknown>): Promise<HeyGenError> {
    const error = await promise.then(
      () => assert.fail('the download did not fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof HeyGenError, String(error));
    return error;
  }

  async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<HeyGenError> {
    const error = await failure(promise);
    assert.equal(error.code, DOWNLOAD_REFUSED, error.message);
    assert.match(error.message, pattern);
    return error;
  }

  const PRIVATE_REFUSAL = /was not downloaded: it leads to this computer or a private network/;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heygen-download-'));
    cdn = await startServer('http', '127.0.0.2', trickle);
    intranet = await startServer('http', '127.0.0.1', trickle);
    secure = await startServer('https', '127.0.0.2', trickle, makeSelfSignedCertificate(dir));
    proxy = await startConnectProxy();
  });

  after(async () => {
    await closeHttpClient();
    await Promise.all([cdn, intranet, secure].map((server) => server.close()));
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    for (const server of [cdn, intranet, secure]) {
      server.requests.length = 0;
    }
    for (const name of Object.keys(resolved)) {
      delete resolved[name];
    }
  });

  void describe('publicOnly (an agent tool’s or another extension’s URL)', () => {
    void it('downloads from a public address, the bytes whole', async () => {
      const got = await download(at(cdn, 'cdn.test', '/file.png'), 'publicOnly');
      assert.equal(got.sha256, sha(PNG));
      assert.equal(readFileSync(join(dir, `file-${counter}`)).length, PNG.length);
      assert.deepEqual(cdn.requests, ['/file.png']);
    });

    void it('refuses a name that resolves to a private address; the server is never asked', async () => {
      await refused(download(at(intranet, 'intranet.test', '/file.png'), 'publicOnly'), PRIVATE_REFUSAL);
      assert.deepEqual(intranet.requests, []);
    });

    void it('refuses every spelling of a loopback address alike, whether or not anything listens there', async () => {
      const listening = port(intranet);
      const messages: string[] = [];
      for (const host of ['127.0.0.1', 'localhost', '2130706433', '0x7f.1', '127.1', '[::ffff:127.0.0.1]', '0x7f000001', '017700000001']) {
        for (const p of [listening, '9']) {
          const error = await refused(download(`http://${host}:${p}/file.png`, 'publicOnly'), PRIVATE_REFUSAL);
          messages.push(error.message.replace(/^"[^"]*"/, '"URL"'));
        }
      }
      assert.equal(new Set(messages).size, 1, 'the sentence says nothing about what answers there');
      assert.deepEqual(intranet.requests, []);
    });

    void it('refuses a redirect to a private address: the redirecting server is asked, the private one never', async () => {
      await refused(download(at(cdn, 'cdn.test', `/to?url=${encodeURIComponent(at(intranet, 'intranet.test', '/file.png'))}`), 'publicOnly'), PRIVATE_REFUSAL);
      assert.deepEqual(cdn.requests, ['/to']);
      assert.deepEqual(intranet.requests, []);
    });
  });

  void describe('named (a URL the person typed or dropped)', () => {
    void it('may name a private address itself, and follow redirects within it', async () => {
      const got = await download(`${intranet.origin}/chain/2`, 'named');
      assert.equal(got.sha256, sha(PNG));
      assert.deepEqual(intranet.requests, ['/chain/2', '/chain/1', '/chain/0']);
    });

    void it('may not be redirected from a public address to a private one', async () => {
      await refused(
        download(at(cdn, 'cdn.test', `/to?url=${encodeURIComponent(`${intranet.origin}/file.png`)}`), 'named'),
        /was not downloaded: it redirects from a public address to this computer or a private network\./,
      );
      assert.deepEqual(intranet.requests, []);
    });

    void it('checks each hop: public, public, then private is refused at the third', async () => {
      const third = at(intranet, 'intranet.test', '/file.png');
      const second = at(cdn, 'cdn.test', `/to?url=${encodeURIComponent(third)}`);
      await refused(download(at(cdn, 'cdn.test', `/to?url=${encodeURIComponent(second)}`), 'named'), /redirects from a public address/);
      assert.deepEqual(cdn.requests, ['/to', '/to']);
      assert.deepEqual(intranet.requests, []);
    });

    void it('a private address may redirect to a public one', async () => {
      const got = await download(`${intranet.origin}/to?url=${encodeURIComponent(at(cdn, 'cdn.test', '/file.png'))}`, 'named');
      assert.equal(got.url.hostname, 'cdn.test');
      assert.deepEqual(cdn.requests, ['/file.png']);
    });
  });

  void it('any (heygen.download.allowPrivateNetworks on): a public address may redirect into the network', async () => {
    const got = await download(at(cdn, 'cdn.test', `/to?url=${encodeURIComponent(`${intranet.origin}/file.png`)}`), 'any');
    assert.equal(got.sha256, sha(PNG));
    assert.deepEqual(intranet.requests, ['/file.png']);
  });

  void it(`follows at most ${MAX_REDIRECTS} redirects and refuses the next without requesting it`, async () => {
    assert.equal((await download(at(cdn, 'cdn.test', `/chain/${MAX_REDIRECTS}`), 'publicOnly')).sha256, sha(PNG));
    cdn.requests.length = 0;
    await refused(download(at(cdn, 'cdn.test', `/chain/${MAX_REDIRECTS + 1}`), 'publicOnly'), new RegExp(`redirects more than ${MAX_REDIRECTS} times`));
    assert.equal(cdn.requests.length, MAX_REDIRECTS + 1, cdn.requests.join(' '));
  });

  void it('refuses a redirect from https to plain http, and to a scheme that is not http(s)', async () => {
    // The https server is reached through a proxy with certificate checks off (its certificate is self-signed).
    const settings = { ...SETTINGS, routing: settingsRouting({ proxy: proxy.origin, noProxy: [], env: {}, strictSSL: false }) };
    const secureUrl = (to: string): string => `${secure.origin}/to?url=${encodeURIComponent(to)}`;
    await refused(download(secureUrl(at(cdn, 'cdn.test', '/file.png')), 'any', {}, settings), /redirects from https to unencrypted http/);
    assert.deepEqual(cdn.requests, []);
    await refused(download(secureUrl('file:///etc/passwd'), 'any', {}, settings), /redirects to a URL that is not http or https/);
    // Control: an https → https redirect is followed, through the same proxy.
    assert.equal((await download(secureUrl(`${secure.origin}/file.png`), 'any', {}, settings)).sha256, sha(PNG));
    assert.deepEqual(secure.requests, ['/to', '/to', '/to', '/file.png']);
    assert.ok(proxy.tunnels.length >= 3);
  });

  void describe('DNS rebinding: a name that answers differently each time it is resolved', () => {
    void it('is resolved once per connection, and the connection goes to the address that was checked', async () => {
      // Were the name checked and then resolved again to connect, the second answer (private) would be reached.
      rebinding = ['127.0.0.2', '127.0.0.1'];
      const got = await download(`http://rebind.test:${port(cdn)}/file.png`, 'publicOnly');
      assert.equal(got.sha256, sha(PNG));
      assert.equal(resolved['rebind.test'], 1);
      assert.deepEqual(cdn.requests, ['/file.png']);
      assert.deepEqual(intranet.requests, []);
    });

    void it('is refused when the answer at connection time is private, even if an earlier answer was public', async () => {
      // Both servers listen on their own port: the URL names the private one's, so only a private answer reaches it.
      rebinding = ['127.0.0.2', '127.0.0.1'];
      await failure(download(`http://rebind.test:${port(intranet)}/file.png`, 'publicOnly'));
      await refused(download(`http://rebind.test:${port(intranet)}/file.png`, 'publicOnly'), PRIVATE_REFUSAL);
      assert.equal(resolved['rebind.test'], 2);
      assert.deepEqual(intranet.requests, []);
    });
  });

  void it('a server trickling bytes is stopped by the total deadline (mock timers), and the connection closed', async (t: TestContext) => {
    const deadlineMs = 30_000;
    const closed = new Promise<void>((resolve) => (trickle.onClose = resolve));
    const trickling = new Promise<void>((resolve) => {
      trickle.onByte = () => {
        if (trickle.sent >= 20) {
          resolve();
        }
      };
    });
    // Only setTimeout is mocked: the deadline's timer. The server trickles on setInterval, in real time.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const pending = failure(download(at(cdn, 'cdn.test', '/trickle'), 'publicOnly', { deadlineMs }));
    await trickling;
    t.mock.timers.tick(deadlineMs);
    const error = await pending;
    assert.equal(error.kind, 'timeout', error.message);
    assert.match(error.message, /"trickle" could not be downloaded completely: it did not finish within 30 s\./);
    await closed;
  });
});

void describe('writeBody: the body of a download into its file', () => {
  void it('a body cut before the file is open rejects with the cut, never as an uncaught exception', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heygen-write-body-'));
    const uncaught: unknown[] = [];
    const record = (error: unknown): number => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      const body = new Readable({ read() {} }) as unknown as Parameters<typeof writeBody>[0];
      // The connection goes on the next tick: before the file's open (a round trip to the thread pool) returns.
      process.nextTick(() => body.destroy(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })));
      await assert.rejects(
        writeBody(body, join(dir, 'cut.jpg'), 1_000_000, () => new HeyGenError('invalidFile', 'too large')),
        /other side closed/,
      );
      assert.deepEqual(uncaught, []);
    } finally {
      process.off('uncaughtException', record);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
