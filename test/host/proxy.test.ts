// Uploads through the person's proxy in the real extension host, as VS Code users set one: `http.proxy` (with
// credentials), HTTPS_PROXY in the editor's environment (test/tools/runHostTests.ts starts that proxy and passes it to
// code-server), and `http.noProxy`. Every proxy here is a loopback CONNECT proxy that records what it tunnelled.
//
// Loopback targets are never proxied: VS Code exempts localhost, 127.0.0.1 and ::1, and so does the extension. The
// uploads therefore go to 127.0.0.2, another loopback address that VS Code (and the extension, which follows VS
// Code's rule) routes like any remote host; a small forwarder there passes connections on to the emulator. No test
// setting or hook in the extension is needed, and nothing leaves the machine.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { HeyGenAssetsApi } from '../../src/vscode/api';
import { vscodeProxyResolver } from '../../src/vscode/configuration/proxyResolver';
import { startConnectProxy, tunnelsOf, type ConnectProxy } from '../tools/connectProxy';
import { heygenApi, withUserSetting } from './faultKit';
import { emulator, hostEnv, sha256Of, workspaceFile } from './hostSupport';

const FILE = 'sample.png';

/** Listens on 127.0.0.2 and passes every connection on to the emulator; counts the connections it saw. */
async function startForwarder(): Promise<{ port: number; connections: number; close(): Promise<void> }> {
  const target = new URL(hostEnv.emulatorOrigin);
  const sockets = new Set<net.Socket>();
  const state = { port: 0, connections: 0 };
  const server = net.createServer((client) => {
    state.connections += 1;
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  state.port = (server.address() as net.AddressInfo).port;
  return Object.assign(state, {
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  });
}

/** Sets `http.<key>` in the user settings; resolves with the function that restores it. */
async function withHttpSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const http = vscode.workspace.getConfiguration('http');
  const previous = http.inspect(key)?.globalValue;
  await http.update(key, value, vscode.ConfigurationTarget.Global);
  return () => Promise.resolve(vscode.workspace.getConfiguration('http').update(key, previous, vscode.ConfigurationTarget.Global));
}

suite('Proxies (http.proxy, HTTPS_PROXY, http.noProxy)', () => {
  let api: HeyGenAssetsApi;
  let forwarder: Awaited<ReturnType<typeof startForwarder>>;
  let proxy: ConnectProxy;
  let restoreUploadUrl: () => Promise<void>;
  const envProxy = (): string => {
    const origin = process.env.HEYGEN_TEST_ENV_PROXY;
    assert.ok(origin, 'the host test runner started no proxy for HTTPS_PROXY');
    return origin;
  };
  const size = (): number => fs.statSync(workspaceFile(FILE).fsPath).size;
  const remoteTarget = (): string => `127.0.0.2:${forwarder.port}`;

  suiteSetup(async () => {
    api = await heygenApi();
    forwarder = await startForwarder();
    proxy = await startConnectProxy();
    // The v1 upload goes to the emulator through the forwarder: a host VS Code routes through the proxy.
    restoreUploadUrl = await withUserSetting('uploadUrl', `http://${remoteTarget()}/v1/asset`);
  });

  suiteTeardown(async () => {
    await restoreUploadUrl();
    await proxy.close();
    await forwarder.close();
  });

  setup(async () => {
    await emulator.reset();
    proxy.reset();
    forwarder.connections = 0;
  });

  /** Uploads the sample and checks its bytes arrived at the emulator. */
  async function uploadArrives(): Promise<void> {
    const result = await api.upload([workspaceFile(FILE)], { force: true, quiet: true });
    assert.deepEqual(result.failed.map((f) => f.message), []);
    const received = await emulator.received();
    assert.deepEqual(received.map((r) => r.sha256), [sha256Of(workspaceFile(FILE).fsPath)]);
  }

  test('VS Code’s own proxy resolver is reachable in this VS Code (the extension asks it first)', () => {
    assert.equal(typeof vscodeProxyResolver(), 'function', `VS Code ${vscode.version} exposes no resolveProxyURL`);
  });

  test('http.proxy (with credentials): the upload is tunnelled through that proxy and arrives whole', async () => {
    const restore = await withHttpSetting('proxy', proxy.origin.replace('http://', 'http://uploader:s%40cret@'));
    try {
      await uploadArrives();
    } finally {
      await restore();
    }
    const tunnels = proxy.tunnels.filter((t) => t.target === remoteTarget());
    assert.equal(tunnels.length, 1, JSON.stringify(proxy.tunnels));
    assert.ok(tunnels[0].bytesUp > size(), `the tunnel carried ${tunnels[0].bytesUp} bytes, the file has ${size()}`);
    assert.equal(tunnels[0].proxyAuthorization, `Basic ${Buffer.from('uploader:s@cret').toString('base64')}`);
    // http.proxy wins over the environment's proxy, as in VS Code.
    assert.deepEqual((await tunnelsOf(envProxy())).filter((t) => t.target === remoteTarget()), []);
  });

  test('HTTPS_PROXY in the editor’s environment: the upload is tunnelled through that proxy', async () => {
    const before = (await tunnelsOf(envProxy())).filter((t) => t.target === remoteTarget()).length;
    await uploadArrives();
    const tunnels = (await tunnelsOf(envProxy())).filter((t) => t.target === remoteTarget());
    assert.equal(tunnels.length, before + 1, JSON.stringify(tunnels));
    assert.ok(tunnels[tunnels.length - 1].bytesUp > size());
    assert.equal(forwarder.connections, 1, 'one connection, from the proxy');
  });

  test('http.noProxy: a listed host is reached directly, past both proxies', async () => {
    const before = (await tunnelsOf(envProxy())).length;
    const restoreProxy = await withHttpSetting('proxy', proxy.origin);
    const restoreNoProxy = await withHttpSetting('noProxy', ['127.0.0.2']);
    try {
      await uploadArrives();
    } finally {
      await restoreNoProxy();
      await restoreProxy();
    }
    assert.deepEqual(proxy.tunnels, []);
    assert.equal((await tunnelsOf(envProxy())).length, before);
    assert.equal(forwarder.connections, 1, 'the upload connected to the host itself');
  });

  test('the emulator on 127.0.0.1 is never proxied, whatever http.proxy says', async () => {
    const restoreUrl = await withUserSetting('uploadUrl', `${hostEnv.emulatorOrigin}/v1/asset`);
    const restoreProxy = await withHttpSetting('proxy', proxy.origin);
    try {
      await uploadArrives();
    } finally {
      await restoreProxy();
      await restoreUrl();
    }
    assert.deepEqual(proxy.tunnels, []);
  });
});
