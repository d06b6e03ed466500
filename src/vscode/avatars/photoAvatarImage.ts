import * as vscode from 'vscode';
import type { HeyGenCommandContext } from '../commands/registerCommand';
import { quickPicks } from '../ui/quickPicks';
import type { UploadPort } from '../upload/uploadPort';
import type { KnownAsset } from '../../core/payload/knownAssets';

/** The uploaded image a photo avatar is made from. */
export interface ImageChoice {
  assetId: string;
  name: string;
}

export interface ImageSources {
  /** Images from the explorer or the open dialog are uploaded first, through the one upload entry point. */
  upload: UploadPort;
  /** The images the history and the library know (the palette offers them). */
  images: { all(): readonly KnownAsset[]; isGone(id: string): boolean };
}

const PHOTO_FILE = /\.(jpe?g|png)$/i;

function notAnImage(): undefined {
  void vscode.window.showWarningMessage(vscode.l10n.t('A photo avatar is made from an image (JPEG or PNG).'));
  return undefined;
}

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
 * The image, wherever the command was run: a row of the Assets or Library view, an image file in the explorer
 * (uploaded first), a hover's offer (`{assetId, name}`), or the palette (a picker of the known images, or a file).
 */
export async function chooseImage(ctx: HeyGenCommandContext, sources: ImageSources): Promise<ImageChoice | undefined> {
  switch (ctx.type) {
    case 'items': {
      const image = imageOfRow(ctx.node);
      return image === 'notAnImage' ? notAnImage() : image;
    }
    case 'resources':
      return uploadImage(ctx.uri, sources);
    case 'value': {
      const value = ctx.value as { assetId?: unknown; name?: unknown } | null;
      if (value && typeof value.assetId === 'string' && value.assetId.trim()) {
        return { assetId: value.assetId.trim(), name: typeof value.name === 'string' && value.name ? value.name : value.assetId.trim() };
      }
      return pickImage(sources);
    }
    case 'none':
      return pickImage(sources);
  }
}

async function uploadImage(uri: vscode.Uri, sources: ImageSources): Promise<ImageChoice | undefined> {
  if (!PHOTO_FILE.test(uri.path)) {
    return notAnImage();
  }
  // The upload reports its own failures; a success goes on to the name.
  const result = await sources.upload.upload([uri], { quiet: true });
  const record = result.succeeded[0]?.record;
  return record ? { assetId: record.id, name: record.name } : undefined;
}

interface ImageRow extends vscode.QuickPickItem {
  image?: ImageChoice;
}

/** The palette's picker: the images already uploaded, filterable by name or id, or a file to upload. */
async function pickImage(sources: ImageSources): Promise<ImageChoice | undefined> {
  const upload: ImageRow = { label: `$(cloud-upload) ${vscode.l10n.t('Upload an Image File…')}`, description: 'JPEG, PNG', alwaysShow: true };
  const known = sources.images
    .all()
    .filter((a) => a.fileType === 'image' && !sources.images.isGone(a.id))
    .map((a): ImageRow => ({ label: `$(file-media) ${a.name}`, detail: a.id, image: { assetId: a.id, name: a.name } }));
  const pick = vscode.window.createQuickPick<ImageRow>();
  pick.title = vscode.l10n.t('Create Photo Avatar');
  pick.placeholder = vscode.l10n.t('Choose the image the photo avatar is made from');
  pick.matchOnDetail = true;
  pick.items = known.length > 0 ? [upload, { label: vscode.l10n.t('Uploaded images'), kind: vscode.QuickPickItemKind.Separator }, ...known] : [upload];
  const picked = await quickPicks.choose(pick);
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
  return uris?.[0] ? uploadImage(uris[0], sources) : undefined;
}
