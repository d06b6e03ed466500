// Drives the real VS Code workbench in Chromium the way a person does: keyboard, mouse, menus.
// Selectors are the workbench's own DOM classes in VS Code 1.99.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'test-results', 'screenshots');

/**
 * Where to click a view's header to expand or collapse it: on its twistie. The header's centre can hold the view's
 * title actions (the Assets view has several once it lists uploads), and a click there runs one instead.
 */
export const ON_TWISTIE = { position: { x: 12, y: 11 } } as const;

export class Workbench {
  private shot = 0;

  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    // From the navigation's start, the workbench itself is waited for (the page's load event adds nothing and can
    // outlast the default timeout on a loaded machine).
    await this.page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    // The explorer fills in, and the extensions' contributions arrive, a few seconds after the shell appears: the
    // HeyGen activity-bar item is there once the installed extension is known to the workbench.
    await this.explorerRow('video.json').waitFor({ state: 'visible', timeout: 60_000 });
    await this.activityBarItem('HeyGen').waitFor({ state: 'visible', timeout: 60_000 });
    await this.dismissNotifications();
  }

  /** Saves test-results/screenshots/NN-name.png; numbered so the folder reads as a story. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    this.shot += 1;
    const file = path.join(SCREENSHOT_DIR, `${String(this.shot).padStart(2, '0')}-${name}.png`);
    // Toasts and menus slide in: their animations are played to the end, so the picture shows where they come to rest.
    await this.page.screenshot({ path: file, animations: 'disabled' });
    return file;
  }

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  get quickInputBox(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input.input');
  }

  /** The palette's highlighted row when it matches `title` (the category left out). */
  private focusedMatch(title: string): Locator {
    return this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row.focused')
      .filter({ hasText: title.replace(/^.*?: /, '') })
      .first();
  }

  /** F1, type the command's title, wait for it to be the highlighted match. */
  async typeCommand(title: string): Promise<void> {
    const match = this.focusedMatch(title);
    // The palette can close again right after it opened, or before its list is filtered, when the workbench moves
    // the focus on its own (a view revealing a new row, a toast); F1 itself has been seen doing nothing in full runs.
    // Each of these is tried again from F1, at most three times in all.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      try {
        await this.quickInputBox.waitFor({ state: 'visible', timeout: 5_000 });
        await this.quickInputBox.fill(`>${title}`, { timeout: 5_000 });
        await match.waitFor({ state: 'visible', timeout: attempt === 3 ? 15_000 : 7_000 });
        return;
      } catch (error) {
        if (attempt === 3) {
          throw error;
        }
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /**
   * Runs a command from the palette: Enter is pressed in the palette's own box (Playwright focuses it first), not on
   * whatever has the focus. When the palette closed between finding the match and accepting it, the press fails and
   * everything is tried again; a bare Enter went to what took the focus (CI saw it land in an open payload as a new
   * line, and the command never ran).
   */
  async runCommand(title: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.typeCommand(title);
      try {
        await this.quickInputBox.press('Enter', { timeout: 3_000 });
        return;
      } catch (error) {
        if (attempt === 3) {
          throw error;
        }
        await this.page.keyboard.press('Escape');
      }
    }
  }

  explorerRow(name: string): Locator {
    return this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).first();
  }

  /** Whether each of these explorer rows shows as selected within `timeoutMs`. */
  async explorerRowsSelected(names: readonly string[], timeoutMs = 5_000): Promise<boolean> {
    try {
      for (const name of names) {
        await this.page
          .locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"][aria-selected="true"]`)
          .first()
          .waitFor({ state: 'visible', timeout: timeoutMs });
      }
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Selects explorer rows as a person does: click the first, Ctrl-click the others. A click also opens the file, and
   * once it is open the explorer reveals it, which selects that row alone: so the Ctrl-clicks wait for its tab, and
   * the selection is checked as the explorer shows it (and made again if the reveal still came in between).
   */
  async selectExplorerRows(names: readonly string[]): Promise<void> {
    const rows = names.map((name) => this.explorerRow(name));
    await rows[0].waitFor({ state: 'visible', timeout: 15_000 });
    for (let attempt = 1; ; attempt++) {
      await rows[0].click();
      await this.page.locator('.tabs-container .tab.active', { hasText: names[0] }).first().waitFor({ state: 'visible', timeout: 15_000 });
      for (const row of rows.slice(1)) {
        await row.click({ modifiers: ['Control'] });
      }
      if (await this.explorerRowsSelected(names)) {
        return;
      }
      if (attempt === 3) {
        throw new Error(`the explorer never showed ${names.join(', ')} selected together`);
      }
    }
  }

  /**
   * What identifies each row a tree pane shows, in order: its label, without the description next to it (a count,
   * or a relative time such as "now" that moves on by itself).
   */
  async rowLabels(pane: Locator): Promise<string[]> {
    return (await pane.locator('.monaco-list-row .label-name').allTextContents()).map((text) => text.trim());
  }


  /** The visible context menu's entry with this label (menus live in a shadow root; locators pierce it). */
  menuItem(label: string): Locator {
    return this.page.locator('.context-view .monaco-menu .action-item .action-label').filter({ hasText: new RegExp(`^${escapeRegExp(label)}$`) }).first();
  }

  /**
   * Chooses a context-menu entry: the pointer rests on it, which focuses it, and Enter runs it. A click would do the
   * same, but a menu entry starts listening for clicks only some 100 ms after it is drawn (so the release of the
   * right-click that opened the menu does not run it), and nothing on screen says when: a click in that moment is lost.
   */
  async clickMenuItem(label: string): Promise<void> {
    const entry = this.menuItem(label);
    await entry.waitFor({ state: 'visible', timeout: 10_000 });
    await entry.hover();
    await this.page
      .locator('.context-view .monaco-menu .action-item.focused .action-label')
      .filter({ hasText: new RegExp(`^${escapeRegExp(label)}$`) })
      .first()
      .waitFor({ state: 'visible', timeout: 5_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 5_000 });
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
  }

  /** Clears what could cover the next step: old toasts, and a tooltip of whatever the pointer was left resting on. */
  async dismissNotifications(): Promise<void> {
    // Rows move under a resting pointer when files come and go, and the one that ends up under it shows its tooltip.
    await this.page.mouse.move(900, 750);
    // Escape also closes a hover the workbench keeps open after the pointer left (a tree row's, seen on 1.99 after a
    // drag), and keeps old toasts from covering the next step together with "Clear All Notifications".
    await this.page.keyboard.press('Escape');
    await this.page.locator('.context-view .hover-contents').first().waitFor({ state: 'hidden', timeout: 5_000 });
    const toasts = this.page.locator('.notifications-toasts .notification-toast');
    if ((await toasts.count()) > 0) {
      await this.runCommand('Notifications: Clear All Notifications');
      const cleared = await toasts.first().waitFor({ state: 'hidden', timeout: 5_000 }).then(() => true, () => false);
      if (!cleared) {
        // Under load the palette has been seen closing before the command ran: close what is left by its own button.
        for (const close of await this.page.locator('.notifications-toasts .notification-toast .codicon-notifications-clear').all()) {
          await close.click({ force: true }).catch(() => undefined);
        }
        await toasts.first().waitFor({ state: 'hidden', timeout: 10_000 });
      }
    }
  }

  activityBarItem(label: string): Locator {
    return this.page.locator(`.activitybar .action-item .action-label[aria-label^="${label}"]`).first();
  }

  /** The sidebar pane whose header is `title` (e.g. "Assets"). */
  pane(title: string): Locator {
    return this.page
      .locator('.part.sidebar .pane')
      .filter({ has: this.page.locator('.pane-header h3.title', { hasText: new RegExp(`^${escapeRegExp(title)}$`, 'i') }) })
      .first();
  }

  /** HeyGen: Clear API Key, confirming the modal when a key was stored; ends with no notification shown. */
  async clearApiKey(): Promise<void> {
    await this.dismissNotifications();
    await this.runCommand('HeyGen: Clear API Key');
    const dialog = this.page.locator('.monaco-dialog-box');
    const cleared = this.notification(/No HeyGen API key was stored|HeyGen API key removed/);
    await Promise.race([dialog.waitFor({ state: 'visible', timeout: 15_000 }), cleared.waitFor({ state: 'visible', timeout: 15_000 })]);
    if (await dialog.isVisible()) {
      await dialog.locator('.monaco-button', { hasText: /^Remove Key$/ }).click();
    }
    await cleared.waitFor({ state: 'visible', timeout: 15_000 });
    await this.dismissNotifications();
  }

  /** The password box of HeyGen: Set API Key. */
  get apiKeyBox(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input.input[type="password"]');
  }

  /**
   * HeyGen: Set API Key from the palette with `key` typed into its box; resolves once the box closed (HeyGen took the
   * key, or could not be reached and it was saved unchecked).
   */
  async setApiKey(key: string): Promise<void> {
    await this.runCommand('HeyGen: Set API Key');
    await this.apiKeyBox.waitFor({ state: 'visible', timeout: 10_000 });
    await this.page.keyboard.type(key, { delay: 5 });
    await this.page.keyboard.press('Enter');
    await this.apiKeyBox.waitFor({ state: 'hidden', timeout: 30_000 });
  }

  /** Resets every walkthrough's progress and opens HeyGen's; returns its page. */
  async openFreshWalkthrough(): Promise<Locator> {
    await this.runCommand('Developer: Reset Welcome Page Walkthrough Progress');
    await this.typeCommand('Welcome: Open Walkthrough...');
    await this.page.keyboard.press('Enter');
    await this.quickInputBox.waitFor({ state: 'visible' });
    await this.quickInputBox.fill('HeyGen');
    await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Get Started with HeyGen Assets' }).first().click();
    return this.page.locator('.gettingStartedContainer');
  }

  /**
   * A walkthrough step selected by a click or by a key-up takes the focus 250 ms later (VS Code 1.99 to 1.139,
   * animating it open). From here on the page counts those pending focuses; `focusSettled` waits for them.
   */
  async countPendingStepFocus(): Promise<void> {
    await this.page.evaluate(`(() => {
      window.__pendingFocus = 0;
      const setTimeoutBefore = window.setTimeout;
      window.setTimeout = function (fn, ms, ...rest) {
        if (typeof fn === 'function' && /^\\(\\)=>\\w+\\.focus\\(\\)$/.test(fn.toString())) {
          window.__pendingFocus++;
          return setTimeoutBefore.call(window, () => { window.__pendingFocus--; fn(); }, ms, ...rest);
        }
        return setTimeoutBefore.call(window, fn, ms, ...rest);
      };
    })()`);
  }

  /** Waits until no counted step focus is pending and the focused element matches `selector` (closest). */
  async focusSettled(selector: string): Promise<void> {
    await this.page.waitForFunction(
      `window.__pendingFocus === 0 && !!document.activeElement && !!document.activeElement.closest(${JSON.stringify(selector)})`,
      undefined,
      { timeout: 10_000 },
    );
  }

  /**
   * Drags with real mouse events (Chromium turns them into HTML drag and drop), over `via` first when given: a
   * dragged file resting on an activity-bar icon opens its container (the workbench opens it 800 ms after the first
   * dragover there), and drops once the target list shows that it takes the drop.
   */
  async dragAndDrop(source: Locator, target: () => Locator, via?: Locator): Promise<void> {
    const from = await source.boundingBox();
    if (!from) {
      throw new Error('drag source is not visible');
    }
    const mouse = this.page.mouse;
    await mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await mouse.down();
    await mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 5 });
    if (via) {
      const box = await via.boundingBox();
      if (!box) {
        throw new Error('drag waypoint is not visible');
      }
      await mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 10 });
    }
    const destination = target();
    await destination.waitFor({ state: 'visible', timeout: 10_000 });
    const to = await destination.boundingBox();
    if (!to) {
      throw new Error('drop target is not visible');
    }
    await mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
    // The list marks itself (or the row under the pointer) as the drop target on a dragover it accepts.
    await destination
      .locator('.monaco-list.drop-target, .monaco-list-row.drop-target')
      .first()
      .waitFor({ state: 'attached', timeout: 10_000 });
    await mouse.up();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
