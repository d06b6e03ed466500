// The vscode-free batch service over real HTTP to the emulator: sources in, records and failures out; the history
// sees each new asset once; each upload and each failure is logged once; the key's fingerprint is the engine's.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import type { AssetRecord } from '../../../src/core/base/assetRecord';
import { HistoryStore } from '../../../src/core/history/historyStore';
import { keyFingerprint } from '../../../src/core/base/contentHash';
import {
  UploadBatchService,
  noticeFor,
  recoverRefusedKey,
  type BatchHistory,
  type BatchOutcome,
  type BatchPass,
  type BatchSource,
} from '../../../src/core/upload/uploadBatch';
import type { Emulator } from '../../emulator/heygenEmulator';
import { MB, Scratch, emulatorSuite, capturingLogger, fileSha, targetFor, type CapturingLogger } from '../support/engineKit';

class MemoryHistory implements BatchHistory {
  readonly records: AssetRecord[] = [];
  adds = 0;
  add(record: AssetRecord): Promise<void> {
    this.adds++;
    this.records.unshift(record);
    return Promise.resolve();
  }
  findBySha256(sha256: string, fingerprint: string): AssetRecord | undefined {
    return this.records.find((r) => r.sha256 === sha256 && r.keyFingerprint === fingerprint);
  }
  all(): readonly AssetRecord[] {
    return this.records;
  }
}

const file = (path: string, name = path.split('/').pop() ?? path): BatchSource<string> => ({ kind: 'file', ref: path, name, path });

