const relativeFormatters = new Map<string, { format: Intl.RelativeTimeFormat; cache: Map<string, string> }>();

/** "now" (under a minute), "2 minutes ago", "yesterday", "3 weeks ago"… A future time (clock skew) reads as now. */
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
    // Views refresh ages at most once a minute: a count of seconds would be stale the moment it is shown.
    return [0, 'second'];
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

const MINUTE_MS = 60_000;

/** The timers an AgeTicker uses; tests hand in Node's mock timers. */
export interface TickerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: TickerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Keeps "2 minutes ago" true while a view is on screen, refreshing it at most once a minute: on the minute of the
 * newest time shown (so an upload's "now" turns into "1 minute ago" when it is a minute old, not up to a minute later),
 * or every minute when no time is shown. Runs only between start() and stop() (a hidden view refreshes nothing).
 */
export class AgeTicker {
  private handle: unknown;
  private lastTick = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly tick: () => void,
    /** The newest time (ms) the view shows now, if any. */
    private readonly newest: () => number | undefined,
    private readonly clock: TickerClock = realClock,
  ) {}

  get running(): boolean {
    return this.handle !== undefined;
  }

  /** Starts ticking (the view came on screen); the view's own refresh on showing counts as the first tick. */
  start(): void {
    this.stop();
    this.lastTick = this.clock.now();
    this.schedule();
  }

  stop(): void {
    if (this.handle !== undefined) {
      this.clock.clearTimeout(this.handle);
      this.handle = undefined;
    }
  }

  /**
   * Milliseconds until the next refresh: when the newest time shown next turns a minute older, but never sooner than a
   * minute after the last refresh (then right at that minute, since the label is already due).
   */
  nextDelay(): number {
    const now = this.clock.now();
    const earliest = this.lastTick + MINUTE_MS;
    const anchor = this.newest();
    let at = earliest;
    if (anchor !== undefined && anchor <= this.lastTick) {
      const turns = anchor + (Math.floor((this.lastTick - anchor) / MINUTE_MS) + 1) * MINUTE_MS;
      at = Math.max(turns, earliest);
    }
    return Math.max(0, at - now);
  }

  private schedule(): void {
    this.handle = this.clock.setTimeout(() => {
      this.lastTick = this.clock.now();
      this.tick();
      this.schedule();
    }, this.nextDelay());
  }
}
