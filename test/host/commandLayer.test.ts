// The one command layer inside the real extension host: arguments as VS Code passes them reach the command as one
// context, and an error thrown inside a command stops at the boundary as one sentence with Show Log.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { heygenTestApi } from './hostSupport';
import type { AssetRecord } from '../../src/core/base/assetRecord';
import type { HeyGenTestApi } from '../../src/vscode/api';
import { WindowSpy } from './windowSpy';


function record(id: string, url: string): AssetRecord {
  return {
    id,
    name: `${id}.png`,
    fileType: 'image',
    mime: 'image/png',
    url,
    imageKey: `key-${id}`,
    createdTs: 1_700_000_000,
    size: 10,
    sha256: id.padEnd(64, '0').slice(0, 64),
    uploadedAt: Date.now(),
    keyFingerprint: 'command-layer-test',
  };
}

suite('Command layer', () => {
  let heygen: HeyGenTestApi;
  let spy: WindowSpy;
  const seeded = [record('cmd-web', 'https://files.example.test/cmd-web.png'), record('cmd-ftp', 'ftp://files.example.test/cmd-ftp.png')];

  suiteSetup(async () => {
    heygen = await heygenTestApi<HeyGenTestApi>();
    for (const r of seeded) {
      await heygen.history.add(r);
    }
  });

  suiteTeardown(async () => {
    await heygen.history.remove(seeded.map((r) => r.id));
  });

  setup(() => {
    spy = new WindowSpy();
  });

  teardown(() => spy.dispose());

  test('an error inside a command reaches the person as one sentence naming the asset, with Show Log, and the command settles', async () => {
    const node = { type: 'asset', record: seeded[1] };
    const result = await vscode.commands.executeCommand('heygen.openInBrowser', node, [node]);
    assert.equal(result, undefined);
    assert.deepEqual(
      spy.messages.map((m) => ({ kind: m.kind, message: m.message, items: m.items })),
      [
        {
          kind: 'error',
          message: 'Could not open the URL of cmd-ftp.png: the URL of cmd-ftp.png is not a web address (ftp://files.example.test/cmd-ftp.png)',
          items: ['Show Log'],
        },
      ],
    );
  });

  test('a view row clicked outside the selection acts on that row; inside it, on the whole selection', async () => {
    const web = { type: 'asset', record: seeded[0] };
    const ftp = { type: 'asset', record: seeded[1] };
    await vscode.commands.executeCommand('heygen.copyId', web, [ftp]);
    assert.equal(await vscode.env.clipboard.readText(), 'cmd-web');
    // A fresh object for the clicked row, as a view may hand over: still the same row of the selection.
    await vscode.commands.executeCommand('heygen.copyId', { type: 'asset', record: { ...seeded[1] } }, [web, ftp]);
    assert.equal(await vscode.env.clipboard.readText(), 'cmd-web\ncmd-ftp');
  });

  test('an asset id from a keybinding or a script is a value the command resolves', async () => {
    await vscode.commands.executeCommand('heygen.copyImageKey', 'cmd-ftp');
    assert.equal(await vscode.env.clipboard.readText(), 'key-cmd-ftp');
  });
});
