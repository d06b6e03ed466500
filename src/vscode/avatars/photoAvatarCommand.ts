import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import { registerCommand, type HeyGenCommandContext } from '../commands/registerCommand';
import type { Log } from '../log/log';
import { createPhotoAvatar, requestConsent, type AvatarLook } from '../../core/heygen/avatarsApi';
import { waitUntilTrained, type TrainingProgress } from '../../core/avatars/photoTraining';
import { errorMessage } from '../../core/base/errorMessage';
import { HeyGenError } from '../../core/base/heygenError';
import { insertId, openPreview } from './avatarPickers';
import { chooseImage, type ImageSources } from './photoAvatarImage';
import type { AvatarService } from './avatarService';

export interface PhotoAvatarDeps extends ImageSources {
  service: AvatarService;
  log: Log;
}

/** What the command resolves with (for scripts and tests): the new look's id and its group. */
export interface PhotoAvatarResult {
  avatarId: string;
  groupId: string;
  name: string;
  ready: boolean;
}

/**
 * "Create Photo Avatar…" on an image of the Assets or Library view, an image in the explorer (uploaded first), a
 * hover's offer (`{assetId, name}`), or the palette (an image the extension knows, or a file to upload): asks for a
 * name, creates the photo avatar, opens HeyGen's consent page when HeyGen asks for consent, follows the training in
 * a cancellable notification, and ends with the new avatar's id, offering Insert into Payload and Copy ID. The new
 * look is in completion from the moment HeyGen answers.
 */
export function registerPhotoAvatarCommand(context: vscode.ExtensionContext, deps: PhotoAvatarDeps): void {
  registerCommand(context, CommandId.CreatePhotoAvatar, (ctx) => createFrom(ctx, deps), {
    log: deps.log,
    failureMessage: (reason) => vscode.l10n.t('The photo avatar could not be created: {0}', reason),
  });
}

async function createFrom(ctx: HeyGenCommandContext, deps: PhotoAvatarDeps): Promise<PhotoAvatarResult | undefined> {
  const editor = vscode.window.activeTextEditor;
  const image = await chooseImage(ctx, deps);
  if (!image) {
    return undefined;
  }
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Create Photo Avatar'),
    prompt: vscode.l10n.t('A name for the photo avatar made from "{0}"', image.name),
    value: path.parse(image.name).name || image.name,
    validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('The photo avatar needs a name.') : value.length > 200 ? vscode.l10n.t('At most 200 characters.') : undefined),
  });
  if (name === undefined || name.trim() === '') {
    return undefined;
  }
  if (!(await deps.service.ensureKey(vscode.l10n.t('Creating a photo avatar needs your HeyGen API key. It is kept in VS Code’s secret storage.')))) {
    return undefined;
  }
  const catalog = await deps.service.catalog();
  const endpoint = await deps.service.endpoint();
  const trimmed = name.trim();
  const created = await createPhotoAvatar(endpoint, { name: trimmed, assetId: image.assetId });
  deps.log.info(`Photo avatar "${trimmed}" created from asset ${image.assetId}: look ${created.look.id}, group ${created.groupId}${created.consent === 'pending' ? ', waiting for consent' : ''}.`);
  catalog?.putLook(created.look);
  if (created.consent === 'pending') {
    void askForConsent(deps, created.groupId, trimmed);
  }
  const look = await follow(deps, created, trimmed, (l) => catalog?.putLook(l));
  if (!look) {
    return { avatarId: created.look.id, groupId: created.groupId, name: trimmed, ready: false };
  }
  void offerInsert(editor, look, trimmed);
  return { avatarId: look.id, groupId: created.groupId, name: trimmed, ready: true };
}

/** HeyGen waits for the person's consent before training: its page opens from the notification. */
async function askForConsent(deps: PhotoAvatarDeps, groupId: string, name: string): Promise<void> {
  try {
    const url = await requestConsent(await deps.service.endpoint(), groupId);
    const open = vscode.l10n.t('Open Consent Page');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('HeyGen needs your consent before it trains the photo avatar "{0}".', name), open);
    if (choice === open) {
      await openPreview(url);
    }
  } catch (error) {
    deps.log.warn(`The consent page of photo avatar group ${groupId} could not be asked for: ${errorMessage(error)}`);
    void vscode.window.showWarningMessage(vscode.l10n.t('HeyGen needs your consent before it trains "{0}", but its consent page could not be found: {1}', name, errorMessage(error)));
  }
}

/** The training in a cancellable notification; undefined when the person stopped following it. */
async function follow(
  deps: PhotoAvatarDeps,
  created: { look: AvatarLook; groupId: string },
  name: string,
  update: (look: AvatarLook) => void,
): Promise<AvatarLook | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Photo avatar "{0}"', name), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      progress.report({ message: vscode.l10n.t('HeyGen is training it (usually 30 to 90 seconds)…') });
      let lastStatus = created.look.status;
      try {
        return await waitUntilTrained(deps.service.source, { lookId: created.look.id, groupId: created.groupId, name }, {
          signal: abort.signal,
          onProgress: (p: TrainingProgress) => {
            const seconds = Math.round(p.elapsedMs / 1000);
            progress.report({
              message:
                p.stage === 'pending_consent'
                  ? vscode.l10n.t('Waiting for your consent ({0} s)…', seconds)
                  : p.stage === 'processing'
                    ? vscode.l10n.t('Training ({0} s)…', seconds)
                    : vscode.l10n.t('Ready.'),
            });
            if (p.look && p.look.status !== lastStatus) {
              lastStatus = p.look.status;
              update(p.look);
            }
          },
        });
      } catch (error) {
        if (error instanceof HeyGenError && error.kind === 'cancelled') {
          void vscode.window.showInformationMessage(
            vscode.l10n.t('Stopped following "{0}". HeyGen keeps training it; its id is {1}.', name, created.look.id),
          );
          return undefined;
        }
        throw error;
      } finally {
        cancel.dispose();
      }
    },
  );
}

async function offerInsert(editor: vscode.TextEditor | undefined, look: AvatarLook, name: string): Promise<void> {
  const insert = vscode.l10n.t('Insert into Payload');
  const copy = vscode.l10n.t('Copy ID');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('The photo avatar "{0}" is ready: {1}', name, look.id), insert, copy);
  if (choice === insert) {
    const target = vscode.window.activeTextEditor ?? (editor && !editor.document.isClosed ? editor : undefined);
    await insertId(target, 'avatar', look.id);
  } else if (choice === copy) {
    await vscode.env.clipboard.writeText(look.id);
  }
}
