import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { keyed, send, until, v3ErrorOf, type Reply } from './client';

void describe('POST /v3/videos checks the body per type and honours Idempotency-Key', () => {
  let emu: Emulator;
  const create = (body: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
    send(`${emu.apiBaseUrl}/v3/videos`, { method: 'POST', headers: keyed(emu.apiKey, headers), json: body });
  const videoId = (reply: Reply): string => reply.json<{ data: { video_id: string } }>().data.video_id;
  const look = (type: string): string => emu.avatars.looks.find((l) => l.group.avatarType === type)!.id;
  const asset = (type: string): string => emu.library.all().find((a) => a.type === type)!.id;
  const voice = (): string => emu.voices.all()[2].voice_id;

  before(async () => {
    emu = await startEmulator({ library: { seed: 8 } });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  void it('accepts the schema\u2019s avatar and image bodies, with asset ids the account has', async () => {
    const bodies = [
      { type: 'avatar', avatar_id: look('studio_avatar'), script: 'Hello there' },
      { type: 'avatar', avatar_id: look('digital_twin'), script: 'Hi', voice_id: voice(), engine: { type: 'avatar_v' }, resolution: '1080p', aspect_ratio: '9:16' },
      { type: 'avatar', avatar_id: look('photo_avatar'), audio_asset_id: asset('audio'), background: { type: 'image', asset_id: asset('image') }, caption: { style: 'default' } },
      { type: 'avatar', avatar_id: look('studio_avatar'), audio_url: 'https://example.com/a.mp3', background: { type: 'color', value: '#00ff00' }, voice_settings: { speed: 1.2 } },
      { type: 'image', image: { type: 'asset_id', asset_id: asset('image') }, script: 'Hi', voice_id: voice() },
      { type: 'image', image: { type: 'url', url: 'https://example.com/p.jpg' }, audio_asset_id: asset('audio') },
      { type: 'image', image: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' }, script: 'Hi', voice_id: voice() },
      { type: 'cinematic_avatar', prompt: 'A walk on the beach', avatar_id: [look('studio_avatar')], duration: 8 },
    ];
    for (const body of bodies) {
      const reply = await create(body);
      assert.equal(reply.status, 200, `${JSON.stringify(body)}: ${reply.text}`);
      assert.equal(reply.json<{ data: { status: string } }>().data.status, 'waiting');
    }
  });

  void it('refuses what the schema does not allow with 400, naming the parameter', async () => {
    const avatar = { type: 'avatar', avatar_id: look('studio_avatar'), script: 'Hello' };
    const image = { type: 'image', image: { type: 'asset_id', asset_id: asset('image') }, script: 'Hi', voice_id: voice() };
    const refused: Array<[unknown, string]> = [
      [{}, 'type'],
      [{ type: 'video' }, 'type'],
      [{ type: 'avatar', script: 'Hello' }, 'avatar_id'],
      [{ ...avatar, avatar_id: 'no-such-look' }, 'avatar_id'],
      [{ type: 'avatar', avatar_id: look('studio_avatar') }, 'script'],
      [{ ...avatar, audio_url: 'https://example.com/a.mp3' }, 'script'],
      [{ ...avatar, voice_id: 'no-such-voice' }, 'voice_id'],
      [{ type: 'avatar', avatar_id: look('studio_avatar'), audio_asset_id: 'missing' }, 'audio_asset_id'],
      [{ type: 'avatar', avatar_id: look('studio_avatar'), audio_asset_id: asset('image') }, 'audio_asset_id'],
      [{ ...avatar, resolution: '8k' }, 'resolution'],
      [{ ...avatar, aspect_ratio: '3:2' }, 'aspect_ratio'],
      [{ ...avatar, engine: { type: 'avatar_x' } }, 'engine.type'],
      [{ ...avatar, engine: { type: 'avatar_v' } }, 'engine.type'],
      [{ ...avatar, background: { type: 'image', asset_id: 'missing' } }, 'background.asset_id'],
      [{ ...avatar, background: { type: 'color', value: 'green' } }, 'background.value'],
      [{ ...avatar, output_format: 'webm', background: { type: 'color', value: '#000' } }, 'background'],
      [{ ...avatar, voice_settings: { speed: 2 } }, 'voice_settings.speed'],
      [{ ...avatar, caption: { style: 'fancy' } }, 'caption.style'],
      [{ type: 'image', script: 'Hi', voice_id: voice() }, 'image'],
      [{ ...image, image: { type: 'asset_id', asset_id: 'missing' } }, 'image.asset_id'],
      [{ ...image, image: { type: 'asset_id', asset_id: asset('audio') } }, 'image.asset_id'],
      [{ ...image, image: { type: 'url', url: 'ftp://example.com/p.jpg' } }, 'image.url'],
      [{ ...image, image: { type: 'base64', media_type: 'image/gif', data: 'AAAA' } }, 'image.media_type'],
      [{ ...image, voice_id: undefined }, 'voice_id'],
      [{ ...image, engine: { type: 'avatar_iv' } }, 'engine'],
      [{ type: 'cinematic_avatar', prompt: 'x', avatar_id: [] }, 'avatar_id'],
      [{ type: 'studio', scenes: [] }, 'scenes'],
    ];
    for (const [body, param] of refused) {
      const reply = await create(body);
      assert.equal(reply.status, 400, `${JSON.stringify(body)}: ${reply.text}`);
      const error = v3ErrorOf(reply);
      assert.equal(error.param, param, JSON.stringify(body));
      assert.match(error.message, /\S/);
    }
    const notJson = await send(`${emu.apiBaseUrl}/v3/videos`, { method: 'POST', headers: keyed(emu.apiKey, { 'Content-Type': 'application/json' }), body: '{' });
    assert.equal(notJson.status, 400);
    assert.equal(emu.videos.list().length, 0, 'nothing refused was made');
  });

  void it('notes fields the schema does not have, as HeyGen\u2019s n8n node writes them', async () => {
    const reply = await create({ type: 'image', image_url: 'https://example.com/p.jpg', image: { type: 'url', url: 'https://example.com/p.jpg' }, test: true, script: 'Hi', voice_id: voice() });
    assert.equal(reply.status, 200);
    assert.deepEqual(emu.videos.list()[0].unknownFields, ['image_url', 'test']);
  });

  void it('replays a repeat with the same key and body, refuses a reused key with another body, and a bad key', async () => {
    const body = { type: 'avatar', avatar_id: look('studio_avatar'), script: 'Once' };
    const first = await create(body, { 'Idempotency-Key': 'order-42:v1' });
    const again = await create(body, { 'Idempotency-Key': 'order-42:v1' });
    assert.equal(again.status, 200);
    assert.equal(again.text, first.text);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(emu.videos.list().length, 1);
    const other = await create({ ...body, script: 'Twice' }, { 'Idempotency-Key': 'order-42:v1' });
    assert.equal(other.status, 422);
    assert.equal(v3ErrorOf(other).param, 'Idempotency-Key');
    for (const key of ['', 'has space', 'x'.repeat(256), 'sl/ash']) {
      const bad = await create(body, { 'Idempotency-Key': key });
      assert.equal(bad.status, 400, JSON.stringify(key));
      assert.equal(v3ErrorOf(bad).param, 'Idempotency-Key');
    }
    assert.equal((await create(body, { 'Idempotency-Key': 'x'.repeat(255) })).status, 200);
    // After 24 hours the key is free again.
    emu.clock.advance(24 * 3600 * 1000);
    const later = await create(body, { 'Idempotency-Key': 'order-42:v1' });
    assert.notEqual(videoId(later), videoId(first));
  });

  void it('answers 409 to a repeat while the first is in flight, and lets a retry through after a fault', async () => {
    const body = { type: 'avatar', avatar_id: look('studio_avatar'), script: 'In flight' };
    emu.behaveV3({ mode: 'stall', on: 'video-create', times: 1 });
    const stalled = http.request(`${emu.apiBaseUrl}/v3/videos`, { method: 'POST', headers: keyed(emu.apiKey, { 'Idempotency-Key': 'k1', 'Content-Type': 'application/json' }) });
    stalled.on('error', () => undefined);
    stalled.end(JSON.stringify(body));
    await until(() => emu.requests.some((r) => r.method === 'POST' && r.body !== undefined));
    const conflict = await create(body, { 'Idempotency-Key': 'k1' });
    assert.equal(conflict.status, 409);
    assert.equal(v3ErrorOf(conflict).param, 'Idempotency-Key');
    stalled.destroy();
    // The client gave up before an answer: the key is free for its retry.
    let retry = await create(body, { 'Idempotency-Key': 'k1' });
    for (let i = 0; retry.status === 409 && i < 50; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      retry = await create(body, { 'Idempotency-Key': 'k1' });
    }
    assert.equal(retry.status, 200);
    emu.behaveV3({ mode: 'status', status: 500, on: 'video-create', times: 1 });
    assert.equal((await create(body, { 'Idempotency-Key': 'k2' })).status, 500);
    const afterFault = await create(body, { 'Idempotency-Key': 'k2' });
    assert.equal(afterFault.status, 200, 'a fault is not replayed');
    assert.equal(afterFault.headers['idempotent-replayed'], undefined);
  });

  void it('refuses a photo avatar still training, and one waiting for consent with 403', async () => {
    emu.avatars.trainingMs = 60_000;
    emu.avatars.consentRequired = true;
    const made = await send(`${emu.apiBaseUrl}/v3/avatars`, { headers: keyed(emu.apiKey), json: { type: 'photo', name: 'Me', file: { type: 'asset_id', asset_id: asset('image') } } });
    assert.equal(made.status, 200, made.text);
    const { avatar_item: item } = made.json<{ data: { avatar_item: { id: string; group_id: string } } }>().data;
    const waiting = await create({ type: 'avatar', avatar_id: item.id, script: 'Hi' });
    assert.equal(waiting.status, 403);
    assert.deepEqual([v3ErrorOf(waiting).code, v3ErrorOf(waiting).param], ['consent_required', 'avatar_id']);
    emu.avatars.approveConsent(emu.avatars.group(item.group_id)!);
    const training = await create({ type: 'avatar', avatar_id: item.id, script: 'Hi' });
    assert.equal(training.status, 400);
    assert.equal(v3ErrorOf(training).param, 'avatar_id');
    emu.clock.advance(60_000);
    assert.equal((await create({ type: 'avatar', avatar_id: item.id, script: 'Hi' })).status, 200);
  });
});
