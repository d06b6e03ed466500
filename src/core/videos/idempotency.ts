/**
 * Starting a render exactly once per click (issue 23 item 4): the click makes one `Idempotency-Key`, and every
 * retry of that click's request carries the same key, so a request retried after a network fault cannot start a
 * second render: HeyGen replays the first answer instead. A 409 for the key means the first request is still being
 * answered: the render is already started, so the same key is asked again until HeyGen replays its video id.
 */
import { randomUUID } from 'node:crypto';
import { HeyGenError } from '../base/heygenError';
import { sleep, withRetries } from '../http/retryPolicy';

/** HeyGen's rule for keys: 1-255 characters of [A-Za-z0-9_:.-]. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_:.-]{1,255}$/;

/** A fresh key: one per click, never derived from the body (the same payload generated twice is two videos). */
export function newIdempotencyKey(uuid: () => string = randomUUID): string {
  return `heygen-vscode:${uuid()}`;
}

/** Runs `attempt` with the policy every HeyGen call uses (429, 5xx and network faults retried with backoff, Retry-After honoured). */
export type Retrier = <T>(attempt: (attemptNumber: number) => Promise<T>, signal?: AbortSignal) => Promise<T>;

export interface StartOnceOptions {
  /** Default: the client's withRetries with its default policy (the uploads'). */
  retry?: Retrier;
  signal?: AbortSignal;
  /** Makes the click's key (tests pass a counter). */
  newKey?: () => string;
  /** How long to wait after a 409 before asking again; grows with each 409. */
  conflictDelayMs?: number;
  maxConflicts?: number;
  onConflict?(conflicts: number): void;
}

export interface Started<T> {
  result: T;
  /** The click's key, the same in every request this click sent. */
  idempotencyKey: string;
  /** How many requests were sent in all. */
  requests: number;
}

/** HeyGen's answer when a request with the same key is still in flight. */
export function isKeyConflict(error: unknown): boolean {
  return error instanceof HeyGenError && error.status === 409;
}

/** One click: one key, the same across every retry and every 409. */
export async function startOnce<T>(create: (idempotencyKey: string) => Promise<T>, options: StartOnceOptions): Promise<Started<T>> {
  const idempotencyKey = (options.newKey ?? newIdempotencyKey)();
  const maxConflicts = options.maxConflicts ?? 10;
  const conflictDelayMs = options.conflictDelayMs ?? 1_000;
  let requests = 0;
  for (let conflicts = 0; ; ) {
    try {
      const retry: Retrier = options.retry ?? ((attempt, signal) => withRetries(attempt, {}, signal));
      const result = await retry(() => {
        requests++;
        return create(idempotencyKey);
      }, options.signal);
      return { result, idempotencyKey, requests };
    } catch (error) {
      if (!isKeyConflict(error) || conflicts >= maxConflicts) {
        throw error;
      }
      conflicts++;
      options.onConflict?.(conflicts);
      await delay(Math.min(conflictDelayMs * conflicts, 10_000), options.signal);
    }
  }
}

/** Waits on the global timer (so Node's mock timers drive it in tests); rejects as cancelled when aborted. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, signal, 'request');
}
