// Issue 6 item 4/5: drop a media file from the explorer into video.json (Shift held, as VS Code asks for
// drops into an editor); it uploads, the background lands in the video_inputs item, and the saved file parses.
// Issue 22 item 5: the same drop into a JSON file that is no HeyGen payload inserts VS Code's path and uploads nothing
// (that the upload is still offered, behind VS Code's edits, is test/host/dropPasteDefault.test.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { UiContext, UiScenario } from './uiScenario';
import { forgetUpload, lineClosingVoice, nextFrame, openAtLine, saveActiveEditor, waitForUploadOf } from './support';

interface Payload {
  video_inputs: Array<Record<string, unknown>>;
}

/** Drags `name` from the explorer to the end of the editor's line at `line`, Shift held, and drops it there. */
async function dragIntoEditor({ page, workbench }: UiContext, name: string, editor: Locator, line: Locator, screenshot: string): Promise<void> {
  const source = workbench.explorerRow(name);
  await source.waitFor({ state: 'visible' });
  const from = await source.boundingBox();
  const row = await line.boundingBox();
  const area = await editor.locator('.lines-content').first().boundingBox();
  assert.ok(from && row && area, 'explorer row, line and editor are on screen');
  // Far right of the line: the drop position is the end of that line.
  const to = { x: area.x + Math.min(area.width - 20, 600), y: row.y + row.height / 2 };
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
  await workbench.screenshot(screenshot);
  await mouse.up();
  await page.keyboard.up('Shift');
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

        await dragIntoEditor(context, 'sample.jpg', editor, gutter, 'drop-into-video-json');

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
  {
    title: 'dropping sample.jpg into a JSON file that is no payload inserts VS Code’s path and uploads nothing',
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      const file = path.join(workspace, 'settings-like.json');
      fs.writeFileSync(file, '{\n  "name": "not a HeyGen payload"\n}\n');
      try {
        await workbench.dismissNotifications();
        await forgetUpload(context, 'sample.jpg');
        const before = emulator.received.length;
        const { editor, gutter } = await openAtLine(context, 'settings-like.json', 2);
        await dragIntoEditor(context, 'sample.jpg', editor, gutter, 'drop-into-other-json');
        // VS Code's own edit (a path) is what the drop inserted; ours, had it been applied, puts its placeholder there.
        await editor.locator('.view-line', { hasText: 'sample.jpg' }).first().waitFor({ state: 'visible', timeout: 20_000 });
        assert.equal(await editor.locator('.view-line', { hasText: '«' }).count(), 0, 'the upload’s placeholder is in the editor');
        assert.equal(emulator.received.length, before, 'something was uploaded');
      } finally {
        await page.keyboard.up('Shift').catch(() => undefined);
        await page.keyboard.press('Escape').catch(() => undefined);
        // Unsaved: closed without a question, so later scenarios find no dirty editor.
        await workbench.runCommand('View: Revert and Close Editor').catch(() => undefined);
        fs.rmSync(file, { force: true });
      }
    },
  },
];
