// Issue 23's "done when": a person opens a v3 payload that names a local image as its background, clicks "Generate
// video" above it, confirms in the modal, and once the emulator's render completes the MP4 is in the workspace, open
// in VS Code's media preview, and listed in the Videos view.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext, UiScenario } from './uiScenario';
import { sha256File } from './support';
import { ON_TWISTIE } from './workbench';

/** Sets the key through the palette when the extension asks for it (a run of this scenario alone has none yet). */
async function keyIfAsked({ page, emulator }: UiContext): Promise<void> {
  const keyBox = page.locator('.quick-input-widget .quick-input-box input.input[type="password"]');
  if (await keyBox.isVisible()) {
    await page.keyboard.type(emulator.apiKey, { delay: 5 });
    await page.keyboard.press('Enter');
  }
}

export const scenarios: UiScenario[] = [
  {
    title: 'Generate video above a v3 payload: the local image is uploaded, the modal confirmed, the MP4 opens and is listed',
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      const image = path.join(workspace, 'ui-background.png');
      // Fresh bytes, so the upload really happens even after earlier scenarios uploaded the sample.
      fs.writeFileSync(image, Buffer.concat([fs.readFileSync(path.join(workspace, 'sample.png')), randomBytes(32)]));
      const look = emulator.avatars.looks.find((l) => l.group.avatarType === 'studio_avatar');
      assert.ok(look);
      const body = { type: 'avatar', title: 'UI launch', avatar_id: look.id, script: 'Hello from the workbench.', background: { type: 'image', url: './ui-background.png' } };
      fs.writeFileSync(path.join(workspace, 'launch.json'), `${JSON.stringify(body, null, 2)}\n`);
      const videosBefore = emulator.videos.list().length;
      try {
        await workbench.dismissNotifications();
        await page.keyboard.press('Control+Shift+E');
        // The explorer may not have seen the new files yet.
        await workbench.runCommand('File: Refresh Explorer');
        await workbench.explorerRow('launch.json').click();
        const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Generate video' }).first();
        await lens.waitFor({ state: 'visible', timeout: 20_000 });
        await workbench.screenshot('generate-video-codelens');
        await lens.click();

        const dialog = page.locator('.monaco-dialog-box');
        await Promise.race([
          dialog.waitFor({ state: 'visible', timeout: 30_000 }),
          page.locator('.quick-input-widget .quick-input-box input.input[type="password"]').waitFor({ state: 'visible', timeout: 30_000 }),
        ]);
        await keyIfAsked(context);
        await dialog.waitFor({ state: 'visible', timeout: 30_000 });
        const asked = (await dialog.textContent()) ?? '';
        assert.match(asked, /spends credits/);
        assert.match(asked, /Title: UI launch/);
        assert.match(asked, /Type: avatar/);
        await workbench.screenshot('generate-video-confirm');
        await dialog.locator('.monaco-button', { hasText: /^Generate Video$/ }).click();

        // The render starts on the emulator; its clock is moved so it completes at the next status request.
        // The render's progress notification appears once HeyGen has answered the request with the video's id.
        await workbench.notification(/Rendering "UI launch"/).waitFor({ state: 'visible', timeout: 30_000 });
        const video = emulator.videos.list()[0];
        assert.ok(video && emulator.videos.list().length > videosBefore, 'HeyGen received the video');
        assert.equal(video.title, 'UI launch');
        const uploaded = emulator.received.find((r) => r.sha256 === sha256File(image));
        assert.ok(uploaded, 'the background image was uploaded first');
        emulator.clock.advance(10_000);

        const ready = workbench.notification(/Video ready: UI launch/);
        await ready.waitFor({ state: 'visible', timeout: 60_000 });
        await workbench.screenshot('generate-video-ready');
        await ready.locator('.monaco-button', { hasText: /^Open$/ }).click();

        const name = `launch-${video.id}.mp4`;
        await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ state: 'visible', timeout: 20_000 });
        const saved = path.join(workspace, name);
        assert.equal(sha256File(saved), await emulator.videos.mp4Sha256(video.id), 'the MP4 on disk has the bytes HeyGen serves');
        await workbench.screenshot('generate-video-open');

        // Listed in the Videos view, among the renders from this machine.
        await workbench.activityBarItem('HeyGen').click();
        const pane = workbench.pane('Videos');
        await pane.waitFor({ state: 'visible', timeout: 10_000 });
        const header = pane.locator('.pane-header');
        if ((await header.getAttribute('aria-expanded')) !== 'true') {
          await header.click(ON_TWISTIE);
        }
        await pane.locator('.monaco-list-row', { hasText: 'UI launch' }).first().waitFor({ state: 'visible', timeout: 15_000 });
        await workbench.screenshot('videos-view');
      } finally {
        await page.keyboard.press('Escape');
        // The saved MP4 stays (the run's own workspace copy): VS Code's media preview, still showing it, logs an
        // error when its file vanishes under it.
        for (const file of fs.readdirSync(workspace).filter((f) => (f.startsWith('launch') && !f.endsWith('.mp4')) || f === 'ui-background.png')) {
          fs.rmSync(path.join(workspace, file), { force: true });
        }
      }
    },
  },
];