void describe('UploadBatchService over real HTTP', () => {
  let emu: Emulator;
  let scratch: Scratch;
  let history: MemoryHistory;
  let log: CapturingLogger;
  let service: UploadBatchService;
  const pass = (extra: Partial<BatchPass<string>> = {}): BatchPass<string> => ({
    target: targetFor(emu),
    concurrency: 3,
    maxBytes: 10 * MB,
    reuseIdenticalFiles: true,
    ...extra,
  });

  emulatorSuite({ emulator: (e) => (emu = e), scratch: (s) => (scratch = s) });
  beforeEach(() => {
    history = new MemoryHistory();
    log = capturingLogger();
    service = new UploadBatchService({ history, log, scrub: (text) => text.split(emu.apiKey).join('[redacted]') });
  });

  void it('a batch of 30 saves the real history store a handful of times, not 30, and every asset is in the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heygen-batch-history-'));
    const storeLog = capturingLogger();
    const store = await HistoryStore.open(join(dir, 'history.json'), { maxEntries: 1000, log: storeLog });
    try {
      const files = Array.from({ length: 30 }, (_, i) => scratch.png(`many-${i}.png`, 1024 + i));
      const batch = new UploadBatchService({ history: store, log });
      const result = await batch.run(files.map((f) => file(f)), pass());
      assert.equal(result.failed.length, 0, JSON.stringify(result.failed));
      const writes = storeLog.lines.filter((l) => l.message.startsWith('History: saved'));
      assert.ok(writes.length >= 1 && writes.length <= 5, `${writes.length} writes:\n${writes.map((l) => l.message).join('\n')}`);
      const onDisk = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as { assets: AssetRecord[] };
      assert.deepEqual(onDisk.assets.map((r) => r.sourcePath).sort(), [...files].sort(), 'saved by the time the batch returns');
    } finally {
      store.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('uploads a batch, records each new asset once with the engine\'s key fingerprint, and keeps the sources\' order', async () => {
    const png = scratch.png('a.png', 2048);
    const mp3 = scratch.copy('sample.mp3', 'b.mp3');
    const result = await service.run([file(png), file(mp3)], pass());
    assert.equal(result.failed.length, 0, JSON.stringify(result.failed));
    assert.deepEqual(result.succeeded.map((s) => s.source.ref), [png, mp3]);
    assert.equal(history.adds, 2);
    const byPath = new Map(history.records.map((r) => [r.sourcePath, r]));
    assert.equal(byPath.get(png)?.sha256, fileSha(png));
    assert.equal(byPath.get(png)?.keyFingerprint, keyFingerprint(emu.apiKey));
    assert.deepEqual(emu.received.map((r) => r.sha256).sort(), [fileSha(png), fileSha(mp3)].sort());
    assert.equal(result.succeeded[0].record, byPath.get(png), 'the result holds the very record the history got');
  });

  void it('logs each upload once: one start and one done line per file, from the engine', async () => {
    const png = scratch.png('once.png', 4096);
    await service.run([file(png)], pass());
    const starts = log.lines.filter((l) => /^Uploading "once\.png"/.test(l.message));
    const dones = log.lines.filter((l) => /^Uploaded "once\.png"/.test(l.message));
    assert.equal(starts.length, 1, log.text());
    assert.equal(dones.length, 1, log.text());
  });

  void it('reuses identical content under the same key: the recorded asset comes back, nothing is sent or added', async () => {
    const first = scratch.png('first.png', 3000);
    await service.run([file(first)], pass());
    const copy = scratch.write('copy.png', readFileSync(first));
    const again = await service.run([file(copy)], pass());
    assert.equal(again.succeeded[0].reused, true);
    assert.equal(again.succeeded[0].record, history.records[0], 'the history record itself, not a copy rebuilt from the wire type');
    assert.equal(emu.received.length, 1);
    assert.equal(history.adds, 1);
    const forced = await service.run([file(copy)], pass({ force: true }));
    assert.equal(forced.succeeded[0].reused, false);
    assert.equal(emu.received.length, 2);
  });

  void it('an identical file whose asset HeyGen deleted is uploaded again, not reused', async () => {
    const gone = new Set<string>();
    const asked: string[] = [];
    service = new UploadBatchService({
      history,
      log,
      stillOnHeyGen: (record) => {
        asked.push(record.id);
        return Promise.resolve(!gone.has(record.id));
      },
    });
    const first = scratch.png('first.png', 3000);
    const before = await service.run([file(first)], pass());
    gone.add(before.succeeded[0].record.id);
    const again = await service.run([file(first)], pass());
    assert.equal(again.succeeded[0].reused, false);
    assert.notEqual(again.succeeded[0].record.id, before.succeeded[0].record.id);
    assert.equal(emu.received.length, 2);
    // Asked about the earlier upload only when an identical file was about to reuse it.
    assert.deepEqual(asked, [before.succeeded[0].record.id]);
  });

  void it('a failure is one sentence per file, logged once with its details, and does not stop the others', async () => {
    const empty = scratch.write('empty.png', '');
    const good = scratch.png('good.png', 1024);
    const result = await service.run([file(empty), file(good)], pass());
    assert.equal(result.succeeded.length, 1);
    assert.deepEqual(
      result.failed.map((f) => [f.source.ref, f.message, f.kind, f.retryable]),
      [[empty, '"empty.png" is empty.', 'invalidFile', false]],
    );
    const mentions = log.lines.filter((l) => l.message.includes('is empty'));
    assert.equal(mentions.length, 1, log.text());
    assert.equal(mentions[0].level, 'error');
    assert.ok(mentions[0].message.includes(empty), 'the log line names the full path');
  });

  void it('a server fault the engine gave up on is retryable; a refused key is reported as auth', async () => {
    const png = scratch.png('busy.png', 1024);
    emu.behave({ mode: 'rateLimit', retryAfterSeconds: 120, times: 1 });
    const limited = await service.run([file(png)], pass());
    assert.equal(limited.failed[0].kind, 'rateLimited');
    assert.equal(limited.failed[0].retryable, true);
    const refused = await service.run([file(png)], pass({ target: targetFor(emu, { apiKey: 'wrong-key-123456' }) }));
    assert.equal(refused.failed[0].kind, 'auth');
    assert.equal(refused.failed[0].retryable, false);
  });

  void it('cancelling the pass marks the batch cancelled and the files not started as cancelled', async () => {
    const files = [scratch.png('c1.png', 1024), scratch.png('c2.png', 1024)];
    const abort = new AbortController();
    abort.abort();
    const result = await service.run(files.map((f) => file(f)), pass({ signal: abort.signal }));
    assert.equal(result.cancelled, true);
    assert.deepEqual(result.failed.map((f) => f.kind), ['cancelled', 'cancelled']);
    assert.equal(emu.received.length, 0);
    assert.ok(!log.lines.some((l) => l.level === 'error'), 'a cancel is no error');
  });
});

void describe('recoverRefusedKey', () => {
  const src = (name: string): BatchSource<string> => ({ kind: 'file', ref: name, name, path: `/x/${name}` });
  const refused = (name: string) => ({ source: src(name), message: `refused ${name}`, kind: 'auth' as const, retryable: false });

  void it('asks for a new key and runs only the refused files again with it', async () => {
    const first: BatchOutcome<string> = {
      succeeded: [{ source: src('ok.png'), record: { id: 'a' } as AssetRecord, reused: false }],
      failed: [refused('x.png'), { source: src('bad.png'), message: 'bad', kind: 'invalidFile', retryable: false }],
      cancelled: false,
    };
    const reruns: Array<{ names: string[]; key: string }> = [];
    const { outcome, refusedKeyReported } = await recoverRefusedKey(
      first,
      () => Promise.resolve('new-key-000000'),
      (sources, key) => {
        reruns.push({ names: sources.map((s) => s.name), key });
        return Promise.resolve({ succeeded: [{ source: sources[0], record: { id: 'b' } as AssetRecord, reused: false }], failed: [], cancelled: false });
      },
    );
    assert.deepEqual(reruns, [{ names: ['x.png'], key: 'new-key-000000' }]);
    assert.deepEqual(outcome.succeeded.map((s) => s.source.name), ['ok.png', 'x.png']);
    assert.deepEqual(outcome.failed.map((f) => f.source.name), ['bad.png']);
    assert.equal(refusedKeyReported, false);
  });

  void it('stops when the person gives no key, and says the refusal was already reported', async () => {
    const first: BatchOutcome<string> = { succeeded: [], failed: [refused('x.png')], cancelled: false };
    const { outcome, refusedKeyReported } = await recoverRefusedKey(first, () => Promise.resolve(undefined), () => assert.fail('no rerun'));
    assert.equal(outcome, first);
    assert.equal(refusedKeyReported, true);
    assert.equal(noticeFor(outcome, { refusedKeyReported }), undefined, 'the summary does not say it again');
  });
});

