import * as vscode from 'vscode';
import { idFieldAt } from '../../core/avatars/idFields';
import { createPhotoAvatarMarkdown, lookMarkdown, voiceMarkdown } from './avatarMarkdown';
import type { AvatarService } from './avatarService';
import { idFieldsIn } from './idFieldDocuments';

/** The images this machine uploaded or the library lists: a talking photo's id may be one of them. */
export interface KnownImages {
  find(id: string): { name: string; fileType: string } | undefined;
}

/**
 * Hover on an avatar, talking-photo or voice id: the look's or voice's facts from the account's lists; an id the
 * account does not have, once a complete listing says so; and on a v2 `talking_photo_id` that holds an uploaded
 * image's id, the offer to make a photo avatar of it. Its own provider: the asset hover of the same string (a
 * talking photo's upload) is shown beside it.
 */
export class AvatarHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly service: AvatarService,
    private readonly images: KnownImages | undefined,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const field = idFieldAt(idFieldsIn(document), document.offsetAt(position));
    const id = field?.value.trim();
    if (!field || !id) {
      return undefined;
    }
    const range = new vscode.Range(document.positionAt(field.contentStart), document.positionAt(field.contentEnd));
    const catalog = await this.service.need();
    if (field.kind === 'voice') {
      const voice = catalog?.voice(id);
      if (voice) {
        return new vscode.Hover(voiceMarkdown(voice), range);
      }
    } else {
      const look = catalog?.look(id);
      if (look) {
        return new vscode.Hover(lookMarkdown(look, catalog!), range);
      }
      if (field.kind === 'talkingPhoto') {
        const image = this.images?.find(id);
        return image && image.fileType !== 'image' ? undefined : new vscode.Hover(createPhotoAvatarMarkdown(id, image?.name), range);
      }
    }
    if (!catalog) {
      return new vscode.Hover(vscode.l10n.t('Set your HeyGen API key to see the avatars and voices of your account.'), range);
    }
    if (catalog.complete) {
      return new vscode.Hover(
        field.kind === 'voice' ? vscode.l10n.t('Your HeyGen account has no voice with this id.') : vscode.l10n.t('Your HeyGen account has no avatar look with this id.'),
        range,
      );
    }
    if (catalog.loading) {
      return new vscode.Hover(vscode.l10n.t('Loading the avatars and voices of your HeyGen account…'), range);
    }
    return catalog.problem ? new vscode.Hover(vscode.l10n.t('The avatars and voices of your account could not be listed: {0}', catalog.problem), range) : undefined;
  }
}
