import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AssetRecord } from '../../../src/core/base/assetRecord';
import { parseHistory, serialize } from '../../../src/core/history/historyFormat';
import { acquireLock } from '../../../src/core/history/historyLock';
import { HistoryStore, type HistoryChange } from '../../../src/core/history/historyStore';
import type { Logger } from '../../../src/core/base/logger';

const STORE_MODULE = path.resolve(__dirname, '../../../src/core/history/historyStore.ts');

function record(n: number, overrides: Partial<AssetRecord> = {}): AssetRecord {
  return {
    id: `asset-${n}`,
    name: `file-${n}.png`,
    fileType: 'image',
    mime: 'image/png',
    url: `https://files.example.test/${n}.png`,
    imageKey: `image/${n}/original`,
    createdTs: 1_700_000_000 + n,
    sourcePath: `/tmp/file-${n}.png`,
    size: 1000 + n,
    sha256: n.toString(16).padStart(64, '0'),
    uploadedAt: 1_700_000_000_000 + n * 1000,
    keyFingerprint: 'fp-a',
    ...overrides,
  };
}

class MemoryLog implements Logger {
  readonly lines: string[] = [];
  trace(m: string): void {
    this.lines.push(`trace ${m}`);
  }
  debug(m: string): void {
    this.lines.push(`debug ${m}`);
  }
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error ${m}`);
  }
}

let root: string;
let counter = 0;
function freshFile(): string {
  return path.join(root, `case-${++counter}`, 'globalStorage', 'history.json');
}

function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (condition()) {
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        reject(new Error('condition not met in time'));
      } else {
        setTimeout(tick, 10);
      }
    };
    tick();
  });
}

void before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'heygen-history-'));
});
void after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

void describe('HistoryStore persistence', () => {
  void it('starts empty without a file and keeps entries across instances, newest first', async () => {
    const file = freshFile();
    const a = await HistoryStore.open(file, { maxEntries: 100 });
    assert.deepEqual(a.all(), []);
    await a.add(record(1));
    await a.add(record(3));
    await a.add(record(2));
    a.dispose();

    const b = await HistoryStore.open(file, { maxEntries: 100 });
    assert.deepEqual(
      b.all().map((r) => r.id),
      ['asset-3', 'asset-2', 'asset-1'],
    );
    assert.deepEqual(b.get('asset-2'), record(2));
    assert.equal(b.get('nope'), undefined);
    const onDisk = JSON.parse(await fs.readFile(file, 'utf8')) as { version: number; assets: AssetRecord[] };
    assert.equal(onDisk.version, 1);
    assert.equal(onDisk.assets.length, 3);
    b.dispose();
  });

  void it('replaces an entry with the same id instead of duplicating it', async () => {
    const file = freshFile();
    const store = await HistoryStore.open(file, { maxEntries: 100 });
    await store.add(record(1));
    await store.add(record(1, { name: 'renamed.png', uploadedAt: 1_800_000_000_000 }));
    assert.equal(store.all().length, 1);
    assert.equal(store.get('asset-1')?.name, 'renamed.png');
    store.dispose();
  });

  void it('finds an upload by content hash only under the same key fingerprint, newest first', async () => {
    const file = freshFile();
    const store = await HistoryStore.open(file, { maxEntries: 100 });
    const sha = 'ab'.repeat(32);
    await store.add(record(1, { sha256: sha }));
    await store.add(record(2, { sha256: sha }));
    await store.add(record(3, { sha256: sha, keyFingerprint: 'fp-b' }));
    assert.equal(store.findBySha256(sha, 'fp-a')?.id, 'asset-2');
    assert.equal(store.findBySha256(sha, 'fp-b')?.id, 'asset-3');
    assert.equal(store.findBySha256(sha, 'fp-c'), undefined);
    await store.remove(['asset-2']);
    assert.equal(store.findBySha256(sha, 'fp-a')?.id, 'asset-1');
    store.dispose();
  });

  void it('removes and clears, persistently, and tells listeners', async () => {
    const file = freshFile();
    const store = await HistoryStore.open(file, { maxEntries: 100 });
    let changes = 0;
    const sub = store.onDidChange(() => changes++);
    for (let i = 1; i <= 4; i++) {
      await store.add(record(i));
    }
    await store.remove(['asset-2', 'asset-4', 'unknown']);
    assert.deepEqual(
      store.all().map((r) => r.id),
      ['asset-3', 'asset-1'],
    );
    const reopened = await HistoryStore.open(file, { maxEntries: 100 });
    assert.equal(reopened.all().length, 2);
    await store.clear();
    assert.equal(store.all().length, 0);
    await reopened.reload();
    assert.equal(reopened.all().length, 0);
    assert.equal(changes, 6);
    sub.dispose();
    await store.add(record(9));
    assert.equal(changes, 6, 'a disposed listener is not called');
    store.dispose();
    reopened.dispose();
  });

  void it('caps the history at maxEntries, dropping the oldest, and applies a lowered cap', async () => {
    const file = freshFile();
    const store = await HistoryStore.open(file, { maxEntries: 3 });
    for (const n of [5, 1, 4, 2, 3]) {
      await store.add(record(n));
    }
    assert.deepEqual(
      store.all().map((r) => r.id),
      ['asset-5', 'asset-4', 'asset-3'],
    );
    await store.setMaxEntries(2);
    assert.deepEqual(
      store.all().map((r) => r.id),
      ['asset-5', 'asset-4'],
    );
    const onDisk = parseHistory(await fs.readFile(file, 'utf8'));
    assert.ok('records' in onDisk);
    assert.equal(onDisk.records.length, 2);
    store.dispose();

    const small = await HistoryStore.open(file, { maxEntries: 1 });
    assert.deepEqual(
      small.all().map((r) => r.id),
      ['asset-5'],
    );
    small.dispose();
  });

  void it('refuses to add an invalid entry', async () => {
    const file = freshFile();
    const store = await HistoryStore.open(file, { maxEntries: 10 });
    await assert.rejects(store.add({ ...record(1), url: '' }), /invalid entry \(missing url\)/);
    await assert.rejects(store.add({ ...record(1), fileType: 'pdf' as AssetRecord['fileType'] }), /unknown fileType/);
    assert.equal(store.all().length, 0);
    store.dispose();
  });
});

void describe('HistoryStore records: the file name and HeyGen\'s name', () => {
  void it('keeps HeyGen\'s name next to the file name, still loads records written before it existed, refuses a bad one', async () => {
    const file = freshFile();
    const old = record(1);
    assert.ok(!('heygenName' in old), 'a record as older versions wrote it');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, serialize([record(2, { heygenName: 'asset_5e1d0c7b' }), old]));
    const store = await HistoryStore.open(file, { maxEntries: 10 });
    assert.deepEqual(
      store.all().map((r) => [r.name, r.heygenName]),
      [
        ['file-2.png', 'asset_5e1d0c7b'],
        ['file-1.png', undefined],
      ],
    );
    await assert.rejects(store.add(record(3, { heygenName: 42 as unknown as string })), /invalid entry \(heygenName is not a string\)/);
    await store.reload();
    assert.equal(store.all().length, 2);
    store.dispose();
  });
});

void describe('HistoryStore damage', () => {
  for (const [what, content] of [
    ['invalid JSON', '{"version":1,"assets":[{"id":'],
    ['an unknown version', '{"version":0,"assets":[]}'],
    ['assets that are not a list', '{"version":1,"assets":{}}'],
    ['a JSON array', '[]'],
  ] as const) {
    void it(`keeps a store with ${what} aside as a backup, starts empty and warns`, async () => {
      const file = freshFile();
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, content);
      const log = new MemoryLog();
      const store = await HistoryStore.open(file, { maxEntries: 10, log });
      assert.equal(store.all().length, 0);
      const siblings = await fs.readdir(path.dirname(file));
      const backups = siblings.filter((n) => /^history\.json\.corrupt-\d{4}-\d{2}-\d{2}T[\d-]+Z\.json$/.test(n));
      assert.equal(backups.length, 1, `backup among ${siblings.join(', ')}`);
      assert.equal(await fs.readFile(path.join(path.dirname(file), backups[0]), 'utf8'), content);
      assert.ok(
        log.lines.some((l) => l.startsWith('warn ') && l.includes(backups[0])),
        log.lines.join('\n'),
      );
      await store.add(record(1));
      assert.equal(store.all().length, 1);
      store.dispose();
    });
  }

  void it('drops malformed entries with a log line and keeps the rest', async () => {
    const file = freshFile();
    await fs.mkdir(path.dirname(file), { recursive: true });
    const good = record(1);
    const text = JSON.stringify({
      version: 1,
      assets: [good, { ...record(2), size: 'big' }, null, { ...record(3), imageKey: 5 }, { ...record(4), id: '' }, record(5)],
    });
    await fs.writeFile(file, text);
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 10, log });
    assert.deepEqual(
      store.all().map((r) => r.id),
      ['asset-5', 'asset-1'],
    );
    const warnings = log.lines.filter((l) => l.startsWith('warn '));
    assert.equal(warnings.length, 4, warnings.join('\n'));
    assert.ok(warnings.some((w) => w.includes('asset-2') && w.includes('size')));
    assert.ok(warnings.some((w) => w.includes('asset-3') && w.includes('imageKey')));
    store.dispose();
  });

  void it('never throws from open, even when the path is a folder', async () => {
    const file = freshFile();
    await fs.mkdir(file, { recursive: true });
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 10, log });
    assert.equal(store.all().length, 0);
    assert.ok(log.lines.some((l) => l.startsWith('warn ')));
    store.dispose();
  });

  void it('handles a store corrupted while open: reload sets it aside and empties the view', async () => {
    const file = freshFile();
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 10, log });
    await store.add(record(1));
    store.dispose(); // no watcher: the reload is explicit
    const again = await HistoryStore.open(file, { maxEntries: 10, log });
    await fs.writeFile(file, 'garbage');
    await again.reload();
    assert.equal(again.all().length, 0);
    const backups = (await fs.readdir(path.dirname(file))).filter((n) => n.includes('.corrupt-'));
    assert.equal(backups.length, 1);
    again.dispose();
  });
});

void describe('HistoryStore with several writers', () => {
  void it('two instances adding 50 entries each at the same time lose nothing', async () => {
    const file = freshFile();
    const a = await HistoryStore.open(file, { maxEntries: 1000 });
    const b = await HistoryStore.open(file, { maxEntries: 1000 });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      writes.push(a.add(record(i)));
      writes.push(b.add(record(1000 + i)));
    }
    await Promise.all(writes);
    await a.reload();
    await b.reload();
    assert.equal(a.all().length, 100);
    assert.equal(b.all().length, 100);
    const c = await HistoryStore.open(file, { maxEntries: 1000 });
    assert.equal(c.all().length, 100);
    assert.equal((await fs.readdir(path.dirname(file))).filter((n) => n.endsWith('.lock') || n.endsWith('.tmp')).length, 0);
    a.dispose();
    b.dispose();
    c.dispose();
  });

  void it('a second process writing at the same time loses nothing either', async () => {
    const file = freshFile();
    const a = await HistoryStore.open(file, { maxEntries: 1000 });
    const b = await HistoryStore.open(file, { maxEntries: 1000 });
    const childCode = `
      const { pathToFileURL } = require('node:url');
      (async () => {
        const mod = await import(${JSON.stringify(pathToFileURL(STORE_MODULE).href)});
        const HistoryStore = mod.HistoryStore ?? mod.default.HistoryStore;
        const store = await HistoryStore.open(${JSON.stringify(file)}, { maxEntries: 1000 });
        process.stdout.write('ready\\n');
        for (let i = 0; i < 50; i++) {
          const n = 2000 + i;
          await store.add({
            id: 'asset-' + n, name: 'file-' + n + '.png', fileType: 'image', mime: 'image/png',
            url: 'https://files.example.test/' + n + '.png', imageKey: null, createdTs: 1700000000 + n,
            size: 1000 + n, sha256: n.toString(16).padStart(64, '0'), uploadedAt: 1700000000000 + n * 1000,
            keyFingerprint: 'fp-a',
          });
        }
        store.dispose();
      })().catch((err) => { console.error(err); process.exit(1); });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', childCode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Start writing only once the child is about to write too, so the writers really overlap.
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      writes.push(a.add(record(i)));
      writes.push(b.add(record(1000 + i)));
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(writes);
    assert.equal(await exited, 0, stderr);
    await a.reload();
    const ids = new Set(a.all().map((r) => r.id));
    assert.equal(ids.size, 150);
    for (const n of [0, 49, 1000, 1049, 2000, 2049]) {
      assert.ok(ids.has(`asset-${n}`), `asset-${n} kept`);
    }
    a.dispose();
    b.dispose();
  });

  void it("picks up another writer's change through the folder watch, without an explicit reload", async () => {
    const file = freshFile();
    const a = await HistoryStore.open(file, { maxEntries: 100 });
    const b = await HistoryStore.open(file, { maxEntries: 100 });
    let changed = 0;
    b.onDidChange(() => changed++);
    await a.add(record(7));
    await until(() => b.get('asset-7') !== undefined);
    assert.ok(changed >= 1);
    await a.remove(['asset-7']);
    await until(() => b.all().length === 0);
    a.dispose();
    b.dispose();
  });

  void it('an explicit reload reports a change only when the file changed', async () => {
    const file = freshFile();
    const a = await HistoryStore.open(file, { maxEntries: 100 });
    a.dispose(); // stop watching, so only explicit reloads count
    const b = await HistoryStore.open(file, { maxEntries: 100 });
    b.dispose();
    let changed = 0;
    b.onDidChange(() => changed++);
    await b.reload();
    assert.equal(changed, 0);
    await fs.writeFile(file, serialize([record(1)]));
    await b.reload();
    assert.equal(changed, 1);
    assert.equal(b.get('asset-1')?.name, 'file-1.png');
    await b.reload();
    assert.equal(changed, 1);
  });

  void it('breaks a lock left by a process that no longer exists', async () => {
    const file = freshFile();
    await fs.mkdir(path.dirname(file), { recursive: true });
    // A pid far above the kernel's limit cannot be alive.
    await fs.writeFile(`${file}.lock`, JSON.stringify({ pid: 2 ** 30, host: os.hostname(), token: 'dead', at: Date.now() }));
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 10, log });
    await store.add(record(1));
    assert.equal(store.all().length, 1);
    assert.ok(log.lines.some((l) => l.includes('stale lock')));
    store.dispose();
  });

  void it('breaks an old lock of an unknown owner, but waits for a live one', async () => {
    const file = freshFile();
    await fs.mkdir(path.dirname(file), { recursive: true });
    const lock = `${file}.lock`;
    await fs.writeFile(lock, 'not json');
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lock, old, old);
    const store = await HistoryStore.open(file, { maxEntries: 10 });
    await store.add(record(1));
    assert.equal(store.all().length, 1);

    const release = await acquireLock(lock);
    let done = false;
    const pending = store.add(record(2)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(done, false, 'the write waits while another writer holds the lock');
    await release();
    await pending;
    assert.equal(store.all().length, 2);
    store.dispose();
  });

  void it('two processes breaking the same stale lock at once never hold the lock together', async () => {
    const dir = path.dirname(freshFile());
    await fs.mkdir(dir, { recursive: true });
    const lock = path.join(dir, 'history.json.lock');
    const journal = path.join(dir, 'journal.txt');
    const ROUNDS = 12;
    const PER_PROCESS = 3;
    // Each child runs PER_PROCESS contenders per round; a round starts when the parent says its number.
    const childCode = `
      const fs = require('node:fs');
      const { pathToFileURL } = require('node:url');
      const readline = require('node:readline');
      (async () => {
        const mod = await import(${JSON.stringify(pathToFileURL(STORE_MODULE).href)});
        const acquireLock = mod.acquireLock ?? mod.default.acquireLock;
        const log = { trace() {}, debug() {}, info() {}, error() {}, warn(m) { process.stdout.write('warn ' + m + '\\n'); } };
        const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
        const contender = async (tag) => {
          const release = await acquireLock(${JSON.stringify(lock)}, log, 15000);
          fs.appendFileSync(${JSON.stringify(journal)}, '+' + tag + '\\n');
          await sleep(3);
          fs.appendFileSync(${JSON.stringify(journal)}, '-' + tag + '\\n');
          await release();
        };
        process.stdout.write('ready\\n');
        for await (const line of readline.createInterface({ input: process.stdin })) {
          const round = line.trim();
          await Promise.all(Array.from({ length: ${PER_PROCESS} }, (_, i) => contender(process.pid + '.' + round + '.' + i)));
          process.stdout.write('done ' + round + '\\n');
        }
      })().catch((err) => { console.error(err); process.exit(1); });`;
    const children = [0, 1].map(() => {
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', childCode], { stdio: ['pipe', 'pipe', 'pipe'] });
      const state = { out: '', err: '', child };
      child.stdout.on('data', (d: Buffer) => (state.out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (state.err += d.toString()));
      return state;
    });
    try {
      await until(() => children.every((c) => c.out.includes('ready')), 20_000);
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate the two kinds of stale lock: a dead owner, and an old lock of an unknown owner.
        if (round % 2 === 0) {
          await fs.writeFile(lock, JSON.stringify({ pid: 2 ** 30, host: os.hostname(), token: `dead-${round}`, at: 0 }));
        } else {
          await fs.writeFile(lock, `not json ${round}`);
          const old = new Date(Date.now() - 60_000);
          await fs.utimes(lock, old, old);
        }
        for (const c of children) {
          c.child.stdin.write(`${round}\n`);
        }
        await until(() => children.every((c) => c.out.includes(`done ${round}\n`)), 20_000);
      }
    } finally {
      for (const c of children) {
        c.child.stdin.end();
      }
    }
    for (const c of children) {
      assert.equal(c.err, '', c.err);
    }
    const lines = (await fs.readFile(journal, 'utf8')).trim().split('\n');
    assert.equal(lines.length, ROUNDS * PER_PROCESS * 2 * 2);
    for (let i = 0; i < lines.length; i += 2) {
      assert.ok(lines[i].startsWith('+') && lines[i + 1] === `-${lines[i].slice(1)}`, `overlapping holders at line ${i}: ${lines.slice(i, i + 4).join(' ')}`);
    }
    const removals = children.flatMap((c) => c.out.split('\n')).filter((l) => l.includes('removed a stale lock'));
    assert.equal(removals.length, ROUNDS, `each stale lock is removed exactly once:\n${removals.join('\n')}`);
    const left = (await fs.readdir(dir)).filter((n) => n.includes('.lock'));
    assert.deepEqual(left, [], 'no lock, guard or moved-aside file is left behind');
  });

  void it('gives up on a live lock after the timeout with a clear error', async () => {
    const file = freshFile();
    await fs.mkdir(path.dirname(file), { recursive: true });
    const lock = `${file}.lock`;
    const release = await acquireLock(lock);
    await assert.rejects(acquireLock(lock, undefined, 100), /locked by another window/);
    await release();
    await (await acquireLock(lock, undefined, 100))();
  });
});

