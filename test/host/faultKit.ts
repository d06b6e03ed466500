// Shared by the fault and bad-input host tests (issue 7 items 2, 4 and 5): the extension's test API, what the
// person is shown, unhandled rejections in the extension host, and a scratch folder inside the workspace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HeyGenTestApi } from '../../src/vscode/api';
import { emulator, heygenTestApi, hostEnv, type ReceivedUpload } from './hostSupport';

export async function heygenApi(): Promise<HeyGenTestApi> {
  return heygenTestApi();
}

export interface ShownMessage {
  level: 'error' | 'warning' | 'information';
  text: string;
  actions: string[];
}

type ShowFn = (message: string, ...rest: unknown[]) => Thenable<unknown>;
const SHOW_FUNCTIONS = {
  error: 'showErrorMessage',
  warning: 'showWarningMessage',
  information: 'showInformationMessage',
} as const;

/**
 * Records every notification the extension shows. The extension and these tests share one `vscode` API object (the
 * tests load from the extension's own folder), so wrapping its window functions sees the extension's calls. The
 * real function still runs: the notification appears as it would for a person. `selfCheck` proves the wrapping took.
 */
export class MessageRecorder {
  readonly shown: ShownMessage[] = [];
  private readonly originals = new Map<string, ShowFn>();

  install(): void {
    const win = vscode.window as unknown as Record<string, ShowFn>;
    for (const [level, name] of Object.entries(SHOW_FUNCTIONS) as Array<[ShownMessage['level'], string]>) {
      const original = win[name];
      this.originals.set(name, original);
      const shown = this.shown;
      win[name] = function (this: unknown, message: string, ...rest: unknown[]): Thenable<unknown> {
        const actions = rest.filter((item): item is string => typeof item === 'string');
        shown.push({ level, text: message, actions });
        return original.call(vscode.window, message, ...rest);
      };
    }
  }

  restore(): void {
    const win = vscode.window as unknown as Record<string, ShowFn>;
    for (const [name, original] of this.originals) {
      win[name] = original;
    }
    this.originals.clear();
  }

  clear(): void {
    this.shown.length = 0;
  }

  /** Notifications are shown without awaiting them; give the extension a moment after its promise settles. */
  async settle(): Promise<ShownMessage[]> {
    await new Promise((resolve) => setTimeout(resolve, 150));
    return [...this.shown];
  }
}

/** Collects `unhandledRejection` events of the extension host process while a suite runs. */
export class RejectionWatch {
  readonly seen: string[] = [];
  private readonly listener = (reason: unknown): void => {
    this.seen.push(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason));
  };

  start(): void {
    process.on('unhandledRejection', this.listener);
  }

  stop(): void {
    process.off('unhandledRejection', this.listener);
  }
}

/** The history's ids, to show a failure added nothing and a success added its asset once. */
export function historyIds(api: HeyGenTestApi): string[] {
  return api.history.all().map((record) => record.id);
}

/** A fresh folder inside the open workspace, removed by `dispose`. */
export function scratchFolder(label: string): { dir: string; file(name: string): vscode.Uri; dispose(): void } {
  const dir = fs.mkdtempSync(path.join(hostEnv.workspace, `${label}-`));
  return {
    dir,
    file: (name) => vscode.Uri.file(path.join(dir, name)),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Uploads the emulator received since its last reset, in arrival order. */
export async function receivedUploads(): Promise<ReceivedUpload[]> {
  return emulator.received();
}

/** Sets a `heygen.*` user setting for one test; the returned function puts the previous user value back. */
export async function withUserSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('heygen');
  const previous = config.inspect(key)?.globalValue;
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  await waitUntil(() => vscode.workspace.getConfiguration('heygen').inspect(key)?.globalValue === value, `heygen.${key} to be ${JSON.stringify(value)}`);
  return async () => {
    await vscode.workspace.getConfiguration('heygen').update(key, previous, vscode.ConfigurationTarget.Global);
    await waitUntil(() => vscode.workspace.getConfiguration('heygen').inspect(key)?.globalValue === previous, `heygen.${key} to be restored`);
  };
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
