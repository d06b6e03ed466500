/** How videos are named in notifications, the Videos view and agent results. */
import * as l10n from '@vscode/l10n';
import type { VideoStatus } from '../heygen/videoInfo';

export function statusLabel(status: VideoStatus): string {
  switch (status) {
    case 'waiting':
      return l10n.t('waiting');
    case 'pending':
      return l10n.t('pending');
    case 'processing':
      return l10n.t('processing');
    case 'completed':
      return l10n.t('completed');
    case 'failed':
      return l10n.t('failed');
  }
}

/** "0:07", "2:05", "1:02:03". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A duration in seconds as HeyGen gives it, rounded for people: "12", "7.5". */
export function formatSeconds(seconds: number): string {
  return String(Math.round(seconds * 10) / 10);
}

/** A server's sentence inside ours: no trailing full stop of its own, so ours closes it once. */
export function clause(text: string): string {
  return text.trim().replace(/[.!\s]+$/, '');
}
