import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { isAssetId } from '../../../src/core/heygen/assetId';
import { createV3LibraryApi, type LibraryApi } from '../../../src/core/heygen/libraryApi';
import { getCurrentUser, v3RequestEnvelope, type V3Endpoint } from '../../../src/core/heygen/v3Client';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';

function apiFor(emu: Emulator): LibraryApi {
  const endpoint: V3Endpoint = { apiBaseUrl: emu.origin, apiKey: emu.apiKey, connectTimeoutMs: 2_000, idleTimeoutMs: 5_000 };
  return createV3LibraryApi(
    () => Promise.resolve((method, p, options) => v3RequestEnvelope(endpoint, method, p, options)),
    async (signal) => (await getCurrentUser(endpoint, signal)).username,
  );
}

/** Ids that would change the request's path, or are not ids at all. */
const NOT_IDS = ['.', '..', '', 'a/b', '../users/me', 'a?b=1', 'a#b', 'a b', '%2e', 'a\\b', 'é', '-leading'];

void describe('library calls over the emulator (real HTTP)', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ library: { seed: 3 } });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  void it('knows HeyGen ids: v1 hex, v3 ids, letters, digits, - and _', () => {
    for (const id of ['3a77b8350f4c4c3fbb7a3f0b5b7e9e10', 'lib00001000000000000000000000000', 'pl-image', 'A_b-9']) {
      assert.equal(isAssetId(id), true, id);
    }
    for (const id of NOT_IDS) {
      assert.equal(isAssetId(id), false, JSON.stringify(id));
    }
  });

  void it('sends no request for an id that is not shaped like one: "." never becomes DELETE /v3/assets/', async () => {
    const api = apiFor(emu);
    for (const id of NOT_IDS) {
      await assert.rejects(api.delete(id), (error: unknown) => error instanceof HeyGenError && /is not a HeyGen asset id/.test(error.message), JSON.stringify(id));
      await assert.rejects(api.get(id), HeyGenError, JSON.stringify(id));
    }
    assert.deepEqual(emu.v3Requests, [], 'no request reached the emulator');
    assert.deepEqual(emu.library.requests.delete, []);
  });

  void it('reports a 404 as not found, never as deleted', async () => {
    const api = apiFor(emu);
    assert.equal(await api.delete('ffffffffffffffffffffffffffffffff'), 'notFound');
    assert.deepEqual(emu.library.requests.delete, ['ffffffffffffffffffffffffffffffff']);
  });
});
