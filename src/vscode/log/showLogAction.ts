import * as vscode from 'vscode';

/** The "Show Log" button's label: one string (one translation) for every notice that offers it. */
export function showLogLabel(): string {
  return vscode.l10n.t('Show Log');
}

/**
 * An error notice whose last button is Show Log. Show Log runs `showLog` and resolves undefined; another button
 * resolves with its label; dismissing resolves undefined. Never rejects: a notice that could not be shown is no error.
 */
export async function showErrorWithLog(message: string, showLog: () => unknown, ...others: string[]): Promise<string | undefined> {
  const label = showLogLabel();
  try {
    const choice = await vscode.window.showErrorMessage(message, ...others, label);
    if (choice === label) {
      await showLog();
      return undefined;
    }
    return choice;
  } catch {
    return undefined;
  }
}
