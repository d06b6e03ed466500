import * as vscode from 'vscode';
import { CommandId, ContextKey } from '../commandIds';
import type { Log } from '../log/log';
import type { Logger } from '../../core/log/logger';
import { registerCommand } from '../commands/registerCommand';
import { checkKeyShape, type KeyCheck } from '../../core/apiKey/apiKeyShape';

const SECRET_KEY = 'heygen.apiKey';
export const API_KEY_ENV = 'HEYGEN_API_KEY';

export type KeySource = 'secretStorage' | 'environment';

/**
 * The API key lives only in SecretStorage (shared by all windows of this profile). Lookup order:
 * SecretStorage, then the HEYGEN_API_KEY environment variable, then — only when an upload needs it — a prompt.
 */
export class ApiKeyService implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Log,
  ) {
    const fromEnv = process.env[API_KEY_ENV]?.trim();
    log.addSecret(fromEnv);
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === SECRET_KEY) {
        // Set or cleared in another window, or by this one: keep context keys and the redaction list current.
        this.log.info('The HeyGen API key changed in secret storage.');
        this.refreshContext().catch((error: unknown) => this.log.warn(`Could not update the API key state: ${String(error)}`));
      }
    });
  }

  async get(): Promise<{ key: string; source: KeySource } | undefined> {
    let stored: string | undefined;
    try {
      stored = await this.secrets.get(SECRET_KEY);
    } catch (error) {
      // A broken OS keyring must not stop the extension: fall back to the environment variable or a prompt.
      this.log.warn(`Secret storage could not be read (${error instanceof Error ? error.message : String(error)}).`);
    }
    if (stored) {
      this.log.addSecret(stored);
      return { key: stored, source: 'secretStorage' };
    }
    const fromEnv = process.env[API_KEY_ENV]?.trim();
    if (fromEnv) {
      return { key: fromEnv, source: 'environment' };
    }
    return undefined;
  }

  /** The key to upload with: stored, from the environment, or asked for now. Undefined if the person declines. */
  async ensure(): Promise<string | undefined> {
    const found = await this.get();
    if (found) {
      return found.key;
    }
    return this.prompt(vscode.l10n.t('Uploading needs your HeyGen API key. It is kept in VS Code\u2019s secret storage.'));
  }

  /** Asks for a key (password box), stores it and returns it. */
  async prompt(prompt?: string): Promise<string | undefined> {
    const entered = await vscode.window.showInputBox({
      title: vscode.l10n.t('HeyGen API Key'),
      prompt: prompt ?? vscode.l10n.t('Paste your HeyGen API key (HeyGen \u203a Settings \u203a API). It is kept in VS Code\u2019s secret storage.'),
      placeHolder: vscode.l10n.t('HeyGen API key'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => {
        const check = checkKeyShape(value);
        return check.valid ? undefined : keyProblemText(check);
      },
    });
    if (entered === undefined) {
      return undefined;
    }
    const check = checkKeyShape(entered);
    if (!check.valid) {
      return undefined;
    }
    await this.store(check.key);
    return check.key;
  }

  async store(key: string): Promise<void> {
    this.log.addSecret(key);
    await this.secrets.store(SECRET_KEY, key);
    this.log.info('The HeyGen API key was saved to secret storage.');
    await this.refreshContext();
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    this.log.info('The HeyGen API key was removed from secret storage.');
    await this.refreshContext();
  }

  async refreshContext(): Promise<void> {
    const found = await this.get();
    await vscode.commands.executeCommand('setContext', ContextKey.HasApiKey, found !== undefined);
    // "Clear API Key" in the view's menu only makes sense for a stored key, not one from the environment.
    await vscode.commands.executeCommand('setContext', ContextKey.HasStoredApiKey, found?.source === 'secretStorage');
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

export function registerApiKeyCommands(context: vscode.ExtensionContext, apiKeys: ApiKeyService, log: Logger): void {
  // An optional string argument lets keybindings and automation set the key without the prompt.
  registerCommand(
    context,
    CommandId.SetApiKey,
    async (ctx) => {
      if (ctx.type === 'value' && typeof ctx.value === 'string') {
        const check = checkKeyShape(ctx.value);
        if (!check.valid) {
          void vscode.window.showErrorMessage(keyProblemText(check));
          return false;
        }
        await apiKeys.store(check.key);
      } else if ((await apiKeys.prompt()) === undefined) {
        return false;
      }
      void vscode.window.showInformationMessage(vscode.l10n.t('HeyGen API key saved to secret storage.'));
      return true;
    },
    { log, failureMessage: (reason) => vscode.l10n.t('The API key could not be saved: {0}', reason) },
  );
  registerCommand(
    context,
    CommandId.ClearApiKey,
    async () => {
      // Listed in the palette even before activation has set heygen.hasApiKey, so it may find nothing to clear.
      const hadStoredKey = (await apiKeys.get())?.source === 'secretStorage';
      await apiKeys.clear();
      const env = process.env[API_KEY_ENV]?.trim();
      void vscode.window.showInformationMessage(
        !hadStoredKey
          ? vscode.l10n.t('No HeyGen API key was stored in secret storage.')
          : env
          ? vscode.l10n.t('HeyGen API key removed from secret storage. The HEYGEN_API_KEY environment variable is still used.')
          : vscode.l10n.t('HeyGen API key removed from secret storage.'),
      );
    },
    { log, failureMessage: (reason) => vscode.l10n.t('The API key could not be removed: {0}', reason) },
  );
}

function keyProblemText(check: Extract<KeyCheck, { valid: false }>): string {
  switch (check.problem) {
    case 'empty':
      return vscode.l10n.t('Enter your HeyGen API key.');
    case 'whitespace':
      return vscode.l10n.t('An API key has no spaces or line breaks.');
    case 'nonPrintable':
      return vscode.l10n.t('An API key has only letters, digits and punctuation.');
    case 'tooShort':
      return vscode.l10n.t('That is too short for a HeyGen API key.');
    case 'tooLong':
      return vscode.l10n.t('That is too long for a HeyGen API key.');
  }
}
