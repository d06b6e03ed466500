/**
 * The emulator's scheduling priority. It plays HeyGen, a server on machines of its own: it never waits for a CPU its
 * client is using. On this 2-core machine it does, whenever the scheduler runs it beside the uploader, and how often
 * that happens is decided once per run: the same code read 0.93, 0.98, 0.94, 1.14, 1.05 and 1.01 × curl in six runs
 * of the 31-pair v1 race at normal priority, and 0.91 to 0.99 in six runs with the emulator at nice -10. curl and our
 * engine race the same prioritised emulator, and the unprioritised figure stays in the table as a diagnosis row.
 *
 * Raising a priority needs root or CAP_SYS_NICE; without it the emulator runs at normal priority and the rows say so.
 */
import { readdirSync } from 'node:fs';
import * as os from 'node:os';

/** How much higher the emulator runs than the uploaders (their nice value is 0). */
export const EMULATOR_NICE = -10;

/** Sets the nice value of every thread of `pid` (Linux: per thread; threads made later inherit it). */
export function setEmulatorNice(pid: number | undefined, nice: number): boolean {
  if (pid === undefined) {
    return false;
  }
  try {
    const threads = process.platform === 'linux' ? readdirSync(`/proc/${pid}/task`).map(Number) : [pid];
    for (const thread of threads) {
      os.setPriority(thread, nice);
    }
    return true;
  } catch {
    return false;
  }
}

/** For the table: at what priority the emulator ran. */
export function priorityNote(raised: boolean): string {
  return raised ? `the emulator at nice ${EMULATOR_NICE}, above both uploaders (test/bench/emulatorPriority.ts)` : 'the emulator at normal priority (raising it needs root or CAP_SYS_NICE)';
}
