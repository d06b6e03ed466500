import * as vscode from 'vscode';
import type { ApiKeyService } from '../apiKey/apiKeyCommands';
import type { Configuration } from '../configuration/configuration';
import type { Log } from '../log/log';
import type { SessionStart } from '../activation/sessionStart';
import type { UploadPort } from '../upload/uploadPort';
import { FIND_AVATARS_AND_VOICES_TOOL } from '../../core/avatars/findAvatarsAndVoices';
import type { KnownAssets } from '../../core/payload/knownAssets';
import { registerAvatarCommands } from './avatarCommands';
import { AvatarCompletionProvider } from './avatarCompletion';
import { AvatarDiagnostics } from './avatarDiagnostics';
import { AvatarHoverProvider } from './avatarHover';
import { AvatarService, avatarsTestApi, type AvatarsTestApi } from './avatarService';
import { FindAvatarsAndVoicesTool } from './findAvatarsTool';
import { ID_FIELD_SELECTOR } from './idFieldDocuments';
import { registerPhotoAvatarCommand } from './photoAvatarCommand';

export interface AvatarDeps {
  config: Configuration;
  apiKeys: ApiKeyService;
  log: Log;
  session: SessionStart;
  upload: UploadPort;
  /** The history's and the library's assets: images to make photo avatars of, and what a talking photo id names. */
  known: KnownAssets;
}

/**
 * Avatars and voices (issue 24): the account's looks and voices, cached per key and base URL, listed when first
 * needed (never at activation); completion, hover and problems in payloads as providers of their own; the pickers,
 * photo avatars, the refresh command and the agent tool.
 */
export function registerAvatarFeatures(context: vscode.ExtensionContext, deps: AvatarDeps): AvatarsTestApi {
  const service = new AvatarService({ ...deps, storageDir: context.globalStorageUri.fsPath });
  const completion = new AvatarCompletionProvider(service);
  context.subscriptions.push(
    service,
    completion,
    vscode.languages.registerCompletionItemProvider(ID_FIELD_SELECTOR, completion, '"', "'", '`'),
    vscode.languages.registerHoverProvider(ID_FIELD_SELECTOR, new AvatarHoverProvider(service, deps.known)),
    new AvatarDiagnostics(service, deps.log),
    vscode.lm.registerTool(FIND_AVATARS_AND_VOICES_TOOL, new FindAvatarsAndVoicesTool(service, deps.log)),
  );
  registerAvatarCommands(context, service, deps.log);
  registerPhotoAvatarCommand(context, { service, upload: deps.upload, images: deps.known, log: deps.log });
  return avatarsTestApi(service);
}
