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

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
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
