import { errorMessage } from './errorMessage';
import type { Logger } from './logger';

/**
 * The stores whose writes must reach the disk before the window goes (the history, the library cache). `settle`
 * waits for all of them, but never longer than the bound: a stuck disk must not hold up closing the window.
 */
export class PendingWrites {
  private readonly flushes = new Set<() => Promise<void>>();

  /** Registers a store's flush; the returned disposable unregisters it. */
  track(flush: () => Promise<void>): { dispose(): void } {
    this.flushes.add(flush);
    return { dispose: () => this.flushes.delete(flush) };
  }

  /** Resolves once every flush settled, or after `timeoutMs`; true when all settled in time. Never rejects. */
  async settle(timeoutMs: number, log?: Logger): Promise<boolean> {
    const all = Promise.allSettled(
      [...this.flushes].map(async (flush) => {
        try {
          await flush();
        } catch (error) {
          log?.warn(`A pending write failed while the window closed: ${errorMessage(error)}`);
        }
      }),
    ).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      const done = await Promise.race([all, bound]);
      if (!done) {
        log?.warn(`Pending writes did not finish within ${timeoutMs} ms of the window closing.`);
      }
      return done;
    } finally {
      clearTimeout(timer);
    }
  }
}
