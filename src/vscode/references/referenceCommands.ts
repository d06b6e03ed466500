/**
 * Find References from an asset, Go to Asset from a payload, and Find All References on an asset id or URL in a
 * payload (issue 25, item 2), all answered from the workspace index.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/base/logger';
import type { HistoryStore } from '../../core/history/historyStore';
import type { LibraryIndex } from '../../core/library/libraryIndex';
import { findAssetReferences, referenceAt } from '../../core/payload/assetReferences';
import { PAYLOAD_LANGUAGES } from '../../core/payload/payloadLanguages';
import type { AssetKey, FileReferences } from '../../core/references/referenceIndex';
import { CommandId, VIEW_ASSETS, VIEW_LIBRARY } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import type { WorkspaceReferences } from './workspaceReferences';

export interface ReferenceCommandDeps {
  references: WorkspaceReferences;
  history: Pick<HistoryStore, 'get' | 'all'>;
  library: { index: Pick<LibraryIndex, 'get'>; reveal(id: string, options?: { focus?: boolean }): Promise<boolean> };
  assetTree: { reveal(id: string): Promise<void> };
  log: Logger;
}

type NamedAsset = AssetKey & { name: string };

/** The asset a view row, an asset record or an id names. */
export function assetOfArgument(arg: unknown, deps: Pick<ReferenceCommandDeps, 'history' | 'library'>): NamedAsset | undefined {
  if (typeof arg === 'string') {
    const known = deps.history.get(arg) ?? deps.library.index.get(arg);
    return { id: arg, url: known?.url ?? undefined, name: known?.name ?? arg };
  }
  if (typeof arg !== 'object' || arg === null) {
    return undefined;
  }
  const node = arg as { type?: unknown; record?: unknown; library?: unknown };
  const source = (node.type === 'asset' && node.record) || node.library || arg;
  const { id, url, name } = source as { id?: unknown; url?: unknown; name?: unknown };
  if (typeof id !== 'string') {
    return undefined;
  }
  return { id, url: typeof url === 'string' ? url : (deps.history.get(id)?.url ?? undefined), name: typeof name === 'string' && name ? name : id };
}

export function toLocations(found: readonly FileReferences[]): vscode.Location[] {
  return found.flatMap((f) => f.references.map((r) => new vscode.Location(vscode.Uri.file(f.file), new vscode.Range(r.line, r.character, r.endLine, r.endCharacter))));
}

export function registerReferenceCommands(context: vscode.ExtensionContext, deps: ReferenceCommandDeps): void {
  const { references, log } = deps;

  registerCommand(
    context,
    CommandId.FindAssetReferences,
    async (_parsed, arg) => {
      const asset = assetOfArgument(arg, deps);
      if (!asset) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Select an asset in the HeyGen Assets or Library view first.'));
        return [];
      }
      await references.whenReady();
      const locations = toLocations(references.referencesTo(asset));
      if (locations.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No payload in this workspace uses "{0}".', asset.name));
        return [];
      }
      const first = locations[0];
      await vscode.window.showTextDocument(first.uri, { selection: first.range, preview: true });
      await vscode.commands.executeCommand('editor.action.showReferences', first.uri, first.range.start, locations);
      return locations;
    },
    { log },
  );

  registerCommand(
    context,
    CommandId.GoToAsset,
    async () => {
      const editor = vscode.window.activeTextEditor;
      const value = editor ? valueAt(editor.document, editor.selection.active) : undefined;
      if (!value) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Place the cursor on an asset id or URL in a payload first.'));
        return undefined;
      }
      const record = deps.history.get(value) ?? deps.history.all().find((r) => r.url === value);
      if (record) {
        await vscode.commands.executeCommand(`${VIEW_ASSETS}.focus`);
        await deps.assetTree.reveal(record.id);
        return { view: VIEW_ASSETS, id: record.id };
      }
      if (deps.library.index.get(value)) {
        await vscode.commands.executeCommand(`${VIEW_LIBRARY}.focus`);
        if (await deps.library.reveal(value, { focus: true })) {
          return { view: VIEW_LIBRARY, id: value };
        }
      }
      void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" is not in your HeyGen Assets or Library.', value));
      return undefined;
    },
    { log },
  );

  // Find All References (Shift+F12, the References view) on an asset id or URL in any payload file.
  context.subscriptions.push(
    vscode.languages.registerReferenceProvider(
      PAYLOAD_LANGUAGES.map((language) => ({ language, scheme: 'file' })),
      {
        provideReferences: async (document, position) => {
          const value = valueAt(document, position);
          if (!value) {
            return undefined;
          }
          await references.whenReady();
          return toLocations(references.referencesTo({ id: value }));
        },
      },
    ),
  );
}

/** The asset id or URL of the payload reference at `position`, if any. */
function valueAt(document: vscode.TextDocument, position: vscode.Position): string | undefined {
  const found = referenceAt(findAssetReferences(document.getText(), document.languageId), document.offsetAt(position));
  return found && found.value !== '' ? found.value : undefined;
}
