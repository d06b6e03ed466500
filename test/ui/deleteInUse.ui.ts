// Issue 25 item 7: a Library row says where its asset is used, and the Delete from HeyGen modal names the payload that
// uses it and asks for "Delete Anyway"; cancelling deletes nothing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openLibrary } from './support';
import type { UiScenario } from './uiScenario';
import { ON_TWISTIE } from './workbench';

export const scenarios: UiScenario[] = [
  {
    title: 'the Delete from HeyGen modal names the payload that uses the asset and asks for Delete Anyway',
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      if (!emulator.library.all().some((a) => a.type === 'image' && /^asset-\d+\./.test(a.name))) {
        // Run on its own (HEYGEN_TEST_GREP): the Library scenarios did not seed the account.
        emulator.library.seed(30);
      }
      const library = await openLibrary(context);
      // A seeded asset: the Library labels this machine's uploads by their source file's name, not HeyGen's.
      const victim = emulator.library.all().find((a) => a.type === 'image' && /^asset-\d+\./.test(a.name));
      assert.ok(victim, 'the emulator has an image');
      const payload = { video_inputs: [{ background: { type: 'image', image_asset_id: victim.id } }] };
      fs.mkdirSync(path.join(workspace, 'payloads'), { recursive: true });
      fs.writeFileSync(path.join(workspace, 'payloads', 'in-use.json'), JSON.stringify(payload, null, 2));

      // The payload goes into a folder created just before: the index hears of the folder and walks it (the watcher
      // alone misses most files written into a new folder on Linux), and the row says so.
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
