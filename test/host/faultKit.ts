// Shared by the fault and bad-input host tests: the extension's test API, what the person is shown, unhandled
// rejections in the extension host, and a scratch folder inside the workspace.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HeyGenAssetsApi } from '../../src/vscode/api';
import { emulator, hostEnv, whenEvent, type ReceivedUpload } from './hostSupport';

const EXTENSION_ID = 'heygen-assets.heygen-assets';

export async function heygenApi(): Promise<HeyGenAssetsApi> {
  const extension = vscode.extensions.getExtension<HeyGenAssetsApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
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
  private readonly onShow = new vscode.EventEmitter<void>();

  install(): void {
    const win = vscode.window as unknown as Record<string, ShowFn>;
    const onShow = this.onShow;
    for (const [level, name] of Object.entries(SHOW_FUNCTIONS) as Array<[ShownMessage['level'], string]>) {
      const original = win[name];
      this.originals.set(name, original);
      const shown = this.shown;
      win[name] = function (this: unknown, message: string, ...rest: unknown[]): Thenable<unknown> {
        const actions = rest.filter((item): item is string => typeof item === 'string');
        shown.push({ level, text: message, actions });
        onShow.fire();
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

  /**
   * What was shown once at least `count` notifications have been, and one macrotask turn more so one shown right
   * after them is in the list too (an assertion on the whole list then sees it). The extension shows a notification
   * without awaiting it, so it may come after the promise of the operation that caused it.
   */
  async whenShown(count: number): Promise<ShownMessage[]> {
    await whenEvent(() => `${count} notification(s); shown: ${JSON.stringify(this.shown)}`, this.onShow.event, () => (this.shown.length >= count ? true : undefined));
    await new Promise((resolve) => setImmediate(resolve));
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

  /**
   * The rejections seen, once the operations the caller awaited have had one more macrotask turn: Node reports a
   * promise rejected without a handler when the microtask queue of the turn that rejected it has drained, so any
   * rejection made by those operations has been reported by then.
   */
  async settled(): Promise<string[]> {
    await new Promise((resolve) => setImmediate(resolve));
    return [...this.seen];
  }
}

/** The history's ids, to show a failure added nothing and a success added its asset once. */
export function historyIds(api: HeyGenAssetsApi): string[] {
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
  const previous = vscode.workspace.getConfiguration('heygen').inspect(key)?.globalValue;
  await updateUserSetting(key, value);
  return () => updateUserSetting(key, previous);
}

/**
 * Writes a `heygen.*` user setting and resolves once this extension host sees it, on the configuration-change event
 * (the extension, which registered its listener at activation, has heard of it by then too).
 */
async function updateUserSetting(key: string, value: unknown): Promise<void> {
  const seen = (): true | undefined => (vscode.workspace.getConfiguration('heygen').inspect(key)?.globalValue === value ? true : undefined);
  const applied = whenEvent(`heygen.${key} to be ${JSON.stringify(value)}`, vscode.workspace.onDidChangeConfiguration, seen, 10_000);
  // Attached now: if the update fails, its own error is the one reported.
  applied.catch(() => undefined);
  await vscode.workspace.getConfiguration('heygen').update(key, value, vscode.ConfigurationTarget.Global);
  await applied;
}
