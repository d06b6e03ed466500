import * as vscode from 'vscode';
import type { Logger } from '../../core/base/logger';
import { idProblems } from '../../core/avatars/idProblems';
import type { AvatarService } from './avatarService';
import { idFieldsIn, isIdFieldCandidate } from './idFieldDocuments';

/** The same source as the asset problems: the Problems view groups every HeyGen finding together. */
const SOURCE = 'HeyGen';
/** Problems update this long after the last keystroke: often enough to follow typing, never per key. */
const DEBOUNCE_MS = 250;

/**
 * Warnings on avatar and voice ids the account does not have and on engines a look does not support. Read from the
 * lists already in memory or on disk: opening a payload never makes the extension ask HeyGen, so a window where the
 * lists were never needed shows none of these (and a stale listing is never an error).
 */
export class AvatarDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('heygen-avatars');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly service: AvatarService,
    private readonly log: Logger,
  ) {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      service.onDidChange((reason) => reason !== 'page' && this.refreshAll()),
    );
    this.refreshAll();
  }

  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      this.schedule(document, DEBOUNCE_MS);
    }
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isIdFieldCandidate(document) && !this.collection.has(document.uri)) {
      return;
    }
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.update(document).catch((error: unknown) => this.log.warn(`Avatar problems of ${document.uri.toString(true)}: ${String(error)}`));
      }, delayMs),
    );
  }

  /** Recomputes the document's problems now; resolves once they are published. */
  async update(document: vscode.TextDocument): Promise<void> {
    const fields = document.isClosed ? [] : idFieldsIn(document);
    if (fields.length === 0) {
      this.collection.delete(document.uri);
      return;
    }
    const version = document.version;
    const catalog = await this.service.catalog();
    if (document.isClosed || document.version !== version) {
      return;
    }
    const problems = catalog ? idProblems(fields, catalog) : [];
    this.collection.set(
      document.uri,
      problems.map((p) => {
        const diagnostic = new vscode.Diagnostic(new vscode.Range(document.positionAt(p.start), document.positionAt(p.end)), p.message, vscode.DiagnosticSeverity.Warning);
        diagnostic.source = SOURCE;
        diagnostic.code = p.code;
        return diagnostic;
      }),
    );
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
