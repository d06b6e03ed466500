import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PAYLOAD_LANGUAGES } from '../../../src/core/payload/payloadLanguages';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { activationEvents?: string[] };

void test('the extension activates on the payload languages and nothing broader', () => {
  // Views, commands, the walkthrough and the agent tools activate it through events VS Code derives from contributes;
  // only the payload features need events of their own, one per language they serve.
  assert.deepEqual([...(manifest.activationEvents ?? [])].sort(), PAYLOAD_LANGUAGES.map((language) => `onLanguage:${language}`).sort());
});
