import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import type { AvatarCatalog } from '../../core/avatars/avatarCatalog';
import { completionEntries, type CompletionEntry } from '../../core/avatars/idCompletion';
import { idFieldAt, type IdField } from '../../core/avatars/idFields';
import { escapedFor } from '../../core/avatars/idInsertion';
import { lookMarkdown, voiceMarkdown } from './avatarMarkdown';
import type { AvatarService } from './avatarService';
import { idFieldsIn } from './idFieldDocuments';

/** A completion answered while the lists were still arriving, in this kind of field of this document. */
interface Waiting {
  uri: string;
  kind: IdField['kind'];
  /** Whether that answer had entries already: then only the whole listing is worth reopening the list for. */
  hadEntries: boolean;
}

/**
 * Completion inside `avatar_id`, `talking_photo_id` and `voice_id` strings: the account's looks or voices, answered
 * at once from what is in memory (never waiting for HeyGen: typing is never held up). While a first listing is
 * arriving the answer is incomplete, with a "Loading…" row; when the listing lands and the cursor is still in such a
 * field, the suggestions are opened again (reopenSuggestions) so the person sees the real entries without typing another
 * character.
 */
export class AvatarCompletionProvider implements vscode.CompletionItemProvider, vscode.Disposable {
  private waiting: Waiting | undefined;
  /** Counts the service's changes: one during the await in provideCompletionItems means its answer is already old. */
  private changes = 0;
  private readonly entries = new WeakMap<vscode.CompletionItem, { entry: CompletionEntry; catalog: AvatarCatalog }>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: AvatarService) {
    this.subscription = service.onDidChange((reason) => {
      this.changes += 1;
      const waiting = this.waiting;
      if (!waiting || !(reason === 'listing' || reason === 'problem' || (reason === 'page' && !waiting.hadEntries))) {
        return;
      }
      this.waiting = undefined;
      // Still in such a field (having typed on meanwhile, which an incomplete list answered with the same rows): the
      // suggestions open again with the real entries, filtered by what is typed.
      const editor = vscode.window.activeTextEditor;
      if (editor && editor.document.uri.toString() === waiting.uri && editor.selection.isEmpty) {
        const here = idFieldAt(idFieldsIn(editor.document), editor.document.offsetAt(editor.selection.active));
        if (here?.kind === waiting.kind) {
          void reopenSuggestions();
        }
      }
    });
  }

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionList | undefined> {
    const offset = document.offsetAt(position);
    const field = idFieldAt(idFieldsIn(document), offset);
    if (!field) {
      return undefined;
    }
    const here = new vscode.Range(position, position);
    const changesBefore = this.changes;
    const catalog = await this.service.need();
    if (!catalog) {
      const item = new vscode.CompletionItem(vscode.l10n.t('Set Your HeyGen API Key to List Avatars and Voices…'), vscode.CompletionItemKind.Event);
      item.range = here;
      item.insertText = '';
      item.command = { command: CommandId.SetApiKey, title: vscode.l10n.t('Set API Key') };
      return new vscode.CompletionList([item], true);
    }
    const typed = document.getText(new vscode.Range(document.positionAt(field.contentStart), position));
    const answer = completionEntries(catalog, field.kind, typed);
    const items = answer.entries.map((entry) => this.item(entry, field, document, position, catalog));
    if (!catalog.complete) {
      if (catalog.loading) {
        items.push(statusRow(field.kind === 'voice' ? vscode.l10n.t('Loading voices…') : vscode.l10n.t('Loading avatars…'), here));
        this.waiting = { uri: document.uri.toString(), kind: field.kind, hadEntries: items.length > 1 };
        if (this.changes !== changesBefore) {
          // The listing landed while this answer was being made: its event came before there was anyone waiting.
          // The suggestions open again once this (old) answer is shown.
          this.waiting = undefined;
          setTimeout(() => void reopenSuggestions(), 0);
        }
      } else if (catalog.problem) {
        const row = statusRow(vscode.l10n.t('Could not list them: {0}', catalog.problem), here);
        row.command = { command: CommandId.RefreshAvatarsAndVoices, title: vscode.l10n.t('Refresh Avatars and Voices') };
        items.push(row);
      }
    }
    return new vscode.CompletionList(items, answer.incomplete);
  }

  /** The documentation is made when the person looks at an item, not for every row of every answer. */
  resolveCompletionItem(item: vscode.CompletionItem): vscode.CompletionItem {
    const known = this.entries.get(item);
    if (known) {
      const { entry, catalog } = known;
      item.documentation = entry.look ? lookMarkdown(entry.look, catalog) : entry.voice ? voiceMarkdown(entry.voice) : undefined;
    }
    return item;
  }

  private item(entry: CompletionEntry, field: IdField, document: vscode.TextDocument, position: vscode.Position, catalog: AvatarCatalog): vscode.CompletionItem {
    const item = new vscode.CompletionItem(entry.label, entry.voice ? vscode.CompletionItemKind.Value : vscode.CompletionItemKind.User);
    item.detail = entry.detail;
    const replacing = new vscode.Range(document.positionAt(field.contentStart), document.positionAt(field.contentEnd));
    item.range = { inserting: new vscode.Range(replacing.start, position), replacing };
    item.insertText = escapedFor(entry.id, field.dialect, field.quote);
    item.filterText = entry.filterText;
    item.sortText = entry.sortText;
    this.entries.set(item, { entry, catalog });
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/**
 * Asks for the suggestions again. Trigger Suggest does nothing while the suggestions are shown (its precondition is
 * `!suggestWidgetVisible`, VS Code 1.99 to 1.139), which is exactly when a "Loading…" answer is on screen: the widget
 * is closed first (a no-op when it is not open).
 */
async function reopenSuggestions(): Promise<void> {
  await vscode.commands.executeCommand('hideSuggestWidget');
  await vscode.commands.executeCommand('editor.action.triggerSuggest');
}

/** A row that says something (loading, a failure): it inserts nothing and is never filtered away. */
function statusRow(label: string, here: vscode.Range): vscode.CompletionItem {
  const row = new vscode.CompletionItem(label, vscode.CompletionItemKind.Event);
  row.range = here;
  row.insertText = '';
  row.filterText = '';
  row.sortText = '~';
  row.command = { command: 'editor.action.triggerSuggest', title: label };
  return row;
}