void describe('HistoryStore when a write fails', () => {
  void it('keeps an entry that could not be saved: add rejects, the entry stays through a reload and is saved with the next write', async () => {
    const file = freshFile();
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 100, log, lockTimeoutMs: 100, retryDelayMs: 60_000 });
    store.dispose(); // no watcher and no retry timer: only the explicit reload and the next write act
    const changes: HistoryChange[] = [];
    store.onDidChange((c) => changes.push(c));
    await store.add(record(1));

    const otherWindow = await acquireLock(`${file}.lock`); // held past the 100 ms timeout
    await assert.rejects(store.add(record(2)), /locked by another window/);
    assert.equal(store.get('asset-2')?.name, 'file-2.png', 'the unsaved entry is still shown');
    assert.equal(store.unsavedChanges, 1);
    assert.deepEqual(changes.at(-1)?.added.map((r) => r.id), ['asset-2']);
    assert.ok(
      log.lines.some((l) => l.startsWith('error ') && l.includes('asset-2') && l.includes('kept in this window')),
      log.lines.join('\n'),
    );

    // Another window writes the file meanwhile; the reload shows its entry and still ours.
    await fs.writeFile(file, serialize([record(5), record(1)]));
    await store.reload();
    assert.deepEqual(
      store.all().map((r) => r.id),
      ['asset-5', 'asset-2', 'asset-1'],
    );

    await otherWindow();
    await store.add(record(3));
    assert.equal(store.unsavedChanges, 0);
    const onDisk = parseHistory(await fs.readFile(file, 'utf8'));
    assert.ok('records' in onDisk);
    assert.deepEqual(
      onDisk.records.map((r) => r.id),
      ['asset-5', 'asset-3', 'asset-2', 'asset-1'],
    );
  });

  void it('retries an unsaved change by itself once the lock is free, and says so in the log', async () => {
    const file = freshFile();
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 100, log, lockTimeoutMs: 50, retryDelayMs: 100 });
    const otherWindow = await acquireLock(`${file}.lock`);
    await assert.rejects(store.add(record(4)), /locked by another window/);
    setTimeout(() => void otherWindow(), 250);
    await until(() => log.lines.some((l) => l.startsWith('info ')), 5000);
    assert.equal(store.unsavedChanges, 0);
    const onDisk = parseHistory(await fs.readFile(file, 'utf8'));
    assert.ok('records' in onDisk);
    assert.deepEqual(
      onDisk.records.map((r) => r.id),
      ['asset-4'],
    );
    assert.ok(
      log.lines.some((l) => l.startsWith('info ') && l.includes('saved the changes that had failed before') && l.includes('asset-4')),
      log.lines.join('\n'),
    );
    store.dispose();
  });

  void it('clear removes every entry uploaded before it, seen or not, but not one uploaded after it', async () => {
    const file = freshFile();
    const store = await HistoryStore.open(file, { maxEntries: 100 });
    store.dispose(); // no watcher: this window has not seen the other window's entries
    await store.add(record(1));
    const other = await HistoryStore.open(file, { maxEntries: 100 });
    other.dispose();
    await other.add(record(3)); // uploaded long ago
    await other.add(record(2, { uploadedAt: Date.now() + 60_000 })); // finishes after the clear starts
    await store.clear();
    await store.reload();
    assert.deepEqual(
      store.all().map((r) => r.id),
      ['asset-2'],
    );
  });
});

