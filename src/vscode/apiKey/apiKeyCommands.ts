import * as vscode from 'vscode';
import { CommandId, ContextKey } from '../commands/commandIds';
import type { Log } from '../log/log';
import type { Logger } from '../../core/base/logger';
import { registerCommand } from '../commands/registerCommand';
import { checkKeyShape, type KeyCheck } from '../../core/apiKey/apiKeyShape';
import { errorMessage } from '../../core/base/errorMessage';

const SECRET_KEY = 'heygen.apiKey';
/**
 * Run from the palette while a walkthrough step has the focus, the palette gives the focus back to the step and the
 * Enter's key-up lands on it: VS Code (1.99 to 1.139) selects the step again and focuses it 250 ms later, taking the
 * focus from the key box. The box takes it back once, after that, when a walkthrough (an editor that is no text editor)
 * is in front: shown again, it takes the focus (workbench.action.focusQuickOpen did not, in 1.99).
 */
const REFOCUS_AFTER_MS = 350;
export const API_KEY_ENV = 'HEYGEN_API_KEY';

export type KeySource = 'secretStorage' | 'environment';

/**
 * Checks a key with HeyGen before it is saved or first used (`users/me`); see AccountService. `remember: false` keeps
 * the account shown as it is (a key the person may still decline to save).
 */
export type KeyVerifier = (key: string, options?: { remember?: boolean }) => Promise<
  | { verdict: 'accepted'; account: string }
  | { verdict: 'refused'; reason: string }
  /** `useV1`: API v3 answered as if it does not exist; pressing "Use API v1" calls it. */
  | { verdict: 'unverified'; reason: string; useV1?: () => Promise<void> }
>;

/**
 * The API key lives only in SecretStorage (shared by all windows of this profile). Lookup order:
 * SecretStorage, then the HEYGEN_API_KEY environment variable, then — only when an upload needs it — a prompt.
 */
