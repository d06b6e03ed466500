// Issue 14 item 7: in a payload, "./sample.jpg" is a problem; its quick fix uploads the file and the saved file
// holds the URL HeyGen answered; Show Hover on that URL names the asset.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext, UiScenario } from './uiScenario';
import { forgetUpload, openAtLine, saveActiveEditor, waitForUploadOf } from './support';

const PAYLOAD = `{
  "video_inputs": [
    {
      "background": { "type": "image", "url": "./sample.jpg" }
    }
  ]
}
`;
const LINE = 4;

/** Puts the cursor at line:column with Go to Line, as a person would. */
async function goTo({ page, workbench }: UiContext, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await workbench.quickInput.waitFor({ state: 'visible' });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await workbench.quickInput.waitFor({ state: 'hidden' });
}

export const scenarios: UiScenario[] = [
  {
    title: 'the quick fix on "./sample.jpg" uploads it, the saved payload holds the returned URL, and Show Hover names the asset',
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      const file = path.join(workspace, 'payload-quickfix.json');
      fs.writeFileSync(file, PAYLOAD);
      try {
        await workbench.dismissNotifications();
        // Earlier scenarios uploaded sample.jpg: without this the fix would reuse that asset and send nothing.
        await forgetUpload(context, 'sample.jpg');
        const before = emulator.received.length;
        const { editor } = await openAtLine(context, 'payload-quickfix.json', LINE);
        await editor.locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: 20_000 });
        await goTo(context, LINE, PAYLOAD.split('\n')[LINE - 1].indexOf('./sample.jpg') + 3);

        await page.keyboard.press('Control+.');
        // The preferred fix is focused when the menu opens; Enter applies it, as a person would.
        const fix = page.locator('.action-widget .monaco-list-row.focused', { hasText: 'Upload to HeyGen and Replace' }).first();
        await fix.waitFor({ state: 'visible', timeout: 15_000 });
        await workbench.screenshot('payload-quick-fix');
        await page.keyboard.press('Enter');

        const upload = await waitForUploadOf(emulator, path.join(workspace, 'sample.jpg'), 30_000, before);
        assert.equal(upload.contentType, 'image/jpeg');
        const replaced = editor.locator('.view-line', { hasText: upload.id }).first();
        await replaced.waitFor({ state: 'visible', timeout: 20_000 });
        const saved = await saveActiveEditor(page, file, upload.id);
        const background = (JSON.parse(saved) as { video_inputs: Array<{ background: { type: string; url: string } }> }).video_inputs[0].background;
        assert.equal(background.type, 'image');
        assert.match(background.url, new RegExp(`^https?://\\S*${upload.id}`), 'the saved file holds the URL HeyGen answered');

        const line = saved.split('\n')[LINE - 1];
        await workbench.dismissNotifications();
        await goTo(context, LINE, line.indexOf(background.url) + 10);
        await workbench.runCommand('Show or Focus Hover');
        const hover = page.locator('.monaco-hover', { hasText: 'sample.jpg' }).first();
        await hover.waitFor({ state: 'visible', timeout: 15_000 });
        const hoverText = await hover.innerText();
        assert.match(hoverText, /sample\.jpg/);
        assert.ok(hoverText.includes(upload.id), `the hover gives the asset id: ${hoverText}`);
        await workbench.screenshot('payload-hover');
        await page.keyboard.press('Escape');
      } finally {
        fs.rmSync(file, { force: true });
      }
    },
  },
];
