import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';
import type { Log } from '../log/log';
import { showErrorWithLog } from '../log/showLogAction';
import { idFieldAt } from '../../core/avatars/idFields';
import { catalogForPicker, insertId, openPreview, pickLook, pickVoice } from './avatarPickers';
import type { AvatarService } from './avatarService';
import { idFieldsIn } from './idFieldDocuments';

/** Insert Avatar…, Insert Voice…, Play Voice Preview and Refresh Avatars and Voices. */
export function registerAvatarCommands(context: vscode.ExtensionContext, service: AvatarService, log: Log): void {
  const options = { log };

  registerCommand(
    context,
    CommandId.InsertAvatar,
    async () => {
      const catalog = await catalogForPicker(service);
      const look = catalog && (await pickLook(catalog));
      return look ? insertId(vscode.window.activeTextEditor, 'avatar', look.id) : false;
    },
    options,
  );

  registerCommand(
    context,
    CommandId.InsertVoice,
    async () => {
      const catalog = await catalogForPicker(service);
      const voice = catalog && (await pickVoice(catalog));
      return voice ? insertId(vscode.window.activeTextEditor, 'voice', voice.id) : false;
    },
    options,
  );

  // The voice under the cursor when there is one the account has; else a voice picked from the list.
  registerCommand(
    context,
    CommandId.PlayVoicePreview,
    async () => {
      const catalog = await catalogForPicker(service);
      if (!catalog) {
        return undefined;
      }
      const editor = vscode.window.activeTextEditor;
      const field = editor ? idFieldAt(idFieldsIn(editor.document), editor.document.offsetAt(editor.selection.active)) : undefined;
      const voice = (field?.kind === 'voice' ? catalog.voice(field.value.trim()) : undefined) ?? (await pickVoice(catalog, vscode.l10n.t('Play Voice Preview')));
      if (!voice) {
        return undefined;
      }
      if (!(await openPreview(voice.previewAudioUrl))) {
        void vscode.window.showInformationMessage(vscode.l10n.t('HeyGen has no preview of the voice "{0}".', voice.name));
        return undefined;
      }
      return voice.previewAudioUrl;
    },
    options,
  );

  registerCommand(
    context,
    CommandId.RefreshAvatarsAndVoices,
    async () => {
      if (!(await service.ensureKey(vscode.l10n.t('Listing your avatars and voices needs your HeyGen API key. It is kept in VS Code’s secret storage.')))) {
        return undefined;
      }
      const catalog = await service.need();
      if (!catalog) {
        return undefined;
      }
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Listing HeyGen avatars and voices') }, () => catalog.refresh());
      if (catalog.problem) {
        void showErrorWithLog(vscode.l10n.t('The avatars and voices could not be listed: {0}', catalog.problem), () => log.show());
      } else {
        vscode.window.setStatusBarMessage(vscode.l10n.t('Listed {0} avatar looks and {1} voices.', catalog.looks().length, catalog.voices().length), 5_000);
      }
      return { looks: catalog.looks().length, voices: catalog.voices().length, complete: catalog.complete, problem: catalog.problem };
    },
    options,
  );
}
