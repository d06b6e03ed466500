// Lets extension-host tests see and answer what the extension shows the person: notifications (with their
// buttons), modal questions, input boxes, the open dialog and the progress notification (whose Cancel a test
// can press). The extension and the tests in its folder share one `vscode` API object (the extension host
// hands each extension a single instance), so wrapping its `window` functions here wraps the extension's calls.
import * as vscode from 'vscode';

export type MessageKind = 'info' | 'warning' | 'error';

export interface ShownMessage {
  kind: MessageKind;
  message: string;
  /** Button titles, in order. */
  items: string[];
  modal: boolean;
  /** A modal's detail text, when it has one. */
  detail?: string;
  /** The button the test chose (undefined: dismissed or left open). */
  answer?: string;
}

export interface ShownInputBox {
  options: vscode.InputBoxOptions;
  answer?: string;
  /** An input box (createInputBox) asking again while still open: what it said about the value it holds. */
  validationMessage?: string | vscode.InputBoxValidationMessage;
  /** The box that asked (createInputBox): the same object each time one box asks again. */
  box?: vscode.InputBox;
}

export interface ShownProgress {
  title?: string;
  cancellable: boolean;
  reports: Array<{ message?: string; increment?: number }>;
  /** Presses the notification's Cancel button. */
  cancel(): void;
  done: boolean;
  /** Settles when the notification closes (its task is over). */
  finished: Promise<void>;
}

/** A responder's answer meaning: show the message for real and leave it open (the test does not click). */
export const LEAVE_OPEN = Symbol('leave open');
/** Decides the button for a message (its title); undefined dismisses it. */
export type MessageResponder = (shown: ShownMessage) => string | undefined | typeof LEAVE_OPEN;
export type InputResponder = (options: vscode.InputBoxOptions) => string | undefined;

type Window = typeof vscode.window;
type MessageFn = (message: string, ...rest: unknown[]) => Thenable<unknown>;

function itemTitle(item: unknown): string {
  return typeof item === 'string' ? item : String((item as vscode.MessageItem).title);
}

/** A status-bar item as the person saw it: the text at each show, and whether it is still there. */
export interface ShownStatusItem {
  id: string;
  shownTexts: string[];
  visible: boolean;
  disposed: boolean;
}

export class WindowSpy implements vscode.Disposable {
  readonly messages: ShownMessage[] = [];
  readonly inputBoxes: ShownInputBox[] = [];
  readonly openDialogs: vscode.OpenDialogOptions[] = [];
  readonly progress: ShownProgress[] = [];
  /** Called synchronously on every progress report, as the extension makes it (to cancel at an exact moment). */
  onProgressReport: ((value: { message?: string; increment?: number }, shown: ShownProgress) => void) | undefined;
  /** Status-bar items the extension created while spied, in order. */
  readonly statusItems: ShownStatusItem[] = [];
  /** `setContext` calls the extension made, in order. */
  readonly contexts: Array<{ key: string; value: unknown }> = [];

  private readonly restore: Array<() => void> = [];
  private readonly messageShown = new vscode.EventEmitter<ShownMessage>();
  /** Fires for each message the extension shows, once it is in `messages`. */
  readonly onDidShowMessage = this.messageShown.event;
  private messageResponders: MessageResponder[] = [];
  private inputResponders: InputResponder[] = [];
  private dialogAnswer: vscode.Uri[] | undefined;

