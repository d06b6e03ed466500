// A history file that cannot be read (an I/O error) is not a corrupt one: it is left untouched, the store says why
// it is read-only for now, and it reads (and writes) again by itself once the file can be read.
//
// The errors are injected at fs.promises.open for the history file only: this machine's tests run as root, which
// reads a file of any mode, and EMFILE or EBUSY cannot be produced on demand anyway. The chmod case below shows the
// same with a real file where the tests run as another user.
import * as fs from 'node:fs/promises';
import { promises as fsPromises } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { AssetRecord } from '../../../src/core/base/assetRecord';
import type { Logger } from '../../../src/core/base/logger';
import { parseHistory, serialize } from '../../../src/core/history/historyFormat';
import { HistoryStore } from '../../../src/core/history/historyStore';

function record(n: number): AssetRecord {
  return {
    id: `asset-${n}`,
    name: `file-${n}.png`,
    fileType: 'image',
    mime: 'image/png',
    url: `https://files.example.test/${n}.png`,
    imageKey: null,
    createdTs: 1_700_000_000 + n,
    size: 1000 + n,
    sha256: n.toString(16).padStart(64, '0'),
    uploadedAt: 1_700_000_000_000 + n * 1000,
    keyFingerprint: 'fp-a',
  };
}

const lines: string[] = [];
const log: Logger = {
  trace: () => undefined,
  debug: (m) => lines.push(`debug ${m}`),
  info: (m) => lines.push(`info ${m}`),
  warn: (m) => lines.push(`warn ${m}`),
  error: (m) => lines.push(`error ${m}`),
};

let root: string;
let counter = 0;
async function historyWith(records: AssetRecord[]): Promise<{ file: string; text: string }> {
  const file = path.join(root, `case-${++counter}`, 'history.json');
  await fs.mkdir(path.dirname(file), { recursive: true });
  const text = serialize(records);
  await fs.writeFile(file, text);
  return { file, text };
}

/** Makes every open of `file` for reading fail with `code`, as the kernel reports it, until restored. */
function failReads(file: string, code: string): { restore(): void } {
  const open = fsPromises.open;
  const failing = mock.method(fsPromises, 'open', async (...args: Parameters<typeof open>) => {
    const [target, flags] = args;
    if (path.resolve(String(target)) === file && (flags === undefined || flags === 'r')) {
      throw Object.assign(new Error(`${code}: simulated, open '${file}'`), { code, syscall: 'open', path: file });
    }
    return open(...args);
  });
  return { restore: () => failing.mock.restore() };
}

/**
 * Resolves at the first change event after which `check` holds (the store announces every state it reaches). The
 * store's retry timers are unref'd, so this holds a referenced deadline: without it the test runner would see an
 * idle event loop and cancel the test; it is a failure report, not the synchronisation.
 */
function whenStore(store: HistoryStore, check: () => boolean, what: string): Promise<void> {
  if (check()) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      listening.dispose();
      reject(new Error(`the store did not announce ${what}; log:\n${lines.join('\n')}`));
    }, 20_000);
    const listening = store.onDidChange(() => {
      if (check()) {
        clearTimeout(deadline);
        listening.dispose();
        resolve();
      }
    });
  });
}

async function besideFile(file: string): Promise<string[]> {
  return (await fs.readdir(path.dirname(file))).filter((n) => n !== path.basename(file) && !n.endsWith('.lock'));
}

void before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'heygen-history-io-'));
});
void after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});
afterEach(() => {
  mock.restoreAll();
  lines.length = 0;
});