void describe('history file format', () => {
  void it('serializes one entry per line and parses back what it wrote', () => {
    const text = serialize([record(2), record(1)]);
    assert.equal(text.split('\n').length, 5);
    const parsed = parseHistory(text);
    assert.ok('records' in parsed);
    assert.deepEqual(parsed.records, [record(2), record(1)]);
    assert.deepEqual(parseHistory(serialize([])), { records: [] });
  });

  void it('imports the module from a file URL (as the child process does)', async () => {
    const mod = (await import(pathToFileURL(STORE_MODULE).href)) as { HistoryStore?: unknown; default?: { HistoryStore: unknown } };
    assert.equal(typeof (mod.HistoryStore ?? mod.default?.HistoryStore), 'function');
  });
});

void describe('HistoryStore writes that scale', () => {
  const savedLines = (log: MemoryLog): string[] => log.lines.filter((l) => l.startsWith('trace History: saved'));

  void it('adds to a long history by appending in place: the file keeps its inode, grows by the entry, and reads back whole', async () => {
    const file = freshFile();
    await fs.mkdir(path.dirname(file), { recursive: true });
    const many = Array.from({ length: 2000 }, (_, i) => record(i));
    await fs.writeFile(file, serialize([...many].reverse()));
    const before = await fs.stat(file);
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 100_000, log });
    const extra = record(5000);
    await store.add(extra);
    const after = await fs.stat(file);
    assert.equal(after.ino, before.ino, 'the file was not replaced');
    assert.equal(after.size - before.size, Buffer.byteLength(`,${JSON.stringify(extra)}\n`));
    assert.deepEqual(savedLines(log), ['trace History: saved 1 change(s) by appending.']);
    const text = await fs.readFile(file, 'utf8');
    const onDisk = JSON.parse(text) as { version: number; assets: AssetRecord[] };
    assert.equal(onDisk.assets.length, 2001, 'still one valid JSON document, as older releases read it');
    store.dispose();
    const fresh = await HistoryStore.open(file, { maxEntries: 100_000 });
    assert.equal(fresh.all().length, 2001);
    assert.equal(fresh.all()[0].id, 'asset-5000', 'newest first although it sits last in the file');
    fresh.dispose();
  });

  void it('a batch of 100 adds under holdWrites is shown at once and saved in a handful of writes', async () => {
    const file = freshFile();
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 1000, log });
    const changes: HistoryChange[] = [];
    store.onDidChange((c) => changes.push(c));
    const hold = store.holdWrites();
    for (let i = 0; i < 100; i++) {
      // As a batch does: one upload finishes, its entry is added, the next one goes on.
      await store.add(record(i));
      assert.equal(store.get(`asset-${i}`)?.id, `asset-${i}`);
      await new Promise((r) => setImmediate(r));
    }
    await hold.release();
    assert.equal(store.unsavedChanges, 0);
    const writes = savedLines(log).length;
    assert.ok(writes >= 1 && writes <= 6, `${writes} writes:\n${savedLines(log).join('\n')}`);
    assert.equal(changes.filter((c) => c.added.length > 0).length, 100, 'every entry was announced when it was added');
    store.dispose();
    const fresh = await HistoryStore.open(file, { maxEntries: 1000 });
    assert.equal(fresh.all().length, 100);
    fresh.dispose();
  });

  void it('adds made while a write is in flight go together into the next write', async () => {
    const file = freshFile();
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 1000, log });
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.add(record(i))));
    const writes = savedLines(log).length;
    assert.ok(writes <= 2, `${writes} writes for 100 adds made at once`);
    store.dispose();
  });

  void it('an append cut off by a crash loses nothing before it: the entries are read, a copy is kept, the next write repairs the file', async () => {
    const file = freshFile();
    await fs.mkdir(path.dirname(file), { recursive: true });
    const whole = serialize([record(3), record(2), record(1)]);
    // What a crash part-way through appending record(4) leaves: the start of its line, no closing brackets.
    const cut = `${whole.slice(0, -']}\n'.length)},${JSON.stringify(record(4)).slice(0, 40)}`;
    await fs.writeFile(file, cut);
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 100, log });
    assert.deepEqual(
      store.all().map((r) => r.id),
      ['asset-3', 'asset-2', 'asset-1'],
    );
    const siblings = async (): Promise<string[]> => (await fs.readdir(path.dirname(file))).filter((n) => n.includes('.corrupt-'));
    assert.deepEqual(await siblings(), [], 'reading alone moves nothing (a writer may be mid-append)');
    await store.add(record(5));
    const backups = await siblings();
    assert.equal(backups.length, 1);
    assert.equal(await fs.readFile(path.join(path.dirname(file), backups[0]), 'utf8'), cut);
    assert.ok(log.lines.some((l) => l.startsWith('warn ') && l.includes('read only in part')), log.lines.join('\n'));
    const parsed = parseHistory(await fs.readFile(file, 'utf8'));
    assert.ok('records' in parsed && !('torn' in parsed));
    assert.deepEqual(
      parsed.records.map((r) => r.id),
      ['asset-5', 'asset-3', 'asset-2', 'asset-1'],
    );
    store.dispose();
  });

  void it("appends to a file in an older release's layout (commas at line ends) and it stays valid JSON", async () => {
    const file = freshFile();
    await fs.mkdir(path.dirname(file), { recursive: true });
    const older = `{"version":1,"assets":[\n${[record(2), record(1)].map((a) => JSON.stringify(a)).join(',\n')}\n]}\n`;
    await fs.writeFile(file, older);
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 100, log });
    await store.add(record(3));
    assert.deepEqual(savedLines(log), ['trace History: saved 1 change(s) by appending.']);
    const onDisk = JSON.parse(await fs.readFile(file, 'utf8')) as { assets: AssetRecord[] };
    assert.deepEqual(
      onDisk.assets.map((r) => r.id),
      ['asset-2', 'asset-1', 'asset-3'],
    );
    store.dispose();
  });

  void it('a full history does not rewrite on every add: appends run past the cap until a rewrite trims it', async () => {
    const file = freshFile();
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 10, log });
    for (let i = 0; i < 10; i++) {
      await store.add(record(i));
    }
    for (let i = 10; i < 70; i++) {
      await store.add(record(i));
    }
    assert.equal(store.all().length, 10);
    assert.equal(store.all()[0].id, 'asset-69');
    const rewrites = savedLines(log).filter((l) => l.includes('rewriting'));
    assert.ok(rewrites.length <= 3, `${rewrites.length} rewrites for 70 adds at a cap of 10`);
    store.dispose();
  });
});

