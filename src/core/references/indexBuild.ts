/**
 * Brings the index in line with the workspace's files, off the editor's critical path: files are read and scanned
 * in small batches with a yield to the event loop between them, so typing, hovers and completions never wait for a
 * scan; files whose stamp (mtime+size) is unchanged since the persisted index are not read at all.
 */
import { MAX_PAYLOAD_FILE_BYTES, payloadLanguageOf } from './payloadFiles';
import type { FileStamp, ReferenceIndex } from './referenceIndex';

export interface FileOnDisk {
  file: string;
  stamp: FileStamp;
}

export interface IndexFileSystem {
  read(file: string): Promise<string>;
}

export interface SyncResult {
  scanned: number;
  reused: number;
  removed: number;
  failed: number;
}

export interface SyncOptions {
  /** Files read and scanned between two yields. */
  batchSize?: number;
  /** Lets the event loop run (the default is one macrotask). */
  yieldNow?: () => Promise<void>;
  signal?: AbortSignal;
  onError?: (file: string, error: unknown) => void;
}

const BATCH_SIZE = 16;
const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Scans what changed among `files` (the complete set of candidates) and forgets indexed files no longer in it. */
export async function syncIndex(index: ReferenceIndex, files: readonly FileOnDisk[], fs: IndexFileSystem, options: SyncOptions = {}): Promise<SyncResult> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const yieldNow = options.yieldNow ?? macrotask;
  const result: SyncResult = { scanned: 0, reused: 0, removed: 0, failed: 0 };
  const changed: string[] = [];
  const present = new Set(files.map((f) => f.file));
  for (const file of index.files()) {
    if (!present.has(file) && index.remove(file, false)) {
      changed.push(file);
      result.removed++;
    } else if (!present.has(file)) {
      result.removed++;
    }
  }
  const toScan = files.filter((f) => {
    const current = index.isCurrent(f.file, f.stamp);
    if (current) {
      result.reused++;
    }
    return !current;
  });
  for (let i = 0; i < toScan.length; i += batchSize) {
    if (options.signal?.aborted) {
      break;
    }
    const batch = toScan.slice(i, i + batchSize);
    const texts = await Promise.all(batch.map((f) => readCandidate(f, fs).catch((error: unknown) => ({ error }))));
    batch.forEach((f, n) => {
      const text = texts[n];
      if (typeof text !== 'string') {
        result.failed++;
        options.onError?.(f.file, text.error);
        return;
      }
      result.scanned++;
      if (index.update(f.file, f.stamp, text, payloadLanguageOf(f.file) ?? 'json', false)) {
        changed.push(f.file);
      }
    });
    await yieldNow();
  }
  index.announce(changed);
  return result;
}

async function readCandidate(f: FileOnDisk, fs: IndexFileSystem): Promise<string> {
  // Too large to be a hand-written payload: indexed as empty, so it is not read again until it changes.
  return f.stamp.size > MAX_PAYLOAD_FILE_BYTES ? '' : fs.read(f.file);
}
