import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { Emulator, ReceivedUpload } from '../emulator/heygenEmulator';
import type { UiContext } from './uiScenario';
import { ON_TWISTIE } from './workbench';

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

const recordListeners = new WeakMap<ReceivedUpload[], Set<() => void>>();

/**
 * Calls `listener` each time the emulator adds a request to its record. The emulator announces a body's arrival
 * (bodyArrived) but not its answer; it runs in this process and records each answered request by pushing it onto
 * `received`, so that push is where the record is watched.
 */
function onRecorded(emulator: Emulator, listener: () => void): () => void {
  const record = emulator.received;
  let listeners = recordListeners.get(record);
  if (!listeners) {
    const watching = new Set<() => void>();
    listeners = watching;
    recordListeners.set(record, watching);
    const push = record.push;
    Object.defineProperty(record, 'push', {
      configurable: true,
      value(this: ReceivedUpload[], ...items: ReceivedUpload[]): number {
        const length = push.apply(this, items);
        watching.forEach((notify) => notify());
        return length;
      },
    });
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Waits until the emulator has answered 200 to a body with exactly the bytes of `file`, among the uploads from index
 * `after` on (pass `emulator.received.length` taken before the action, so an earlier upload of the same bytes does
 * not count): looked for now and at each request the emulator records.
 */
export function waitForUploadOf(emulator: Emulator, file: string, timeoutMs = 30_000, after = 0): Promise<ReceivedUpload> {
  const expected = sha256File(file);
  const find = (): ReceivedUpload | undefined => emulator.received.slice(after).find((entry) => entry.sha256 === expected && entry.status === 200);
  return new Promise<ReceivedUpload>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      stop();
    };
    const timer = setTimeout(() => {
      done();
      const seen = emulator.received.slice(after).map((entry) => `${entry.contentType} ${entry.size} B → ${entry.status}`).join('; ') || 'nothing';
      reject(new Error(`the emulator never received ${path.basename(file)} (sha256 ${expected.slice(0, 12)}…) within ${timeoutMs / 1000} s; it received: ${seen}`));
    }, timeoutMs);
    const look = (): void => {
      const hit = find();
      if (hit) {
        done();
        resolve(hit);
      }
    };
    const stop = onRecorded(emulator, look);
    look();
  });
}

/** Opens the HeyGen container's Assets view, from the explorer so the activity-bar click opens rather than closes it. */
export async function showAssetsView(context: UiContext): Promise<Locator> {
  const assets = await showAssetsPane(context);
  // Expanded too: a scenario that stopped half-way may have left it collapsed under an open Library.
  const header = assets.locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) !== 'true') {
    await header.click(ON_TWISTIE);
    await assets.locator('.pane-header[aria-expanded="true"]').waitFor({ state: 'attached', timeout: 5_000 });
  }
  return assets;
}

async function showAssetsPane({ page, workbench }: UiContext): Promise<Locator> {
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
  // The filtered tree shows the group and its matching rows, or the "No asset matches" welcome text: once the filter
  // is on (the view says so next to its title), no asset row (level 2) without the name is left.
  await assets.locator('.pane-header', { hasText: `Filter: ${name}` }).waitFor({ state: 'visible', timeout: 10_000 });
  await assets.locator('.monaco-list-row[aria-level="2"]', { hasNotText: name }).first().waitFor({ state: 'hidden', timeout: 10_000 });
  for (let left = await rows.count(), guard = 0; left > 0; guard++) {
    assert.ok(guard < 20, `"${name}" rows keep coming back in the Assets view`);
    await rows.first().click({ button: 'right' });
    await workbench.clickMenuItem('Remove from History');
    // One row fewer: the last of them is gone.
    await rows
      .nth(left - 1)
      .waitFor({ state: 'detached', timeout: 5_000 })
      .catch(() => assert.fail(`removing "${name}" from the history left its row in the Assets view`));
    left = await rows.count();
  }
  await workbench.runCommand('HeyGen: Clear Assets Filter');
  await page.keyboard.press('Control+Shift+E');
}

/** Resolves once the workbench has drawn two more animation frames (what an event changed is on screen by then). */
export async function nextFrame(page: UiContext['page']): Promise<void> {
  // A string expression: the test project compiles without the DOM library.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
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

/**
 * Saves the active editor with Ctrl+S, as a person would, and returns the file's text once the save is on disk: when
 * the file parses as JSON and holds `mustHold` (the new asset's id). Read any earlier and the file may be caught
 * half-written. The file's folder is watched for the writes (inotify), and the text read at each; a quick fix's or a
 * paste's edit may already have been saved by VS Code itself (files.refactoring.autoSave), so there may be one write
 * or two.
 */
export async function saveActiveEditor(page: UiContext['page'], file: string, mustHold: string, timeoutMs = 20_000): Promise<string> {
  let last = '';
  let problem = 'it was not read yet';
  const saved = (): string | undefined => {
    last = fs.readFileSync(file, 'utf8');
    try {
      JSON.parse(last);
    } catch (error) {
      problem = `it does not parse (${(error as Error).message})`;
      return undefined;
    }
    problem = `it does not hold ${mustHold}`;
    return last.includes(mustHold) ? last : undefined;
  };
  const watcher = fs.watch(path.dirname(file));
  let look = (): void => undefined;
  try {
    const written = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${path.basename(file)} was not saved within ${timeoutMs / 1000} s: ${problem}:\n${last}`)), timeoutMs);
      look = (): void => {
        const text = saved();
        if (text !== undefined) {
          clearTimeout(timer);
          resolve(text);
        }
      };
      watcher.on('change', look);
      watcher.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    await page.keyboard.press('Control+S');
    // Already on disk when VS Code saved the edit itself and Ctrl+S had nothing left to write.
    look();
    return await written;
  } finally {
    watcher.close();
  }
}

/** The Library pane, expanded (it starts collapsed below Assets), with the key set when an earlier scenario did not. */
export async function openLibrary({ workbench, emulator }: UiContext): Promise<Locator> {
  await workbench.dismissNotifications();
  if (!(await workbench.pane('Assets').isVisible())) {
    await workbench.activityBarItem('HeyGen').click();
  }
  const library = workbench.pane('Library');
  await library.waitFor({ state: 'visible', timeout: 10_000 });
  // Assets collapsed for now, so the Library has the room a person would give it.
  const assetsHeader = workbench.pane('Assets').locator('.pane-header');
  if ((await assetsHeader.getAttribute('aria-expanded')) === 'true') {
    await assetsHeader.click(ON_TWISTIE);
  }
  const header = library.locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) !== 'true') {
    await header.click(ON_TWISTIE);
  }
  // Expanding the pane lists page one; without a key the view says so instead.
  const needsKey = library.locator('.welcome-view-content').getByText('Set your HeyGen API key', { exact: false });
  const listed = library.locator('.monaco-list-row').first();
  await Promise.race([needsKey.waitFor({ state: 'visible', timeout: 15_000 }), listed.waitFor({ state: 'visible', timeout: 15_000 })]).catch(() => undefined);
  if (await needsKey.isVisible()) {
    await workbench.setApiKey(emulator.apiKey);
  }
  return library;
}