  constructor() {
    const win = vscode.window as unknown as Record<string, unknown>;
    const patch = <K extends keyof Window>(name: K, replacement: Window[K]): void => {
      const original = vscode.window[name];
      win[name] = replacement;
      this.restore.push(() => {
        win[name] = original;
      });
    };
    const message = (kind: MessageKind, original: MessageFn): MessageFn => {
      return (text: string, ...rest: unknown[]) => {
        let modal = false;
        let detail: string | undefined;
        let items = rest;
        const first = rest[0];
        if (first !== undefined && typeof first === 'object' && first !== null && !('title' in first)) {
          modal = (first as vscode.MessageOptions).modal === true;
          detail = (first as vscode.MessageOptions).detail;
          items = rest.slice(1);
        }
        const shown: ShownMessage = { kind, message: text, items: items.map(itemTitle), modal, ...(detail !== undefined ? { detail } : {}) };
        this.messages.push(shown);
        this.messageShown.fire(shown);
        const responder = this.messageResponders.shift();
        const decision = responder ? responder(shown) : modal ? undefined : LEAVE_OPEN;
        if (decision === LEAVE_OPEN) {
          // Shown for real (visible in the workbench), but the test does not wait for a click.
          return original(text, ...rest);
        }
        shown.answer = decision;
        const chosen = items.find((item) => itemTitle(item) === decision);
        return Promise.resolve(chosen);
      };
    };
    patch('showInformationMessage', message('info', vscode.window.showInformationMessage) as Window['showInformationMessage']);
    patch('showWarningMessage', message('warning', vscode.window.showWarningMessage) as Window['showWarningMessage']);
    patch('showErrorMessage', message('error', vscode.window.showErrorMessage) as Window['showErrorMessage']);

    patch('showInputBox', ((options?: vscode.InputBoxOptions) => {
      const shown: ShownInputBox = { options: options ?? {} };
      this.inputBoxes.push(shown);
      const responder = this.inputResponders.shift();
      shown.answer = responder ? responder(shown.options) : undefined;
      return Promise.resolve(shown.answer);
    }));

    // An input box the extension creates (it stays open while the extension checks what was entered) is the real
    // box, shown for real; a responder answers it as a person does: types (the box's value listeners hear it) and
    // presses Enter, or Escape for undefined. While the box is open it asks again whenever it stops being busy.
    const originalCreateInputBox = vscode.window.createInputBox.bind(vscode.window);
    patch('createInputBox', () => {
      const box = originalCreateInputBox();
      const accepted: Array<() => unknown> = [];
      const changed: Array<(value: string) => unknown> = [];
      let open = false;
      const type = (value: string): void => {
        box.value = value;
        changed.forEach((listener) => listener(value));
      };
      const ask = (): void => {
        const options: vscode.InputBoxOptions = {
          title: box.title,
          prompt: box.prompt,
          placeHolder: box.placeholder,
          password: box.password,
          ignoreFocusOut: box.ignoreFocusOut,
          value: box.value,
          validateInput: (value) => {
            const before = box.value;
            type(value);
            const message = box.validationMessage;
            type(before);
            return message;
          },
        };
        const shown: ShownInputBox = { options, validationMessage: box.validationMessage, box };
        this.inputBoxes.push(shown);
        const responder = this.inputResponders.shift();
        if (!responder) {
          return; // Left open on screen for the test to see.
        }
        shown.answer = responder(options);
        if (shown.answer === undefined) {
          box.hide();
          return;
        }
        type(shown.answer);
        accepted.forEach((listener) => listener());
      };
      const listen =
        <T>(list: Array<(value: T) => unknown>, event: vscode.Event<T>) =>
        (listener: (value: T) => unknown, thisArg?: unknown, disposables?: vscode.Disposable[]): vscode.Disposable => {
          const bound = (value: T): void => {
            listener.call(thisArg, value);
          };
          list.push(bound);
          const real = event(listener, thisArg, disposables);
          return {
            dispose: () => {
              list.splice(list.indexOf(bound), 1);
              real.dispose();
            },
          };
        };
      return new Proxy(box, {
        get: (target, prop): unknown => {
          if (prop === 'onDidAccept') {
            return listen(accepted as Array<(value: void) => unknown>, target.onDidAccept);
          }
          if (prop === 'onDidChangeValue') {
            return listen(changed, target.onDidChangeValue);
          }
          const value: unknown = Reflect.get(target, prop, target);
          if (typeof value !== 'function') {
            return value;
          }
          return (...args: unknown[]) => {
            const result = (value as (...a: unknown[]) => unknown).apply(target, args);
            if (prop === 'show') {
              open = true;
              setImmediate(ask);
            } else if (prop === 'hide' || prop === 'dispose') {
              open = false;
            }
            return result;
          };
        },
        set: (target, prop, value) => {
          const wasBusy = target.busy;
          const done = Reflect.set(target, prop, value, target);
          if (prop === 'busy' && wasBusy && value === false) {
            setImmediate(() => open && ask());
          }
          return done;
        },
      });
    });

    patch('showOpenDialog', ((options?: vscode.OpenDialogOptions) => {
      this.openDialogs.push(options ?? {});
      return Promise.resolve(this.dialogAnswer);
    }));

    const originalProgress = vscode.window.withProgress;
    patch('withProgress', (<R>(
      options: vscode.ProgressOptions,
      task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
    ): Thenable<R> => {
      const source = new vscode.CancellationTokenSource();
      let finish!: () => void;
      const shown: ShownProgress = {
        title: options.title,
        cancellable: options.cancellable === true,
        reports: [],
        cancel: () => source.cancel(),
        done: false,
        finished: new Promise<void>((resolve) => (finish = resolve)),
      };
      this.progress.push(shown);
      return originalProgress(options, async (progress, token) => {
        const forward = token.onCancellationRequested(() => source.cancel());
        try {
          return await task(
            {
              report: (value) => {
                shown.reports.push(value);
                progress.report(value);
                this.onProgressReport?.(value, shown);
              },
            },
            source.token,
          );
        } finally {
          forward.dispose();
          source.dispose();
          shown.done = true;
          finish();
        }
      });
    }));

    const originalCreateItem = vscode.window.createStatusBarItem as (...args: unknown[]) => vscode.StatusBarItem;
    patch('createStatusBarItem', ((...args: unknown[]) => {
      const item = originalCreateItem.apply(vscode.window, args);
      const shown: ShownStatusItem = { id: item.id, shownTexts: [], visible: false, disposed: false };
      this.statusItems.push(shown);
      // The real item, shown for real; the proxy only notes what the workbench is asked to show.
      return new Proxy(item, {
        get: (target, prop) => {
          const value: unknown = Reflect.get(target, prop, target);
          if (typeof value !== 'function') {
            return value;
          }
          return (...callArgs: unknown[]) => {
            if (prop === 'show') {
              shown.visible = true;
              shown.shownTexts.push(target.text);
            } else if (prop === 'hide' || prop === 'dispose') {
              shown.visible = false;
              shown.disposed ||= prop === 'dispose';
            }
            return (value as (...a: unknown[]) => unknown).apply(target, callArgs);
          };
        },
        set: (target, prop, value) => Reflect.set(target, prop, value, target),
      });
    }));

    const commands = vscode.commands as unknown as Record<string, unknown>;
    const originalExecute = vscode.commands.executeCommand;
    commands.executeCommand = (<T>(command: string, ...args: unknown[]): Thenable<T> => {
      if (command === 'setContext') {
        this.contexts.push({ key: String(args[0]), value: args[1] });
      }
      return originalExecute<T>(command, ...args);
    });
    this.restore.push(() => {
      commands.executeCommand = originalExecute;
    });
  }

  /** The next messages (in order) are answered by these; later ones are shown for real and left open. */
  answerMessages(...responders: MessageResponder[]): this {
    this.messageResponders.push(...responders);
    return this;
  }

  /** Answers the next message with the button titled `title` (asserting nothing). */
  click(title: string): this {
    return this.answerMessages(() => title);
  }

  answerInputBoxes(...responders: InputResponder[]): this {
    this.inputResponders.push(...responders);
    return this;
  }

  answerOpenDialog(uris: vscode.Uri[] | undefined): this {
    this.dialogAnswer = uris;
    return this;
  }

  /** Last value the extension set for a context key, or undefined if it never set it while spied. */
  lastContext(key: string): unknown {
    for (let i = this.contexts.length - 1; i >= 0; i--) {
      if (this.contexts[i].key === key) {
        return this.contexts[i].value;
      }
    }
    return undefined;
  }

  describe(): string {
    return this.messages.map((m) => `${m.kind}${m.modal ? ' (modal)' : ''}: ${m.message} [${m.items.join(' | ')}]`).join('\n') || '(no messages)';
  }

  dispose(): void {
    for (const undo of this.restore.splice(0).reverse()) {
      undo();
    }
    this.messageShown.dispose();
  }
}
