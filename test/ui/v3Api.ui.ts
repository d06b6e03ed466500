// Issue 12 through the real workbench: a retired v1 answered with "Use API v3", an
// upload through the explorer menu that goes to POST /v3/assets, and the walkthrough. Runs last (file order): it
// leaves heygen.api.version at v3.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext, UiScenario } from './uiScenario';
import { sha256File, showAssetsView, waitForUploadOf } from './support';

/** A PNG no earlier scenario uploaded (identical content would be reused without a request). */
function freshPng({ workspace }: UiContext, name: string): string {
  const file = path.join(workspace, name);
  fs.writeFileSync(file, Buffer.concat([fs.readFileSync(path.join(workspace, 'sample.png')), Buffer.from(`${name} ${Date.now()}`)]));
  return file;
}

async function uploadFromExplorer({ page, workbench }: UiContext, name: string): Promise<void> {
  await workbench.dismissNotifications();
  await page.keyboard.press('Control+Shift+E');
  const row = workbench.explorerRow(name);
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
  await row.click({ button: 'right' });
  await workbench.clickMenuItem('Upload to HeyGen');
}

export const scenarios: UiScenario[] = [
  {
    title: 'HeyGen API v3: v1 answering 410 offers "Use API v3"; it retries the file with v3, and the next explorer upload goes to POST /v3/assets',
    async run(context) {
      const { workbench, emulator } = context;
      const retired = freshPng(context, 'retired-v1.png');
      const before = emulator.received.length;
      emulator.behave({ mode: 'status', status: 410 });
      try {
        await uploadFromExplorer(context, 'retired-v1.png');
        const toast = workbench.notification('HeyGen may have retired the v1 upload');
        await toast.waitFor({ state: 'visible', timeout: 15_000 });
        await workbench.screenshot('v1-retired');
        await toast.locator('.monaco-button', { hasText: /^Use API v3$/ }).click();
        const retried = await waitForUploadOf(emulator, retired, 30_000, before);
        assert.equal(retried.route, 'assets', 'the retry did not go through POST /v3/assets');
      } finally {
        emulator.behave({ mode: 'normal' });
      }

      const next = freshPng(context, 'through-v3.png');
      const after = emulator.received.length;
      await uploadFromExplorer(context, 'through-v3.png');
      const arrived = await waitForUploadOf(emulator, next, 30_000, after);
      assert.equal(arrived.api, 'v3');
      assert.equal(arrived.fileName, 'through-v3.png');
      assert.equal(arrived.partContentType, 'image/png');
      assert.equal(arrived.sha256, sha256File(next));
      assert.equal(emulator.received.slice(after).filter((r) => r.api === undefined).length, 0, 'v1 was asked');
      await workbench.notification('Uploaded "through-v3.png" to HeyGen.').waitFor({ state: 'visible', timeout: 15_000 });
      const assets = await showAssetsView(context);
      await assets.locator('.monaco-list-row', { hasText: 'through-v3.png' }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await workbench.screenshot('v3-upload');
    },
  },
  {
    title: 'HeyGen API v3: the walkthrough opens with its three steps, each with a picture; its own Set API Key button ticks the first step once HeyGen accepts the key',
    // The box opened by the step's own button did not have the focus within 10 s in full runs (passes alone). The
    // palette route, focus kept after a refused key and the tick on an accepted key only, is firstHour.ui.ts's.
    quarantined: 'the key box opened by the step\u2019s own button did not keep the focus in full runs (open)',
    async run({ page, workbench, emulator }) {
      // Back to no key (an earlier scenario stored one) and an untouched walkthrough.
      await workbench.clearApiKey();
      const walkthrough = await workbench.openFreshWalkthrough();
      await walkthrough.getByText('Get Started with HeyGen Assets').first().waitFor({ state: 'visible', timeout: 15_000 });
      for (const [step, picture] of [
        ['Set and check your API key', 'setKey.svg'],
        ['Upload a file', 'upload.svg'],
        ['Insert it into a payload', 'insert.svg'],
      ]) {
        const row = walkthrough.locator('.getting-started-step', { hasText: step }).first();
        await row.waitFor({ state: 'visible', timeout: 10_000 });
        // Opening a step shows its own picture.
        await row.click();
        await walkthrough.locator(`.getting-started-media img[src*="${picture}"], .getting-started-media img[srcset*="${picture}"]`).first().waitFor({ state: 'visible', timeout: 10_000 });
      }
      const keyStep = walkthrough.locator('.getting-started-step', { hasText: 'Set and check your API key' }).first();
      await keyStep.click();
      await workbench.screenshot('walkthrough');
      assert.notEqual(await keyStep.getAttribute('aria-checked'), 'true', 'no key: the first step is open');

      // The step's focus that VS Code schedules 250 ms after a click is counted (Workbench.countPendingStepFocus).
      await workbench.countPendingStepFocus();
      // Doing the step from the walkthrough's own button: the password box, the key, HeyGen checks it.
      await walkthrough.locator('.monaco-button', { hasText: /^Set API Key$/ }).first().click();
      const password = workbench.apiKeyBox;
      await password.waitFor({ state: 'visible', timeout: 10_000 });
      assert.notEqual(await keyStep.getAttribute('aria-checked'), 'true', 'opening the box ticks nothing');
      // The click selected the step too, which takes the focus 250 ms later; the box takes it back.
      await workbench.focusSettled('.quick-input-box input[type="password"]');
      await page.keyboard.type(emulator.apiKey, { delay: 5 });
      await page.keyboard.press('Enter');
      await workbench.quickInput.waitFor({ state: 'hidden', timeout: 10_000 });
      await walkthrough
        .locator('.getting-started-step[aria-checked="true"]', { hasText: 'Set and check your API key' })
        .first()
        .waitFor({ state: 'attached', timeout: 15_000 });
      await workbench.screenshot('walkthrough-key-done');
    },
  },
];
