import * as vscode from 'vscode';
import { PAYLOAD_LANGUAGES } from '../../core/payload/payloadLanguages';
import { DROP_MIME_TYPES, MEDIA_EDIT_KIND, type DropPasteDeps } from './mediaInsert';
import { MediaDropProvider } from './dropProvider';
import { MediaPasteProvider } from './pasteProvider';

export function registerDropPasteProviders(context: vscode.ExtensionContext, deps: DropPasteDeps): void {
  // Drop and paste work where payloads are written: the same languages the payload features know.
  const selector = PAYLOAD_LANGUAGES.map((language) => ({ language }));
  context.subscriptions.push(
    vscode.languages.registerDocumentDropEditProvider(selector, new MediaDropProvider(deps), {
      providedDropEditKinds: [MEDIA_EDIT_KIND],
      dropMimeTypes: DROP_MIME_TYPES,
    }),
    vscode.languages.registerDocumentPasteEditProvider(selector, new MediaPasteProvider(deps), {
      providedPasteEditKinds: [MEDIA_EDIT_KIND],
      pasteMimeTypes: DROP_MIME_TYPES,
    }),
  );
}
