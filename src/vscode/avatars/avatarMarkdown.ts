import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import type { CatalogView } from '../../core/avatars/avatarCatalog';
import { avatarTypeLabel, genderLabel, lookStatusLabel, voiceDetail } from '../../core/avatars/catalogLabels';
import { codeSpan, markdownUrl } from '../../core/base/markdown';
import type { AvatarLook } from '../../core/heygen/avatarsApi';
import type { Voice } from '../../core/heygen/voicesApi';

/**
 * What a hover (and a completion item's documentation) says about a look or a voice. Every name and word HeyGen sent
 * is appended as text (escaped), ids as code spans, URLs only as http(s) link targets: server text is never Markdown.
 */
function facts(md: vscode.MarkdownString, name: string, parts: ReadonlyArray<string | undefined>): void {
  md.appendMarkdown('**');
  md.appendText(name);
  md.appendMarkdown('**');
  const shown = parts.filter((p): p is string => p !== undefined && p !== '');
  if (shown.length > 0) {
    md.appendText(` — ${shown.join(' · ')}`);
  }
  md.appendMarkdown('\n\n');
}

function links(md: vscode.MarkdownString, entries: ReadonlyArray<[string, string | undefined]>): void {
  const made = entries.flatMap(([label, url]) => {
    const target = url ? markdownUrl(url) : undefined;
    return target ? [`[${label}](${target})`] : [];
  });
  if (made.length > 0) {
    md.appendMarkdown(`${made.join(' · ')}\n\n`);
  }
}

export function lookMarkdown(look: AvatarLook, catalog: Pick<CatalogView, 'voice'>): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  facts(md, look.name, [genderLabel(look.gender), avatarTypeLabel(look.avatarType), lookStatusLabel(look.status)]);
  // The hover's content security policy shows https images only (a local emulator's plain-http preview is a link).
  const image = look.previewImageUrl && /^https:/i.test(look.previewImageUrl) ? markdownUrl(look.previewImageUrl) : undefined;
  if (image) {
    md.appendMarkdown(`![${vscode.l10n.t('Preview')}](${image}|width=160)\n\n`);
  }
  md.appendText(vscode.l10n.t('ID: '));
  md.appendMarkdown(`${codeSpan(look.id)}\n\n`);
  if (look.engines.length > 0) {
    md.appendText(vscode.l10n.t('Engines: {0}', look.engines.join(', ')));
    md.appendMarkdown('\n\n');
  }
  if (look.defaultVoiceId) {
    const voice = catalog.voice(look.defaultVoiceId);
    md.appendText(voice ? vscode.l10n.t('Default voice: {0} ({1})', voice.name, voiceDetail(voice)) : vscode.l10n.t('Default voice: {0}', look.defaultVoiceId));
    md.appendMarkdown('\n\n');
  }
  links(md, [
    [vscode.l10n.t('Preview image'), look.previewImageUrl],
    [vscode.l10n.t('Preview video'), look.previewVideoUrl],
  ]);
  return md;
}

export function voiceMarkdown(voice: Voice): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  facts(md, voice.name, [voiceDetail(voice)]);
  md.appendText(vscode.l10n.t('ID: '));
  md.appendMarkdown(`${codeSpan(voice.id)}\n\n`);
  links(md, [[vscode.l10n.t('Play preview audio'), voice.previewAudioUrl]]);
  return md;
}

/** A v2 `talking_photo_id` holding an uploaded image's id rather than a photo avatar's: offer to make one. */
export function createPhotoAvatarMarkdown(assetId: string, imageName: string | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [CommandId.CreatePhotoAvatar] };
  md.appendText(
    imageName
      ? vscode.l10n.t('"{0}" is an uploaded image, not one of your photo avatars.', imageName)
      : vscode.l10n.t('This id is not one of your photo avatars.'),
  );
  const args = encodeURIComponent(JSON.stringify([{ assetId, name: imageName }]));
  md.appendMarkdown(` [${vscode.l10n.t('Create Photo Avatar…')}](command:${CommandId.CreatePhotoAvatar}?${args})`);
  return md;
}
