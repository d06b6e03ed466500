import * as vscode from 'vscode';
import { accountDescription, accountSentence } from '../../core/account/accountSummary';
import { getCurrentUser, type V3Endpoint, type V3User } from '../../core/heygen/v3Client';
import { keyFingerprint } from '../../core/base/contentHash';
import { HeyGenError } from '../../core/base/heygenError';
import type { ApiKeyService } from '../apiKey/apiKeyCommands';
import { CommandId, ContextKey } from '../commands/commandIds';
import type { Configuration } from '../configuration/configuration';
import type { Log } from '../log/log';
import type { SessionStart } from '../activation/sessionStart';
import { showErrorWithLog } from '../log/showLogAction';
import { registerCommand } from '../commands/registerCommand';
import { errorMessage } from '../../core/base/errorMessage';

/** What `GET /v3/users/me` said about a key. */
export type KeyVerdict =
  | { verdict: 'accepted'; user: V3User }
  /** HeyGen refused the key (401/403 or its "unauthorized" codes): it must not be saved or used. */
  | { verdict: 'refused'; reason: string }
  /**
   * HeyGen could not be asked (offline, a server error, a bad base URL): the key may be fine. `useV1` is there when
   * the chosen API v3 answered as if it does not exist: it switches `heygen.api.version` to v1.
   */
  | { verdict: 'unverified'; reason: string; useV1?: () => Promise<void> };

/**
 * The HeyGen account behind the current key: checks keys against `users/me` (whatever `heygen.api.version`
 * says), and keeps the account for the Assets view's description and Show Account.
 */
export class AccountService implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private user: { fingerprint: string; value: V3User } | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly config: Configuration,
    private readonly apiKeys: ApiKeyService,
    private readonly log: Log,
    private readonly session: SessionStart,
  ) {
    // Nothing is asked at activation: the account is fetched once HeyGen work starts, and again whenever the key or
    // the base URL changes after that.
    this.subscriptions.push(
      this.changeEmitter,
      session.whenStarted(() => this.refreshInBackground()),
      apiKeys.onDidChange(() => this.session.started && this.refreshInBackground()),
      config.onDidChange((affects) => {
        if (affects('apiBaseUrl') && this.session.started) {
          this.refreshInBackground();
        }
      }),
    );
  }

  /** The account of the current key, when it has been checked. */
  get current(): V3User | undefined {
    return this.user?.value;
  }

  /** "username · Plan" for the Assets view, or undefined when no account is known. */
  get description(): string | undefined {
    return this.user ? accountDescription(this.user.value) : undefined;
  }

  endpoint(apiKey: string): V3Endpoint {
    return {
      apiBaseUrl: this.config.apiBaseUrl,
      apiKey,
      ...this.config.http,
      log: this.log,
    };
  }

  /**
   * Asks HeyGen who `apiKey` belongs to. An accepted key becomes the account shown, unless `remember` is false (a key
   * not saved yet, which the person may still decline).
   */
  async check(apiKey: string, options: { remember?: boolean } = {}): Promise<KeyVerdict> {
    this.log.addSecret(apiKey);
    try {
      const user = await getCurrentUser(this.endpoint(apiKey));
      this.log.info(`HeyGen accepted the API key: account ${user.username}.`);
      if (options.remember !== false) {
        this.remember(apiKey, user);
      }
      return { verdict: 'accepted', user };
    } catch (error) {
      const reason = this.log.scrub(errorMessage(error));
      if (error instanceof HeyGenError && error.kind === 'auth') {
        this.log.warn(`HeyGen refused the API key at ${this.config.apiBaseUrl}: ${reason}`);
        return { verdict: 'refused', reason: error.serverMessage ? this.log.scrub(error.serverMessage) : reason };
      }
      this.log.warn(`The API key could not be checked at ${this.config.apiBaseUrl}: ${reason}`);
      if (error instanceof HeyGenError && error.kind === 'v3Absent' && this.config.apiVersion === 'v3') {
        return { verdict: 'unverified', reason, useV1: () => this.useApiV1() };
      }
      return { verdict: 'unverified', reason };
    }
  }

  /** "Use API v1": uploads go to v1 from now on (the key check and the account stay v3's, where HeyGen has them). */
  private async useApiV1(): Promise<void> {
    await this.config.useApiVersion('v1');
    this.log.info('heygen.api.version set to v1 in the user settings: HeyGen API v3 answered as if it does not exist.');
  }

  private remember(apiKey: string, user: V3User | undefined): void {
    const fingerprint = keyFingerprint(apiKey);
    const before = this.description;
    this.user = user ? { fingerprint, value: user } : undefined;
    void vscode.commands.executeCommand('setContext', ContextKey.KeyChecked, user !== undefined);
    if (before !== this.description) {
      this.changeEmitter.fire();
    }
  }

  /** Fetches the account of the current key again (at start, after the key or the base URL changed). */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  refreshInBackground(): void {
    this.refresh().catch((error: unknown) => this.log.debug(`Account refresh failed: ${String(error)}`));
  }

  private async doRefresh(): Promise<void> {
    const found = await this.apiKeys.get();
    if (!found) {
      this.user = undefined;
      void vscode.commands.executeCommand('setContext', ContextKey.KeyChecked, false);
      this.changeEmitter.fire();
      return;
    }
    try {
      this.remember(found.key, await getCurrentUser(this.endpoint(found.key)));
    } catch (error) {
      this.log.debug(`The account for the API key is not known: ${this.log.scrub(errorMessage(error))}`);
      this.remember(found.key, undefined);
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

/** `heygen.showAccount`: username, email, plan and what is left, fetched now. */
export function registerAccountCommands(context: vscode.ExtensionContext, account: AccountService, apiKeys: ApiKeyService, log: Log): void {
  registerCommand(
    context,
    CommandId.ShowAccount,
    async () => {
      const found = await apiKeys.get();
      if (!found) {
        const setKey = vscode.l10n.t('Set API Key');
        const choice = await vscode.window.showWarningMessage(vscode.l10n.t('No HeyGen API key is set, so there is no account to show.'), setKey);
        if (choice === setKey) {
          await vscode.commands.executeCommand(CommandId.SetApiKey);
        }
        return undefined;
      }
      const verdict = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Asking HeyGen for the account') },
        () => account.check(found.key),
      );
      if (verdict.verdict === 'accepted') {
        void vscode.window.showInformationMessage(accountSentence(verdict.user));
        return verdict.user;
      }
      if (verdict.verdict === 'refused') {
        const update = vscode.l10n.t('Update API Key');
        const choice = await vscode.window.showErrorMessage(vscode.l10n.t('HeyGen refused the API key: {0}', withStop(verdict.reason)), update);
        if (choice === update) {
          await vscode.commands.executeCommand(CommandId.SetApiKey);
        }
        return undefined;
      }
      await showErrorWithLog(vscode.l10n.t('The HeyGen account could not be shown: {0}', withStop(lowerFirst(verdict.reason))), () => log.show());
      return undefined;
    },
    { log },
  );
}

export function withStop(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}
