import * as vscode from 'vscode';
import { fragmentAsInsertedIntoEmptyFile, fragmentAsInsertedIntoV3Body } from '../../core/agentTools/fragment';
import { recordOfLibraryEntry } from '../../core/agentTools/findAssets';
import { parseFragmentInput } from '../../core/agentTools/toolInput';
import { fragmentResultText, refusalText } from '../../core/agentTools/toolResult';
import type { AssetRecord } from '../../core/base/assetRecord';
import { roleAccepts } from '../../core/payload/buildSnippet';
import { mismatchMessage, snippetEditRequest } from '../payload/snippetCommands';
import { textResult, type AgentToolDeps } from './agentToolSupport';

/**
 * `heygen_asset_fragment`: the text Insert as Background / Talking Photo / Audio writes for an asset, built by the
 * same request and planner as Insert (so `heygen.snippet.*` settings apply alike), indented as a new file of that
 * language would be.
 */
export class AssetFragmentTool implements vscode.LanguageModelTool<unknown> {
  constructor(private readonly deps: AgentToolDeps) {}

  prepareInvocation(): vscode.PreparedToolInvocation {
    return { invocationMessage: vscode.l10n.t('Writing a HeyGen payload fragment') };
  }

  invoke(options: vscode.LanguageModelToolInvocationOptions<unknown>): vscode.LanguageModelToolResult {
    const parsed = parseFragmentInput(options.input);
    if (!parsed.valid) {
      return textResult(this.deps, refusalText(parsed.reason));
    }
    const { assetId, role, language, payloadVersion } = parsed.value;
    const record = this.find(assetId);
    if (!record) {
      return textResult(
        this.deps,
        refusalText(vscode.l10n.t('No asset with the id "{0}" is in the upload history or the library; heygen_find_assets lists the known ones.', assetId)),
      );
    }
    if (this.deps.library?.isGone?.(record.id) === true) {
      return textResult(
        this.deps,
        refusalText(vscode.l10n.t('HeyGen no longer has the asset "{0}" ({1}); upload the file again and use the new id.', record.id, record.name)),
      );
    }
    if (!roleAccepts(role, record.fileType)) {
      return textResult(this.deps, refusalText(mismatchMessage(role, record)));
    }
    const editor = vscode.workspace.getConfiguration('editor', { languageId: language });
    const indent = { insertSpaces: editor.get<boolean>('insertSpaces', true), tabSize: editor.get<number>('tabSize', 4) };
    const request = snippetEditRequest(role, record, language, indent, this.deps.config);
    // v2: the whole video_inputs item Insert writes in a new file; v3 bodies have no items, only the property.
    const shape = payloadVersion === 'v3' ? 'property' : 'item';
    const fragment = shape === 'property' ? fragmentAsInsertedIntoV3Body(request) : fragmentAsInsertedIntoEmptyFile(request);
    return textResult(
      this.deps,
      fragmentResultText({ assetId: record.id, name: record.name, kind: record.fileType, role, language, payloadVersion, shape, fragment }),
    );
  }

  private find(assetId: string): AssetRecord | undefined {
    const fromHistory = this.deps.history.get(assetId);
    if (fromHistory) {
      return fromHistory;
    }
    const entry = this.deps.library?.all().find((e) => e.id === assetId);
    return entry ? recordOfLibraryEntry(entry) : undefined;
  }
}
