import * as l10n from '@vscode/l10n';

/** "12.3 MB" (MiB, as file managers and the setting count them). */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  const text = Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
  return l10n.t('{0} MB', text);
}

/** "512 B", "1.5 KB", "10 MB" (binary multiples, at most one decimal): log lines and tooltips. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) {
    return `${Math.max(0, Math.round(bytes || 0))} B`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = value >= 100 ? Math.round(value).toString() : (Math.round(value * 10) / 10).toString();
  return `${rounded} ${units[unit]}`;
}
