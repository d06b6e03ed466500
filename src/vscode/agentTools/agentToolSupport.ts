import * as vscode from 'vscode';
import type { LibrarySource } from '../../core/agentTools/findAssets';
import type { AssetRecord } from '../../core/base/assetRecord';
import type { Logger } from '../../core/base/logger';
import type { Configuration } from '../configuration/configuration';
import type { UploadPort } from '../upload/uploadPort';
import type { snippetEditRequest } from '../payload/snippetCommands';
import type { VideoPort } from '../videos/videoPort';

type SnippetSettings = Parameters<typeof snippetEditRequest>[4];

export interface AgentToolDeps {
  /** The one upload entry point of the commands: same engine, limits, reuse, settings and progress notification. */
  upload: UploadPort;
  history: { all(): readonly AssetRecord[]; get(id: string): AssetRecord | undefined };
  /** The account's library cache (`LibraryIndex`), when the extension keeps one. */
  library?: LibrarySource;
  /** The upload settings the confirmation names, and whatever settings Insert's fragments read. */
  config: Pick<Configuration, 'apiVersion' | 'apiBaseUrl' | 'uploadUrl' | 'maxUploadBytes'> & SnippetSettings;
  log: Logger & { scrub(text: string): string };
  /**
   * Whether a key is set now (stored or HEYGEN_API_KEY). The port reports a declined key prompt as a cancelled batch;
   * this tells the model the difference, so it can ask the person to set the key.
   */
  hasApiKey?(): Promise<boolean>;
  /** Generate and follow videos (`heygen_generate_video`, `heygen_get_video`), when the videos feature is wired in. */
  videos?: VideoPort;
}

/** Every result passes through the log's redaction, so the key cannot reach a model even if a message held it. */
export function textResult(deps: Pick<AgentToolDeps, 'log'>, text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(deps.log.scrub(text))]);
}
