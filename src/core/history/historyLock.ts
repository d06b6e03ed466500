/**
 * The cross-process lock that orders every writer of the history file: windows are separate extension-host
 * processes, so an in-process mutex is not enough. The holder refreshes the lock while it holds it, so only a lock
 * nobody refreshes (its window died, or was paused in a debugger or asleep longer than STALE_LOCK_MS) is taken over,
 * and a holder whose lock was taken over meanwhile learns it (`held()`, `onCompromised`) before it writes.
 *
 * Not proper-lockfile, which does the refreshing and the compromise report too: it breaks a stale lock by checking
 * its age and then removing it, so two windows that find the same stale lock at once can both take it (the second
 * removes the lock the first has just made). Two processes with three writers each, over stale locks, overlapped in
 * the first rounds; test/unit/history/historyStore.test.ts checks exactly that case.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { silentLogger, type Logger } from '../base/logger';
import { errorMessage } from '../base/errorMessage';

/** A lock not refreshed for this long is taken to belong to a writer that died; a real write takes milliseconds. */
export const STALE_LOCK_MS = 10_000;
/** How many refreshes a holder makes per STALE_LOCK_MS: a late timer or two still keeps the lock. */
const REFRESHES_PER_STALE_AGE = 4;
/** How long a writer waits for a live lock before giving up with an error. */
export const LOCK_TIMEOUT_MS = 20_000;

// The lock is a file created with 'wx', so exactly one creator wins. Removing it is the dangerous part:
// a remover that checks "is this still the lock I judged stale (or my own)?" and then unlinks can delete
// a lock someone created in between. So every removal (a release, or breaking a stale lock) happens
// under a second, short-lived guard file. Under the guard the lock path can only go from absent to
// present, never from one lock to another, so check-then-unlink is safe. The guard is held for a
// stat, a read and an unlink; one left by a process that died holding it is broken after GUARD_STALE_MS.

/** The guard is held for a few file operations; older than this, its holder is taken to be gone. */
const GUARD_STALE_MS = 2_000;
/** A release or stale-lock check waits this long for the guard at most. */
const GUARD_WAIT_MS = 5_000;

interface LockInfo {
  pid: number;
  host: string;
  token: string;
  at: number;
}

/** What was seen at the lock path: enough to tell one lock file from its successor. */
interface LockSighting {
  text: string;
  ino: number;
  size: number;
  mtimeMs: number;
}

/** Releases the lock (a no-op when it is no longer ours); `held()` tells whether it still is ours. */
export interface LockHandle {
  (): Promise<void>;
  held(): Promise<boolean>;
  readonly token: string;
}

export interface LockOptions {
  /** Called once when the lock turns out to have been taken over while held (the holder must not write then). */
  onCompromised?: (reason: string) => void;
  /** The age at which an unrefreshed lock is stale (tests shorten it); default STALE_LOCK_MS. */
  staleMs?: number;
}

/**
 * Takes the exclusive lock file and returns its release; the lock is refreshed until then. A lock whose owner process
 * is gone, or that nobody refreshed for the stale age, is broken (safely, see above).
 */
export async function acquireLock(lockFile: string, log: Logger = silentLogger, timeoutMs = LOCK_TIMEOUT_MS, options: LockOptions = {}): Promise<LockHandle> {
  const info: LockInfo = { pid: process.pid, host: os.hostname(), token: randomUUID(), at: Date.now() };
  const staleMs = options.staleMs ?? STALE_LOCK_MS;
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    if (await createExclusive(lockFile, JSON.stringify(info))) {
      return holdLock(lockFile, info.token, staleMs, log, options.onCompromised);
    }
    if (await breakIfStale(lockFile, log, staleMs)) {
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(l10n.t('the history is locked by another window ({0})', lockFile));
    }
    await delay(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
}

/**
 * The handle of a lock just taken: it touches the lock file every staleMs / REFRESHES_PER_STALE_AGE while the file
 * still holds this token, and reports a takeover once. The refresh timer is unref'd: it keeps no process alive.
 */
function holdLock(lockFile: string, token: string, staleMs: number, log: Logger, onCompromised: ((reason: string) => void) | undefined): LockHandle {
  let compromised = false;
  let refreshing: Promise<void> = Promise.resolve();
  const ours = async (): Promise<boolean> => !compromised && parseLock(await fs.readFile(lockFile, 'utf8').catch(() => ''))?.token === token;
  const lose = (reason: string): void => {
    if (!compromised) {
      compromised = true;
      clearInterval(timer);
      log.warn(`History: the lock ${lockFile} was taken over while held (${reason}).`);
      onCompromised?.(reason);
    }
  };
  const refresh = async (): Promise<void> => {
    if (!(await ours())) {
      lose(l10n.t('another window took the history lock'));
      return;
    }
    const now = new Date();
    await fs.utimes(lockFile, now, now).catch((err: unknown) => log.warn(`History: could not refresh the lock ${lockFile}: ${errorMessage(err)}`));
  };
  const timer = setInterval(() => {
    refreshing = refreshing.then(refresh);
  }, Math.max(1, Math.floor(staleMs / REFRESHES_PER_STALE_AGE)));
  timer.unref();
  const release = (async () => {
    clearInterval(timer);
    await refreshing;
    if (!compromised) {
      await releaseLock(lockFile, token, log);
    }
  }) as LockHandle;
  return Object.assign(release, { held: ours, token });
}

/** Creates `file` with `body` unless it exists; false when it does. */
async function createExclusive(file: string, body: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      return false;
    }
    if (code === 'ENOENT') {
      await fs.mkdir(path.dirname(file), { recursive: true });
      return createExclusive(file, body);
    }
    throw err;
  }
  try {
    await handle.writeFile(body, 'utf8');
  } catch (err) {
    // Created a moment ago, so nobody has judged it stale and replaced it yet: it is still ours to remove.
    await handle.close().catch(() => undefined);
    await fs.unlink(file).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return true;
}

