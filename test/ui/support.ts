import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { Emulator, ReceivedUpload } from '../emulator/heygenEmulator';
import type { UiContext } from './uiScenario';

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Waits until the emulator has answered 200 to a body with exactly the bytes of `file`, among the uploads from index
 * `after` on (pass `emulator.received.length` taken before the action, so an earlier upload of the same bytes does
 * not count).
 */
export async function waitForUploadOf(emulator: Emulator, file: string, timeoutMs = 30_000, after = 0): Promise<ReceivedUpload> {
  const expected = sha256File(file);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = emulator.received.slice(after).find((entry) => entry.sha256 === expected && entry.status === 200);
    if (hit) {
      return hit;
    }
    if (Date.now() > deadline) {
      const seen = emulator.received.slice(after).map((entry) => `${entry.contentType} ${entry.size} B → ${entry.status}`).join('; ') || 'nothing';
      throw new Error(`the emulator never received ${path.basename(file)} (sha256 ${expected.slice(0, 12)}…); it received: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Opens the HeyGen container's Assets view, from the explorer so the activity-bar click opens rather than closes it. */
export async function showAssetsView({ page, workbench }: UiContext): Promise<Locator> {
  const assets = workbench.pane('Assets');
  // The activity-bar item toggles its container, and right after a reload the workbench may not have taken the
  // explorer shortcut yet (the click then closed the container it had restored): look before each click.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await assets.isVisible()) {
      return assets;
    }
    await page.keyboard.press('Control+Shift+E');
    await workbench.activityBarItem('HeyGen').click();
    try {
      await assets.waitFor({ state: 'visible', timeout: 5_000 });
      return assets;
    } catch {
      // Closed instead of opened: the next round sees it hidden and opens it.
    }
  }
  await assets.waitFor({ state: 'visible', timeout: 10_000 });
  return assets;
}

/**
 * Identical content uploaded before with this key is reused without a request, so a scenario that must see bytes
 * travel first removes the earlier entries from the history, as a person would: with many assets the row is out of
 * sight (the tree draws only visible rows), so the view is filtered by name first, then each row goes through
 * Remove from History, then the filter is cleared.
 */
export async function forgetUpload(context: UiContext, name: string): Promise<void> {
  const { page, workbench } = context;
  const assets = await showAssetsView(context);
  await workbench.runCommand('HeyGen: Filter Assets…');
  await workbench.quickInput.waitFor({ state: 'visible' });
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
  await workbench.quickInput.waitFor({ state: 'hidden' });
  const rows = assets.locator('.monaco-list-row', { hasText: name });
  // The filtered tree shows the group and its matching rows, or the "No asset matches" welcome text.
  await assets
    .locator('.monaco-list-row, .welcome-view-content')
    .first()
    .waitFor({ state: 'visible', timeout: 10_000 });
  await page.waitForTimeout(300);
  for (let left = await rows.count(), guard = 0; left > 0; guard++) {
    assert.ok(guard < 20, `"${name}" rows keep coming back in the Assets view`);
    await rows.first().click({ button: 'right' });
    await workbench.clickMenuItem('Remove from History');
    const before = left;
    for (let wait = 0; wait < 50 && left === before; wait++) {
      await page.waitForTimeout(100);
      left = await rows.count();
    }
    assert.ok(left < before, `removing "${name}" from the history left its row in the Assets view`);
  }
  await workbench.runCommand('HeyGen: Clear Assets Filter');
  await page.keyboard.press('Control+Shift+E');
}

/** The 1-based line closing the first item's "voice" object in a payload: the end of that line is inside the item. */
export function lineClosingVoice(payload: string): number {
  const lines = payload.split('\n');
  const voiceLine = lines.findIndex((line) => line.includes('"voice"'));
  const closing = lines.findIndex((line, i) => i > voiceLine && /^\s*\},?\s*$/.test(line));
  assert.ok(voiceLine >= 0 && closing > voiceLine, 'the payload has an item with a voice');
  return closing + 1;
}

/** Opens `name` from the explorer and waits until line `lineNumber` is on screen; returns the editor and its gutter cell. */
export async function openAtLine({ page, workbench }: UiContext, name: string, lineNumber: number): Promise<{ editor: Locator; gutter: Locator }> {
  await page.keyboard.press('Control+Shift+E');
  await workbench.explorerRow(name).click();
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ state: 'visible' });
  const gutter = editor.locator('.margin-view-overlays .line-numbers', { hasText: new RegExp(`^${lineNumber}$`) }).first();
  await gutter.waitFor({ state: 'visible' });
  return { editor, gutter };
}

/** After Ctrl+S: the file's text once it differs from `original` (or `original` after 5 s). */
export async function savedText(page: UiContext['page'], file: string, original: string): Promise<string> {
  let saved = original;
  for (let attempt = 0; attempt < 25 && saved === original; attempt++) {
    await page.waitForTimeout(200);
    saved = fs.readFileSync(file, 'utf8');
  }
  return saved;
}
