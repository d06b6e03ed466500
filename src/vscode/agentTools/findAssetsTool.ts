import * as vscode from 'vscode';
import { findAssets } from '../../core/agentTools/findAssets';
import { parseFindInput } from '../../core/agentTools/toolInput';
import { findResultText, refusalText } from '../../core/agentTools/toolResult';
import { textResult, type AgentToolDeps } from './agentToolSupport';

/** `heygen_find_assets`: what the history and the library cache know, newest first. Reads only, so no confirmation. */
export class FindAssetsTool implements vscode.LanguageModelTool<unknown> {
  constructor(private readonly deps: AgentToolDeps) {}

  prepareInvocation(): vscode.PreparedToolInvocation {
    return { invocationMessage: vscode.l10n.t('Looking up HeyGen assets') };
  }

  invoke(options: vscode.LanguageModelToolInvocationOptions<unknown>): vscode.LanguageModelToolResult {
    const parsed = parseFindInput(options.input);
    if (!parsed.valid) {
      return textResult(this.deps, refusalText(parsed.reason));
    }
    const { library } = this.deps;
    const found = findAssets(this.deps.history.all(), library?.all() ?? [], parsed.value, (id) => library?.isGone?.(id) === true);
    return textResult(this.deps, findResultText(found, parsed.value));
  }
}
