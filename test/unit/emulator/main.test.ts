import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { optionsFrom } from '../../emulator/main';
import { send } from './client';

const ROOT = join(__dirname, '..', '..', '..');

void describe('npm run emulator', () => {
  void it('is the script that runs test/emulator/main.ts', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.emulator, 'tsx test/emulator/main.ts');
  });

  void it('prints exactly one JSON line on stdout, serves v1 and v3 with its key, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/main.ts', '--key', 'child-key-123', '--videos', '3', '--looks', '9'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('\n')) {
            resolve(stdout.split('\n')[0]);
          }
        });
        void exited.then((code) => reject(new Error(`the emulator exited (${code}): ${stderr}`)));
      });
      const printed = JSON.parse(line) as { v1: string; v3: string; key: string };
      assert.deepEqual(Object.keys(printed), ['v1', 'v3', 'key']);
      assert.equal(printed.key, 'child-key-123');
      assert.match(printed.v1, /^http:\/\/127\.0\.0\.1:\d+\/v1\/asset$/);
      assert.match(printed.v3, /^http:\/\/127\.0\.0\.1:\d+$/);
      const videos = await send(`${printed.v3}/v3/videos`, { headers: { 'x-api-key': printed.key } });
      assert.equal(videos.status, 200, videos.text);
      assert.equal(videos.json<{ data: unknown[] }>().data.length, 3);
      const looks = await send(`${printed.v3}/v3/avatars/looks?limit=50`, { headers: { 'x-api-key': printed.key } });
      assert.equal(looks.json<{ data: unknown[] }>().data.length, 9);
      assert.equal((await send(`${printed.v3}/v3/videos`, { headers: { 'x-api-key': 'other' } })).status, 401);
      const v1 = await send(printed.v1, { headers: { 'X-Api-Key': printed.key, 'Content-Type': 'image/png' }, body: Buffer.from('\x89PNG\r\n\x1a\n0000', 'latin1') });
      assert.equal(v1.json<{ code: number }>().code, 100);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    assert.equal(stdout.split('\n').filter(Boolean).length, 1, `stdout: ${stdout}`);
    assert.match(stderr, /HeyGen emulator on http:\/\/127\.0\.0\.1:\d+/);
  });

  void it('reads its options', () => {
    const options = optionsFrom(['--port', '0', '--processing-after-ms', '100', '--completed-after-ms', '900', '--video-mb', '50', '--voices', '2000', '--consent', '--legacy', 'gone'])!;
    assert.equal(options.videos?.processingAfterMs, 100);
    assert.equal(options.videos?.completedAfterMs, 900);
    assert.equal(options.videos?.mp4Bytes, 50 * 1024 * 1024);
    assert.equal(options.catalog?.voices, 2000);
    assert.equal(options.catalog?.consentRequired, true);
    assert.equal(options.legacy, 'gone');
    assert.equal(optionsFrom(['--help']), undefined);
    assert.throws(() => optionsFrom(['--legacy', 'maybe']), /serve, missing or gone/);
    assert.throws(() => optionsFrom(['--looks', 'many']), /--looks/);
  });
});
