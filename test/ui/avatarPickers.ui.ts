// Issue 24's pickers in the real workbench: "HeyGen: Insert Avatar…" and "HeyGen: Insert Voice…" run from the
// palette in a v3 payload; the person types part of a look's name (then a language), sees only the matching rows,
// each with its gender and type or language, presses Enter, and the saved file holds the chosen ids. Then "Create
// Photo Avatar…" from an image's context menu in the explorer, followed to its id in the payload.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext, UiScenario } from './uiScenario';
import { openAtLine, saveActiveEditor } from './support';

const PAYLOAD = `{
  "type": "avatar",
  "avatar_id": "",
  "voice_id": "",
  "script": "Picked from the lists."
}
`;

const ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';

interface Row {
  label: string;
  description: string;
}

/** The picker's rows as drawn: each one's label and description. */
async function shownRows({ page }: UiContext): Promise<Row[]> {
  const rows = page.locator(ROWS);
  const shown: Row[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    shown.push({
      label: (await row.locator('.label-name').first().innerText()).trim(),
      description: (await row.locator('.label-description').first().innerText()).trim(),
    });
  }
  return shown.sort((a, b) => a.label.localeCompare(b.label));
}

/**
 * Runs the picker `command`, types `typed` into its filter as a person does, and once the list holds as many rows as
 * `expected` (it fills while the lists arrive), checks that those are the rows; then Enter takes the focused row,
 * whose label is returned.
 */
async function pickFiltered(context: UiContext, command: string, title: string, typed: string, expected: Row[]): Promise<string> {
  const { page, workbench } = context;
  await workbench.runCommand(command);
  await workbench.quickInput.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.type(typed, { delay: 20 });
  await page
    .waitForFunction(`document.querySelectorAll(${JSON.stringify(ROWS)}).length === ${expected.length}`, undefined, { timeout: 20_000 })
    .catch(() => undefined); // The comparison below says what is shown instead.
  assert.deepEqual(await shownRows(context), [...expected].sort((a, b) => a.label.localeCompare(b.label)), `the rows "${typed}" leaves in ${title}`);
  await workbench.screenshot(`picker-${title.toLowerCase().replace(/\W+/g, '-')}`);
  const focused = (await page.locator(`${ROWS}.focused .label-name`).first().innerText()).trim();
  await page.keyboard.press('Enter');
  await workbench.quickInput.waitFor({ state: 'hidden' });
  return focused;
}

const GENDER: Record<string, string> = { female: 'Female', male: 'Male' };
const AVATAR_TYPE: Record<string, string> = { studio_avatar: 'Studio avatar', digital_twin: 'Digital twin', photo_avatar: 'Photo avatar' };