void describe('HistoryStore and a newer release', () => {
  void it('a file of a newer format version is read-only: shown, a warning in the log, never moved aside or written', async () => {
    const file = freshFile();
    await fs.mkdir(path.dirname(file), { recursive: true });
    const newer = `${JSON.stringify({ version: 2, assets: [record(1), record(2)], somethingNew: { x: 1 } })}\n`;
    await fs.writeFile(file, newer);
    const log = new MemoryLog();
    const store = await HistoryStore.open(file, { maxEntries: 100, log, retryDelayMs: 20 });
    assert.deepEqual(
      store.all().map((r) => r.id),
      ['asset-2', 'asset-1'],
    );
    assert.equal(store.readOnly, true);
    assert.ok(
      log.lines.some((l) => l.startsWith('warn ') && l.includes('newer version') && l.includes('format 2')),
      log.lines.join('\n'),
    );
    await assert.rejects(store.add(record(3)), /newer version of HeyGen Assets \(format 2\)/);
    await assert.rejects(store.remove(['asset-1']), /newer version/);
    await store.reload();
    await new Promise((r) => setTimeout(r, 100)); // past the retry delay a failed write would use
    assert.equal(await fs.readFile(file, 'utf8'), newer, 'the file is exactly as the newer release wrote it');
    const siblings = await fs.readdir(path.dirname(file));
    assert.deepEqual(
      siblings.filter((n) => n.includes('.corrupt-') || n.endsWith('.tmp')),
      [],
    );
    assert.ok(!log.lines.some((l) => l.startsWith('error ')), log.lines.join('\n'));
    store.dispose();
  });
});
