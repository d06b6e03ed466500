// Shared by the extension-host tests: the environment the driver passes in, and the emulator's
// control API over loopback HTTP.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ArrivedBody, ReceivedUpload } from '../emulator/heygenEmulator';
import { TEST_API, type HeyGenTestApi } from '../../src/vscode/api';
import { LEAVE_OPEN, WindowSpy } from './windowSpy';
import type { QuickPickShown } from '../../src/vscode/ui/quickPicks';

/** What the emulator recorded of each request, as its control API returns it. */
export type { ReceivedUpload } from '../emulator/heygenEmulator';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set in the extension host; run the suite through \`npm run test:host\`.`);
  }
  return value;
}

export const hostEnv = {
  get emulatorOrigin(): string {
    return requireEnv('HEYGEN_TEST_EMULATOR');
  },
  get workspace(): string {
    return requireEnv('HEYGEN_TEST_WORKSPACE');
  },
  get apiKey(): string {
    return requireEnv('HEYGEN_API_KEY');
  },
};

/** A file of the sample workspace as the URI commands receive from the explorer. */
export function workspaceFile(name: string): vscode.Uri {
  return vscode.Uri.file(path.join(hostEnv.workspace, name));
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export const emulator = {
  async received(): Promise<ReceivedUpload[]> {
    const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/received`);
    if (!response.ok) {
      throw new Error(`emulator /__emulator/received answered ${response.status}`);
    }
    return (await response.json()) as ReceivedUpload[];
  },
  async behave(behavior: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/behave`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(behavior),
    });
    if (!response.ok) {
      throw new Error(`emulator /__emulator/behave answered ${response.status}`);
    }
  },
  /** Resolves once a request body with these bytes has arrived, before the emulator answers it (event, not polling). */
  async bodyArrived(sha256: string, timeoutMs = 20_000): Promise<ArrivedBody> {
    const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/body?sha256=${sha256}&timeoutMs=${timeoutMs}`);
    if (!response.ok) {
      throw new Error(`no body with sha256 ${sha256.slice(0, 12)}… reached the emulator within ${timeoutMs} ms (${response.status})`);
    }
    return (await response.json()) as ArrivedBody;
  },
  async reset(): Promise<void> {
    const response = await fetch(`${hostEnv.emulatorOrigin}/__emulator/reset`, { method: 'POST' });
    if (!response.ok) {
      throw new Error(`emulator /__emulator/reset answered ${response.status}`);
    }
  },
};

/**
 * The extension's test API (its history store, trees, library and upload port), activating it first. The extension
 * offers it only in ExtensionMode.Test and never through `exports`, which other extensions see (see src/vscode/api.ts).
 */
export async function heygenTestApi<T = HeyGenTestApi>(): Promise<T> {
  const extension = vscode.extensions.getExtension('heygen-assets.heygen-assets');
  if (!extension) {
    throw new Error('heygen-assets.heygen-assets is not loaded');
  }
  await extension.activate();
  const api = (globalThis as Record<symbol, unknown>)[TEST_API];
  if (!api) {
    throw new Error('the extension offers no test API: is it running in ExtensionMode.Test?');
  }
  return api as T;
}

/**
 * Removes the stored key, confirming the modal as the person would (`heygen.clearApiKey` always asks; unanswered, an
 * extension-test workbench declines it). Its own WindowSpy, nested in any the test has, sees that modal alone.
 */
export async function clearApiKey(): Promise<void> {
  const spy = new WindowSpy();
  try {
    spy.answerMessages((shown) => (shown.modal ? 'Remove Key' : LEAVE_OPEN));
    await vscode.commands.executeCommand('heygen.clearApiKey');
  } finally {
    spy.dispose();
  }
}

/** Resolves when the extension's next quick pick is on screen (so keyboard commands reach it), with what it shows. */
export function nextQuickPick(api: Pick<HeyGenTestApi, 'onDidShowQuickPick'>): Promise<QuickPickShown> {
  return new Promise((resolve) => {
    const subscription = api.onDidShowQuickPick((shown) => {
      subscription.dispose();
      resolve(shown);
    });
  });
}

/** Anything shaped like a `vscode.Event`: the extension's own events (history, library index) are, too. */
export type EventLike<E = unknown> = (listener: (e: E) => unknown) => { dispose(): unknown };

/**
 * Resolves with `check`'s first value other than undefined: checked now, then again each time one of `events` fires.
 * Rejects after `timeoutMs` (a failure's deadline, not a wait: nothing is assumed to have happened when it passes).
 */
export function whenEvent<T>(what: string | (() => string), events: EventLike | readonly EventLike[], check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const first = check();
  if (first !== undefined) {
    return Promise.resolve(first);
  }
  return new Promise<T>((resolve, reject) => {
    const subscriptions: Array<{ dispose(): unknown }> = [];
    const done = (): void => {
      clearTimeout(timer);
      subscriptions.forEach((s) => s.dispose());
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`));
    }, timeoutMs);
    const list: readonly EventLike[] = typeof events === 'function' ? [events] : events;
    for (const event of list) {
      subscriptions.push(
        event(() => {
          let value: T | undefined;
          try {
            value = check();
          } catch (error) {
            done();
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          if (value !== undefined) {
            done();
            resolve(value);
          }
        }),
      );
    }
  });
}

