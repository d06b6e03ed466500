import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { keyed, send, type Reply } from './client';

interface StatusJson {
  code: number;
  data: { id: string; status: string; video_url: string | null; thumbnail_url: string | null; duration: number | null; error: { code: string; message: string; detail: string } | null };
  message: string;
}

void describe('the legacy video routes (v2 generate, v1 status)', () => {
  let emu: Emulator;
  const generate = (body: unknown): Promise<Reply> => send(`${emu.origin}/v2/video/generate`, { headers: keyed(emu.apiKey), json: body });
  const status = async (id: string): Promise<StatusJson> => {
    const reply = await send(`${emu.origin}/v1/video_status.get?video_id=${id}`, { headers: keyed(emu.apiKey) });
    assert.equal(reply.status, 200, reply.text);
    return reply.json<StatusJson>();
  };
  const scene = (): Record<string, unknown> => ({
    character: { type: 'avatar', avatar_id: emu.avatars.looks[5].id, avatar_style: 'normal' },
    voice: { type: 'text', voice_id: emu.voices.all()[0].voice_id, input_text: 'Hello from v2' },
    background: { type: 'color', value: '#FAFAFA' },
  });

  before(async () => {
    emu = await startEmulator({ library: { seed: 8 }, videos: { processingAfterMs: 1_000, completedAfterMs: 3_000 } });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  void it('makes a video from video_inputs and reports it as v1 does: pending, processing, completed', async () => {
    const image = emu.library.all().find((a) => a.type === 'image')!.id;
    const reply = await generate({
      video_inputs: [scene(), { character: { type: 'talking_photo', talking_photo_id: image }, voice: { type: 'silence', duration: 2 }, background: { type: 'image', image_asset_id: image } }],
      dimension: { width: 1280, height: 720 },
      title: 'Legacy',
      callback_id: 'cb-1',
    });
    assert.equal(reply.status, 200, reply.text);
    const json = reply.json<{ error: null; data: { video_id: string } }>();
    assert.equal(json.error, null);
    const id = json.data.video_id;
    const pending = await status(id);
    assert.equal(pending.code, 100);
    assert.equal(pending.data.status, 'pending');
    assert.equal(pending.data.video_url, null);
    emu.clock.advance(1_000);
    assert.equal((await status(id)).data.status, 'processing');
    emu.clock.advance(2_000);
    const done = await status(id);
    assert.equal(done.data.status, 'completed');
    assert.equal(done.data.error, null);
    assert.equal((await send(done.data.video_url!)).status, 200);
    assert.equal(emu.requestLog.count('GET', '/v1/video_status.get'), 3);
    // The same video through v3.
    const v3 = await send(`${emu.apiBaseUrl}/v3/videos/${id}`, { headers: keyed(emu.apiKey) });
    assert.equal(v3.json<{ data: { title: string } }>().data.title, 'Legacy');
  });

  void it('reports a failed video with v1\u2019s error object', async () => {
    emu.videos.failNext('No credits left.', 'insufficient_credit');
    const id = (await generate({ video_inputs: [scene()] })).json<{ data: { video_id: string } }>().data.video_id;
    emu.clock.advance(3_000);
    const failed = await status(id);
    assert.equal(failed.data.status, 'failed');
    assert.deepEqual(failed.data.error, { code: 'insufficient_credit', message: 'No credits left.', detail: 'No credits left.' });
  });

  void it('refuses bad video_inputs with 400 and v2\u2019s error object naming the parameter', async () => {
    const refused: Array<[unknown, string]> = [
      [{}, 'video_inputs'],
      [{ video_inputs: [] }, 'video_inputs'],
      [{ video_inputs: Array.from({ length: 51 }, scene) }, 'video_inputs'],
      [{ video_inputs: [{ ...scene(), character: { type: 'avatar', avatar_id: 'nobody' } }] }, 'video_inputs[0].character.avatar_id'],
      [{ video_inputs: [{ ...scene(), voice: { type: 'text', voice_id: 'nobody', input_text: 'x' } }] }, 'video_inputs[0].voice.voice_id'],
      [{ video_inputs: [{ ...scene(), voice: { type: 'audio', audio_url: 'https://e.com/a.mp3', audio_asset_id: 'x' } }] }, 'video_inputs[0].voice.audio_url'],
      [{ video_inputs: [{ ...scene(), background: { type: 'video', video_asset_id: 'missing' } }] }, 'video_inputs[0].background.video_asset_id'],
      [{ video_inputs: [scene(), { ...scene(), voice: { type: 'text', voice_id: emu.voices.all()[0].voice_id, input_text: 'x', speed: 3 } }] }, 'video_inputs[1].voice.speed'],
    ];
    for (const [body, param] of refused) {
      const reply = await generate(body);
      assert.equal(reply.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${reply.text}`);
      const json = reply.json<{ error: { code: string; message: string; param: string }; data: null }>();
      assert.equal(json.data, null);
      assert.equal(json.error.param, param);
    }
    assert.equal((await send(`${emu.origin}/v2/video/generate`, { headers: { 'x-api-key': 'wrong' }, json: { video_inputs: [scene()] } })).status, 401);
    const unknown = await send(`${emu.origin}/v1/video_status.get?video_id=nope`, { headers: keyed(emu.apiKey) });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json<{ code: number }>().code, 404);
  });

  void it('answers 410 or 404 once retired, as a test chooses, in v1\u2019s shape', async () => {
    emu.videos.legacy('gone');
    const gone = await generate({ video_inputs: [scene()] });
    assert.equal(gone.status, 410);
    assert.match(gone.json<{ code: number; message: string }>().message, /retired on 2026-11-01/);
    assert.equal((await send(`${emu.origin}/v1/video_status.get?video_id=x`, { headers: keyed(emu.apiKey) })).status, 410);
    const control = await send(`${emu.origin}/__emulator/videos/legacy`, { json: { mode: 'missing' } });
    assert.equal(control.status, 200);
    const missing = await generate({ video_inputs: [scene()] });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { code: 404, data: null, msg: 'Not found', message: 'Not found' });
    emu.reset();
    assert.equal((await generate({ video_inputs: [scene()] })).status, 200, 'reset serves them again');
  });

  void it('misbehaves as the v3 create and status routes do', async () => {
    emu.behaveV3({ mode: 'rateLimit', retryAfterSeconds: 2, on: 'video-create', times: 1 });
    const limited = await generate({ video_inputs: [scene()] });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '2');
    const id = (await generate({ video_inputs: [scene()] })).json<{ data: { video_id: string } }>().data.video_id;
    emu.behaveV3({ mode: 'status', status: 502, on: 'video-status', times: 1 });
    assert.equal((await send(`${emu.origin}/v1/video_status.get?video_id=${id}`, { headers: keyed(emu.apiKey) })).status, 502);
    assert.equal((await status(id)).code, 100);
  });
});
