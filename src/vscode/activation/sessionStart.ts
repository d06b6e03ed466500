import * as vscode from 'vscode';
import type { Logger } from '../../core/base/logger';

/** Why HeyGen work started: the person opened a HeyGen view, ran a HeyGen command, or a payload needed an asset. */
export type StartReason = 'view' | 'command' | 'payload';

/**
 * The moment the person starts using HeyGen in this window. Activation happens for any JSON, JS/TS or Python file
 * (the payload features need those languages), so it must send nothing: the account check, the stale checks (and
 * anything else that asks HeyGen on its own) wait for this, once per window.
 */
export class SessionStart implements vscode.Disposable {
  private reason: StartReason | undefined;
  private readonly emitter = new vscode.EventEmitter<StartReason>();
  private readonly subscriptions: vscode.Disposable[] = [this.emitter];

  constructor(private readonly log: Logger) {}

  get started(): boolean {
    return this.reason !== undefined;
  }

  /** Starts HeyGen work now, if it has not started yet. */
  start(reason: StartReason): void {
    if (this.reason !== undefined) {
      return;
    }
    this.reason = reason;
    this.log.debug(`HeyGen work starts: ${reason === 'view' ? 'a HeyGen view is visible' : reason === 'command' ? 'a HeyGen command ran' : 'a payload needs an asset'}.`);
    this.emitter.fire(reason);
  }

  /** Runs `task` at the start (now, when it has already happened). */
  whenStarted(task: (reason: StartReason) => void): vscode.Disposable {
    if (this.reason !== undefined) {
      task(this.reason);
      return new vscode.Disposable(() => undefined);
    }
    const once = this.emitter.event((reason) => {
      once.dispose();
      task(reason);
    });
    this.subscriptions.push(once);
    return once;
  }

  /** A view of the extension's on screen starts the work: now, when it is already visible. */
  watchView(view: vscode.TreeView<unknown>): vscode.Disposable {
    if (view.visible) {
      this.start('view');
    }
    const subscription = view.onDidChangeVisibility((e) => e.visible && this.start('view'));
    this.subscriptions.push(subscription);
    return subscription;
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions.splice(0)).dispose();
  }
}
