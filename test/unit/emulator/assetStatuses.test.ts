import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { keyed, send, v3ErrorOf, type Reply } from './client';

interface StatusEntry {
  video_id: string | null;
  status: string;
}

void describe('GET /v3/assets/statuses', () => {
  let emu: Emulator;
  const statuses = (ids: string[]): Promise<Reply> => send(`${emu.apiBaseUrl}/v3/assets/statuses?asset_ids=${ids.join(',')}`, { headers: keyed(emu.apiKey) });

  before(async () => {
    emu = await startEmulator({ library: { seed: 3 } });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  /** A direct upload made complete: an asset still processing. */
  async function directUpload(): Promise<string> {
    const bytes = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), randomBytes(1000)]);
    const slot = (await send(`${emu.apiBaseUrl}/v3/assets/direct-uploads`, { headers: keyed(emu.apiKey), json: { filename: 'd.png', content_type: 'image/png', size_bytes: bytes.length } })).json<{
      data: { asset_id: string; upload_url: string; upload_headers: Record<string, string> };
    }>().data;
    assert.equal((await send(slot.upload_url, { method: 'PUT', headers: slot.upload_headers, body: bytes })).status, 200);
    assert.equal((await send(`${emu.apiBaseUrl}/v3/assets/${slot.asset_id}/complete`, { headers: keyed(emu.apiKey), json: {} })).status, 200);
    return slot.asset_id;
  }

  async function multipartUpload(): Promise<string> {
    const boundary = 'b0undary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n`, 'latin1'),
      randomBytes(500),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const reply = await send(`${emu.apiBaseUrl}/v3/assets`, { headers: keyed(emu.apiKey, { 'Content-Type': `multipart/form-data; boundary=${boundary}` }), body });
    return reply.json<{ data: { asset_id: string } }>().data.asset_id;
  }

  void it('answers several assets at once, in order, with unknown ids as not_found (the id as video_id, as the schema has it)', async () => {
    const uploaded = await multipartUpload();
    const processing = await directUpload();
    const seeded = emu.library.all()[0].id;
    const reply = await statuses([uploaded, 'never-had-this', processing, seeded]);
    assert.equal(reply.status, 200, reply.text);
    const json = reply.json<{ data: StatusEntry[]; has_more: boolean; next_token: string | null }>();
    assert.deepEqual(
      json.data.map((e) => [e.video_id, e.status]),
      [[uploaded, 'completed'], ['never-had-this', 'not_found'], [processing, 'processing'], [seeded, 'completed']],
    );
    assert.equal(json.has_more, false);
    assert.equal(json.next_token, null);
    // GET /v3/assets/{id} is as it was.
    const one = await send(`${emu.apiBaseUrl}/v3/assets/${seeded}`, { headers: keyed(emu.apiKey) });
    assert.equal(one.json<{ data: { id: string } }>().data.id, seeded);
  });

  void it('takes at most 100 ids, and needs at least one', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `id${i}`);
    const ok = await statuses(hundred);
    assert.equal(ok.status, 200);
    assert.equal(ok.json<{ data: StatusEntry[] }>().data.length, 100);
    const tooMany = await statuses([...hundred, 'one-more']);
    assert.equal(tooMany.status, 400);
    assert.equal(v3ErrorOf(tooMany).param, 'asset_ids');
    const none = await send(`${emu.apiBaseUrl}/v3/assets/statuses`, { headers: keyed(emu.apiKey) });
    assert.equal(none.status, 400);
    assert.equal(v3ErrorOf(none).param, 'asset_ids');
    assert.equal((await send(`${emu.apiBaseUrl}/v3/assets/statuses?asset_ids=a`, { headers: { 'x-api-key': 'wrong' } })).status, 401);
  });

  void it('misbehaves when a fault is aimed at it', async () => {
    emu.behaveV3({ mode: 'rateLimit', retryAfterSeconds: 5, on: 'asset-statuses', times: 1 });
    const limited = await statuses(['a']);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '5');
    emu.behaveV3({ mode: 'reset', on: 'asset-statuses', times: 1 });
    await assert.rejects(statuses(['a']));
    assert.equal((await statuses(['a'])).status, 200);
  });
});
