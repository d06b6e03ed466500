// Issue 25 item 7: a Library row says where its asset is used, and the Delete from HeyGen modal names the payload that
// uses it and asks for "Delete Anyway"; cancelling deletes nothing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { UiContext, UiScenario } from './uiScenario';
import { ON_TWISTIE } from './workbench';

/** The Library pane, expanded, with the key set when an earlier scenario did not. */
async function openLibrary({ page, workbench, emulator }: UiContext): Promise<Locator> {
  await workbench.dismissNotifications();
  if (!(await workbench.pane('Assets').isVisible())) {
    await workbench.activityBarItem('HeyGen').click();
  }
  const library = workbench.pane('Library');
  await library.waitFor({ state: 'visible', timeout: 10_000 });
  const assetsHeader = workbench.pane('Assets').locator('.pane-header');
  if ((await assetsHeader.getAttribute('aria-expanded')) === 'true') {
    await assetsHeader.click(ON_TWISTIE);
  }
  const header = library.locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) !== 'true') {
    await header.click(ON_TWISTIE);
  }
  const needsKey = library.locator('.welcome-view-content').getByText('Set your HeyGen API key', { exact: false });
  const listed = library.locator('.monaco-list-row').first();
  await Promise.race([needsKey.waitFor({ state: 'visible', timeout: 15_000 }), listed.waitFor({ state: 'visible', timeout: 15_000 })]).catch(() => undefined);
  if (await needsKey.isVisible()) {
    await workbench.runCommand('HeyGen: Set API Key');
    await page.locator('.quick-input-widget .quick-input-box input.input[type="password"]').waitFor({ state: 'visible' });
    await page.keyboard.type(emulator.apiKey, { delay: 5 });
    await page.keyboard.press('Enter');
  }
  return library;
}

export const scenarios: UiScenario[] = [
  {
    title: 'the Delete from HeyGen modal names the payload that uses the asset and asks for Delete Anyway',
    // The index never heard of the payload written behind the workbench's back in this window (its file watcher sent
    // nothing in two runs); the host tests cover the modal, the watcher and the count. Open until that is understood.
    quarantined: 'the reference index heard nothing from the file watcher for a file written after a reload (open)',
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      if (!emulator.library.all().some((a) => a.type === 'image')) {
        // Run on its own (HEYGEN_TEST_GREP): the Library scenarios did not seed the account.
        emulator.library.seed(30);
      }
      const library = await openLibrary(context);
      const victim = emulator.library.all().find((a) => a.type === 'image');
      assert.ok(victim, 'the emulator has an image');
      const payload = { video_inputs: [{ background: { type: 'image', image_asset_id: victim.id } }] };
      fs.mkdirSync(path.join(workspace, 'payloads'), { recursive: true });
      fs.writeFileSync(path.join(workspace, 'payloads', 'in-use.json'), JSON.stringify(payload, null, 2));

      // The file watcher indexes the new payload and the row says so.
      const target = library.locator('.monaco-list-row', { hasText: victim.name }).first();
      await target.filter({ hasText: 'used in 1 file' }).waitFor({ state: 'visible', timeout: 30_000 });
      await target.click({ button: 'right' });
      await workbench.clickMenuItem('Delete from HeyGen…');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 10_000 });
      const text = (await dialog.textContent()) ?? '';
      assert.match(text, /Used in 1 file:/);
      assert.match(text, /payloads\/in-use\.json/);
      await dialog.locator('.monaco-button', { hasText: /^Delete Anyway$/ }).waitFor({ state: 'visible', timeout: 5_000 });
      await workbench.screenshot('delete-in-use-modal');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached', timeout: 10_000 });
      assert.equal(emulator.library.has(victim.id), true, 'cancelled: the emulator still has it');
      // Leave the container as the other scenarios expect it: Assets expanded, the Library collapsed.
      await library.locator('.pane-header').click(ON_TWISTIE);
      const assetsHeader = workbench.pane('Assets').locator('.pane-header');
      if ((await assetsHeader.getAttribute('aria-expanded')) !== 'true') {
        await assetsHeader.click(ON_TWISTIE);
      }
    },
  },
];
