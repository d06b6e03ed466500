// Issue 6 item 4/5: drop a media file from the explorer into video.json (Shift held, as VS Code asks for
// drops into an editor); it uploads, the background lands in the video_inputs item, and the saved file parses.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiScenario } from './uiScenario';
import { forgetUpload, lineClosingVoice, nextFrame, openAtLine, saveActiveEditor, waitForUploadOf } from './support';

interface Payload {
  video_inputs: Array<Record<string, unknown>>;
}

export const scenarios: UiScenario[] = [
  {
    title: 'dropping sample.jpg into video.json uploads it and inserts a background into the item; the saved file parses',
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      const file = path.join(workspace, 'video.json');
      const original = fs.readFileSync(file, 'utf8');
      // The drop lands at the end of the line closing the item's "voice" object, inside the item.
      const lineNumber = lineClosingVoice(original);

      try {
        await workbench.dismissNotifications();
        // 2-assetsView uploaded sample.jpg already: without this the drop would reuse that asset and send nothing.
        await forgetUpload(context, 'sample.jpg');
        const before = emulator.received.length;
        const { editor, gutter } = await openAtLine(context, 'video.json', lineNumber);

        const source = workbench.explorerRow('sample.jpg');
        await source.waitFor({ state: 'visible' });
        const from = await source.boundingBox();
        const line = await gutter.boundingBox();
        const area = await editor.locator('.lines-content').first().boundingBox();
        assert.ok(from && line && area, 'explorer row, line and editor are on screen');
        // Far right of the line: the drop position is the end of that line.
        const to = { x: area.x + Math.min(area.width - 20, 600), y: line.y + line.height / 2 };

        const mouse = page.mouse;
        await mouse.move(from.x + from.width / 2, from.y + from.height / 2);
        await mouse.down();
        await mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 5 });
        await mouse.move(to.x, to.y, { steps: 15 });
        // With Shift held, the editor group's drop overlay steps aside at the next dragover, and at a later one the
        // editor marks where the drop goes: the pointer moves by a pixel (each move is one dragover, drawn by the next
        // animation frame) until the mark is there.
        await page.keyboard.down('Shift');
        const dropMark = editor.locator('.dnd-target');
        for (let move = 0; (await dropMark.count()) === 0; move++) {
          assert.ok(move < 10, 'the editor never marked the drop position while Shift was held');
          await mouse.move(to.x + ((move + 1) % 2), to.y);
          await nextFrame(page);
        }
        await workbench.screenshot('drop-into-video-json');
        await mouse.up();
        await page.keyboard.up('Shift');

        const upload = await waitForUploadOf(emulator, path.join(workspace, 'sample.jpg'), 30_000, before);
        assert.equal(upload.contentType, 'image/jpeg');
        // The edit is applied once the upload has answered; then save as a person would.
        const inserted = editor.locator('.view-line', { hasText: '"background"' }).first();
        await inserted.waitFor({ state: 'visible', timeout: 20_000 });
        await workbench.screenshot('dropped-background-snippet');
        await page.keyboard.press('Escape');
        const saved = await saveActiveEditor(page, file, upload.id);
        const payload = JSON.parse(saved) as Payload;
        assert.equal(payload.video_inputs.length, 1, 'the drop added a property to the item, not a new item');
        const background = payload.video_inputs[0].background as { type: string; url: string };
        assert.equal(background.type, 'image');
        assert.match(background.url, new RegExp(`^https?://\\S*${upload.id}`));
        assert.ok(payload.video_inputs[0].voice, 'the voice is still there');
      } finally {
        await page.keyboard.up('Shift').catch(() => undefined);
        // Later scenarios expect the sample payload as shipped.
        fs.writeFileSync(file, original);
      }
    },
  },
];
