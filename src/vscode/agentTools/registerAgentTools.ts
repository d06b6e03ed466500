import * as vscode from 'vscode';
import { ToolName } from '../../core/agentTools/toolInput';
import type { AgentToolDeps } from './agentToolSupport';
import { AssetFragmentTool } from './assetFragmentTool';
import { FindAssetsTool } from './findAssetsTool';
import { UploadAssetsTool } from './uploadAssetsTool';
import { videoTools } from './videoTools';

export type { AgentToolDeps } from './agentToolSupport';

/**
 * The extension's abilities as language-model tools, for any agent in the editor (`contributes.languageModelTools`
 * declares them; VS Code activates the extension on `onLanguageModelTool:<name>`). Registered at activation, so
 * `vscode.lm.invokeTool` reaches them with no chat model installed.
 */
export function registerAgentTools(context: vscode.ExtensionContext, deps: AgentToolDeps): void {
  context.subscriptions.push(
    vscode.lm.registerTool(ToolName.UploadAssets, new UploadAssetsTool(deps)),
    vscode.lm.registerTool(ToolName.FindAssets, new FindAssetsTool(deps)),
    vscode.lm.registerTool(ToolName.AssetFragment, new AssetFragmentTool(deps)),
    ...videoTools(deps),
  );
}
