/**
 * `Idempotency-Key` on `POST /v3/videos` (HeyGen's changelog, May 2026): keys are 1-255 characters of
 * [A-Za-z0-9_:.-]; a repeat with the same key and the same body within 24 hours replays the original answer; a repeat
 * while the first is still in flight (not yet answered) is refused with 409. Not written in the sources, so chosen
 * here: only a successful answer is kept for replay (a refusal or an injected fault lets a retry through); the same
 * key with another body is refused with 422 `idempotency_key_reused`; a replay carries `Idempotent-Replayed: true`.
 */
import { createHash } from 'node:crypto';
import type { Clock } from './clock';

const WINDOW_MS = 24 * 3600 * 1000;
const KEY = /^[A-Za-z0-9_:.-]{1,255}$/;

interface Entry {
  bodySha: string;
  atMs: number;
  answer?: { status: number; body: string };
}

export type Claim =
  | { kind: 'new'; finish(status: number, body: string): void; release(): void }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'inFlight' }
  | { kind: 'mismatch' }
  | { kind: 'invalid' };

export class IdempotencyKeys {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  /** What to do with a request carrying `key` (undefined: no key, nothing to do) and this body. */
  claim(key: string | string[] | undefined, body: Buffer): Claim | undefined {
    if (key === undefined) {
      return undefined;
    }
    if (Array.isArray(key) || !KEY.test(key)) {
      return { kind: 'invalid' };
    }
    const bodySha = createHash('sha256').update(body).digest('hex');
    const now = this.clock.now();
    const known = this.entries.get(key);
    if (known && now - known.atMs < WINDOW_MS) {
      if (known.bodySha !== bodySha) {
        return { kind: 'mismatch' };
      }
      return known.answer ? { kind: 'replay', ...known.answer } : { kind: 'inFlight' };
    }
    const entry: Entry = { bodySha, atMs: now };
    this.entries.set(key, entry);
    return {
      kind: 'new',
      finish: (status, text) => {
        if (status >= 200 && status < 300) {
          entry.answer = { status, body: text };
        } else {
          this.entries.delete(key);
        }
      },
      release: () => {
        if (!entry.answer && this.entries.get(key) === entry) {
          this.entries.delete(key);
        }
      },
    };
  }

  reset(): void {
    this.entries.clear();
  }
}
