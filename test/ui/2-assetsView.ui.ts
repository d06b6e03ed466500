// Issue 4 item 3 and issue 5: the Assets view shows what was uploaded, and a file dragged onto it uploads.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { UiScenario } from './uiScenario';
import { showAssetsView, waitForUploadOf } from './support';

export const scenarios: UiScenario[] = [
  {
    title: 'the HeyGen activity-bar view lists the uploaded asset',
    async run({ workbench }) {
      await workbench.dismissNotifications();
      await workbench.activityBarItem('HeyGen').click();
      const assets = workbench.pane('Assets');
      await assets.waitFor({ state: 'visible', timeout: 10_000 });
      const row = assets.locator('.monaco-list-row', { hasText: 'sample.png' }).first();
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      await workbench.screenshot('assets-view');
    },
  },
  {
    title: 'dragging sample.jpg from the explorer onto the Assets view uploads it',
    async run({ page, workbench, emulator, workspace }) {
      await workbench.dismissNotifications();
      await page.keyboard.press('Control+Shift+E');
      const source = workbench.explorerRow('sample.jpg');
      await source.waitFor({ state: 'visible' });
      await workbench.dragAndDrop(source, () => workbench.pane('Assets').locator('.pane-body'), workbench.activityBarItem('HeyGen'));

      const upload = await waitForUploadOf(emulator, path.join(workspace, 'sample.jpg'));
      assert.equal(upload.contentType, 'image/jpeg');
      const row = workbench.pane('Assets').locator('.monaco-list-row', { hasText: 'sample.jpg' }).first();
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      await workbench.screenshot('assets-view-after-drop');
    },
  },
  {
    title: 'sample.mp4 and sample.mp3 selected together in the explorer upload in one go; the view groups Images, Videos and Audio',
    async run({ page, workbench, emulator, workspace }) {
      await workbench.dismissNotifications();
      await page.keyboard.press('Control+Shift+E');
      await workbench.selectExplorerRows(['sample.mp4', 'sample.mp3']);
      await workbench.explorerRow('sample.mp3').click({ button: 'right' });
      await workbench.menuItem('Upload to HeyGen').waitFor({ state: 'visible' });
      assert.ok(await workbench.explorerRowsSelected(['sample.mp4', 'sample.mp3']), 'the right-click kept both files selected');
      await workbench.clickMenuItem('Upload to HeyGen');

      const video = await waitForUploadOf(emulator, path.join(workspace, 'sample.mp4'));
      const audio = await waitForUploadOf(emulator, path.join(workspace, 'sample.mp3'));
      assert.equal(video.contentType, 'video/mp4');
      assert.equal(audio.contentType, 'audio/mpeg');

      await workbench.activityBarItem('HeyGen').click();
      const assets = workbench.pane('Assets');
      for (const [group, file] of [['Images', 'sample.png'], ['Videos', 'sample.mp4'], ['Audio', 'sample.mp3']] as const) {
        await assets.locator('.monaco-list-row', { hasText: group }).first().waitFor({ state: 'visible', timeout: 15_000 });
        await assets.locator('.monaco-list-row', { hasText: file }).first().waitFor({ state: 'visible', timeout: 15_000 });
      }
      await workbench.dismissNotifications();
      await assets.waitFor({ state: 'visible' });
      // Away from the activity bar, so its tooltip is not in the picture.
      await page.mouse.move(800, 700);
      await workbench.screenshot('assets-view-all-types');
    },
  },
  {
    title: 'the history survives reloading the window: the same assets are listed afterwards',
    async run(context) {
      const { page, workbench } = context;
      const assets = await showAssetsView(context);
      const files = ['sample.png', 'sample.jpg', 'sample.mp4', 'sample.mp3'];
      for (const file of files) {
        await assets.locator('.monaco-list-row', { hasText: file }).first().waitFor({ state: 'visible', timeout: 20_000 });
      }
      // What identifies a row is its label; the relative time next to it moves on while the window reloads.
      const before = await workbench.rowLabels(assets);
      assert.ok(before.includes('sample.mp3'), `rows before the reload: ${before.join(' | ')}`);
      // A browser reload is a window reload in VS Code for the Web: a new workbench and a new extension host.
      await page.reload({ waitUntil: 'commit', timeout: 60_000 });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      // Whatever sidebar the workbench restores (and however far it got): the explorer first, then the HeyGen
      // container, so the click opens it rather than closing an already open one.
      await workbench.activityBarItem('HeyGen').waitFor({ state: 'visible', timeout: 60_000 });
      await showAssetsView(context);
      for (const file of files) {
        await workbench.pane('Assets').locator('.monaco-list-row', { hasText: file }).first().waitFor({ state: 'visible', timeout: 60_000 });
      }
      const after = await workbench.rowLabels(workbench.pane('Assets'));
      assert.deepEqual([...after].sort(), [...before].sort());
      await workbench.screenshot('assets-view-after-reload');
      await page.keyboard.press('Control+Shift+E');
      await workbench.explorerRow('video.json').waitFor({ state: 'visible', timeout: 20_000 });
    },
  },
];
