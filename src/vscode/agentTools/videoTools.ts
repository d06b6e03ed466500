import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  GENERATE_VIDEO_TOOL,
  GET_VIDEO_TOOL,
  localPathsInBody,
  parseGenerateInput,
  parseGetVideoInput,
  startedResultText,
  videoFacts,
  videoResultText,
} from '../../core/agentTools/videoTools';
import { refusalText } from '../../core/agentTools/toolResult';
import { errorMessage } from '../../core/base/errorMessage';
import type { BodySummary } from '../../core/videos/bodyRequirements';
import type { VideoPort } from '../videos/videoPort';
import { textResult, type AgentToolDeps } from './agentToolSupport';

/** A relative path belongs to the first workspace folder. */
function resolvePayload(file: string): vscode.Uri | undefined {
  if (path.isAbsolute(file)) {
    return vscode.Uri.file(file);
  }
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder ? vscode.Uri.file(path.join(folder.uri.fsPath, file)) : undefined;
}

function describe(summary: BodySummary): string {
  return summary.api === 'v3' ? summary.type : vscode.l10n.t('v2 video_inputs ({0} scenes)', summary.scenes ?? 0);
}

/**
 * `heygen_generate_video`: a payload file (its local files uploaded and replaced first, as the command does) or a
 * body given as data, started after the tool's confirmation, which names the title, the type and that credits are
 * spent. Returns the video id and status; the editor watches and saves it.
 */
export class GenerateVideoTool implements vscode.LanguageModelTool<unknown> {
  constructor(
    private readonly deps: AgentToolDeps,
    private readonly videos: VideoPort,
  ) {}

  async prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<unknown>): Promise<vscode.PreparedToolInvocation> {
    const parsed = parseGenerateInput(options.input);
    let summary: BodySummary | undefined;
    let from: string | undefined;
    if (parsed.valid && parsed.value.kind === 'body') {
      summary = this.videos.summarizeBody(parsed.value.api, parsed.value.body);
    } else if (parsed.valid && parsed.value.kind === 'file') {
      const uri = resolvePayload(parsed.value.path);
      const read = uri ? await this.videos.summarizeFile(uri).catch(() => undefined) : undefined;
      summary = read?.ok ? read.summary : undefined;
      from = uri ? vscode.workspace.asRelativePath(uri) : undefined;
    }
    if (!summary) {
      // Nothing will be sent, so there is nothing to approve: the result says what was wrong.
      return { invocationMessage: vscode.l10n.t('Checking the HeyGen video body') };
    }
    const lines = [
      vscode.l10n.t('Rendering this video spends credits from your HeyGen account.'),
      vscode.l10n.t('Title: {0}', summary.title ?? vscode.l10n.t('(none)')),
      vscode.l10n.t('Type: {0}', describe(summary)),
      ...(from ? [vscode.l10n.t('Payload: {0} (local files in it are uploaded first)', from)] : []),
    ];
    return {
      invocationMessage: vscode.l10n.t('Starting a HeyGen video'),
      // Plain text: a tool called outside a chat is confirmed in a dialog that shows Markdown escapes as they are.
      confirmationMessages: { title: vscode.l10n.t('Generate a HeyGen video?'), message: lines.join('\n') },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<unknown>): Promise<vscode.LanguageModelToolResult> {
    const { deps, videos } = this;
    const parsed = parseGenerateInput(options.input);
    if (!parsed.valid) {
      return textResult(deps, refusalText(parsed.reason));
    }
    const input = parsed.value;
    let uri: vscode.Uri | undefined;
    if (input.kind === 'file') {
      uri = resolvePayload(input.path);
      if (!uri) {
        return textResult(deps, refusalText(vscode.l10n.t('"{0}" is a relative path, but no folder is open in the editor; give an absolute path.', input.path)));
      }
    } else {
      const local = localPathsInBody(input.body);
      if (local.length > 0) {
        return textResult(
          deps,
          refusalText(vscode.l10n.t('The body names local files ({0}); write it to a payload file and pass its path, so they are uploaded first, or upload them with heygen_upload_assets.', local.join(', '))),
        );
      }
    }
    const apiKey = await videos.ensureKey();
    if (!apiKey) {
      return textResult(deps, refusalText(vscode.l10n.t('No HeyGen API key is set, so no video was started; the person can set one with the command HeyGen: Set API Key.')));
    }
    try {
      const started = uri ? await videos.startFile(uri, apiKey) : input.kind === 'body' ? await videos.startBody(input.api, input.body, apiKey) : undefined;
      if (!started || 'stopped' in started) {
        return textResult(deps, refusalText(started?.stopped ?? vscode.l10n.t('No video was started.')));
      }
      deps.log.info(`Agent tool: started video ${started.videoId}.`);
      return textResult(
        deps,
        startedResultText({ videoId: started.videoId, status: started.status, api: started.api, type: started.api === 'v3' ? 'v3' : 'v2', title: started.title, savesTo: started.target }),
      );
    } catch (error) {
      return textResult(deps, refusalText(vscode.l10n.t('HeyGen did not start the video: {0}', errorMessage(error))));
    }
  }
}

/** `heygen_get_video`: status, duration, and once completed the saved file or the video's page; never a presigned URL. */
export class GetVideoTool implements vscode.LanguageModelTool<unknown> {
  constructor(
    private readonly deps: AgentToolDeps,
    private readonly videos: VideoPort,
  ) {}

  prepareInvocation(): vscode.PreparedToolInvocation {
    return { invocationMessage: vscode.l10n.t('Asking HeyGen about a video') };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<unknown>): Promise<vscode.LanguageModelToolResult> {
    const parsed = parseGetVideoInput(options.input);
    if (!parsed.valid) {
      return textResult(this.deps, refusalText(parsed.reason));
    }
    try {
      const { info, file } = await this.videos.status(parsed.value);
      return textResult(this.deps, videoResultText(videoFacts(info, file)));
    } catch (error) {
      return textResult(this.deps, refusalText(vscode.l10n.t('HeyGen could not say how video {0} is: {1}', parsed.value, errorMessage(error))));
    }
  }
}

/** The two video tools, when the videos feature is wired in. */
export function videoTools(deps: AgentToolDeps): vscode.Disposable[] {
  const videos = deps.videos;
  return videos ? [vscode.lm.registerTool(GENERATE_VIDEO_TOOL, new GenerateVideoTool(deps, videos)), vscode.lm.registerTool(GET_VIDEO_TOOL, new GetVideoTool(deps, videos))] : [];
}
