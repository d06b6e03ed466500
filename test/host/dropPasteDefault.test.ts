// Issue 22 item 5: uploading is the default drop or paste edit only in a HeyGen payload. In any other JSON, JS/TS or
// Python file the HeyGen edit yields to every other edit (VS Code's path or text stays the default, ours one choice
// away in the widget), and is not offered at all when VS Code has no edit of its own (it would be the default).
// The real workbench's drop is in test/ui/dropIntoEditor.ui.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { silentLogger } from '../../src/core/base/logger';
import { DroppedMediaUploads } from '../../src/vscode/droppedMedia/droppedMedia';
import { MediaDropProvider } from '../../src/vscode/payload/dropProvider';
import { MediaPasteProvider } from '../../src/vscode/payload/pasteProvider';
import type { UploadPort } from '../../src/vscode/upload/uploadPort';
import { contentOnlyTransfer, workspaceFile } from './hostSupport';

const PAYLOADS: Array<[string, string]> = [
  ['json', '{\n  "video_inputs": [\n    {}\n  ]\n}\n'],
  ['typescript', 'const body = { type: "avatar", avatar_id: "a", script: "Hi" };\n'],
  ['python', 'payload = {"video_inputs": [{}]}\n'],
];
const OTHERS: Array<[string, string]> = [
  ['json', '{\n  "name": "my-extension",\n  "icon": ""\n}\n'],
  ['javascript', 'const config = { icon: "" };\n'],
  ['python', 'settings = {"icon": ""}\n'],
  ['json', ''],
];

suite('Drop and paste: uploading is the default only in a payload', () => {
  let drop: MediaDropProvider;
  let paste: MediaPasteProvider;
  const uploads: unknown[] = [];
  const token = new vscode.CancellationTokenSource().token;
  const automatic: vscode.DocumentPasteEditContext = { only: undefined, triggerKind: vscode.DocumentPasteTriggerKind.Automatic };
  const pasteAs: vscode.DocumentPasteEditContext = { only: undefined, triggerKind: vscode.DocumentPasteTriggerKind.PasteAs };
  const yieldsToAll = (kinds: readonly vscode.DocumentDropOrPasteEditKind[] | undefined): boolean =>
    (kinds ?? []).some((kind) => kind.value === vscode.DocumentDropOrPasteEditKind.Empty.value);

  suiteSetup(() => {
    // Offering an edit never uploads; anything that did would land here.
    const port: UploadPort = {
      upload: (uris) => (uploads.push(uris), Promise.reject(new Error('no upload in these tests'))),
      uploadUrl: (url) => (uploads.push(url), Promise.reject(new Error('no upload in these tests'))),
    };
    const media = new DroppedMediaUploads(port, fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-default-edit-')), silentLogger);
    const deps = { config: { snippetAvatarId: '', snippetVoiceId: '', snippetReference: 'url' as const, payloadVersion: 'v2' as const }, log: silentLogger, media };
    drop = new MediaDropProvider(deps);
    paste = new MediaPasteProvider(deps);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.deepEqual(uploads, []);
  });

  function uriList(name: string): vscode.DataTransfer {
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(workspaceFile(name).toString()));
    return transfer;
  }

  async function open(language: string, content: string): Promise<vscode.TextDocument> {
    return vscode.workspace.openTextDocument({ language, content });
  }

  for (const [language, content] of PAYLOADS) {
    test(`in a ${language} payload the upload is the default drop, and the default paste of a file`, async () => {
      const document = await open(language, content);
      const at = document.positionAt(content.indexOf('{') + 1);
      const dropped = await drop.provideDocumentDropEdits(document, at, uriList('sample.png'), token);
      assert.ok(dropped, 'offered');
      assert.equal(yieldsToAll(dropped.yieldTo), false, 'yields to every edit in a payload');
      const pasted = await paste.provideDocumentPasteEdits(document, [new vscode.Range(at, at)], contentOnlyTransfer('copied.png', fs.readFileSync(workspaceFile('sample.png').fsPath)), automatic, token);
      assert.equal(pasted?.length, 1, 'a copied file is offered for upload');
      assert.deepEqual(pasted[0].yieldTo?.map((k) => k.value), [vscode.DocumentDropOrPasteEditKind.Text.value], 'only a text paste goes first');
    });
  }

  for (const [language, content] of OTHERS) {
    test(`in a ${language} file that is no payload${content ? '' : ' (empty)'} VS Code's own edit stays the default`, async () => {
      const document = await open(language, content);
      const at = document.positionAt(Math.max(0, content.indexOf('""') + 1));
      const dropped = await drop.provideDocumentDropEdits(document, at, uriList('sample.png'), token);
      assert.ok(dropped, 'still offered in the drop widget');
      assert.equal(yieldsToAll(dropped.yieldTo), true, 'our drop edit goes first');
      const pastedPath = await paste.provideDocumentPasteEdits(document, [new vscode.Range(at, at)], uriList('sample.png'), automatic, token);
      assert.equal(pastedPath?.length, 1);
      assert.equal(yieldsToAll(pastedPath[0].yieldTo), true, 'our paste edit goes first');
      // Content without a path: VS Code has no edit of its own, so ours would be the default; only Paste As offers it.
      const bytes = fs.readFileSync(workspaceFile('sample.png').fsPath);
      assert.equal(await drop.provideDocumentDropEdits(document, at, contentOnlyTransfer('frame.png', bytes), token), undefined);
      assert.equal(await paste.provideDocumentPasteEdits(document, [new vscode.Range(at, at)], contentOnlyTransfer('frame.png', bytes), automatic, token), undefined);
      const asked = await paste.provideDocumentPasteEdits(document, [new vscode.Range(at, at)], contentOnlyTransfer('frame.png', bytes), pasteAs, token);
      assert.equal(asked?.length, 1, 'Paste As… offers it');
      assert.equal(document.getText(), content, 'offering changed nothing');
    });
  }
});
