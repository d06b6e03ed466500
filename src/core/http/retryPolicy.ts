import * as l10n from '@vscode/l10n';
import { isCertificateError } from './certificateErrors';
import { HeyGenError } from '../base/heygenError';

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Backoff base: retry n waits a random time in [0, base * 2^n) (full jitter). */
  baseDelayMs: number;
  /** Upper bound of one backoff wait. */
  maxDelayMs: number;
  /** The longest Retry-After honoured; a longer one ends the retries instead of hammering the server. */
  maxRetryAfterMs: number;
  /** Injectable randomness in [0, 1), for tests. */
  random?: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

/** Network failures that will not fix themselves by trying again (besides every certificate failure). */
const PERMANENT_NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_FAIL']);

export function isRetryable(error: unknown): boolean {
  if (!(error instanceof HeyGenError)) {
    return false;
  }
  switch (error.kind) {
    case 'rateLimited':
    case 'server':
    case 'timeout':
      return true;
    case 'network':
      return !(typeof error.code === 'string' && (PERMANENT_NETWORK_CODES.has(error.code) || isCertificateError(error.code)));
    default:
      return false;
  }
}

/**
 * The wait before retry number `retry` (0-based), or undefined when the error asks for a wait longer than the cap.
 * A Retry-After is a floor: never retry earlier than the server asked.
 */
export function retryDelayMs(retry: number, error: HeyGenError, options: RetryOptions): number | undefined {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  const backoff = Math.floor(random() * ceiling);
  if (error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > options.maxRetryAfterMs) {
      return undefined;
    }
    return Math.max(backoff, error.retryAfterMs);
  }
  return backoff;
}

function cancelledError(what: 'upload' | 'request' = 'upload'): HeyGenError {
  return new HeyGenError('cancelled', what === 'upload' ? l10n.t('The upload was cancelled.') : l10n.t('The request was cancelled.'));
}

/**
 * Waits `ms` on the global timer (so Node's mock timers drive it in tests), or rejects with a 'cancelled' HeyGenError
 * as soon as `signal` aborts; `what` is what its message says was cancelled.
 */
export function sleep(ms: number, signal?: AbortSignal, what: 'upload' | 'request' = 'upload'): Promise<void> {
  if (signal?.aborted) {
    return Promise.reject(cancelledError(what));
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError(what));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryEvent {
  /** 1-based number of the retry about to happen. */
  retry: number;
  delayMs: number;
  error: HeyGenError;
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not worth retrying, runs out of retries, or the
 * signal aborts. The last error is rethrown; when a Retry-After is over the cap, its message already says how long
 * HeyGen asked to wait.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: Partial<RetryOptions> = {},
  signal?: AbortSignal,
  onRetry?: (event: RetryEvent) => void,
): Promise<T> {
  const opts: RetryOptions = { ...DEFAULT_RETRY, ...options };
  for (let n = 0; ; n++) {
    if (signal?.aborted) {
      throw cancelledError();
    }
    try {
      return await attempt(n);
    } catch (error) {
      if (signal?.aborted && !(error instanceof HeyGenError && error.kind === 'cancelled')) {
        throw cancelledError();
      }
      if (!isRetryable(error) || n >= opts.maxRetries) {
        throw error;
      }
      const uploadError = error as HeyGenError;
      const delayMs = retryDelayMs(n, uploadError, opts);
      if (delayMs === undefined) {
        throw uploadError;
      }
      onRetry?.({ retry: n + 1, delayMs, error: uploadError });
      await sleep(delayMs, signal);
    }
  }
}
