// Uploads a payload file asks for ("Upload Local Files in This Payload", its quick fix and hover link), in the real
// extension host: a folder is refused, a file outside the workspace folders goes only after a modal naming its real
// path, the source action never runs on save, and a named pipe the payload names is never opened.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulator, hostEnv, sha256Of, whenEvent } from './hostSupport';
import { WindowSpy } from './windowSpy';

const SOURCE_ACTION = 'source.heygen.uploadLocalFiles';

suite('Uploads a payload asks for', () => {
  let dir: string;
  let outside: string;
  let spy: WindowSpy;

  /** A PNG nobody uploaded before (the sample's bytes and random ones after them). */
  function freshPng(file: string): string {
    fs.writeFileSync(file, Buffer.concat([fs.readFileSync(path.join(hostEnv.workspace, 'sample.png')), randomBytes(48)]));
    return file;
  }

  async function openPayload(name: string, background: string): Promise<vscode.TextDocument> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `{\n  "video_inputs": [\n    { "background": { "type": "image", "url": ${JSON.stringify(background)} } }\n  ]\n}\n`);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    return document;
  }

  async function receivedCount(): Promise<number> {
    return (await emulator.received()).length;
  }

  suiteSetup(() => {
    dir = fs.mkdtempSync(path.join(hostEnv.workspace, 'payload-uploads-'));
    // Beside the workspace folder, not in it: what a payload in a cloned repository could name.
    outside = fs.mkdtempSync(path.join(path.dirname(fs.realpathSync(hostEnv.workspace)), 'not-the-workspace-'));
  });

  setup(() => {
    spy = new WindowSpy();
  });

  teardown(async () => {
    spy.dispose();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  suiteTeardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('a path naming a folder is refused in a sentence, not expanded into its files', async () => {
    const folder = path.join(dir, 'media');
    fs.mkdirSync(folder);
    freshPng(path.join(folder, 'inside-the-folder.png'));
    const document = await openPayload('folder.json', './media');
    const before = await receivedCount();
    assert.equal(await vscode.commands.executeCommand<number>('heygen.uploadLocalReferences', document.uri), 0);
    assert.deepEqual(spy.messages.map((m) => `${m.kind}: ${m.message}`), ['warning: Not uploaded: "media" is a folder; a payload names files.']);
    assert.equal(await receivedCount(), before, 'nothing was sent');
  });

  test('files outside the workspace folders go only after a modal listing their real paths', async () => {
    const target = freshPng(path.join(outside, 'private.png'));
    fs.symlinkSync(target, path.join(dir, 'looks-local.png'));
    const inside = freshPng(path.join(dir, 'really-local.png'));
    const document = await openPayload('outside.json', './looks-local.png');
    // One more reference, to a file in the workspace: it may go alone.
    const edit = new vscode.WorkspaceEdit();
    const text = document.getText();
    const end = text.lastIndexOf('}\n  ]');
    edit.insert(document.uri, document.positionAt(end + 1), `,\n    { "background": { "type": "image", "url": "./really-local.png" } }`);
    assert.ok(await vscode.workspace.applyEdit(edit));

    const before = await receivedCount();
    spy.answerMessages(() => undefined);
    assert.equal(await vscode.commands.executeCommand<number>('heygen.uploadLocalReferences', document.uri), 0, 'dismissed: nothing');
    const [modal] = spy.messages;
    assert.equal(modal.modal, true);
    assert.equal(modal.message, 'This payload names a file outside the workspace folders. Upload it to HeyGen?');
    assert.equal(modal.detail, target, 'the modal lists the real path, not the link in the workspace');
    assert.deepEqual(modal.items, ['Upload All', 'Only Workspace Files']);
    assert.equal(await receivedCount(), before, 'nothing was sent');

    spy.answerMessages(() => 'Only Workspace Files');
    assert.equal(await vscode.commands.executeCommand<number>('heygen.uploadLocalReferences', document.uri), 1);
    assert.deepEqual((await emulator.received()).slice(before).map((r) => r.sha256), [sha256Of(inside)]);
    assert.ok(document.getText().includes('./looks-local.png'), 'the outside file’s reference stays');

    spy.answerMessages(() => 'Upload All');
    assert.equal(await vscode.commands.executeCommand<number>('heygen.uploadLocalReferences', document.uri), 1);
    assert.deepEqual((await emulator.received()).slice(before + 1).map((r) => r.sha256), [sha256Of(target)], 'the real file’s bytes');
    assert.ok(!document.getText().includes('./looks-local.png'), document.getText());
  });

  test('editor.codeActionsOnSave naming the source action uploads nothing; asked for explicitly, it is there', async () => {
    freshPng(path.join(dir, 'on-save.png'));
    // Python: the only save participant asked is then ours (the JSON server's sort action, on a loaded machine, ran
    // past the participants' time limit and the save was abandoned).
    const file = path.join(dir, 'on_save.py');
    fs.writeFileSync(file, 'payload = {"video_inputs": [{"background": {"type": "image", "url": "./on-save.png"}}]}\n');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    const explicit = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(0, 0, 0, 0), SOURCE_ACTION);
    assert.ok(explicit.some((a) => a.kind?.value === SOURCE_ACTION), 'offered when asked for (so on save it would be found)');
    const editor = vscode.workspace.getConfiguration('editor');
    const previous = editor.inspect('codeActionsOnSave')?.globalValue;
    await editor.update('codeActionsOnSave', { [SOURCE_ACTION]: 'always' }, vscode.ConfigurationTarget.Global);
    try {
      await whenEvent('the setting to apply', vscode.workspace.onDidChangeConfiguration, () =>
        JSON.stringify(vscode.workspace.getConfiguration('editor').get('codeActionsOnSave')).includes(SOURCE_ACTION) ? true : undefined,
      );
      const before = await receivedCount();
      const active = vscode.window.activeTextEditor;
      assert.ok(active && active.document === document);
      await active.edit((b) => b.insert(new vscode.Position(0, 0), ' '));
      // Save participants run (and would have run the action's command) before save resolves.
      assert.equal(await document.save(), true);
      assert.deepEqual(spy.progress.map((p) => p.title), [], 'no upload started');
      assert.equal(await receivedCount(), before, 'nothing was sent');
      assert.ok(document.getText().includes('./on-save.png'), 'the path is still there');
    } finally {
      await editor.update('codeActionsOnSave', previous, vscode.ConfigurationTarget.Global);
    }
  });

  test('a named pipe the payload names is never opened: hover, problems and upload answer without it', async function () {
    if (process.platform === 'win32') {
      this.skip();
    }
    const fifo = path.join(dir, 'pipe.png');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo failed');
    // A writer that waits for a reader: it finishes as soon as anything opens the pipe for reading.
    const writer: ChildProcess = spawn('sh', ['-c', 'exec cat "$0" > "$1"', path.join(hostEnv.workspace, 'sample.png'), fifo], { stdio: 'ignore' });
    const opened = (): boolean => writer.exitCode !== null || writer.signalCode !== null;
    try {
      const document = await openPayload('pipe.json', './pipe.png');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(document.getText().indexOf('./pipe.png') + 2));
      const hover = hovers
        .flatMap((h) => h.contents)
        .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
        .join('\n')
        .replace(/&nbsp;/g, ' ');
      // The hover answers at once and offers nothing for it: the problem (below) is what says why, in the same hover.
      assert.doesNotMatch(hover, /Upload to HeyGen and Replace|needs it uploaded/, hover);
      assert.equal(opened(), false, 'the hover opened the pipe');
      const problems = await whenEvent('the pipe’s problem', vscode.languages.onDidChangeDiagnostics, () => {
        const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'HeyGen');
        return found.length > 0 ? found : undefined;
      });
      assert.deepEqual(problems.map((d) => d.message), ['"pipe.png" is not a regular file.']);
      const before = await receivedCount();
      assert.equal(await vscode.commands.executeCommand<number>('heygen.uploadLocalReferences', document.uri), 0);
      assert.deepEqual(spy.messages.map((m) => m.message), ['Not uploaded: "pipe.png" is not a regular file.']);
      assert.equal(await receivedCount(), before);
      assert.equal(opened(), false, 'something opened the pipe for reading');
    } finally {
      // Open it ourselves, so the writer finishes.
      const fd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const exited = opened() ? Promise.resolve() : once(writer, 'exit');
      await exited;
      fs.closeSync(fd);
    }
  });
});