/**
 * Reverts and closes the active editor, and waits until the extension host has dropped `document`: an untitled
 * document opened right after can be given the closed one's name, and while the host still holds the old one,
 * `openTextDocument` hands back its text (seen on 1.139 under load).
 */
export async function revertAndClose(document: vscode.TextDocument): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  if (document.isUntitled) {
    await whenEvent(`${document.uri.toString()} closed`, vscode.workspace.onDidCloseTextDocument, () => (document.isClosed ? true : undefined));
  }
}

/** `promise`, or a rejection naming `what` once `timeoutMs` has passed (a failure's deadline, never a wait). */
export function withDeadline<T>(what: string, promise: PromiseLike<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  return Promise.race([Promise.resolve(promise), deadline]).finally(() => clearTimeout(timer));
}

/**
 * The text of `file` once `check` accepts it (the value `check` returns), on the file system's change events for its
 * folder (inotify): for files another process writes behind the extension's calls, such as VS Code's log files.
 */
export function fileWhen<T>(what: string, file: string, check: (text: string | undefined) => T | undefined, timeoutMs = 20_000): Promise<T> {
  const read = (): T | undefined => check(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
  return new Promise<T>((resolve, reject) => {
    // Watching first, then reading: a write between the two is either seen by the read or fires the watch.
    const watcher = fs.watch(path.dirname(file));
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    const finish = (error?: Error, value?: T): void => {
      clearTimeout(timer);
      watcher.close();
      if (error) {
        reject(error);
      } else {
        resolve(value as T);
      }
    };
    const look = (): void => {
      try {
        const value = read();
        if (value !== undefined) {
          finish(undefined, value);
        }
      } catch (error) {
        finish(error as Error);
      }
    };
    watcher.on('change', look);
    watcher.on('error', (error) => finish(error));
    look();
  });
}

/** Resolves once `file` no longer exists (on its folder's change events; at once if the folder is gone too). */
export function removed(what: string, file: string, timeoutMs = 20_000): Promise<void> {
  if (!fs.existsSync(path.dirname(file))) {
    return Promise.resolve();
  }
  return fileWhen(what, file, () => (fs.existsSync(file) ? undefined : true), timeoutMs).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => {
      // The folder went away between the check and the watch: so did the file.
      if (error.code === 'ENOENT' && !fs.existsSync(file)) {
        return;
      }
      throw error;
    },
  );
}

/**
 * Polls `check` until it returns a value (not undefined) or the time is up. Only for states nothing announces (the
 * emulator's record of an answer, a tree view's selection that the extension keeps to itself): every caller says why
 * it cannot wait for an event instead.
 */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A drop or paste carrying only a file's content (no path), as a browser-based editor or the OS hands it over. */
export function contentOnlyTransfer(name: string, bytes: Uint8Array): vscode.DataTransfer {
  class FileItem extends vscode.DataTransferItem {
    constructor(private readonly file: vscode.DataTransferFile) {
      super('');
    }
    override asFile(): vscode.DataTransferFile {
      return this.file;
    }
  }
  const transfer = new vscode.DataTransfer();
  transfer.set('files', new FileItem({ name, uri: undefined, data: () => Promise.resolve(bytes) }));
  return transfer;
}
