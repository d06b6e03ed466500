// Issue 24's "done when": a person types inside `"avatar_id": ""` and `"voice_id": ""` of a v3 payload, picks real
// entries of the account's lists from the suggestions in the real editor, and the saved file holds their ids.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext, UiScenario } from './uiScenario';
import { openAtLine, saveActiveEditor } from './support';

const PAYLOAD = `{
  "type": "avatar",
  "avatar_id": "",
  "voice_id": "",
  "script": "Hello from the workbench."
}
`;

/** Puts the cursor inside the empty string of `key` with Go to Line, as a person would. */
async function intoString({ page, workbench }: UiContext, key: string): Promise<void> {
  const lines = PAYLOAD.split('\n');
  const line = lines.findIndex((l) => l.includes(`"${key}": ""`));
  await page.keyboard.press('Control+G');
  await workbench.quickInput.waitFor({ state: 'visible' });
  await page.keyboard.type(`${line + 1}:${lines[line].indexOf(`"${key}": ""`) + key.length + 6}`);
  await page.keyboard.press('Enter');
  await workbench.quickInput.waitFor({ state: 'hidden' });
}

/**
 * Opens the suggestions, types `typed` and picks the suggestion labelled `label`. While the lists arrive a
 * "Loading…" row shows; the suggestions open again by themselves once they are there.
 */
async function pickSuggestion({ page }: UiContext, typed: string, label: string): Promise<void> {
  const widget = page.locator('.editor-widget.suggest-widget');
  await page.keyboard.press('Control+Space');
  await widget.waitFor({ state: 'visible', timeout: 20_000 });
  await page.keyboard.type(typed, { delay: 20 });
  const row = widget.locator('.monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
}

export const scenarios: UiScenario[] = [
  {
    title: 'typing in "avatar_id" and "voice_id" of a v3 payload offers the account\u2019s looks and voices, and the picked ids are saved',
    // Full runs left the suggestions on "Loading avatars…" after the lists arrived: Trigger Suggest, sent to show
    // them, does nothing while suggestions are on screen (avatarCompletion.ts, reopenSuggestions).
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      const file = path.join(workspace, 'ui-avatar.json');
      fs.writeFileSync(file, PAYLOAD);
      const look = emulator.avatars.looks.find((l) => l.group.avatarType === 'studio_avatar');
      const voice = emulator.voices.all().find((v) => v.type === 'public');
      assert.ok(look && voice);
      try {
        await workbench.dismissNotifications();
        // Through the palette, as a person would (a run of this scenario alone has no key yet).
        await workbench.setApiKey(context.emulator.apiKey);
        await page.keyboard.press('Control+Shift+E');
        await workbench.runCommand('File: Refresh Explorer');
        await openAtLine(context, 'ui-avatar.json', 3);
        await intoString(context, 'avatar_id');
        await pickSuggestion(context, look.name.split(' ')[0], look.name);
        await workbench.screenshot('avatar-completion');
        await intoString(context, 'voice_id');
        await pickSuggestion(context, voice.name.split(' ')[0], voice.name);
        const saved = await saveActiveEditor(page, file, voice.voice_id);
        const body = JSON.parse(saved) as { avatar_id: string; voice_id: string };
        assert.equal(body.avatar_id, look.id);
        assert.equal(body.voice_id, voice.voice_id);
      } finally {
        fs.rmSync(file, { force: true });
      }
    },
  },
];
