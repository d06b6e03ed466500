// undici is evaluated at the first request, not when the client's modules load (activation): its own process, so no
// other test has loaded it first.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { closeHttpClient, httpRequest } from '../../../src/core/http/httpClient';
import { describeTransportFailure } from '../../../src/core/http/transportErrors';

const undiciLoaded = (): boolean => Object.keys(require.cache).some((file) => /[\\/]node_modules[\\/]undici[\\/]/.test(file));

void test('undici loads at the first request, not with the HTTP client', async (t) => {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    await closeHttpClient();
    await new Promise((resolve) => server.close(resolve));
  });
  // Describing an error before any request needs none of undici's classes.
  assert.equal(describeTransportFailure(Object.assign(new Error('x'), { code: 'ECONNRESET' })), 'the connection was reset');
  assert.equal(undiciLoaded(), false, 'undici was evaluated before any request');

  const { port } = server.address() as AddressInfo;
  const answer = await httpRequest({ connectTimeoutMs: 5_000, idleTimeoutMs: 5_000 }, { url: new URL(`http://127.0.0.1:${port}/`), method: 'GET' });
  assert.deepEqual([answer.status, answer.text], [200, 'ok']);
  assert.equal(undiciLoaded(), true);
});
