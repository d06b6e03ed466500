/**
 * The emulator's sense of time for everything on a schedule (video rendering, avatar training, URL expiry,
 * idempotency windows): the wall clock, or one a test injects, plus an offset tests move forward with `advance()`,
 * so no test waits for a schedule.
 */
export class Clock {
  private offsetMs = 0;

  constructor(private readonly source: () => number = Date.now) {}

  /** Milliseconds since the epoch, as the emulator sees them. */
  now(): number {
    return this.source() + this.offsetMs;
  }

  /** Unix seconds. */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Moves the emulator's time forward by `ms` (everything scheduled sees it at once). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new Error(`advance takes a duration in ms >= 0, not ${ms}`);
    }
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
