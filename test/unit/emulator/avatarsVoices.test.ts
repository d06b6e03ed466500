import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { keyed, send, v3ErrorOf, type Reply } from './client';

interface Page<T> {
  data: T[];
  has_more: boolean;
  next_token: string | null;
}
interface LookJson {
  id: string;
  name: string;
  gender: string;
  avatar_type: string;
  group_id: string;
  preview_image_url?: string;
  preview_video_url?: string;
  default_voice_id: string;
  supported_api_engines: string[];
  status?: string;
}
interface VoiceJson {
  voice_id: string;
  name: string;
  language: string;
  gender: string;
  preview_audio_url: string;
  type: string;
}

async function all<T>(emu: Emulator, path: string, limit: number): Promise<T[]> {
  const out: T[] = [];
  let token: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const reply = await send(`${emu.apiBaseUrl}${path}${sep}limit=${limit}${token ? `&token=${token}` : ''}`, { headers: keyed(emu.apiKey) });
    assert.equal(reply.status, 200, reply.text);
    const page = reply.json<Page<T>>();
    out.push(...page.data);
    token = page.next_token;
  } while (token);
  return out;
}

void describe('emulated avatars and voices', () => {
  let emu: Emulator;
  const get = (path: string): Promise<Reply> => send(`${emu.apiBaseUrl}${path}`, { headers: keyed(emu.apiKey) });
  const createPhoto = (body: Record<string, unknown>): Promise<Reply> => send(`${emu.apiBaseUrl}/v3/avatars`, { headers: keyed(emu.apiKey), json: body });
  const image = (): string => emu.library.all().find((a) => a.type === 'image')!.id;

  before(async () => {
    emu = await startEmulator({ library: { seed: 8 } });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  void it('lists a deterministic set of looks with the schema\u2019s fields, a group of photo avatars among them', async () => {
    const looks = await all<LookJson>(emu, '/v3/avatars/looks', 7);
    assert.equal(looks.length, 36);
    assert.equal(new Set(looks.map((l) => l.id)).size, 36);
    const other = await startEmulator();
    try {
      const again = (await send(`${other.apiBaseUrl}/v3/avatars/looks?limit=50`, { headers: keyed(other.apiKey) })).json<Page<LookJson>>().data;
      assert.deepEqual(again.map((l) => [l.id, l.name, l.default_voice_id]), looks.map((l) => [l.id, l.name, l.default_voice_id]), 'the same every run');
    } finally {
      await other.close();
    }
    const photos = (await get('/v3/avatars/looks?avatar_type=photo_avatar')).json<Page<LookJson>>().data;
    assert.ok(photos.length >= 3);
    assert.equal(new Set(photos.map((l) => l.group_id)).size, 1, 'one group of photo avatars');
    for (const look of looks) {
      assert.match(look.id, /^[0-9a-f]{32}$/);
      assert.ok(['studio_avatar', 'digital_twin', 'photo_avatar'].includes(look.avatar_type));
      assert.ok(look.name && look.gender && look.preview_image_url && look.preview_video_url);
      assert.ok(emu.voices.all().some((v) => v.voice_id === look.default_voice_id), 'its default voice exists');
      assert.ok(look.supported_api_engines.length > 0);
    }
    const byGroup = (await get(`/v3/avatars/looks?group_id=${photos[0].group_id}`)).json<Page<LookJson>>().data;
    assert.deepEqual(byGroup.map((l) => l.id), photos.map((l) => l.id));
    const publicOnes = await all<LookJson>(emu, '/v3/avatars/looks?ownership=public', 50);
    assert.ok(publicOnes.length > 0 && publicOnes.every((l) => l.avatar_type === 'studio_avatar' && l.status === undefined));
    for (const [query, param] of [['avatar_type=robot', 'avatar_type'], ['ownership=mine', 'ownership'], ['limit=51', 'limit'], ['limit=0', 'limit'], ['token=zzz', 'token']]) {
      const reply = await get(`/v3/avatars/looks?${query}`);
      assert.equal(reply.status, 400, query);
      assert.equal(v3ErrorOf(reply).param, param);
    }
  });

  void it('lists groups, pages them, and answers one look or group by id', async () => {
    const groups = await all<{ id: string; looks_count: number; created_at: number; name: string }>(emu, '/v3/avatars', 5);
    assert.equal(groups.length, 12);
    assert.equal(groups.reduce((sum, g) => sum + g.looks_count, 0), 36);
    assert.equal((await get('/v3/avatars?limit=51')).status, 400);
    const look = emu.avatars.looks[4];
    assert.equal((await get(`/v3/avatars/looks/${look.id}`)).json<{ data: LookJson }>().data.id, look.id);
    assert.equal((await get(`/v3/avatars/${look.group.id}`)).json<{ data: { looks_count: number } }>().data.looks_count, 3);
    assert.equal(v3ErrorOf(await get('/v3/avatars/looks/none')).code, 'not_found');
  });

  void it('serves the preview image, video and audio the catalogue points at', async () => {
    const look = (await get('/v3/avatars/looks?limit=1')).json<Page<LookJson>>().data[0];
    const voice = (await get('/v3/voices?limit=1')).json<Page<VoiceJson>>().data[0];
    for (const [url, type] of [[look.preview_image_url!, 'image/png'], [look.preview_video_url!, 'video/mp4'], [voice.preview_audio_url, 'audio/mpeg']]) {
      const reply = await send(url);
      assert.equal(reply.status, 200, url);
      assert.equal(reply.headers['content-type'], type);
      assert.ok(reply.bytes.length > 100);
    }
  });

  void it('lists voices paged and filtered by type, engine, language and gender', async () => {
    const publicVoices = await all<VoiceJson>(emu, '/v3/voices', 100);
    const privateVoices = await all<VoiceJson>(emu, '/v3/voices?type=private', 100);
    assert.equal(publicVoices.length + privateVoices.length, 48);
    assert.ok(publicVoices.every((v) => v.type === 'public') && privateVoices.every((v) => v.type === 'private'));
    const french = (await get('/v3/voices?language=french&gender=female')).json<Page<VoiceJson>>().data;
    assert.ok(french.length > 0 && french.every((v) => v.language === 'French' && v.gender === 'female'));
    const fish = (await get('/v3/voices?engine=fish&limit=100')).json<Page<VoiceJson>>().data;
    assert.ok(fish.length > 0 && fish.length < publicVoices.length);
    for (const voice of publicVoices) {
      assert.ok(voice.voice_id && voice.name && voice.language && voice.gender && voice.preview_audio_url);
    }
    for (const query of ['limit=101', 'type=shared']) {
      assert.equal((await get(`/v3/voices?${query}`)).status, 400, query);
    }
  });

  void it('holds 5,000 looks and 2,000 voices for the bench', async () => {
    const big = await startEmulator({ catalog: { looks: 5_000, voices: 2_000 } });
    try {
      assert.equal((await all<LookJson>(big, '/v3/avatars/looks', 50)).length, 5_000);
      const voices = (await all<VoiceJson>(big, '/v3/voices', 100)).length + (await all<VoiceJson>(big, '/v3/voices?type=private', 100)).length;
      assert.equal(voices, 2_000);
    } finally {
      await big.close();
    }
  });

  void it('makes a photo avatar that trains, shows no preview until then, and can then be used in a video', async () => {
    emu.avatars.trainingMs = 30_000;
    const made = await createPhoto({ type: 'photo', name: 'Me at work', file: { type: 'asset_id', asset_id: image() } });
    assert.equal(made.status, 200, made.text);
    const { avatar_item: item, avatar_group: group } = made.json<{ data: { avatar_item: LookJson; avatar_group: { id: string; consent_status: string | null } } }>().data;
    assert.equal(item.group_id, group.id);
    assert.equal(item.status, 'processing');
    assert.equal(group.consent_status, null, 'no consent needed');
    const training = (await get(`/v3/avatars/looks?group_id=${group.id}`)).json<Page<LookJson>>().data;
    assert.deepEqual(training.map((l) => [l.id, l.status, l.preview_image_url]), [[item.id, 'processing', undefined]]);
    emu.clock.advance(30_000);
    const trained = (await get(`/v3/avatars/looks?group_id=${group.id}`)).json<Page<LookJson>>().data[0];
    assert.equal(trained.status, 'completed');
    assert.equal((await send(trained.preview_image_url!)).status, 200);
    const video = await send(`${emu.apiBaseUrl}/v3/videos`, { headers: keyed(emu.apiKey), json: { type: 'avatar', avatar_id: item.id, script: 'It is me' } });
    assert.equal(video.status, 200, video.text);
    const second = await createPhoto({ type: 'photo', name: 'Me at home', file: { type: 'url', url: 'https://example.com/me.jpg' }, avatar_group_id: group.id });
    assert.equal(second.json<{ data: { avatar_item: LookJson } }>().data.avatar_item.group_id, group.id);
    assert.equal((await get(`/v3/avatars/${group.id}`)).json<{ data: { looks_count: number } }>().data.looks_count, 2);
  });

  void it('refuses what POST /v3/avatars does not take, naming the parameter', async () => {
    const refused: Array<[Record<string, unknown>, string, number]> = [
      [{ name: 'x', file: { type: 'asset_id', asset_id: image() } }, 'type', 400],
      [{ type: 'digital_twin', name: 'x', file: { type: 'url', url: 'https://e.com/v.mp4' } }, 'type', 400],
      [{ type: 'photo', file: { type: 'asset_id', asset_id: image() } }, 'name', 400],
      [{ type: 'photo', name: 'x' }, 'file', 400],
      [{ type: 'photo', name: 'x', file: { type: 'asset_id', asset_id: 'missing' } }, 'file.asset_id', 400],
      [{ type: 'photo', name: 'x', file: { type: 'url', url: 'ftp://e.com/p.jpg' } }, 'file.url', 400],
      [{ type: 'photo', name: 'x', file: { type: 'base64', media_type: 'image/png', data: '***' } }, 'file.data', 400],
      [{ type: 'photo', name: 'x', file: { type: 'asset_id', asset_id: image() }, avatar_group_id: 'nope' }, 'avatar_group_id', 404],
    ];
    for (const [body, param, status] of refused) {
      const reply = await createPhoto(body);
      assert.equal(reply.status, status, `${JSON.stringify(body)}: ${reply.text}`);
      assert.equal(v3ErrorOf(reply).param, param);
    }
  });

  void it('puts a new photo avatar behind consent when asked, until the consent page is opened', async () => {
    const control = await send(`${emu.origin}/__emulator/avatars/consent`, { json: { required: true } });
    assert.equal(control.status, 200);
    emu.avatars.trainingMs = 1_000;
    const made = await createPhoto({ type: 'photo', name: 'Needs consent', file: { type: 'asset_id', asset_id: image() } });
    const { avatar_item: item, avatar_group: group } = made.json<{ data: { avatar_item: LookJson; avatar_group: { id: string; consent_status: string; status: string } } }>().data;
    assert.equal(group.consent_status, 'pending');
    assert.equal(group.status, 'pending_consent');
    assert.equal(item.status, 'pending_consent');
    emu.clock.advance(5_000);
    assert.equal((await get(`/v3/avatars/looks/${item.id}`)).json<{ data: LookJson }>().data.status, 'pending_consent', 'no training without consent');
    const consent = await send(`${emu.apiBaseUrl}/v3/avatars/${group.id}/consent`, { headers: keyed(emu.apiKey), json: {} });
    assert.equal(consent.status, 200);
    const url = consent.json<{ data: { url: string; avatar_group: { id: string } } }>().data.url;
    assert.ok(url.startsWith(emu.origin));
    assert.equal((await send(url)).status, 200, 'a person opens the consent page');
    assert.equal((await get(`/v3/avatars/${group.id}`)).json<{ data: { consent_status: string } }>().data.consent_status, 'approved');
    assert.equal((await get(`/v3/avatars/looks/${item.id}`)).json<{ data: LookJson }>().data.status, 'processing');
    emu.clock.advance(1_000);
    assert.equal((await get(`/v3/avatars/looks/${item.id}`)).json<{ data: LookJson }>().data.status, 'completed');
    assert.equal((await send(`${emu.apiBaseUrl}/v3/avatars/nope/consent`, { headers: keyed(emu.apiKey), json: {} })).status, 404);
  });

  void it('misbehaves on the avatar and voice lists as aimed', async () => {
    emu.behaveV3({ mode: 'rateLimit', retryAfterSeconds: 4, on: 'avatars', times: 1 });
    assert.equal((await get('/v3/avatars/looks')).status, 429);
    assert.equal((await get('/v3/avatars/looks')).status, 200);
    emu.behaveV3({ mode: 'status', status: 500, on: 'voices', times: 1 });
    assert.equal((await get('/v3/voices')).status, 500);
    assert.equal((await get('/v3/voices')).status, 200);
    assert.equal((await send(`${emu.apiBaseUrl}/v3/voices`, { headers: { 'x-api-key': 'wrong' } })).status, 401);
  });
});
