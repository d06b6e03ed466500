import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import type { CatalogView } from '../../core/avatars/avatarCatalog';
import { avatarTypeLabel, genderLabel, lookStatusLabel, voiceDetail } from '../../core/avatars/catalogLabels';
import { codeSpan, escapeMarkdown, markdownLink, markdownThumbnail, markdownUrl } from '../../core/base/markdown';
import type { AvatarLook } from '../../core/heygen/avatarsApi';
import type { Voice } from '../../core/heygen/voicesApi';

/**
 * What a hover (and a completion item's documentation) says about a look or a voice. Every name and word HeyGen sent
 * goes through the project's escaping (`escapeMarkdown`: one line of literal text), ids as code spans, URLs only as
 * http(s) link targets and the preview only as an https image: server text is never Markdown.
 */
function line(md: vscode.MarkdownString, text: string): void {
  md.appendMarkdown(`${escapeMarkdown(text)}\n\n`);
}

function facts(md: vscode.MarkdownString, name: string, parts: ReadonlyArray<string | undefined>): void {
  const shown = parts.filter((p): p is string => p !== undefined && p !== '');
  md.appendMarkdown(`**${escapeMarkdown(name)}**${shown.length > 0 ? ` — ${escapeMarkdown(shown.join(' · '))}` : ''}\n\n`);
}

function links(md: vscode.MarkdownString, entries: ReadonlyArray<[string, string | undefined]>): void {
  const made = entries.flatMap(([label, url]) => (url && markdownUrl(url) ? [markdownLink(label, url)] : []));
  if (made.length > 0) {
    md.appendMarkdown(`${made.join(' · ')}\n\n`);
  }
}

export function lookMarkdown(look: AvatarLook, catalog: Pick<CatalogView, 'voice'>): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  facts(md, look.name, [genderLabel(look.gender), avatarTypeLabel(look.avatarType), lookStatusLabel(look.status)]);
  // The hover's content security policy shows https images only (a local emulator's plain-http preview is a link).
  const image = look.previewImageUrl ? markdownThumbnail(look.name, { kind: 'image', url: look.previewImageUrl }, 160) : '';
  if (image) {
    md.appendMarkdown(`${image}\n\n`);
  }
  md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('ID: '))}${codeSpan(look.id)}\n\n`);
  if (look.engines.length > 0) {
    line(md, vscode.l10n.t('Engines: {0}', look.engines.join(', ')));
  }
  if (look.defaultVoiceId) {
    const voice = catalog.voice(look.defaultVoiceId);
    line(md, voice ? vscode.l10n.t('Default voice: {0} ({1})', voice.name, voiceDetail(voice)) : vscode.l10n.t('Default voice: {0}', look.defaultVoiceId));
  }
  links(md, [
    [vscode.l10n.t('Preview image'), look.previewImageUrl],
    [vscode.l10n.t('Preview video'), look.previewVideoUrl],
  ]);
  return md;
}

export function voiceMarkdown(voice: Voice): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  facts(md, voice.name, [voiceDetail(voice)]);
  md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('ID: '))}${codeSpan(voice.id)}\n\n`);
  links(md, [[vscode.l10n.t('Play preview audio'), voice.previewAudioUrl]]);
  return md;
}

/** A v2 `talking_photo_id` holding an uploaded image's id rather than a photo avatar's: offer to make one. */
export function createPhotoAvatarMarkdown(assetId: string, imageName: string | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  // Only this one command may run from the hover; the image's name is literal text.
  md.isTrusted = { enabledCommands: [CommandId.CreatePhotoAvatar] };
  md.appendMarkdown(
    escapeMarkdown(
      imageName
        ? vscode.l10n.t('"{0}" is an uploaded image, not one of your photo avatars.', imageName)
        : vscode.l10n.t('This id is not one of your photo avatars.'),
    ),
  );
  const args = encodeURIComponent(JSON.stringify([{ assetId, name: imageName }]));
  md.appendMarkdown(` [${vscode.l10n.t('Create Photo Avatar…')}](command:${CommandId.CreatePhotoAvatar}?${args})`);
  return md;
}
