// Issue 6, paste: a copied media file pasted into video.json uploads it and inserts the background, in the real
// workbench. Headless Chromium has no operating-system clipboard holding files, so the paste is the DOM event
// a real Ctrl+V produces: a `paste` ClipboardEvent whose clipboardData carries sample.png as a File, dispatched
// on the editor's focused input element. VS Code's CopyPasteController (vs/editor/contrib/dropOrPasteInto) listens
// for exactly that event on the editor and hands `clipboardData` to the paste edit providers, ours among them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { forgetUpload, lineClosingVoice, openAtLine, saveActiveEditor, showAssetsView, waitForUploadOf } from './support';
import type { UiScenario } from './uiScenario';

interface Payload {
  video_inputs: Array<Record<string, unknown>>;
}

interface PasteOutcome {
  /** Where the event went: tag and classes of the focused element. */
  target: string;
  /** Whether the focused element is inside an editor (otherwise nothing was dispatched). */
  inEditor: boolean;
  /**
   * True when a listener called preventDefault: VS Code's paste controller took the paste over for its providers
   * (it does so whenever some provider's mime types match, built-in ones included, so this alone proves no upload).
   */
  taken: boolean;
  types: string[];
}

/**
 * Dispatches a paste of one file on the focused element, as Chromium does for Ctrl+V with a file on the clipboard.
 * A string expression: the test project compiles without the DOM library.
 */
function pasteFileScript(name: string, type: string, bytes: Buffer): string {
  return `(() => {
    const binary = atob(${JSON.stringify(bytes.toString('base64'))});
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const target = document.activeElement;
    const describe = (el) => el ? el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '') : 'nothing';
    if (!target || !target.closest('.monaco-editor')) {
      return { target: describe(target), inEditor: false, taken: false, types: [] };
    }
    const data = new DataTransfer();
    data.items.add(new File([bytes], ${JSON.stringify(name)}, { type: ${JSON.stringify(type)} }));
    const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    target.dispatchEvent(event);
    return { target: describe(target), inEditor: true, taken: event.defaultPrevented, types: Array.from(data.types) };
  })()`;
}

export const scenarios: UiScenario[] = [
  {
    title: 'pasting a copied sample.png into video.json uploads its bytes and inserts a background into the item; the Assets view lists it',
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      const file = path.join(workspace, 'video.json');
      const original = fs.readFileSync(file, 'utf8');
      const png = fs.readFileSync(path.join(workspace, 'sample.png'));
      // The cursor goes to the end of the line closing the item's "voice" object, inside the item.
      const lineNumber = lineClosingVoice(original);

      try {
        await workbench.dismissNotifications();
        // Identical content uploaded before with this key is reused without a request (1-foundation uploaded
        // sample.png), so the person first removes that entry from the history: the paste must really travel.
        await forgetUpload(context, 'sample.png');
        const before = emulator.received.length;

        const { editor, gutter } = await openAtLine(context, 'video.json', lineNumber);
        const line = await gutter.boundingBox();
        const area = await editor.locator('.lines-content').first().boundingBox();
        assert.ok(line && area, 'the line and the editor are on screen');
        await page.mouse.click(area.x + Math.min(area.width - 20, 600), line.y + line.height / 2);
        await page.keyboard.press('End');
        const cursorLine = editor.locator('.current-line').first();
        await cursorLine.waitFor({ state: 'visible' });

        const outcome = await page.evaluate<PasteOutcome>(pasteFileScript('sample.png', 'image/png', png));
        assert.ok(outcome.inEditor, `the editor does not have the focus for the paste (focus is on ${outcome.target})`);
        assert.ok(
          outcome.taken,
          `VS Code's paste controller did not take the paste of a PNG file on ${outcome.target} (clipboard types ${outcome.types.join(', ') || 'none'}): the paste event never reached it, the editor lacked text focus or editor.pasteAs is off`,
        );
        await workbench.screenshot('paste-into-video-json');

        const upload = await waitForUploadOf(emulator, path.join(workspace, 'sample.png'), 30_000, before);
        assert.equal(upload.size, png.length, 'the emulator received as many bytes as sample.png has');
        assert.equal(upload.contentType, 'image/png');
        assert.equal(upload.apiKeyOk, true);
        const url = `${emulator.origin}/files/${upload.id}.png`;

        // What the person sees: the background, with the new asset's URL, in the editor.
        const inserted = editor.locator('.view-line', { hasText: '"background"' }).first();
        await inserted.waitFor({ state: 'visible', timeout: 20_000 });
        await editor.locator('.view-line', { hasText: url }).first().waitFor({ state: 'visible', timeout: 5_000 });
        await workbench.screenshot('pasted-background-snippet');
        await page.keyboard.press('Escape');
        const saved = await saveActiveEditor(page, file, upload.id);
        assert.notEqual(saved, original, 'video.json was saved with the pasted fragment');
        const payload = JSON.parse(saved) as Payload;
        assert.equal(payload.video_inputs.length, 1, 'the paste added a property to the item, not a new item');
        const background = payload.video_inputs[0].background as { type: string; url: string } | undefined;
        assert.ok(background, `the item has a background: ${JSON.stringify(payload.video_inputs[0])}`);
        assert.equal(background.type, 'image');
        assert.equal(background.url, url);
        // HeyGen's background object carries the asset by its URL, which names the asset id.
        assert.ok(background.url.includes(upload.id), 'the asset id HeyGen answered is in the payload');
        assert.ok(payload.video_inputs[0].voice, 'the voice is still there');

        const assets = await showAssetsView(context);
        await assets.locator('.monaco-list-row', { hasText: 'sample.png' }).first().waitFor({ state: 'visible', timeout: 15_000 });
        await workbench.screenshot('assets-view-after-paste');
      } finally {
        // Later scenarios expect the sample payload as shipped.
        fs.writeFileSync(file, original);
        await page.keyboard.press('Control+Shift+E').catch(() => undefined);
      }
    },
  },
];