void describe('noticeFor', () => {
  const src = (name: string): BatchSource<string> => ({ kind: 'file', ref: name, name, path: `/x/${name}` });
  const ok = (name: string, reused = false) => ({ source: src(name), record: { id: `id-${name}`, url: `https://h/${name}` } as AssetRecord, reused });
  const fail = (name: string, retryable: boolean) => ({ source: src(name), message: `"${name}" failed.`, kind: 'server' as const, retryable });

  void it('one success names the file the person picked, without the id or the URL (the row and the log have them); quiet shows nothing', () => {
    const result = { succeeded: [ok('a.png')], failed: [], cancelled: false };
    assert.deepEqual(noticeFor(result), { type: 'uploaded', message: 'Uploaded "a.png" to HeyGen.', success: ok('a.png') });
    assert.doesNotMatch(noticeFor(result)?.message ?? '', /id-a\.png|https:/);
    assert.equal(noticeFor({ succeeded: [ok('b.png', true)], failed: [], cancelled: false })?.message, '"b.png" is already on HeyGen: uploaded before with this key.');
    assert.equal(noticeFor(result, { quiet: true }), undefined);
  });

  void it('one failure is its own sentence; Retry only when retrying can help and the owner of the files allows it', () => {
    const retryable = { succeeded: [], failed: [fail('a.png', true)], cancelled: false };
    assert.deepEqual(noticeFor(retryable), { type: 'failed', message: '"a.png" failed.', failure: fail('a.png', true), retry: [fail('a.png', true)] });
    assert.deepEqual(noticeFor(retryable, { offerRetry: false }), { type: 'failed', message: '"a.png" failed.', failure: fail('a.png', true), retry: [] });
    assert.deepEqual(noticeFor({ succeeded: [], failed: [fail('b.png', false)], cancelled: false }), { type: 'failed', message: '"b.png" failed.', failure: fail('b.png', false), retry: [] });
  });

  void it('a file over v1\'s limit says that v3 takes larger files; a v1 that looks retired offers v3 on a batch', () => {
    // The engine's sentence says it (uploadEngine.test.ts); the notice shows that sentence as it is.
    const tooLarge = { ...fail('big.mp4', false), kind: 'invalidFile' as const, message: '"big.mp4" is over 10 MB; HeyGen API v3 takes larger files.', offerV3: true };
    assert.equal(noticeFor({ succeeded: [], failed: [tooLarge], cancelled: false })?.message, '"big.mp4" is over 10 MB; HeyGen API v3 takes larger files.');
    const retired = { ...fail('a.png', false), kind: 'retired' as const, offerV3: true };
    const notice = noticeFor({ succeeded: [ok('b.png')], failed: [retired, fail('c.png', true)], cancelled: false });
    assert.deepEqual(notice?.type === 'summary' && notice.useV3?.map((f) => f.source.name), ['a.png']);
  });

  void it('a batch sums up, with the retryable failures to retry', () => {
    const notice = noticeFor({ succeeded: [ok('a.png')], failed: [fail('b.png', true), fail('c.png', false)], cancelled: false });
    assert.equal(notice?.type, 'summary');
    assert.equal(notice?.message, '1 uploaded, 2 failed.');
    assert.deepEqual(notice?.type === 'summary' && notice.retry.map((f) => f.source.name), ['b.png']);
    assert.equal(noticeFor({ succeeded: [ok('a.png'), ok('b.png')], failed: [], cancelled: false })?.message, '2 uploaded to HeyGen.');
  });

  void it('a cancel says what got through; a caller\'s own cancel says nothing', () => {
    const cancelled = { succeeded: [ok('a.png')], failed: [{ ...fail('b.png', false), kind: 'cancelled' as const }], cancelled: true };
    assert.equal(noticeFor(cancelled)?.message, 'Upload cancelled. 1 uploaded before cancelling.');
    assert.equal(noticeFor({ succeeded: [], failed: [], cancelled: true })?.message, 'Upload cancelled. Nothing was uploaded.');
    assert.equal(noticeFor(cancelled, { callerCancelled: true }), undefined);
  });
});
