// `npm start` (emulator) and `npm start -- --live` (HeyGen's real endpoint): builds and packages the
// extension, installs it into code-server (installed once into .vscode-test/), opens a sample
// workspace, and runs until Ctrl+C.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator } from '../emulator/heygenEmulator';
import { QUIET_SETTINGS, ensureCodeServer, installExtension, startCodeServer, workbenchUrl } from './codeServer';
import { VSCODE_TEST_DIR, log, onCleanup, runCleanups, seconds } from './proc';
import { VSIX_PATH, buildVsix } from './vsix';
import { populateSampleWorkspace } from './workspace';

const START_DIR = path.join(VSCODE_TEST_DIR, 'start');
const WORKSPACE = path.join(VSCODE_TEST_DIR, 'sample-workspace');

/** The user's settings from earlier sessions, so what they changed in the editor survives a restart. */
function previousSettings(userDataDir: string): Record<string, unknown> {
  const file = path.join(userDataDir, 'User', 'settings.json');
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  const live = process.argv.includes('--live');
  const started = Date.now();
  log('start: building and packaging the extension…');
  const bytes = await buildVsix();
  log(`start: ${path.relative(process.cwd(), VSIX_PATH)} (${(bytes / 1024).toFixed(1)} KB)`);
  await ensureCodeServer();

  const userDataDir = path.join(START_DIR, 'user-data');
  const extensionsDir = path.join(START_DIR, 'extensions');
  await installExtension(VSIX_PATH, userDataDir, extensionsDir);

  if (!fs.existsSync(WORKSPACE)) {
    populateSampleWorkspace(WORKSPACE);
    log(`start: created the sample workspace ${WORKSPACE}`);
  }

  const settings = { ...QUIET_SETTINGS, ...previousSettings(userDataDir) };
  // Earlier versions of this script turned Enter off for accepting completions; the demo changes no editor habit.
  if (settings['editor.acceptSuggestionOnEnter'] === 'off') {
    delete settings['editor.acceptSuggestionOnEnter'];
  }
  let keyHint: string;
  if (live) {
    // The default endpoint is HeyGen's own.
    delete settings['heygen.uploadUrl'];
    delete settings['heygen.apiBaseUrl'];
    keyHint = 'Run "HeyGen: Set API Key" with your own HeyGen API key (uploads go to upload.heygen.com).';
  } else {
    // A library of 40 assets, so the Library view has something to list, page and delete.
    const emulator = await startEmulator({ library: { seed: 40 } });
    onCleanup(() => emulator.close());
    settings['heygen.uploadUrl'] = emulator.uploadUrl;
    // API v3 (heygen.api.version: v3) and the key check go to the emulator too.
    settings['heygen.apiBaseUrl'] = emulator.apiBaseUrl;
    keyHint = `Run "HeyGen: Set API Key" and paste the emulator's key: ${emulator.apiKey}\n  (uploads go to the local HeyGen emulator at ${emulator.uploadUrl})`;
  }

  const port = process.env.PORT ? Number(process.env.PORT) : undefined;
  if (port !== undefined && !Number.isInteger(port)) {
    throw new Error(`PORT must be a number, not ${process.env.PORT}`);
  }
  const server = await startCodeServer({
    folder: WORKSPACE,
    userDataDir,
    extensionsDir,
    settings,
    port,
    // Live mode may use a key from the shell; the extension reads HEYGEN_API_KEY after SecretStorage.
    env: live && process.env.HEYGEN_API_KEY ? { HEYGEN_API_KEY: process.env.HEYGEN_API_KEY } : {},
  });

  log(`\nReady in ${seconds(started)}. VS Code ${live ? '(live HeyGen endpoint)' : '(HeyGen emulator)'} with HeyGen Assets installed.`);
  log(`Open ${workbenchUrl(server.origin, WORKSPACE)}`);
  log(`  ${keyHint}`);
  log('  Then right-click sample.png in the explorer and choose "Upload to HeyGen".');
  log('Press Ctrl+C to stop.');
  // Stay alive; Ctrl+C runs the registered cleanups (code-server's process group, the emulator).
  await new Promise<never>(() => setInterval(() => undefined, 1 << 30));
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await runCleanups();
  process.exit(1);
});
