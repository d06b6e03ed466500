import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { uploadLocalFile, type UploadOptions } from '../../../src/core/upload/uploadEngine';
import type { UploadTarget } from '../../../src/core/upload/uploadEngine';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';

const MB = 1024 * 1024;

/** sample.jpg with 2 MB more after its image data: still a JPEG, now over a 1 MB limit. */
function twoMegabyteJpeg(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-v3-limit-')), 'big.jpg');
  fs.copyFileSync(path.join(__dirname, '..', '..', 'fixtures', 'media', 'sample.jpg'), file);
  fs.appendFileSync(file, Buffer.alloc(2 * MB));
  return file;
}

void describe('the v3 upload and the size limit a person set', () => {
  let emu: Emulator;
  let target: UploadTarget;
  before(async () => {
    emu = await startEmulator();
    target = { api: 'v3', apiBaseUrl: emu.apiBaseUrl, endpoint: emu.uploadUrl, apiKey: emu.apiKey, connectTimeoutMs: 2_000, idleTimeoutMs: 5_000 };
  });
  after(() => emu.close());

  void it('refuses a file over heygen.maxUploadSizeMB when the person set it, before any request', async () => {
    const file = twoMegabyteJpeg();
    const options: UploadOptions = { maxBytes: 10 * MB, userMaxBytes: 1 * MB };
    await assert.rejects(uploadLocalFile(file, target, options), (error: unknown) => {
      assert.ok(error instanceof HeyGenError, String(error));
      assert.equal(error.kind, 'invalidFile');
      assert.match(error.message, /"big\.jpg".*1 MB/);
      assert.doesNotMatch(error.message, /v3 takes larger files/);
      return true;
    });
    assert.deepEqual(emu.received, [], 'nothing was sent');
    assert.deepEqual(emu.v3Requests, []);
  });

  void it('takes the same file when the person set no limit (v3 has larger limits of its own)', async () => {
    const outcome = await uploadLocalFile(twoMegabyteJpeg(), target, { maxBytes: 10 * MB });
    assert.ok(emu.v3Assets.has(outcome.record.id));
  });
});
