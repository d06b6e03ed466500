import * as vscode from 'vscode';
import { CommandId, ContextKey } from '../commands/commandIds';
import { PAYLOAD_SELECTOR } from '../payload/payloadProviders';
import { bodiesIn } from './payloadBody';

/** Typing moves the lenses and the context key a moment after the last keystroke, never per key. */
const DEBOUNCE_MS = 300;

/** "Generate video" above each video body (v2 or v3) of a payload file. Reads the text only; sends nothing. */
export class VideoCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return bodiesIn(document).map((body) => {
      const range = new vscode.Range(document.positionAt(body.range.start), document.positionAt(body.range.start));
      return new vscode.CodeLens(range, {
        title: vscode.l10n.t('Generate video'),
        tooltip:
          body.kind === 'v3'
            ? vscode.l10n.t('Send this body to HeyGen (POST /v3/videos) after a confirmation; rendering spends credits.')
            : vscode.l10n.t('Send this body to HeyGen (POST /v2/video/generate) after a confirmation; rendering spends credits.'),
        command: CommandId.GenerateVideo,
        arguments: [document.uri, body.range.start],
      });
    });
  }

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Registers the lenses and keeps `heygen.editorHasVideoBody` (the editor title's Generate Video) up to date. */
export function registerVideoCodeLens(context: vscode.ExtensionContext): void {
  const lenses = new VideoCodeLensProvider();
  let timer: NodeJS.Timeout | undefined;
  let last: boolean | undefined;
  const update = (): void => {
    const editor = vscode.window.activeTextEditor;
    const has = editor !== undefined && bodiesIn(editor.document).length > 0;
    if (has !== last) {
      last = has;
      void vscode.commands.executeCommand('setContext', ContextKey.EditorHasVideoBody, has);
    }
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(update, DEBOUNCE_MS);
  };
  update();
  context.subscriptions.push(
    lenses,
    vscode.languages.registerCodeLensProvider(PAYLOAD_SELECTOR, lenses),
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && e.contentChanges.length > 0 && later()),
    { dispose: () => clearTimeout(timer) },
  );
}
