import * as vscode from 'vscode';
import type { Logger } from '../../core/base/logger';
import { idProblems } from '../../core/avatars/idProblems';
import type { AvatarService } from './avatarService';
import { DocumentDiagnostics, type DocumentProblems } from '../ui/documentDiagnostics';
import { idFieldsIn, isIdFieldCandidate } from './idFieldDocuments';

/** The same source as the asset problems: the Problems view groups every HeyGen finding together. */
const SOURCE = 'HeyGen';

/**
 * Warnings on avatar and voice ids the account does not have and on engines a look does not support. Read from the
 * lists already in memory or on disk: opening a payload never makes the extension ask HeyGen, so a window where the
 * lists were never needed shows none of these (and a stale listing is never an error).
 */
export class AvatarDiagnostics extends DocumentDiagnostics {
  constructor(
    private readonly service: AvatarService,
    log: Logger,
  ) {
    super('heygen-avatars', 'Avatar problems', log);
    this.subscriptions.push(service.onDidChange((reason) => reason !== 'page' && this.refreshAll()));
    this.refreshAll();
  }

  protected wants(document: vscode.TextDocument): boolean {
    return isIdFieldCandidate(document);
  }

  protected async problemsOf(document: vscode.TextDocument): Promise<DocumentProblems> {
    const fields = document.isClosed ? [] : idFieldsIn(document);
    if (fields.length === 0) {
      return 'clear';
    }
    const version = document.version;
    const catalog = await this.service.catalog();
    if (document.isClosed || document.version !== version) {
      return 'stale';
    }
    const problems = catalog ? idProblems(fields, catalog) : [];
    return problems.map((p) => {
      const diagnostic = new vscode.Diagnostic(new vscode.Range(document.positionAt(p.start), document.positionAt(p.end)), p.message, vscode.DiagnosticSeverity.Warning);
      diagnostic.source = SOURCE;
      diagnostic.code = p.code;
      return diagnostic;
    });
  }
}
