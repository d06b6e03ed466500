// Issue 15 item 3, as a person sees it: an agent (here another extension's command, calling only
// vscode.lm.invokeTool) asks to upload a workspace file; VS Code shows the upload tool's confirmation as its own modal
// dialog, which names the file, its size and the endpoint host. Cancel sends nothing; approving uploads the bytes and
// the agent gets the asset id and URL. (Extension-host tests cannot show this: there VS Code approves by itself.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext, UiScenario } from './uiScenario';
import { sha256File, waitForUploadOf } from './support';
import { formatSize } from '../../src/core/base/sizes';

const FILE = 'agent-ui.png';

/** Runs the caller's command, answers its input box with the path, and returns the tool's confirmation dialog. */
async function askAgentToUpload({ page, workbench }: UiContext): Promise<{ text: string; dialog: ReturnType<UiContext['page']['locator']> }> {
  await workbench.dismissNotifications();
  await workbench.runCommand('Agent Caller: Upload with heygen_upload_assets');
  await workbench.quickInputBox.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(FILE, { delay: 5 });
  await page.keyboard.press('Enter');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 20_000 });
  return { text: await dialog.innerText(), dialog };
}

function checkConfirmation(text: string, { emulator, workspace }: UiContext): void {
  const size = fs.statSync(path.join(workspace, FILE)).size;
  assert.match(text, /Upload to HeyGen\?/);
  assert.ok(text.includes(`${FILE} (${formatSize(size)})`), `the dialog names the file and its size:\n${text}`);
  assert.ok(text.includes(new URL(emulator.uploadUrl).host), `the dialog names the endpoint host:\n${text}`);
}

export const scenarios: UiScenario[] = [
  {
    title: 'an agent’s upload asks first: the dialog names the file, its size and the endpoint; Cancel sends nothing',
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      // Bytes no earlier scenario uploaded, so approving later really sends them.
      fs.writeFileSync(path.join(workspace, FILE), Buffer.concat([fs.readFileSync(path.join(workspace, 'sample.png')), randomBytes(64)]));
      const before = emulator.received.length;
      const { text, dialog } = await askAgentToUpload(context);
      checkConfirmation(text, context);
      await workbench.screenshot('agent-upload-confirmation');
      await dialog.locator('.dialog-buttons .monaco-button', { hasText: /^Cancel$/ }).click();
      await workbench.notification(/Agent call failed: Canceled/).waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(emulator.received.length, before, 'nothing was sent');
      await page.keyboard.press('Escape');
    },
  },
  {
    title: 'approving the agent’s upload sends the file’s bytes and the agent gets the asset id and URL',
    async run(context) {
      const { workbench, emulator, workspace } = context;
      const before = emulator.received.length;
      const { text, dialog } = await askAgentToUpload(context);
      checkConfirmation(text, context);
      // VS Code's own confirm() buttons; on Linux the primary one comes last.
      await dialog.locator('.dialog-buttons .monaco-button', { hasText: /^Yes$/ }).click();
      const received = await waitForUploadOf(emulator, path.join(workspace, FILE), 30_000, before);
      assert.equal(received.sha256, sha256File(path.join(workspace, FILE)));
      const toast = workbench.notification(/Agent result:/);
      await toast.waitFor({ state: 'visible', timeout: 15_000 });
      const line = await toast.innerText();
      assert.ok(line.includes(`${FILE}: image asset ${received.id}`) && line.includes('(uploaded)'), line);
      await workbench.screenshot('agent-upload-result');
    },
  },
];
