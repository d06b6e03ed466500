// The pure core cannot import vscode, so its sentences go through @vscode/l10n; activate hands it VS Code's bundle.
// These tests hand it a pseudo bundle instead and check that what the person would see is the translation.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import { checkKeyShape } from '../../../src/core/apiKey/apiKeyShape';
import { Tabstop, videoInputItem } from '../../../src/core/payload/fragmentValues';
import { closeHttpClient } from '../../../src/core/http/httpClient';
import { transportError } from '../../../src/core/http/transportErrors';
import { uploadLocalFile } from '../../../src/core/upload/uploadEngine';
import { HeyGenError } from '../../../src/core/base/heygenError';
import { validateFile } from '../../../src/core/base/validateFile';
import { startEmulator, type Emulator } from '../../emulator/heygenEmulator';
import { MB, Scratch, targetFor } from '../support/engineKit';

/** Back to English: an empty bundle makes l10n.t format the template it was given. */
const english = (): void => l10n.config({ contents: {} });

void describe('the pure core speaks through @vscode/l10n', () => {
  let emu: Emulator;
  const scratch = new Scratch();

  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    english();
    await closeHttpClient();
    await emu.close();
    scratch.cleanup();
  });
  afterEach(english);

  void it('a validateFile refusal comes from the bundle, and is English again without it', async () => {
    const path = scratch.write('leer.png', '');
    const before = await validateFile(path, { maxBytes: 10 * MB });
    assert.ok(!before.valid);
    assert.equal(before.reason, '"leer.png" is empty.');

    l10n.config({ contents: { '"{0}" is empty.': '«{0}» ist leer.' } });
    const translated = await validateFile(path, { maxBytes: 10 * MB });
    assert.ok(!translated.valid);
    assert.equal(translated.problem, 'empty');
    assert.equal(translated.reason, '«leer.png» ist leer.');

    english();
    const again = await validateFile(path, { maxBytes: 10 * MB });
    assert.ok(!again.valid);
    assert.equal(again.reason, '"leer.png" is empty.');
  });

  void it('the type list of an unsupported file is translated with the sentence around it', async () => {
    const path = scratch.write('notes.txt', 'just text');
    l10n.config({
      contents: {
        '"{0}" is not a supported type ({1}).': '«{0}» hat keinen unterstützten Typ ({1}).',
        '{0} or {1}': '{0} oder {1}',
      },
    });
    const check = await validateFile(path, { maxBytes: 10 * MB });
    assert.ok(!check.valid);
    assert.equal(check.reason, '«notes.txt» hat keinen unterstützten Typ (JPEG, PNG, MP4, WebM, MP3 oder WAV).');
  });

  void it('an HeyGenError from a real 401 answer is the translated sentence, with HeyGen\'s own words kept', async () => {
    const path = scratch.png('a.png', 2048);
    const wrongKey = targetFor(emu, { apiKey: 'wrong-key-000000' });
    const attempt = async (): Promise<HeyGenError> => {
      try {
        await uploadLocalFile(path, wrongKey, { maxBytes: 10 * MB });
      } catch (error) {
        assert.ok(error instanceof HeyGenError, `expected an HeyGenError, got ${String(error)}`);
        return error;
      }
      return assert.fail('the emulator accepted a wrong key');
    };

    const englishError = await attempt();
    assert.equal(englishError.message, 'HeyGen refused the API key while uploading "a.png": Unauthorized (HTTP 401, code 400112).');

    l10n.config({
      contents: {
        'HeyGen refused the API key while uploading {0}: {1}.': 'HeyGen hat den API-Schlüssel beim Hochladen von {0} abgelehnt: {1}.',
        '"{0}"': '„{0}“',
        'code {0}': 'Code {0}',
      },
    });
    const error = await attempt();
    assert.equal(error.kind, 'auth');
    assert.equal(error.status, 401);
    assert.equal(error.message, 'HeyGen hat den API-Schlüssel beim Hochladen von „a.png“ abgelehnt: Unauthorized (HTTP 401, Code 400112).');
    assert.equal(emu.received.filter((r) => r.status === 401).length, 2, 'both attempts reached the emulator and were refused');
  });

  void it('an API-key shape reason is translated, its number filled in', () => {
    assert.deepEqual(checkKeyShape('abc'), { valid: false, problem: 'tooShort', reason: 'That is too short for a HeyGen API key (3 characters).' });
    l10n.config({ contents: { 'That is too short for a HeyGen API key ({0} characters).': 'Zu kurz für einen HeyGen-API-Schlüssel ({0} Zeichen).' } });
    assert.deepEqual(checkKeyShape('abc'), { valid: false, problem: 'tooShort', reason: 'Zu kurz für einen HeyGen-API-Schlüssel (3 Zeichen).' });
  });

  void it('a network failure is one translated sentence around a translated phrase', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const req = { fileName: 'clip.mp4', connectTimeoutMs: 1000, idleTimeoutMs: 1000, url: new URL('https://upload.heygen.com/v1/asset') };
    assert.equal(transportError(reset, req).message, 'Could not upload "clip.mp4" to upload.heygen.com: the connection was reset.');
    l10n.config({
      contents: {
        'Could not upload "{0}" to {1}: {2}.': '«{0}» konnte nicht zu {1} hochgeladen werden: {2}.',
        'the connection was reset': 'die Verbindung wurde zurückgesetzt',
      },
    });
    const error = transportError(reset, req);
    assert.equal(error.kind, 'network');
    assert.equal(error.message, '«clip.mp4» konnte nicht zu upload.heygen.com hochgeladen werden: die Verbindung wurde zurückgesetzt.');
  });

  void it('the sample text of a new video item is translated when the item is built', () => {
    l10n.config({ contents: { 'Hello! This is my HeyGen video.': 'Hallo! Das ist mein HeyGen-Video.' } });
    const item = videoInputItem('background', { id: 'b1', url: 'https://x.invalid/b.png', fileType: 'image' }, { avatarId: '', voiceId: '' });
    const texts = JSON.stringify(item, (_key, value: unknown) => (value instanceof Tabstop ? value.placeholder : value));
    assert.match(texts, /Hallo! Das ist mein HeyGen-Video\./);
    assert.doesNotMatch(texts, /Hello! This is my HeyGen video\./);
  });
});

