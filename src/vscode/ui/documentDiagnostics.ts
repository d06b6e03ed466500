import * as vscode from 'vscode';
import type { Logger } from '../../core/base/logger';

/** Problems update this long after the last keystroke: often enough to follow typing, never per key. */
const DEBOUNCE_MS = 250;

/**
 * What one pass over a document found: its problems; 'clear' when it can have none (its entry goes); 'stale' when
 * its text changed meanwhile (a newer pass is scheduled for the newer text).
 */
export type DocumentProblems = vscode.Diagnostic[] | 'clear' | 'stale';

/**
 * The problems of open documents in one collection: computed when a document opens, a moment after the person stops
 * typing (never per keystroke) and on `refreshAll`; dropped when it closes. Subclasses say which documents can have
 * problems and what they are.
 */
export abstract class DocumentDiagnostics implements vscode.Disposable {
  readonly collection: vscode.DiagnosticCollection;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  protected readonly subscriptions: vscode.Disposable[] = [];

  /** `what` names the problems in the log line of a pass that failed ("Payload problems"). */
  constructor(
    name: string,
    private readonly what: string,
    protected readonly log: Logger,
  ) {
    this.collection = vscode.languages.createDiagnosticCollection(name);
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
    );
  }

  /** Whether the document can have these problems at all; others are passed over unless they still show some. */
  protected abstract wants(document: vscode.TextDocument): boolean;

  protected abstract problemsOf(document: vscode.TextDocument): Promise<DocumentProblems>;

  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      this.schedule(document, DEBOUNCE_MS);
    }
  }

  schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!this.wants(document) && !this.collection.has(document.uri)) {
      return;
    }
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.update(document).catch((error: unknown) => this.log.warn(`${this.what} of ${document.uri.toString(true)}: ${String(error)}`));
    }, delayMs);
    this.timers.set(key, timer);
  }

  /** Recomputes the document's problems now; resolves once they are published. */
  async update(document: vscode.TextDocument): Promise<void> {
    const problems = await this.problemsOf(document);
    if (problems === 'clear') {
      this.collection.delete(document.uri);
    } else if (problems !== 'stale') {
      this.collection.set(document.uri, problems);
    }
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.collection.delete(document.uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }
    this.timers.clear();
    vscode.Disposable.from(...this.subscriptions.splice(0)).dispose();
  }
}
