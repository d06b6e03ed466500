import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import { registerCommand, type HeyGenCommandContext } from '../commands/registerCommand';
import type { UploadPort } from '../upload/uploadPort';
import type { Log } from '../log/log';
import { createPhotoAvatar, requestConsent, type AvatarLook } from '../../core/heygen/avatarsApi';
import { waitUntilTrained, type TrainingProgress } from '../../core/avatars/photoTraining';
import { errorMessage } from '../../core/base/errorMessage';
import { HeyGenError } from '../../core/base/heygenError';
import type { KnownAsset } from '../../core/payload/knownAssets';
import { insertId, openPreview } from './avatarPickers';
import type { AvatarService } from './avatarService';

export interface PhotoAvatarDeps {
  service: AvatarService;
  /** Images from the explorer are uploaded first, through the one upload entry point. */
  upload: UploadPort;
  /** The images the history and the library know (the palette offers them). */
  images: { all(): readonly KnownAsset[]; isGone(id: string): boolean };
  log: Log;
}

/** What the command resolves with (for scripts and tests): the new look's id and its group. */
export interface PhotoAvatarResult {
  avatarId: string;
  groupId: string;
  name: string;
  ready: boolean;
}

interface ImageChoice {
  assetId: string;
  name: string;
}

const PHOTO_FILE = /\.(jpe?g|png)$/i;

/** The image of a view row: an upload in the Assets view, or an asset of the Library view. */
function imageOfRow(node: unknown): ImageChoice | 'notAnImage' | undefined {
  const row = node as { record?: { id?: unknown; name?: unknown; fileType?: unknown }; id?: unknown; name?: unknown; fileType?: unknown; library?: { kind?: unknown } };
  const record = row.record ?? row;
  const kind = record.fileType ?? row.library?.kind;
  if (typeof record.id !== 'string') {
    return undefined;
  }
  if (kind !== 'image') {
    return 'notAnImage';
  }
  return { assetId: record.id, name: typeof record.name === 'string' ? record.name : record.id };
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

async function chooseImage(ctx: HeyGenCommandContext, deps: PhotoAvatarDeps): Promise<ImageChoice | undefined> {
  switch (ctx.type) {
    case 'items': {
      const image = imageOfRow(ctx.node);
      if (image === 'notAnImage') {
        void vscode.window.showWarningMessage(vscode.l10n.t('A photo avatar is made from an image (JPEG or PNG).'));
        return undefined;
      }
      return image;
    }
    case 'resources':
      return uploadImage(ctx.uri, deps);
    case 'value': {
      const value = ctx.value as { assetId?: unknown; name?: unknown } | null;
      if (value && typeof value.assetId === 'string' && value.assetId.trim()) {
        return { assetId: value.assetId.trim(), name: typeof value.name === 'string' && value.name ? value.name : value.assetId.trim() };
      }
      return pickImage(deps);
    }
    case 'none':
      return pickImage(deps);
  }
}

async function uploadImage(uri: vscode.Uri, deps: PhotoAvatarDeps): Promise<ImageChoice | undefined> {
  if (!PHOTO_FILE.test(uri.path)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('A photo avatar is made from an image (JPEG or PNG).'));
    return undefined;
  }
  // The upload reports its own failures; a success goes on to the name.
  const result = await deps.upload.upload([uri], { quiet: true });
  const record = result.succeeded[0]?.record;
  return record ? { assetId: record.id, name: record.name } : undefined;
}

interface ImageRow extends vscode.QuickPickItem {
  image?: ImageChoice;
}

async function pickImage(deps: PhotoAvatarDeps): Promise<ImageChoice | undefined> {
  const upload: ImageRow = { label: `$(cloud-upload) ${vscode.l10n.t('Upload an Image File…')}`, description: 'JPEG, PNG', alwaysShow: true };
  const known = deps.images
    .all()
    .filter((a) => a.fileType === 'image' && !deps.images.isGone(a.id))
    .map((a): ImageRow => ({ label: `$(file-media) ${a.name}`, detail: a.id, image: { assetId: a.id, name: a.name } }));
  const picked = await vscode.window.showQuickPick<ImageRow>(known.length > 0 ? [upload, { label: vscode.l10n.t('Uploaded images'), kind: vscode.QuickPickItemKind.Separator }, ...known] : [upload], {
    title: vscode.l10n.t('Create Photo Avatar'),
    placeHolder: vscode.l10n.t('Choose the image the photo avatar is made from'),
    matchOnDetail: true,
  });
  if (!picked) {
    return undefined;
  }
  if (picked.image) {
    return picked.image;
  }
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: vscode.l10n.t('Upload and Create'),
    title: vscode.l10n.t('Create Photo Avatar'),
    filters: { 'JPEG, PNG': ['jpg', 'jpeg', 'png'] },
  });
  return uris?.[0] ? uploadImage(uris[0], deps) : undefined;
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