export class ApiKeyService implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private refreshSequence = 0;
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;
  /** Set once wiring has the account service; without it keys are saved unchecked. */
  verifier: KeyVerifier | undefined;
  /** Environment keys already checked this session (kept in memory only, like the key itself). */
  private readonly checkedEnvironmentKeys = new Set<string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Log,
  ) {
    const fromEnv = process.env[API_KEY_ENV]?.trim();
    log.addSecret(fromEnv);
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === SECRET_KEY) {
        // Set or cleared in another window, or by this one: keep context keys and the redaction list current. This
        // window's own change has its line in the log already.
        if (this.ownChanges > 0) {
          this.ownChanges--;
        } else {
          this.log.info('The HeyGen API key changed in secret storage (in another window).');
        }
        this.refreshContext().then(
          () => this.changeEmitter.fire(),
          (error: unknown) => this.log.warn(`Could not update the API key state: ${String(error)}`),
        );
      }
    });
  }

  async get(): Promise<{ key: string; source: KeySource } | undefined> {
    let stored: string | undefined;
    try {
      stored = await this.secrets.get(SECRET_KEY);
    } catch (error) {
      // A broken OS keyring must not stop the extension: fall back to the environment variable or a prompt.
      this.log.warn(`Secret storage could not be read (${errorMessage(error)}).`);
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

  /**
   * The key to upload with: stored, from the environment, or asked for now. Undefined if the person declines. A key
   * from HEYGEN_API_KEY is checked with HeyGen at its first use; refused, the person is asked for another.
   */
  async ensure(): Promise<string | undefined> {
    const found = await this.get();
    if (found?.source === 'environment' && this.verifier && !this.checkedEnvironmentKeys.has(found.key)) {
      const verdict = await this.verifier(found.key);
      this.checkedEnvironmentKeys.add(found.key);
      if (verdict.verdict === 'refused') {
        this.checkedEnvironmentKeys.delete(found.key);
        return this.prompt(
          vscode.l10n.t('HeyGen refused the key in the HEYGEN_API_KEY environment variable ({0}). Paste a valid API key.', trimStop(verdict.reason)),
        );
      }
      if (verdict.verdict === 'unverified') {
        // Offline or HeyGen busy: the upload itself will tell whether the key works.
        this.log.warn(`Using the key from ${API_KEY_ENV} unchecked: ${verdict.reason}`);
      }
    }
    if (found) {
      return found.key;
    }
    return this.prompt(vscode.l10n.t('Uploading needs your HeyGen API key. It is kept in VS Code’s secret storage.'));
  }

  /**
   * Asks for a key (password box), checks it with HeyGen, stores it and returns it. The box stays open, busy, while
   * HeyGen is asked: a key HeyGen refuses is not stored and the box, still holding the keyboard focus, says why; when
   * HeyGen cannot be reached the key is stored with a warning.
   */
  async prompt(prompt?: string): Promise<string | undefined> {
    const ask = prompt ?? vscode.l10n.t('Paste your HeyGen API key (HeyGen › Settings › API). It is kept in VS Code’s secret storage.');
    const box = vscode.window.createInputBox();
    box.title = vscode.l10n.t('HeyGen API Key');
    box.prompt = ask;
    box.placeholder = vscode.l10n.t('HeyGen API key');
    box.password = true;
    box.ignoreFocusOut = true;
    let refused: { key: string; reason: string } | undefined;
    let checking = false;
    let refocus: NodeJS.Timeout | undefined;
    let reshowing = false;
    const problem = (value: string): string | vscode.InputBoxValidationMessage | undefined => {
      const check = checkKeyShape(value);
      if (!check.valid) {
        return keyProblemText(check);
      }
      if (refused && check.key === refused.key) {
        return { message: vscode.l10n.t('HeyGen refused this key: {0}.', trimStop(refused.reason)), severity: vscode.InputBoxValidationSeverity.Error };
      }
      return undefined;
    };
    try {
      return await new Promise<string | undefined>((resolve) => {
        box.onDidChangeValue((value) => {
          box.validationMessage = problem(value);
        });
        box.onDidHide(() => {
          if (reshowing) {
            reshowing = false;
            return;
          }
          clearTimeout(refocus);
          resolve(undefined);
        });
        const accept = async (): Promise<void> => {
          if (checking) {
            return;
          }
          const check = checkKeyShape(box.value);
          if (!check.valid || check.key === refused?.key) {
            box.validationMessage = problem(box.value) ?? vscode.l10n.t('Enter your HeyGen API key.');
            return;
          }
          checking = true;
          box.busy = true;
          try {
            const verdict = await this.checkWithHeyGen(check.key);
            if (verdict?.verdict === 'refused') {
              // The refused key stays in the box (hidden), marked as refused until the person pastes another.
              refused = { key: check.key, reason: verdict.reason };
              box.prompt = vscode.l10n.t('HeyGen refused this key: {0}. Paste a valid API key (HeyGen › Settings › API).', trimStop(refused.reason));
              box.validationMessage = problem(box.value);
              return;
            }
            await this.store(check.key);
            if (verdict?.verdict === 'unverified') {
              this.warnSavedUnchecked(verdict.reason, verdict.useV1);
            }
            this.lastVerdict = verdict;
            resolve(check.key);
            box.hide();
          } catch (error) {
            this.log.error(`The API key could not be checked or saved: ${errorMessage(error)}`);
            box.validationMessage = vscode.l10n.t('The key could not be saved: {0}', errorMessage(error));
          } finally {
            checking = false;
            box.busy = false;
          }
        };
        box.onDidAccept(() => void accept());
        box.show();
        const front = vscode.window.tabGroups.activeTabGroup.activeTab;
        if (front && front.input === undefined) {
          refocus = setTimeout(() => {
            if (!checking) {
              reshowing = true;
              box.hide();
              box.show();
            }
          }, REFOCUS_AFTER_MS);
        }
      });
    } finally {
      clearTimeout(refocus);
      box.dispose();
    }
  }

  /** HeyGen's verdict on a key (`users/me`), with a progress note in the status bar; undefined before wiring is done. */
  async checkWithHeyGen(key: string, options?: { remember?: boolean }): Promise<Awaited<ReturnType<KeyVerifier>> | undefined> {
    const verifier = this.verifier;
    if (!verifier) {
      return undefined;
    }
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Checking the API key with HeyGen') }, () =>
      verifier(key, options),
    );
  }

  warnSavedUnchecked(reason: string, useV1?: () => Promise<void>): void {
    const message = vscode.l10n.t('The API key was saved, but HeyGen could not be reached to check it: {0}', withFullStop(reason));
    if (!useV1) {
      void vscode.window.showWarningMessage(message);
      return;
    }
    const label = vscode.l10n.t('Use API v1');
    Promise.resolve(vscode.window.showWarningMessage(message, label))
      .then((choice) => (choice === label ? useV1() : undefined))
      .catch((error: unknown) => this.log.error(`Could not switch to API v1: ${errorMessage(error)}`));
  }

  /** What HeyGen said of the key the last prompt stored (undefined: not checked), for the confirmation. */
  lastVerdict: Awaited<ReturnType<KeyVerifier>> | undefined;

  /** Changes this window made that secret storage has not reported back yet (each is logged once, when made). */
  private ownChanges = 0;

  async store(key: string): Promise<void> {
    this.log.addSecret(key);
    // Storing the same key again changes nothing, and secret storage reports no change then.
    if ((await this.secrets.get(SECRET_KEY).then(undefined, () => undefined)) !== key) {
      this.ownChanges++;
      await this.secrets.store(SECRET_KEY, key);
    }
    this.log.info('The HeyGen API key was saved to secret storage.');
    await this.refreshContext();
  }

  async clear(): Promise<void> {
    if ((await this.secrets.get(SECRET_KEY).then(undefined, () => undefined)) !== undefined) {
      this.ownChanges++;
      await this.secrets.delete(SECRET_KEY);
    }
    this.log.info('The HeyGen API key was removed from secret storage.');
    await this.refreshContext();
  }

  async refreshContext(): Promise<void> {
    // Activation starts a refresh without waiting for it; a set or clear meanwhile must not be overwritten by its
    // older answer.
    const sequence = ++this.refreshSequence;
    const found = await this.get();
    if (sequence !== this.refreshSequence) {
      return;
    }
    await vscode.commands.executeCommand('setContext', ContextKey.HasApiKey, found !== undefined);
    // "Clear API Key" in the view's menu only makes sense for a stored key, not one from the environment.
    await vscode.commands.executeCommand('setContext', ContextKey.HasStoredApiKey, found?.source === 'secretStorage');
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

/**
 * A key passed as an argument (a keybinding, a task, another extension) decides which account every upload goes to,
 * so the person confirms it in a modal that names that account, or says HeyGen could not tell.
 */
async function confirmKeyFromArgument(apiKeys: ApiKeyService, verdict: Awaited<ReturnType<KeyVerifier>> | undefined): Promise<boolean> {
  const replacing = (await apiKeys.get())?.source === 'secretStorage';
  const accepted = verdict?.verdict === 'accepted' ? verdict.account : undefined;
  let question: string;
  if (accepted !== undefined) {
    question = replacing
      ? vscode.l10n.t('Replace the stored HeyGen API key with the key of the account {0}?', accepted)
      : vscode.l10n.t('Save the HeyGen API key of the account {0}?', accepted);
  } else {
    question = replacing
      ? vscode.l10n.t('Replace the stored HeyGen API key with a key HeyGen could not check?')
      : vscode.l10n.t('Save a HeyGen API key HeyGen could not check?');
  }
  let detail = vscode.l10n.t('A keybinding, a task or another extension passed this key to Set API Key. Uploads will go to the account it belongs to.');
  if (verdict?.verdict === 'unverified') {
    detail += `\n\n${vscode.l10n.t('HeyGen could not be reached to say whose key it is: {0}', withFullStop(verdict.reason))}`;
  }
  const save = vscode.l10n.t('Save Key');
  return (await vscode.window.showWarningMessage(question, { modal: true, detail }, save)) === save;
}

export function registerApiKeyCommands(context: vscode.ExtensionContext, apiKeys: ApiKeyService, log: Logger): void {
  // An optional string argument lets keybindings and automation pass the key instead of typing it; it is saved only
  // once the person confirms the account it belongs to.
  registerCommand(
    context,
    CommandId.SetApiKey,
    async (ctx) => {
      apiKeys.lastVerdict = undefined;
      if (ctx.type === 'value' && typeof ctx.value === 'string') {
        // Checked with HeyGen like a typed key, but there is no box to reopen.
        const check = checkKeyShape(ctx.value);
        if (!check.valid) {
          void vscode.window.showErrorMessage(keyProblemText(check));
          return false;
        }
        const verdict = await apiKeys.checkWithHeyGen(check.key, { remember: false });
        if (verdict?.verdict === 'refused') {
          const setApiKey = vscode.l10n.t('Set API Key');
          void vscode.window
            .showErrorMessage(vscode.l10n.t('HeyGen refused the API key ({0}), so it was not saved.', trimStop(verdict.reason)), setApiKey)
            .then((choice) => (choice === setApiKey ? vscode.commands.executeCommand(CommandId.SetApiKey) : undefined));
          return false;
        }
        if (!(await confirmKeyFromArgument(apiKeys, verdict))) {
          log.info('A key passed to Set API Key was not saved: the person did not confirm it.');
          return false;
        }
        await apiKeys.store(check.key);
        if (verdict?.verdict === 'unverified') {
          apiKeys.warnSavedUnchecked(verdict.reason, verdict.useV1);
        }
        apiKeys.lastVerdict = verdict;
      } else if ((await apiKeys.prompt()) === undefined) {
        return false;
      }
      const verdict = apiKeys.lastVerdict as Awaited<ReturnType<KeyVerifier>> | undefined;
      if (verdict?.verdict === 'accepted') {
        void vscode.window.showInformationMessage(vscode.l10n.t('HeyGen API key checked and saved to secret storage: account {0}.', verdict.account));
        return true;
      }
      if (verdict?.verdict === 'unverified') {
        // The warning that it is saved unchecked has been shown.
        return true;
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
      if (hadStoredKey) {
        // Whoever runs it (a keybinding, another extension), the person decides: the key may exist nowhere else.
        const remove = vscode.l10n.t('Remove Key');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('Remove the HeyGen API key from secret storage?'),
          { modal: true, detail: vscode.l10n.t('Uploads will ask for a key again. The key itself stays valid on HeyGen.') },
          remove,
        );
        if (choice !== remove) {
          return false;
        }
      }
      await apiKeys.clear();
      const env = process.env[API_KEY_ENV]?.trim();
      void vscode.window.showInformationMessage(
        !hadStoredKey
          ? vscode.l10n.t('No HeyGen API key was stored in secret storage.')
          : env
          ? vscode.l10n.t('HeyGen API key removed from secret storage. The HEYGEN_API_KEY environment variable is still used.')
          : vscode.l10n.t('HeyGen API key removed from secret storage.'),
      );
      return hadStoredKey;
    },
    { log, failureMessage: (reason) => vscode.l10n.t('The API key could not be removed: {0}', reason) },
  );
}

function trimStop(text: string): string {
  return text.trim().replace(/[.!\s]+$/, '');
}

function withFullStop(text: string): string {
  return `${trimStop(text)}.`;
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