async function releaseLock(lockFile: string, token: string, log: Logger): Promise<void> {
  try {
    await withGuard(lockFile, log, async () => {
      const current = await sight(lockFile);
      // If our lock was judged stale and broken, the file now belongs to someone else: leave it.
      if (current && parseLock(current.text)?.token === token) {
        await fs.unlink(lockFile);
      }
    });
  } catch (err) {
    // The lock stays until it is judged stale; other windows wait for that, nothing is lost.
    log.warn(`History: could not release the lock ${lockFile}: ${errorMessage(err)}`);
  }
}

async function breakIfStale(lockFile: string, log: Logger, staleMs: number): Promise<boolean> {
  const seen = await sight(lockFile);
  if (!seen) {
    return true; // Released meanwhile: try again at once.
  }
  const owner = parseLock(seen.text);
  if (!isStale(seen, owner, staleMs)) {
    return false;
  }
  return withGuard(lockFile, log, async () => {
    const now = await sight(lockFile);
    if (now && sameSighting(now, seen)) {
      await fs.unlink(lockFile);
      log.warn(`History: removed a stale lock${owner ? ` of process ${owner.pid}` : ''} (${lockFile}).`);
    }
    // Gone or replaced: someone else released or broke it; judge again.
    return true;
  });
}

/** Runs `task` holding the guard of `lockFile` (see the comment at the top of this section). */
async function withGuard<T>(lockFile: string, log: Logger, task: () => Promise<T>): Promise<T> {
  const guard = `${lockFile}.guard`;
  const info: LockInfo = { pid: process.pid, host: os.hostname(), token: randomUUID(), at: Date.now() };
  const deadline = Date.now() + GUARD_WAIT_MS;
  let wait = 1;
  while (!(await createExclusive(guard, JSON.stringify(info)))) {
    if (await breakStaleGuard(guard, log)) {
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(l10n.t("the history lock's guard {0} is held too long", guard));
    }
    await delay(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 20);
  }
  try {
    return await task();
  } finally {
    const current = await sight(guard);
    if (current && parseLock(current.text)?.token === info.token) {
      await fs.unlink(guard).catch(() => undefined);
    }
  }
}

/**
 * A guard is held for milliseconds, so a stale one means its holder died in that moment. Breaking it
 * moves it aside and checks that the moved file is the one judged stale; the only remaining race
 * needs two processes breaking the same dead guard within microseconds.
 */
async function breakStaleGuard(guard: string, log: Logger): Promise<boolean> {
  const seen = await sight(guard);
  if (!seen) {
    return true;
  }
  const owner = parseLock(seen.text);
  if (!isStale(seen, owner, GUARD_STALE_MS)) {
    return false;
  }
  const aside = `${guard}.stale-${randomUUID().slice(0, 8)}`;
  try {
    await fs.rename(guard, aside);
  } catch {
    return true;
  }
  const moved = await sight(aside);
  if (moved && sameSighting(moved, seen)) {
    log.warn(`History: removed a stale lock guard${owner ? ` of process ${owner.pid}` : ''} (${guard}).`);
    await fs.unlink(aside).catch(() => undefined);
  } else {
    // A live guard was moved: put it back for its holder, unless a new one is already there (link never
    // replaces a file, rename would).
    await fs.link(aside, guard).catch(() => undefined);
    await fs.unlink(aside).catch(() => undefined);
  }
  return true;
}

function isStale(seen: LockSighting, owner: LockInfo | undefined, staleMs: number): boolean {
  const old = Date.now() - seen.mtimeMs > staleMs;
  const dead = owner !== undefined && owner.host === os.hostname() && !processAlive(owner.pid);
  return old || dead;
}

async function sight(file: string): Promise<LockSighting | undefined> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      const st = await handle.stat();
      const text = await handle.readFile('utf8');
      return { text, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** Inode numbers are reused at once on many file systems: the token in the text tells successors apart. */
function sameSighting(a: LockSighting, b: LockSighting): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.text === b.text;
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string') {
      return v as LockInfo;
    }
  } catch {
    // A lock being written right now is empty; treat it as live.
  }
  return undefined;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) {
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}


function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
