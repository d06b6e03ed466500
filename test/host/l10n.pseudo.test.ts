// Runs only in the driver's pseudo-locale window: VS Code started with --locale qps-ploc loads the extension's
// l10n/bundle.l10n.qps-ploc.json (written by the driver from the built English bundle), and both halves of the
// extension must speak it: the adapters through vscode.l10n.t, the vscode-free core through @vscode/l10n.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HeyGenTestApi } from '../../src/vscode/api';
import type { AssetTreeProvider } from '../../src/vscode/history/assetTreeView';
import { PSEUDO_LOCALE, pseudoLocalize } from '../tools/pseudoLocalize';
import { heygenTestApi, workspaceFile } from './hostSupport';

const EXTENSION_ID = 'heygen-assets.heygen-assets';

function fill(template: string, ...values: string[]): string {
  return values.reduce((text, value, i) => text.replace(`{${i}}`, value), template);
}

suite('Localization (pseudo-locale window)', () => {
  let api: HeyGenTestApi & { assetTree: AssetTreeProvider };

  suiteSetup(async () => {
    api = await heygenTestApi<HeyGenTestApi & { assetTree: AssetTreeProvider }>();
  });

  test('VS Code runs in the pseudo-locale, and the extension names its l10n folder, which holds the bundle', async () => {
    assert.equal(vscode.env.language, PSEUDO_LOCALE);
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.equal((extension.packageJSON as { l10n?: string }).l10n, './l10n');
    const bundle = JSON.parse(
      new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, 'l10n', `bundle.l10n.${PSEUDO_LOCALE}.json`))),
    ) as Record<string, string>;
    assert.equal(bundle['Filter: {0}'], pseudoLocalize('Filter: {0}'));
  });

  test('an adapter sentence (vscode.l10n.t) comes out translated: the Assets view\'s filter description', async () => {
    await vscode.commands.executeCommand('heygen.filterHistory', { text: 'sample' });
    try {
      assert.equal(api.assetTree.viewDescription, fill(pseudoLocalize('Filter: {0}'), 'sample'));
    } finally {
      await vscode.commands.executeCommand('heygen.clearFilter');
    }
  });

  test('a core sentence (@vscode/l10n, configured at activation) comes out translated: a missing file\'s refusal', async () => {
    const result = await api.upload([workspaceFile('not-there.png')], { quiet: true });
    assert.deepEqual(
      result.failed.map((failure) => failure.message),
      [fill(pseudoLocalize('"{0}" does not exist.'), 'not-there.png')],
    );
  });
});
