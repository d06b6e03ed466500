import * as vscode from 'vscode';
import type { Log } from '../log/log';
import { findAvatarsAndVoices, findAvatarsResultText, parseFindAvatarsInput } from '../../core/avatars/findAvatarsAndVoices';
import type { AvatarService } from './avatarService';

/**
 * `heygen_find_avatars_and_voices`: the account's looks and voices for agent mode. Reads (HeyGen's lists, once a day
 * at most), so no confirmation; waits for a listing under way, since an agent is not typing. Every result passes
 * through the log's redaction.
 */
export class FindAvatarsAndVoicesTool implements vscode.LanguageModelTool<unknown> {
  constructor(
    private readonly service: AvatarService,
    private readonly log: Log,
  ) {}

  prepareInvocation(): vscode.PreparedToolInvocation {
    return { invocationMessage: vscode.l10n.t('Looking up HeyGen avatars and voices') };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<unknown>): Promise<vscode.LanguageModelToolResult> {
    const text = await this.answer(options.input);
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(this.log.scrub(text))]);
  }

  private async answer(input: unknown): Promise<string> {
    const parsed = parseFindAvatarsInput(input);
    if (!parsed.valid) {
      return parsed.reason;
    }
    const catalog = await this.service.need();
    if (!catalog) {
      return vscode.l10n.t('No HeyGen API key is set: ask the person to run "HeyGen: Set API Key", then try again.');
    }
    await catalog.ensureFresh();
    return findAvatarsResultText(findAvatarsAndVoices(catalog, parsed.value), { complete: catalog.complete, problem: catalog.problem });
  }
}