void describe('HistoryStore when the history file cannot be read', () => {
  for (const code of ['EACCES', 'EPERM', 'EMFILE', 'EBUSY']) {
    void it(`${code} at open: the file is left untouched, the store says why it is read-only, and reads it again by itself`, async () => {
      const { file, text } = await historyWith([record(2), record(1)]);
      const failing = failReads(file, code);
      const store = await HistoryStore.open(file, { maxEntries: 100, log, lockTimeoutMs: 1000, retryDelayMs: 20 });
      try {
        assert.match(store.readOnlyReason ?? '', new RegExp(`read-only for now: its file cannot be read \\(.+, ${code}\\)`));
        assert.deepEqual(store.all(), []);
        // A change made meanwhile is shown and kept, but never written over content this window has not seen.
        await assert.rejects(store.add(record(3)), new RegExp(`cannot be read \\(${code}\\)`));
        assert.deepEqual(store.all().map((r) => r.id), ['asset-3']);
        assert.equal(await fs.readFile(file, 'utf8'), text, 'the file is untouched');
        assert.deepEqual(await besideFile(file), [], 'nothing set aside as corrupt, no temp file');
        assert.ok(lines.some((l) => l.startsWith('warn ') && l.includes(code) && l.includes('left untouched')), lines.join('\n'));

        failing.restore();
        await whenStore(store, () => store.readOnlyReason === undefined && store.unsavedChanges === 0 && store.size === 3, 'the file read and the change saved');
        assert.deepEqual(store.all().map((r) => r.id), ['asset-3', 'asset-2', 'asset-1']);
        const onDisk = parseHistory(await fs.readFile(file, 'utf8'));
        assert.ok('records' in onDisk);
        assert.deepEqual(onDisk.records.map((r) => r.id), ['asset-3', 'asset-2', 'asset-1']);
        assert.deepEqual(await besideFile(file), []);
      } finally {
        failing.restore();
        store.dispose();
      }
    });
  }

  void it('a reload that cannot read keeps what the view showed, announces the read-only state, and clears it once readable', async () => {
    const { file } = await historyWith([record(1)]);
    const store = await HistoryStore.open(file, { maxEntries: 100, log, retryDelayMs: 20 });
    try {
      assert.equal(store.readOnlyReason, undefined);
      // Another window writes the file; this one then cannot read it.
      const failing = failReads(file, 'EACCES');
      const written = serialize([record(2), record(1)]);
      await fs.writeFile(file, written);
      const announced = whenStore(store, () => store.readOnlyReason !== undefined, 'the read-only state');
      await store.reload();
      await announced;
      assert.match(store.readOnlyReason ?? '', /no permission to read it, EACCES/);
      assert.deepEqual(store.all().map((r) => r.id), ['asset-1'], 'what was shown stays');
      assert.equal(await fs.readFile(file, 'utf8'), written);
      assert.deepEqual(await besideFile(file), []);

      failing.restore();
      await whenStore(store, () => store.readOnlyReason === undefined, 'the file readable again');
      assert.deepEqual(store.all().map((r) => r.id), ['asset-2', 'asset-1']);
      assert.ok(lines.some((l) => l.startsWith('info ') && l.includes('can be read again')), lines.join('\n'));
    } finally {
      store.dispose();
    }
  });

  void it('content that does not parse is still set aside as corrupt', async () => {
    const file = path.join(root, `case-${++counter}`, 'history.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"version":1,"assets":[{"id":');
    const store = await HistoryStore.open(file, { maxEntries: 100, log });
    try {
      assert.equal(store.readOnlyReason, undefined);
      assert.equal((await besideFile(file)).filter((n) => n.includes('.corrupt-')).length, 1);
    } finally {
      store.dispose();
    }
  });

  void it(
    'a real file without read permission (chmod 000) is left untouched and read again once permitted',
    { skip: process.getuid?.() === 0 ? 'root reads a file of any mode: the injected EACCES above stands in for it' : false },
    async () => {
      const { file, text } = await historyWith([record(1)]);
      await fs.chmod(file, 0o000);
      const store = await HistoryStore.open(file, { maxEntries: 100, log, retryDelayMs: 20 });
      try {
        assert.match(store.readOnlyReason ?? '', /EACCES/);
        await fs.chmod(file, 0o600);
        assert.equal(await fs.readFile(file, 'utf8'), text);
        assert.deepEqual(await besideFile(file), []);
        await whenStore(store, () => store.readOnlyReason === undefined, 'the file readable again');
        assert.deepEqual(store.all().map((r) => r.id), ['asset-1']);
      } finally {
        store.dispose();
      }
    },
  );
});
