// Issue 26: a new user's first hour, walked again in the real workbench (VS Code 1.99) and checked on screen: the
// titles in the palette, the settings' order, the walkthrough's key step and the key box's focus, the upload
// notification and its buttons, the Insert pick's default, completion accepted with Enter and Tab, the hover on a
// local path, and the Library's filter finding "sample".
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { UiContext, UiScenario } from './uiScenario';
import { showAssetsView, waitForUploadOf } from './support';
import { ON_TWISTIE } from './workbench';

/** The file this walk uploads: sample.png's pixels with bytes of its own, so HeyGen receives it whatever came before. */
const FRESH = 'first-hour.png';
const COMPLETION = 'first-hour-completion.json';
const MP3_BACKGROUND = 'first-hour-mp3.json';

/** Whether the keyboard focus is in the quick input's password box (a string expression: no DOM library here). */
async function passwordBoxFocused({ page }: UiContext): Promise<boolean> {
  return page.evaluate<boolean>(`(() => {
    const el = document.activeElement;
    return !!el && el.matches('.quick-input-widget .quick-input-box input[type="password"]');
  })()`);
}

/** Puts the cursor at line:column with Go to Line, as a person would. */
async function goTo({ page, workbench }: UiContext, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await workbench.quickInput.waitFor({ state: 'visible' });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await workbench.quickInput.waitFor({ state: 'hidden' });
}

/** The labels the palette offers for `typed`, as the person reads them. */
async function paletteRows({ page, workbench }: UiContext, typed: string): Promise<string[]> {
  await page.keyboard.press('F1');
  await workbench.quickInputBox.waitFor({ state: 'visible' });
  await workbench.quickInputBox.fill(`>${typed}`);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  // The list filters as it is typed into: wait for the rows of the whole text.
  await rows.filter({ hasText: typed.replace(/^HeyGen: /, '') }).first().waitFor({ state: 'visible', timeout: 15_000 });
  const labels = (await rows.locator('.label-name').allTextContents()).map((t) => t.trim());
  await page.keyboard.press('Escape');
  return labels;
}

function row(pane: Locator, text: string | RegExp): Locator {
  return pane.locator('.monaco-list-row', { hasText: text }).first();
}