// ---- a guard against new English-only sentences in the pure core ------------------------------------------------

const SRC = join(__dirname, '..', '..', '..', 'src');
/** Everything under src/core is pure (eslint.config.mjs forbids vscode there); the adapters use vscode.l10n.t. */
const CORE = join(SRC, 'core');

function pureModules(): string[] {
  return (readdirSync(CORE, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(CORE, name));
}

/** A string or template literal holding a space: a sentence, not an identifier or a kind. */
const SENTENCE = String.raw`(?:'[^'\n]* [^'\n]*'|"[^"\n]* [^"\n]*"|` + '`[^`]* [^`]*`)';
/** Where the core hands a sentence to the person: error messages, refusal reasons. */
const SINKS = [
  String.raw`new HeyGenError\(\s*'\w+'\s*,\s*`,
  String.raw`new Error\(\s*`,
  String.raw`reason:\s*`,
  String.raw`refuse\(\s*'\w+'\s*,\s*`,
  String.raw`fail\(\s*(?:'\w+'\s*,\s*)?`,
];
const UNTRANSLATED = new RegExp(`(?:${SINKS.join('|')})${SENTENCE}`, 'g');

/** Hits that only ever reach the log, which stays English. */
const LOG_ONLY = new Set([
  // A corrupt history file's reason, logged when the file is set aside.
  'core/history/historyFormat.ts: reason: `unreadable: ${errorMessage(err)}`',
]);

function untranslatedSentences(source: string): string[] {
  return [...source.matchAll(UNTRANSLATED)].map((m) => m[0]);
}

void describe('no English-only sentence in the pure core', () => {
  void it('the check recognises the old style and accepts l10n.t', () => {
    const old = [
      "return refuse('empty', `${quoted} is empty.`);",
      "return { valid: false, reason: 'Enter your HeyGen API key.' };",
      "throw new HeyGenError('cancelled', `Uploading \"${name}\" was cancelled.`, { file: name });",
      "return fail('protocol', `HeyGen refused ${name}: ${why}.`);",
      'return fail(`"${where}" could not be downloaded: ${why}.`, { status });',
      "throw new Error(`the history is locked by another window (${lockFile})`);",
    ];
    for (const line of old) {
      assert.equal(untranslatedSentences(line).length, 1, line);
    }
    const fine = [
      "return refuse('empty', l10n.t('\"{0}\" is empty.', name));",
      "return { valid: false, reason: l10n.t('Enter your HeyGen API key.') };",
      "return fail(\n      'protocol',\n      l10n.t('HeyGen refused {0}: {1}.', name, why),\n    );",
      "throw new HeyGenError('invalidFile', check.reason, { file });",
      'throw err instanceof Error ? err : new Error(String(err));',
    ];
    for (const line of fine) {
      assert.deepEqual(untranslatedSentences(line), [], line);
    }
  });

  void it('every pure module builds its user-facing sentences with l10n.t', () => {
    const modules = pureModules();
    assert.ok(modules.some((file) => file.endsWith('heygenError.ts')) && modules.length > 10, 'the pure modules were found');
    const found = modules.flatMap((file) => untranslatedSentences(readFileSync(file, 'utf8')).map((hit) => `${relative(SRC, file)}: ${hit}`));
    assert.deepEqual(
      found.filter((hit) => !LOG_ONLY.has(hit)),
      [],
    );
  });
});
