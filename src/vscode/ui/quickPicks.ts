import * as vscode from 'vscode';

/** One of the extension's quick picks, as it is on screen. */
export interface QuickPickShown {
  title: string | undefined;
  /** The rows' labels, separators left out. */
  items: string[];
  /** The rows' details (undefined where a row has none), in the same order. */
  details: Array<string | undefined>;
  /** The label of the row Enter takes when the pick opens. */
  active: string | undefined;
}

/**
 * Says when one of the extension's quick picks is on screen, so a test (through the API) drives the real quick pick
 * once it is there instead of sleeping first. `show()` sends the pick with everything set so far to the workbench at
 * once (only later changes wait a turn), so a command sent after this event reaches the workbench after the pick.
 */
class QuickPickSignals implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<QuickPickShown>();
  readonly onDidShow = this.emitter.event;

  /** Shows `pick`, then fires onDidShow. */
  show<T extends vscode.QuickPickItem>(pick: vscode.QuickPick<T>): void {
    pick.show();
    const rows = pick.items.filter((item) => item.kind !== vscode.QuickPickItemKind.Separator);
    this.emitter.fire({
      title: pick.title,
      items: rows.map((item) => item.label),
      details: rows.map((item) => item.detail),
      active: (pick.activeItems[0] ?? rows[0])?.label,
    });
  }

  /**
   * Shows `pick` and waits for the person: the row accepted (the highlighted one when none was selected), or
   * undefined when the pick is dismissed. The pick is disposed either way.
   */
  async choose<T extends vscode.QuickPickItem>(pick: vscode.QuickPick<T>): Promise<T | undefined> {
    try {
      return await new Promise<T | undefined>((resolve) => {
        pick.onDidAccept(() => {
          resolve(pick.selectedItems[0] ?? pick.activeItems[0]);
          pick.hide();
        });
        pick.onDidHide(() => resolve(undefined));
        this.show(pick);
      });
    } finally {
      pick.dispose();
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export const quickPicks = new QuickPickSignals();