export const scenarios: UiScenario[] = [
  {
    title: 'first hour: the log of a start without a key holds no warning',
    async run({ page, workbench, workspace }) {
      // The run starts without a key (the first scenarios set it): the first extension host's log, up to the first
      // key saved, is that start. Issue 26 item 10: it used to warn that no key was set. Show Log starts the
      // extension when no scenario has yet, and its lines on screen are on disk.
      await workbench.runCommand('HeyGen: Show Log');
      // Any line will do: after a full run the log is long, and its first line ("activated") is scrolled out of view.
      await page.locator('.part.panel .view-lines .view-line').first().waitFor({ state: 'visible', timeout: 20_000 });
      await workbench.runCommand('View: Hide Panel');
      const logs = path.join(workspace, '..', 'user-data', 'logs');
      const files = (fs.readdirSync(logs, { recursive: true }) as string[]).filter((name) => name.endsWith(path.join('heygen-assets.heygen-assets', 'HeyGen.log'))).sort();
      assert.ok(files.length > 0, `no HeyGen.log under ${logs}`);
      const lines = fs.readFileSync(path.join(logs, files[0]), 'utf8').split('\n').filter(Boolean);
      const saved = lines.findIndex((line) => line.includes('API key was saved'));
      const start = saved < 0 ? lines : lines.slice(0, saved);
      assert.ok(start.some((line) => /\[info\] HeyGen Assets .* activated/.test(line)), start.join('\n'));
      assert.deepEqual(start.filter((line) => /\[(warning|error)\]/.test(line)), [], start.join('\n'));
    },
  },
  {
    title: 'first hour: the settings list reference style, upload size and concurrency first and the endpoints last, never "Heygen"',
    async run(context) {
      const { page, workbench } = context;
      await workbench.runCommand('Preferences: Open Settings (UI)');
      const toc = page.locator('.settings-editor .settings-toc-container');
      await toc.waitFor({ state: 'visible', timeout: 20_000 });
      const tocRow = (label: string): Locator => toc.locator('.monaco-list-row', { hasText: new RegExp(`^${label}`) }).first();
      // The table of contents fills in while the editor loads its settings: a click may land on a row being redrawn.
      await tocRow('Extensions').locator('.monaco-tl-twistie').click({ force: true });
      await tocRow('HeyGen Assets').waitFor({ state: 'visible', timeout: 10_000 });
      await tocRow('HeyGen Assets').locator('.monaco-tl-twistie').click({ force: true });
      const titles = page.locator('.settings-editor .settings-tree-container .setting-item-contents .setting-item-title');
      const read = async (): Promise<string[]> => (await titles.allInnerTexts()).map((t) => t.split('\n')[0].trim());
      /** The rows of one of our categories, from the first row matching `first` on. */
      const category = async (name: string, first: RegExp, count: number): Promise<string[]> => {
        await tocRow(name).click({ force: true });
        // The list scrolls to the category: its first row on screen says it has arrived.
        await titles.filter({ hasText: first }).first().waitFor({ state: 'visible', timeout: 20_000 });
        const rows = await read();
        const at = rows.findIndex((t) => first.test(t));
        assert.ok(at >= 0, `${name}: ${rows.join(' | ')}`);
        return rows.slice(at, at + count);
      };
      const everyday = await category('General', /Reference/, 9);
      await workbench.screenshot('first-hour-settings');
      assert.match(everyday.slice(0, 3).join(' | '), /Reference.*\|.*Upload Size.*\|.*Concurrency/i, `the settings begin: ${everyday.join(' | ')}`);
      // VS Code labels a setting from its key (it reads no per-setting title): heygen.api.version is "Api: Version".
      // "Payload: Version", General's last row, is on screen too: the Connection rows begin at the API's version.
      // The list draws only the rows on screen: a taller window shows the whole Connection category.
      const viewport = page.viewportSize();
      await page.setViewportSize({ width: viewport?.width ?? 1400, height: 1600 });
      const connection = await category('Connection', /^Api\W+Version|^API Version/i, 6);
      await workbench.screenshot('first-hour-settings-connection');
      // A setting named in a description is a link labelled from its key ("Heygen: Upload Url"): none is.
      const texts = (await page.locator('.settings-editor .settings-tree-container .setting-item-contents').allInnerTexts()).join('\n');
      if (viewport) {
        await page.setViewportSize(viewport);
      }
      assert.doesNotMatch(texts, /Heygen/);
      assert.equal(connection.length, 6, connection.join(' | '));
      assert.match(connection.slice(-2).join(' | '), /Base U.*\|.*Upload U/i, `the settings end: ${connection.join(' | ')}`);
      for (const label of [...everyday, ...connection]) {
        assert.doesNotMatch(label, /Heygen/, `"${label}"`);
      }
      await workbench.runCommand('View: Close All Editors');
    },
  },
  {
    title: 'first hour: from the walkthrough, the key box takes the focus and keeps it after a refused key; only the accepted key ticks the step',
    async run(context) {
      const { page, workbench, emulator } = context;
      // Back to no key (an earlier scenario stored one) and an untouched walkthrough.
      await workbench.clearApiKey();
      const walkthrough = await workbench.openFreshWalkthrough();
      const keyStep = walkthrough.locator('.getting-started-step', { hasText: 'Set and check your API key' }).first();
      await keyStep.waitFor({ state: 'visible', timeout: 15_000 });
      // Each step shows its picture.
      await walkthrough.locator('.getting-started-media img').first().waitFor({ state: 'visible', timeout: 10_000 });
      assert.notEqual(await keyStep.getAttribute('aria-checked'), 'true', 'no key yet: the step is open');
      // A step selected by a click or by a key-up takes the focus 250 ms later: the test acts once those are done.
      await workbench.countPendingStepFocus();
      await keyStep.click();
      await workbench.focusSettled('.gettingStartedContainer');

      // From the palette while the walkthrough has the focus. The palette hands the focus back to the step, and the
      // Enter's key-up there selects the step again: its focus comes before or after the box opened.
      await workbench.runCommand('HeyGen: Set API Key');
      const password = workbench.apiKeyBox;
      await password.waitFor({ state: 'visible', timeout: 10_000 });
      assert.notEqual(await keyStep.getAttribute('aria-checked'), 'true', 'opening the box ticks nothing');
      // The step's focus has come and gone: the box has the focus (again).
      await workbench.focusSettled('.quick-input-box input[type="password"]');

      // What the person types lands in the box.
      const refused = 'not-the-emulators-key-0123456789';
      await page.keyboard.type(refused, { delay: 5 });
      assert.equal(await password.inputValue(), refused, 'every typed character reached the key box');
      assert.equal(await passwordBoxFocused(context), true, 'the key box has the keyboard focus');
      await page.keyboard.press('Enter');
      await workbench.quickInput.getByText('HeyGen refused this key', { exact: false }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await workbench.screenshot('first-hour-key-refused');
      assert.equal(await passwordBoxFocused(context), true, 'after the refusal the focus is still in the box');
      assert.notEqual(await keyStep.getAttribute('aria-checked'), 'true', 'a refused key ticks nothing');

      // Typing goes on in the box: the refused key is replaced by the right one.
      await page.keyboard.press('Control+A');
      await page.keyboard.type(emulator.apiKey, { delay: 5 });
      assert.equal(await password.inputValue(), emulator.apiKey, 'the second key reached the box too');
      await page.keyboard.press('Enter');
      await workbench.quickInput.waitFor({ state: 'hidden', timeout: 15_000 });
      await walkthrough
        .locator('.getting-started-step[aria-checked="true"]', { hasText: 'Set and check your API key' })
        .first()
        .waitFor({ state: 'attached', timeout: 15_000 });
      await workbench.screenshot('first-hour-key-accepted');
      await workbench.runCommand('View: Close All Editors');
    },
  },
  {
    title: 'first hour: with no uploads on this machine and 130 assets on the account, Assets says "more than 100" and Show Library opens the Library',
    async run(context) {
      const { page, workbench, emulator } = context;
      emulator.library.seed(130, Date.now(), 'look');
      await workbench.dismissNotifications();
      // This machine's uploads so far are forgotten (HeyGen keeps them): the person's first look.
      await workbench.runCommand('HeyGen: Clear History');
      const dialog = page.locator('.monaco-dialog-box');
      const empty = workbench.notification('The history is already empty.');
      await Promise.race([dialog.waitFor({ state: 'visible', timeout: 15_000 }), empty.waitFor({ state: 'visible', timeout: 15_000 })]);
      if (await dialog.isVisible()) {
        await dialog.locator('.monaco-button', { hasText: /^Clear History$/ }).click();
        await dialog.waitFor({ state: 'hidden' });
      }
      const assets = await showAssetsView(context);
      const library = workbench.pane('Library');
      // Earlier scenarios listed the Library before the seed: the person's Refresh stands for a new session's listing.
      await workbench.runCommand('HeyGen: Refresh Library');
      const sentence = 'No uploads from this machine yet. Your HeyGen account holds more than 100 assets.';
      await assets.getByText(sentence).waitFor({ state: 'visible', timeout: 20_000 });
      assert.equal(await assets.locator('.welcome-view-content').isVisible(), false, 'the count replaces "No assets uploaded yet."');
      await workbench.screenshot('first-hour-first-look');

      // The Library collapsed, as it may be: Show Library in the Assets title expands it and gives it the focus.
      const libraryHeader = library.locator('.pane-header');
      if ((await libraryHeader.getAttribute('aria-expanded')) === 'true') {
        await libraryHeader.click(ON_TWISTIE);
      }
      await page.waitForFunction(`document.querySelectorAll('.part.sidebar .pane-header[aria-expanded="false"]').length > 0`);
      await assets.locator('.pane-header').hover();
      await assets.locator('.pane-header .action-label[aria-label^="Show Library"]').click();
      await library.locator('.pane-header[aria-expanded="true"]').waitFor({ state: 'attached', timeout: 10_000 });
      await library.locator('.monaco-list-row', { hasText: /asset-01\d\d\./ }).first().waitFor({ state: 'visible', timeout: 15_000 });
      // The focus is in the Library's pane (a string expression: no DOM library here).
      await page.waitForFunction(
        `(() => { const pane = document.activeElement && document.activeElement.closest('.pane'); return !!pane && /^Library$/i.test(pane.querySelector('.pane-header h3.title')?.textContent ?? ''); })()`,
        undefined,
        { timeout: 10_000 },
      );
      await workbench.screenshot('first-hour-show-library');
    },
  },
  {
    title: 'first hour: the upload notification says "Uploaded first-hour.png to HeyGen." and offers Copy URL, Insert into Payload and Show in Assets',
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      fs.writeFileSync(path.join(workspace, FRESH), Buffer.concat([fs.readFileSync(path.join(workspace, 'sample.png')), randomBytes(16)]));
      await workbench.dismissNotifications();
      // A payload is open: the person will want the upload in it.
      await page.keyboard.press('Control+Shift+E');
      // The explorer learns of files written behind its back from the file watcher, which can lag.
      await workbench.runCommand('File: Refresh Explorer');
      await workbench.explorerRow('video.json').click();
      await page.locator('.tabs-container .tab.active', { hasText: 'video.json' }).first().waitFor({ state: 'visible', timeout: 15_000 });
      const before = emulator.received.length;
      const source = workbench.explorerRow(FRESH);
      await source.waitFor({ state: 'visible', timeout: 15_000 });
      await source.click({ button: 'right' });
      await workbench.clickMenuItem('Upload to HeyGen');
      const upload = await waitForUploadOf(emulator, path.join(workspace, FRESH), 30_000, before);

      const toast = workbench.notification(`Uploaded "${FRESH}" to HeyGen.`);
      await toast.waitFor({ state: 'visible', timeout: 15_000 });
      assert.equal(await workbench.notification(/Uploading to HeyGen/).isVisible(), false, 'the progress notification has closed');
      const text = await toast.innerText();
      assert.ok(!text.includes(upload.id) && !/https?:\/\//.test(text), `no id or URL in the notification: ${text}`);
      const buttons = (await toast.locator('.monaco-button').allTextContents()).map((t) => t.trim());
      assert.deepEqual(buttons, ['Copy URL', 'Insert into Payload', 'Show in Assets']);
      await workbench.screenshot('first-hour-uploaded');

      await toast.locator('.monaco-button', { hasText: /^Show in Assets$/ }).click();
      const assets = workbench.pane('Assets');
      await assets.locator('.monaco-list-row[aria-selected="true"]', { hasText: FRESH }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await workbench.screenshot('first-hour-show-in-assets');
    },
  },
  {
    title: 'first hour: with uploads, the palette offers Filter and Refresh naming the view each acts on',
    async run(context) {
      await context.workbench.dismissNotifications();
      const filters = await paletteRows(context, 'HeyGen: Filter');
      assert.ok(filters.includes('HeyGen: Filter Assets…'), filters.join(' | '));
      assert.ok(filters.includes('HeyGen: Filter Library…'), filters.join(' | '));
      assert.ok(!filters.includes('HeyGen: Filter…'), filters.join(' | '));
      const refreshes = await paletteRows(context, 'HeyGen: Refresh');
      assert.ok(refreshes.includes('HeyGen: Refresh Assets') && refreshes.includes('HeyGen: Refresh Library'), refreshes.join(' | '));
    },
  },
  {
    title: 'first hour: Insert as Background highlights the newest upload, so Enter inserts it',
    async run(context) {
      const { page, workbench } = context;
      await workbench.dismissNotifications();
      await page.keyboard.press('Control+Shift+E');
      await workbench.explorerRow('video.json').click();
      await page.locator('.tabs-container .tab.active', { hasText: 'video.json' }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await workbench.runCommand('HeyGen: Insert as Background');
      const focused = page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused');
      await focused.first().waitFor({ state: 'visible', timeout: 15_000 });
      assert.match(await focused.first().innerText(), new RegExp(FRESH.replace('.', '\\.')));
      await workbench.screenshot('first-hour-insert-pick');
      await page.keyboard.press('Escape');
    },
  },
  {
    title: 'first hour: in a payload string a completion is accepted with Enter and with Tab; a local MP3 as background gives one reason',
    async run(context) {
      const { page, workbench, workspace } = context;
      // Two files: the JSON language's own completion offers the other strings of a file for the same property.
      const payload = '{"video_inputs": [{"background": {"type": "image", "url": ""}}]}\n';
      const mp3 = '{"video_inputs": [{"background": {"type": "image", "url": "./sample.mp3"}}]}\n';
      fs.writeFileSync(path.join(workspace, COMPLETION), payload);
      fs.writeFileSync(path.join(workspace, MP3_BACKGROUND), mp3);
      await workbench.dismissNotifications();
      await page.keyboard.press('Control+Shift+E');
      await workbench.runCommand('File: Refresh Explorer');
      await workbench.explorerRow(COMPLETION).click();
      const editor = page.locator('.editor-instance .monaco-editor').first();
      await editor.waitFor({ state: 'visible' });
      const inside = payload.indexOf('"url": ""') + '"url": "'.length + 1;
      for (const key of ['Enter', 'Tab']) {
        await goTo(context, 1, inside);
        await page.keyboard.press('Control+Space');
        const suggestion = page.locator('.suggest-widget .monaco-list-row.focused', { hasText: FRESH });
        await suggestion.first().waitFor({ state: 'visible', timeout: 15_000 });
        await page.keyboard.press(key);
        await page.locator('.suggest-widget').first().waitFor({ state: 'hidden', timeout: 10_000 });
        // The editor draws spaces as no-break spaces.
        const lines = (await editor.locator('.view-lines .view-line').allTextContents()).map((l) => l.replace(/\u00a0/g, ' '));
        assert.equal(lines.filter((l) => l.trim() !== '').length, 1, `${key} accepted without a line break: ${lines.join('⏎')}`);
        assert.match(lines[0], /"url": "https?:\/\/[^"]+"/, `${key} put the URL in: ${lines[0]}`);
        await page.keyboard.press('Control+Z');
        await editor.locator('.view-line', { hasText: '"url": ""' }).first().waitFor({ state: 'visible', timeout: 10_000 });
      }

      await workbench.runCommand('View: Revert and Close Editor');

      // The local MP3 as a background: the hover gives its facts and the one reason, never "must be uploaded".
      await workbench.explorerRow(MP3_BACKGROUND).click();
      await page.locator('.tabs-container .tab.active', { hasText: MP3_BACKGROUND }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await editor.locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: 20_000 });
      await goTo(context, 1, mp3.indexOf('./sample.mp3') + 4);
      await workbench.runCommand('Show or Focus Hover');
      const hover = page.locator('.monaco-hover', { hasText: 'sample.mp3' }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      // The problem and the file's facts arrive from two providers: wait for both.
      await hover.getByText(/MP3 audio/).first().waitFor({ state: 'visible', timeout: 15_000 });
      await hover.getByText(/takes a JPEG or PNG image/).first().waitFor({ state: 'visible', timeout: 15_000 });
      const text = await hover.innerText();
      await workbench.screenshot('first-hour-local-mp3-hover');
      assert.match(text, /MP3 audio/);
      assert.equal(text.split('takes a JPEG or PNG image').length - 1, 1, `one reason: ${text}`);
      assert.doesNotMatch(text, /must be uploaded|needs it uploaded|Upload to HeyGen and Replace/, text);
      await page.keyboard.press('Escape');
      await workbench.runCommand('View: Revert and Close Editor');
    },
  },
  {
    title: 'first hour: the Library lists first-hour.png by its file name, and filtering "first-hour" finds it',
    async run(context) {
      const { page, workbench } = context;
      await workbench.dismissNotifications();
      await showAssetsView(context);
      const library = workbench.pane('Library');
      const header = library.locator('.pane-header');
      if ((await header.getAttribute('aria-expanded')) !== 'true') {
        await header.click(ON_TWISTIE);
      }
      await workbench.runCommand('HeyGen: Refresh Library');
      await workbench.runCommand('HeyGen: Filter Library…');
      await workbench.quickInput.waitFor({ state: 'visible' });
      assert.match(await workbench.quickInput.innerText(), /Filter Library/);
      await page.keyboard.type('first-hour');
      await page.keyboard.press('Enter');
      await workbench.quickInput.waitFor({ state: 'hidden' });
      await row(library, FRESH).waitFor({ state: 'visible', timeout: 20_000 });
      const assets = workbench.pane('Assets');
      // The same upload, the same age in both views.
      const ageIn = async (pane: Locator): Promise<string> => ((await row(pane, FRESH).locator('.label-description').textContent()) ?? '').trim();
      assert.equal(await ageIn(library), await ageIn(assets));
      await workbench.screenshot('first-hour-library-filter');
      await workbench.runCommand('HeyGen: Clear Library Filter');
      await header.click(ON_TWISTIE);
    },
  },
];
