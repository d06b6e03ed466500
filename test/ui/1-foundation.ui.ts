// Issue 2 item 6: set the key from the palette, right-click a file, "Upload to HeyGen", see the result.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { UiScenario } from './uiScenario';
import { waitForUploadOf } from './support';
import { ON_TWISTIE } from './workbench';

export const scenarios: UiScenario[] = [
  {
    title: 'without a key, the HeyGen view welcomes with a "Set API Key" button',
    async run({ page, workbench }) {
      await workbench.activityBarItem('HeyGen').click();
      const body = workbench.pane('Assets').locator('.welcome-view-content');
      await body.waitFor({ state: 'visible', timeout: 15_000 });
      await body.getByText('Connect your HeyGen account', { exact: false }).waitFor({ state: 'visible', timeout: 10_000 });
      await body.locator('.monaco-button', { hasText: /^Set API Key$/ }).waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await body.locator('.monaco-button', { hasText: /^Upload File$/ }).count(), 0, 'no upload button before a key is set');
      await workbench.screenshot('welcome-without-key');
      // The first time, the Library is open below Assets, so an account's assets are in sight (issue 26 item 11).
      const libraryHeader = workbench.pane('Library').locator('.pane-header');
      assert.equal(await libraryHeader.getAttribute('aria-expanded'), 'true', 'the Library opens expanded the first time');
      // The scenarios after this one keep Assets' rows in sight: the person collapses the Library, which VS Code keeps.
      await libraryHeader.click(ON_TWISTIE);
      await workbench.pane('Library').locator('.pane-header[aria-expanded="false"]').waitFor({ state: 'attached' });
      await page.keyboard.press('Control+Shift+E');
    },
  },
  {
    title: 'set the API key from the command palette',
    async run({ page, workbench, emulator }) {
      await workbench.screenshot('workbench');
      await workbench.typeCommand('HeyGen: Set API Key');
      await workbench.screenshot('palette-set-api-key');
      await page.keyboard.press('Enter');
      const password = page.locator('.quick-input-widget .quick-input-box input.input[type="password"]');
      await password.waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.type(emulator.apiKey, { delay: 10 });
      await workbench.screenshot('api-key-password-box');
      assert.equal(await password.inputValue(), emulator.apiKey);
      await page.keyboard.press('Enter');
      await workbench.quickInput.waitFor({ state: 'hidden', timeout: 10_000 });
    },
  },
  {
    title: 'with a key and no assets, the view offers "Upload File" and explains right-click and drag-and-drop',
    async run({ page, workbench }) {
      await workbench.activityBarItem('HeyGen').click();
      const body = workbench.pane('Assets').locator('.welcome-view-content');
      await body.locator('.monaco-button', { hasText: /^Upload File$/ }).waitFor({ state: 'visible', timeout: 15_000 });
      await body.getByText('right-click', { exact: false }).waitFor({ state: 'visible', timeout: 10_000 });
      await body.getByText('drag files onto this view', { exact: false }).waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await body.locator('.monaco-button', { hasText: /^Set API Key$/ }).count(), 0, 'the key is set');
      await workbench.screenshot('welcome-with-key');
      await page.keyboard.press('Control+Shift+E');
    },
  },
  {
    title: 'right-click sample.png → "Upload to HeyGen" uploads it and shows the asset with "Copy URL"',
    async run({ page, workbench, emulator, workspace }) {
      await workbench.dismissNotifications();
      const row = workbench.explorerRow('sample.png');
      await row.click();
      await row.click({ button: 'right' });
      const entry = workbench.menuItem('Upload to HeyGen');
      await entry.waitFor({ state: 'visible', timeout: 10_000 });
      await workbench.screenshot('explorer-context-menu');
      await workbench.clickMenuItem('Upload to HeyGen');

      const upload = await waitForUploadOf(emulator, path.join(workspace, 'sample.png'));
      assert.equal(upload.contentType, 'image/png');
      assert.equal(upload.apiKeyOk, true, 'the key typed into the password box did not reach the server');

      const toast = workbench.notification('Uploaded "sample.png" to HeyGen.');
      await toast.waitFor({ state: 'visible', timeout: 15_000 });
      const copyUrl = toast.locator('.monaco-button', { hasText: /^Copy URL$/ });
      await copyUrl.waitFor({ state: 'visible' });
      await workbench.screenshot('upload-notification');

      await copyUrl.click();
      // The click goes to the extension host and back before the workbench writes the clipboard. Polled by the page:
      // a write to the clipboard fires no event a page can listen to.
      // A string expression: the test project compiles without the DOM library.
      const written = await page
        .waitForFunction(`navigator.clipboard.readText().then((text) => (text.includes(${JSON.stringify(upload.id)}) ? text : ''))`, undefined, { polling: 100, timeout: 10_000 })
        .then((handle) => handle.jsonValue() as Promise<string>)
        .catch(() => page.evaluate<string>('navigator.clipboard.readText()'));
      assert.match(written, new RegExp(`^https?://\\S*${upload.id}`), `clipboard holds ${JSON.stringify(written)}`);
    },
  },
];