export const scenarios: UiScenario[] = [
  {
    title: 'Insert Avatar… and Insert Voice… filter by what is typed, show gender and type or language, and insert the chosen ids',
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      const file = path.join(workspace, 'ui-pickers.json');
      fs.writeFileSync(file, PAYLOAD);
      // Part of a studio look's name, lower case; every look and voice whose name, description or id holds it stays.
      const typedLook = emulator.avatars.looks.find((l) => l.group.avatarType === 'studio_avatar')!.name.split(' ')[0].toLowerCase();
      const looks = emulator.avatars.looks
        .map((l) => ({ id: l.id, label: l.name, description: [GENDER[l.group.gender], AVATAR_TYPE[l.group.avatarType]].join(' · ') }))
        .filter((l) => [l.label, l.description, l.id].some((text) => text.toLowerCase().includes(typedLook)));
      const typedLanguage = 'japanese';
      const voices = emulator.voices
        .all()
        .map((v) => ({ id: v.voice_id, label: v.name, description: [GENDER[v.gender], v.language, ...(v.type === 'private' ? ['your voice'] : [])].join(' · ') }))
        .filter((v) => [v.label, v.description, v.id].some((text) => text.toLowerCase().includes(typedLanguage)));
      assert.ok(looks.length >= 2 && looks.length < emulator.avatars.looks.length, `"${typedLook}" narrows the looks: ${looks.length}`);
      assert.ok(voices.length >= 2 && voices.some((v) => v.description.startsWith('Female')) && voices.some((v) => v.description.startsWith('Male')));
      try {
        await workbench.dismissNotifications();
        await context.workbench.setApiKey(context.emulator.apiKey);
        await page.keyboard.press('Control+Shift+E');
        await workbench.runCommand('File: Refresh Explorer');
        await openAtLine(context, 'ui-pickers.json', 3);

        const lookName = await pickFiltered(context, 'HeyGen: Insert Avatar…', 'Insert Avatar', typedLook, looks.map(({ label, description }) => ({ label, description })));
        const look = looks.find((l) => l.label === lookName);
        assert.ok(look, `Enter took a listed look: ${lookName}`);
        const voiceName = await pickFiltered(context, 'HeyGen: Insert Voice…', 'Insert Voice', typedLanguage, voices.map(({ label, description }) => ({ label, description })));
        const voice = voices.find((v) => v.label === voiceName);
        assert.ok(voice, `Enter took a listed voice: ${voiceName}`);

        const saved = JSON.parse(await saveActiveEditor(page, file, voice.id)) as Record<string, string>;
        assert.deepEqual({ avatar_id: saved.avatar_id, voice_id: saved.voice_id }, { avatar_id: look.id, voice_id: voice.id });
      } finally {
        fs.rmSync(file, { force: true });
      }
    },
  },
  {
    title: 'Create Photo Avatar… on an image in the explorer: name, training notification, Insert into Payload writes the id',
    async run(context) {
      const { page, workbench, emulator, workspace } = context;
      const file = path.join(workspace, 'ui-photo.json');
      fs.writeFileSync(file, '{\n  "type": "avatar",\n  "avatar_id": "",\n  "script": "My own face."\n}\n');
      // An image no earlier scenario uploaded: those were sent with v1, whose assets the Library scenarios' seeding
      // replaced in the emulator, and an identical file would reuse that record.
      const face = path.join(workspace, 'face.png');
      fs.writeFileSync(face, Buffer.concat([fs.readFileSync(path.join(workspace, 'sample.png')), Buffer.from('face')]));
      const trainingMs = emulator.avatars.trainingMs;
      // Trained after the extension's first look (2 s), so the training notification is there to be seen.
      emulator.avatars.trainingMs = 3_000;
      try {
        await workbench.dismissNotifications();
        await context.workbench.setApiKey(context.emulator.apiKey);
        await page.keyboard.press('Control+Shift+E');
        await workbench.runCommand('File: Refresh Explorer');
        await openAtLine(context, 'ui-photo.json', 3);
        await workbench.explorerRow('face.png').click({ button: 'right' });
        await workbench.clickMenuItem('Create Photo Avatar…');
        // The image is uploaded first, then the name is asked for, the file's name offered.
        const prompt = workbench.quickInput.locator('.quick-input-message', { hasText: 'A name for the photo avatar made from "face.png"' });
        await prompt.waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await workbench.quickInputBox.inputValue(), 'face');
        await workbench.quickInputBox.fill('Workbench Face');
        await page.keyboard.press('Enter');
        await workbench.notification(/Photo avatar "Workbench Face".*HeyGen is training it/).waitFor({ state: 'visible', timeout: 15_000 });
        const ready = workbench.notification(/The photo avatar "Workbench Face" is ready: [0-9a-f]{32}/);
        await ready.waitFor({ state: 'visible', timeout: 30_000 });
        await workbench.screenshot('photo-avatar-ready');
        const look = emulator.avatars.looks.find((l) => l.name === 'Workbench Face');
        assert.ok(look, 'HeyGen made the photo avatar');
        await ready.locator('.monaco-button', { hasText: 'Insert into Payload' }).click();
        const saved = JSON.parse(await saveActiveEditor(page, file, look.id)) as Record<string, string>;
        assert.equal(saved.avatar_id, look.id);
      } finally {
        emulator.avatars.trainingMs = trainingMs;
        fs.rmSync(file, { force: true });
        fs.rmSync(face, { force: true });
      }
    },
  },
];
