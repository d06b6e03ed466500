import * as vscode from 'vscode';
import { quickPicks } from '../ui/quickPicks';
import type { AvatarCatalog } from '../../core/avatars/avatarCatalog';
import { lookDetail, voiceDetail } from '../../core/avatars/catalogLabels';
import { planIdInsertion } from '../../core/avatars/idInsertion';
import type { AvatarLook } from '../../core/heygen/avatarsApi';
import type { Voice } from '../../core/heygen/voicesApi';
import type { AvatarService } from './avatarService';

interface Row<T> extends vscode.QuickPickItem {
  entry: T;
}

const PLAY: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('play'), tooltip: vscode.l10n.t('Play Voice Preview') };

/**
 * A quick pick over the catalogue's looks or voices, filterable by name (and id), gender, type or language shown
 * beside each; its rows follow the catalogue while a listing arrives (busy meanwhile). Resolves with the chosen entry.
 */
async function pickFrom<T extends AvatarLook | Voice>(
  catalog: AvatarCatalog,
  options: { title: string; placeholder: string; entries: () => readonly T[]; describe: (entry: T) => string; playable?: boolean },
): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<Row<T>>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const fill = (): void => {
    pick.items = options.entries().map((entry) => ({
      label: entry.name,
      description: options.describe(entry),
      detail: entry.id,
      entry,
      buttons: options.playable && (entry as Voice).previewAudioUrl ? [PLAY] : undefined,
    }));
    pick.busy = catalog.loading;
  };
  fill();
  const listening = catalog.onDidChange(fill);
  pick.onDidTriggerItemButton((e) => void openPreview((e.item.entry as Voice).previewAudioUrl));
  try {
    return (await quickPicks.choose(pick))?.entry;
  } finally {
    listening.dispose();
  }
}

export function pickLook(catalog: AvatarCatalog, title = vscode.l10n.t('Insert Avatar')): Promise<AvatarLook | undefined> {
  return pickFrom(catalog, {
    title,
    placeholder: vscode.l10n.t('Type a name or id to filter your avatar looks'),
    entries: () => catalog.looks(),
    describe: lookDetail,
  });
}

export function pickVoice(catalog: AvatarCatalog, title = vscode.l10n.t('Insert Voice')): Promise<Voice | undefined> {
  return pickFrom(catalog, {
    title,
    placeholder: vscode.l10n.t('Type a name, language or id to filter your voices'),
    entries: () => catalog.voices(),
    describe: voiceDetail,
    playable: true,
  });
}

/** Opens a preview (audio, image, video) outside the editor; true when there was one to open. */
export async function openPreview(url: string | undefined): Promise<boolean> {
  if (!url || !/^https?:\/\//i.test(url)) {
    return false;
  }
  return vscode.env.openExternal(vscode.Uri.parse(url, true));
}

/**
 * Puts the id into the editor: into the avatar or voice string at the cursor, the body's own field, or the whole
 * field at the cursor (see planIdInsertion). Without an editor, or with the cursor outside a file's several bodies,
 * the id goes to the clipboard and the person is told.
 */
export async function insertId(editor: vscode.TextEditor | undefined, kind: 'avatar' | 'voice', id: string): Promise<boolean> {
  if (!editor || editor.document.isClosed) {
    await vscode.env.clipboard.writeText(id);
    void vscode.window.showInformationMessage(vscode.l10n.t('No editor is open, so the id {0} was copied to the clipboard.', id));
    return false;
  }
  const { document } = editor;
  const edit = planIdInsertion(document.getText(), document.offsetAt(editor.selection.active), document.languageId, kind, id);
  if (!edit) {
    await vscode.env.clipboard.writeText(id);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Put the cursor inside the body or item the id belongs to; the id {0} was copied to the clipboard.', id),
    );
    return false;
  }
  const range = new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.end));
  const done = await editor.edit((builder) => builder.replace(range, edit.text));
  if (done) {
    const end = document.positionAt(edit.start + edit.text.length);
    editor.selection = new vscode.Selection(end, end);
  }
  return done;
}

/** The catalogue for a picker: asks for a key when none is set; undefined when the person declines. */
export async function catalogForPicker(service: AvatarService): Promise<AvatarCatalog | undefined> {
  if (!(await service.ensureKey(vscode.l10n.t('Listing your avatars and voices needs your HeyGen API key. It is kept in VS Code’s secret storage.')))) {
    return undefined;
  }
  return service.need();
}
