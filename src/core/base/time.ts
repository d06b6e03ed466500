const relativeFormatters = new Map<string, { format: Intl.RelativeTimeFormat; cache: Map<string, string> }>();

/** "now", "2 minutes ago", "yesterday", "3 weeks ago"… A future time (clock skew) reads as now. */
export function relativeTime(thenMs: number, nowMs: number, locale = 'en'): string {
  let entry = relativeFormatters.get(locale);
  if (!entry) {
    let format: Intl.RelativeTimeFormat;
    try {
      format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    } catch {
      format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
    }
    entry = { format, cache: new Map() };
    relativeFormatters.set(locale, entry);
  }
  const [value, unit] = relativeParts(Math.max(0, nowMs - thenMs));
  // Thousands of rows share a few dozen phrases; formatting each one anew is the expensive part.
  const key = `${value}${unit}`;
  let text = entry.cache.get(key);
  if (text === undefined) {
    text = entry.format.format(-value, unit);
    entry.cache.set(key, text);
  }
  return text;
}

function relativeParts(ms: number): [number, Intl.RelativeTimeFormatUnit] {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) {
    return [seconds < 10 ? 0 : seconds, 'second'];
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return [minutes, 'minute'];
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return [hours, 'hour'];
  }
  const days = Math.floor(hours / 24);
  if (days < 7) {
    return [days, 'day'];
  }
  if (days < 30) {
    return [Math.floor(days / 7), 'week'];
  }
  if (days < 365) {
    return [Math.max(1, Math.floor(days / 30)), 'month'];
  }
  return [Math.floor(days / 365), 'year'];
}

export function formatDate(ms: number, locale = 'en'): string {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
  } catch {
    return new Date(ms).toISOString();
  }
}
