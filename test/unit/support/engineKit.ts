/** Shared helpers for the upload-engine unit tests (not a test file itself). */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../../src/core/base/logger';
import type { UploadTarget } from '../../../src/core/upload/uploadEngine';
import { HeyGenError, type HeyGenErrorKind } from '../../../src/core/base/heygenError';
import { after, afterEach, before, beforeEach } from 'node:test';
import { closeHttpClient } from '../../../src/core/http/httpClient';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';

export const MEDIA = join(__dirname, '..', '..', 'fixtures', 'media');
export const MB = 1024 * 1024;

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
export const fileSha = (path: string): string => sha256(readFileSync(path));

/** A scratch folder removed by `cleanup()`. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'heygen-unit-'));

  write(name: string, bytes: Buffer | string): string {
    const path = join(this.dir, name);
    writeFileSync(path, bytes);
    return path;
  }

  copy(fixture: string, as: string): string {
    return this.write(as, readFileSync(join(MEDIA, fixture)));
  }

  /** A valid PNG signature followed by `size - 8` random bytes: sniffed as PNG, unique content. */
  png(name: string, size: number): string {
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(Math.max(0, size - 8))]);
    return this.write(name, bytes);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Fast retries so the suite runs in seconds; Retry-After up to 2 s is honoured. */
export function targetFor(emu: Pick<Emulator, 'uploadUrl' | 'apiKey'>, extra: Partial<UploadTarget> = {}): UploadTarget {
  return {
    endpoint: emu.uploadUrl,
    apiKey: emu.apiKey,
    connectTimeoutMs: 2_000,
    idleTimeoutMs: 2_000,
    retry: { baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 2_000 },
    ...extra,
  };
}

export interface CapturingLogger extends Logger {
  lines: Array<{ level: string; message: string }>;
  text(): string;
}

export function capturingLogger(): CapturingLogger {
  const lines: Array<{ level: string; message: string }> = [];
  const at = (level: string) => (message: string): void => {
    lines.push({ level, message });
  };
  return {
    lines,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => lines.map((l) => `${l.level}: ${l.message}`).join('\n'),
  };
}

/** Awaits `promise`, asserting it fails with an HeyGenError of `kind` (and a message matching `pattern`). */
export async function expectError(promise: Promise<unknown>, kind: HeyGenErrorKind, pattern?: RegExp): Promise<HeyGenError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HeyGenError, `expected an HeyGenError, got ${String(error)}`);
    assert.equal(error.kind, kind, `kind of: ${error.message}`);
    if (pattern) {
      assert.match(error.message, pattern);
    }
    return error;
  }
  assert.fail(`expected a ${kind} error, but the upload succeeded`);
}

/**
 * The fixture every engine suite shares: one emulator for the suite (reset before each test) and a fresh scratch
 * folder per test, with the upload agents closed at the end. Call it inside `describe`, before the suite's own hooks.
 */
export function emulatorSuite(use: { emulator(emu: Emulator): void; scratch(scratch: Scratch): void }): void {
  let emu: Emulator | undefined;
  let scratch: Scratch | undefined;
  before(async () => {
    emu = await startEmulator();
    use.emulator(emu);
  });
  after(async () => {
    await closeHttpClient();
    await emu?.close();
  });
  beforeEach(() => {
    emu?.reset();
    scratch = new Scratch();
    use.scratch(scratch);
  });
  afterEach(() => scratch?.cleanup());
}

/** How many of this process's descriptors are open on `path` (Linux's /proc/self/fd); undefined elsewhere. */
export function openDescriptors(path: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/fd');
  } catch {
    return undefined;
  }
  const target = realpathSync(path);
  return entries.filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === target;
    } catch {
      return false; // Closed between the listing and the look.
    }
  }).length;
}

/**
 * Resolves once no descriptor of this process is open on `path`, rejects if one still is after `timeoutMs`. Closes
 * that nothing waits for finish on Node's thread pool shortly after the upload settles, so the count is polled.
 */
export async function allDescriptorsClosed(path: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = openDescriptors(path);
    if (!open) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${open} descriptor(s) still open on ${path} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
