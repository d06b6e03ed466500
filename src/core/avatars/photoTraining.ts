/**
 * Following a new photo avatar's training: HeyGen trains it for 30 to 90 seconds (longer while it waits for the
 * person's consent), and says it is ready when its look in `GET /v3/avatars/looks?group_id=` has a preview image
 * (shared/notes/heygen-videos-avatars.md, section 3). Polled with a growing pause, never faster than every 2 s.
 */
import * as l10n from '@vscode/l10n';
import { HeyGenError } from '../base/heygenError';
import type { AvatarLook } from '../heygen/avatarsApi';
import { sleep } from '../http/retryPolicy';
import type { CatalogSource } from './catalogSource';

export const FIRST_POLL_MS = 2_000;
export const MAX_POLL_MS = 15_000;
/** Consent may take the person a while; after this the flow stops asking (the avatar keeps training at HeyGen). */
export const TRAINING_TIMEOUT_MS = 20 * 60_000;

export type TrainingStage = 'pending_consent' | 'processing' | 'completed';

export interface TrainingProgress {
  stage: TrainingStage;
  elapsedMs: number;
  /** The look as last listed (once HeyGen lists it). */
  look?: AvatarLook;
}

export interface TrainingOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TrainingProgress) => void;
  /** Waits `ms` (rejecting when the signal aborts); injectable so tests can use mock timers or none. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  timeoutMs?: number;
}

/** The pause before poll `n` (0-based): 2 s, 3 s, 4.5 s, … up to 15 s. */
export function pollDelayMs(n: number): number {
  return Math.min(MAX_POLL_MS, Math.round(FIRST_POLL_MS * 1.5 ** n));
}

/** Ready to render: HeyGen says completed, or (without a status) it has a preview image. */
export function trainingStage(look: AvatarLook): TrainingStage | 'failed' {
  switch (look.status) {
    case 'failed':
      return 'failed';
    case 'pending_consent':
      return 'pending_consent';
    case 'completed':
      return 'completed';
    case 'processing':
    case 'pending':
      return 'processing';
    default:
      return look.previewImageUrl ? 'completed' : 'processing';
  }
}

/** The pause between polls; rejects as cancelled when aborted. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, signal, 'request');
}

/** Polls the look's group until the look is trained; rejects when training failed, the time is up, or on abort. */
export async function waitUntilTrained(
  source: Pick<CatalogSource, 'groupLooks'>,
  created: { lookId: string; groupId: string; name: string },
  options: TrainingOptions = {},
): Promise<AvatarLook> {
  const sleep = options.sleep ?? abortableDelay;
  const now = options.now ?? Date.now;
  const started = now();
  const timeoutMs = options.timeoutMs ?? TRAINING_TIMEOUT_MS;
  for (let poll = 0; ; poll++) {
    await sleep(pollDelayMs(poll), options.signal);
    const look = (await source.groupLooks(created.groupId, options.signal)).find((l) => l.id === created.lookId);
    const stage = look ? trainingStage(look) : 'processing';
    if (stage === 'failed') {
      throw new HeyGenError('server', l10n.t('HeyGen could not train the photo avatar "{0}".', created.name));
    }
    options.onProgress?.({ stage, elapsedMs: now() - started, look });
    if (stage === 'completed' && look) {
      return look;
    }
    if (now() - started >= timeoutMs) {
      throw new HeyGenError(
        'timeout',
        l10n.t('The photo avatar "{0}" was not ready after {1} minutes; it may still finish at HeyGen.', created.name, Math.round(timeoutMs / 60_000)),
      );
    }
  }
}
