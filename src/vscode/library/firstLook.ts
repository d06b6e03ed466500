import * as vscode from 'vscode';
import { ContextKey } from '../commands/commandIds';
import type { ApiKeyService } from '../apiKey/apiKeyCommands';
import type { HistoryStore } from '../../core/history/historyStore';
import { firstLookMessage } from '../../core/library/firstLook';
import type { LibraryController } from './libraryController';

export interface FirstLookDeps {
  history: HistoryStore;
  apiKeys: ApiKeyService;
  library: LibraryController;
}

/**
 * The first look at the HeyGen container with a key whose account already holds assets: instead of "No assets
 * uploaded yet", the Assets view says how many the account holds (its message: a welcome text cannot hold a number)
 * and its title offers Show Library (the context key). The count is the Library's listing; see firstLookMessage.
 */
export class FirstLook implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private current: string | undefined;
  private hasKey = false;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly deps: FirstLookDeps) {
    this.disposables = [
      this.changeEmitter,
      deps.history.onDidChange(() => this.update()),
      deps.library.index.onDidChange(() => this.update()),
      deps.apiKeys.onDidChange(() => void this.readKey()),
    ];
    // Secret storage only, never HeyGen: activation asks nothing.
    void this.readKey();
  }

  /** The sentence for the Assets view, or undefined when this is not the first look. */
  get message(): string | undefined {
    return this.current;
  }

  /**
   * The Assets view on screen with a key and no uploads is the person asking to see their assets: when the Library
   * (collapsed, so it lists nothing itself) has not listed this session, page one is asked for the count.
   */
  watch(view: vscode.TreeView<unknown>): vscode.Disposable {
    const ask = (): void => {
      const { library, history } = this.deps;
      if (view.visible && this.hasKey && history.size === 0 && !library.listedThisSession && !library.viewVisible) {
        void library.refresh();
      }
    };
    ask();
    return view.onDidChangeVisibility(ask);
  }

  private async readKey(): Promise<void> {
    this.hasKey = (await this.deps.apiKeys.get()) !== undefined;
    this.update();
  }

  private update(): void {
    const index = this.deps.library.index;
    const listed = this.hasKey && index.fetchedAt !== undefined ? { size: index.size, complete: index.complete } : undefined;
    const next = firstLookMessage(this.deps.history.size, listed);
    if (next === this.current) {
      return;
    }
    this.current = next;
    void vscode.commands.executeCommand('setContext', ContextKey.FirstLook, next !== undefined);
    this.changeEmitter.fire();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
  }
}
