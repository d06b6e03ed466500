// Issue 13: the Library view lists the account's assets, Load More adds the next page, and deleting one through
// its context menu and the modal removes it from the view and from HeyGen (the emulator).
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import type { UiContext, UiScenario } from './uiScenario';
import { ON_TWISTIE } from './workbench';


/** The Library pane, expanded (it starts collapsed below Assets), with the key set when an earlier scenario did not. */
async function openLibrary({ page, workbench, emulator }: UiContext): Promise<Locator> {
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
    await workbench.runCommand('HeyGen: Set API Key');
    await page.locator('.quick-input-widget .quick-input-box input.input[type="password"]').waitFor({ state: 'visible' });
    await page.keyboard.type(emulator.apiKey, { delay: 5 });
    await page.keyboard.press('Enter');
  }
  return library;
}

function row(library: Locator, text: string | RegExp): Locator {
  return library.locator('.monaco-list-row', { hasText: text }).first();
}

/** Collapse All, so the groups and the Load More row are all in sight. */
async function collapseGroups(library: Locator): Promise<void> {
  // The header shows its actions while hovered; hovering the rows instead could open a row's tooltip over them.
  await library.locator('.pane-header').hover(ON_TWISTIE);
  await library.locator('.pane-header .action-label[aria-label="Collapse All"]').click();
}

/** The seeded assets the first N listed hold, per group, as the view counts them. */
function imagesIn(context: UiContext, first: number): number {
  return context.emulator.library
    .all()
    .slice(0, first)
    .filter((a) => a.type === 'image').length;
}

export const scenarios: UiScenario[] = [
  {
    title: 'the Library lists the account\'s seeded assets, newest first, with Load More',
    async run(context) {
      const { page, workbench, emulator } = context;
      // One a minute up to now: the expectations below come from the emulator's own listing, earlier uploads included.
      emulator.library.seed(250, Date.now(), 'ui');
      const library = await openLibrary(context);
      await library.locator('.pane-header .action-label[aria-label="Refresh Library"]').click({ force: true }).catch(async () => {
        await workbench.runCommand('HeyGen: Refresh Library');
      });
      const newestImage = emulator.library.all().find((a) => a.type === 'image');
      assert.ok(newestImage);
      await row(library, newestImage.name).waitFor({ state: 'visible', timeout: 20_000 });
      assert.ok(emulator.library.requests.list.some((r) => r.username === emulator.library.username && r.limit === '100'));
      await page.mouse.move(900, 700);
      await workbench.screenshot('library-view');
      await collapseGroups(library);
      await row(library, /^Images\s*\d+/).waitFor({ state: 'visible' });
      assert.match(await row(library, /^Images/).innerText(), new RegExp(`^Images\\s*${imagesIn(context, 100)}$`));
      await row(library, 'Load More…').waitFor({ state: 'visible', timeout: 10_000 });
    },
  },
  {
    title: 'Load More… adds the next page to the Library',
    async run(context) {
      const { workbench, emulator } = context;
      const library = workbench.pane('Library');
      const before = emulator.library.requests.list.length;
      await row(library, 'Load More…').click();
      await row(library, new RegExp(`^Images\\s*${imagesIn(context, 200)}$`)).waitFor({ state: 'visible', timeout: 20_000 });
      assert.equal(emulator.library.requests.list.length, before + 1);
      assert.ok(emulator.library.requests.list[before].token, 'the second page asked with the first page\'s next_token');
      await row(library, /200 listed so far/).waitFor({ state: 'visible' });
      await workbench.screenshot('library-load-more');
    },
  },
  {
    title: 'deleting an asset through its context menu and the modal removes it from the Library and from HeyGen',
    async run(context) {
      const { page, workbench, emulator } = context;
      const library = workbench.pane('Library');
      await row(library, /^Images/).click();
      const victim = emulator.library.all().find((a) => a.type === 'image');
      assert.ok(victim);
      const target = row(library, victim.name);
      await target.waitFor({ state: 'visible', timeout: 10_000 });
      await target.click({ button: 'right' });
      await workbench.screenshot('library-context-menu');
      await workbench.clickMenuItem('Delete from HeyGen…');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match((await dialog.textContent()) ?? '', new RegExp(`Delete "${victim.name.replace('.', '\\.')}" from HeyGen\\? Deletion is permanent`));
      await workbench.screenshot('library-delete-modal');
      await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
      await target.waitFor({ state: 'detached', timeout: 20_000 });
      assert.equal(emulator.library.has(victim.id), false, 'the emulator no longer has it');
      assert.ok(emulator.library.requests.delete.includes(victim.id));
      await workbench.notification(`Deleted "${victim.name}" from HeyGen.`).waitFor({ state: 'visible', timeout: 10_000 });
      await workbench.screenshot('library-after-delete');
      await workbench.dismissNotifications();
      // Leave the container as the other scenarios expect it: Assets expanded, the Library collapsed.
      await library.locator('.pane-header').click(ON_TWISTIE);
      const assetsHeader = workbench.pane('Assets').locator('.pane-header');
      if ((await assetsHeader.getAttribute('aria-expanded')) !== 'true') {
        await assetsHeader.click(ON_TWISTIE);
      }
    },
  },
];
