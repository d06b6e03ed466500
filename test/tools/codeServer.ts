// The real VS Code 1.99 workbench and Node extension host, through code-server from the npm
// registry: the official test tools download VS Code from Microsoft, which this network cannot reach.
// /work/shared/notes/real-vscode-offline.md records the facts this file is built on.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { VSCODE_TEST_DIR, delay, freePort, killGroup, log, onCleanup, runOrThrow, seconds } from './proc';

export const CODE_SERVER_VERSION = '4.99.4';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const installDir = path.join(VSCODE_TEST_DIR, `code-server-${CODE_SERVER_VERSION}`);
const markerFile = path.join(installDir, 'installed.json');
const executable = path.join(installDir, 'node_modules', '.bin', 'code-server');

/**
 * @vscode/ripgrep's postinstall downloads `rg` from GitHub unless its archive is already in this
 * cache; Debian's ripgrep gives us the binary to put there.
 */
async function seedRipgrepCache(): Promise<void> {
  const cacheDir = path.join(process.env.TMPDIR || os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const archive = path.join(cacheDir, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (fs.existsSync(archive)) {
    return;
  }
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((candidate) => fs.existsSync(candidate));
  if (!rg) {
    throw new Error('ripgrep is not installed (apt-get install ripgrep); code-server needs it to install offline.');
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  await runOrThrow('tar', ['czf', archive, '-C', path.dirname(rg), path.basename(rg)], { quiet: true });
}

/**
 * Returns the code-server executable, installing it once into .vscode-test/. The marker is written
 * only after a complete install, so an interrupted one is thrown away and redone.
 */
export async function ensureCodeServer(): Promise<string> {
  if (fs.existsSync(markerFile) && fs.existsSync(executable)) {
    return executable;
  }
  const started = Date.now();
  log(`code-server ${CODE_SERVER_VERSION}: installing into ${path.relative(process.cwd(), installDir) || installDir} (1-2 minutes, once)…`);
  fs.rmSync(installDir, { recursive: true, force: true });
  fs.mkdirSync(installDir, { recursive: true });
  await seedRipgrepCache();
  log('code-server: ripgrep archive cache ready; running npm install (builds native modules)…');
  const env = {
    ...process.env,
    // Its postinstall refuses to run as root without this.
    npm_config_unsafe_perm: 'true',
    // node-pty's postinstall runs `npx node-gyp`, and this machine's npmrc says yes=false.
    npm_config_yes: 'true',
    // npm 11 skips dependencies' install scripts unless allowed, and code-server's postinstall runs
    // nested `npm install`s (node-pty, kerberos, ripgrep, …) that reject a per-package allow-list
    // passed down the environment. Scoped to this one pinned install in a throwaway folder.
    npm_config_dangerously_allow_all_scripts: 'true',
  };
  const ticker = setInterval(() => log(`code-server: still installing… ${seconds(started)}`), 20_000);
  try {
    await runOrThrow(
      'npm',
      ['install', '--prefix', installDir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`],
      { env, quiet: true },
    );
  } finally {
    clearInterval(ticker);
  }
  const version = await runOrThrow(executable, ['--version'], {
    quiet: true,
    // `--version` writes a default config file under XDG_CONFIG_HOME; keep it out of the user's home.
    env: { ...process.env, XDG_CONFIG_HOME: path.join(installDir, 'config') },
  });
  if (!version.includes(CODE_SERVER_VERSION)) {
    throw new Error(`code-server installed but reports an unexpected version: ${version.trim()}`);
  }
  const ripgrep = path.join(installDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  if (!fs.existsSync(ripgrep)) {
    throw new Error('code-server installed without its ripgrep binary; its install scripts did not run.');
  }
  fs.writeFileSync(markerFile, JSON.stringify({ version: version.trim().split('\n').pop(), installedAt: new Date().toISOString(), seconds: (Date.now() - started) / 1000 }, null, 2));
  log(`code-server: installed in ${seconds(started)} (${version.trim().split('\n').pop()})`);
  return executable;
}

/** Settings that keep the workbench quiet and every run alike. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'github.gitAuthentication': false,
  'npm.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'files.hotExit': 'off',
  'window.restoreWindows': 'none',
  'chat.commandCenter.enabled': false,
  'workbench.editor.enablePreview': false,
  'editor.acceptSuggestionOnEnter': 'off',
};

export interface CodeServerOptions {
  folder: string;
  userDataDir: string;
  extensionsDir: string;
  /** Merged over QUIET_SETTINGS into userDataDir/User/settings.json. */
  settings?: Record<string, unknown>;
  /** Added to code-server's environment; the extension host inherits it. */
  env?: Record<string, string>;
  port?: number;
  /** Keep workspace trust on (the untrusted-workspace tests need it). */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  origin: string;
  port: number;
  userDataDir: string;
  logsDir: string;
  /** Where code-server's own stdout and stderr go. */
  serverLog: string;
  stop(): Promise<void>;
}

export function writeUserSettings(userDataDir: string, settings: Record<string, unknown> = {}, workspaceTrust = false): void {
  const userDir = path.join(userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  const merged = { ...QUIET_SETTINGS, 'security.workspace.trust.enabled': workspaceTrust, ...settings };
  fs.writeFileSync(path.join(userDir, 'settings.json'), `${JSON.stringify(merged, null, 2)}\n`);
}

function configFileFor(userDataDir: string): string {
  // Without --config, code-server writes ~/.config/code-server/config.yaml; keep runs self-contained.
  const file = path.join(userDataDir, 'code-server.yaml');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(userDataDir, { recursive: true });
    fs.writeFileSync(file, 'auth: none\n');
  }
  return file;
}

/** Installs a .vsix the way users do; also proves the package installs. */
export async function installExtension(vsix: string, userDataDir: string, extensionsDir: string): Promise<void> {
  const bin = await ensureCodeServer();
  fs.mkdirSync(extensionsDir, { recursive: true });
  const output = await runOrThrow(
    bin,
    ['--config', configFileFor(userDataDir), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--force', '--install-extension', vsix],
    { quiet: true },
  );
  if (!/successfully installed/i.test(output)) {
    throw new Error(`code-server did not confirm installing ${vsix}:\n${output}`);
  }
}

async function answersHttp(origin: string): Promise<boolean> {
  try {
    const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const bin = await ensureCodeServer();
  const port = options.port ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  fs.mkdirSync(options.extensionsDir, { recursive: true });
  writeUserSettings(options.userDataDir, options.settings, options.workspaceTrust);
  const serverLog = path.join(options.userDataDir, 'code-server.out.log');
  const out = fs.openSync(serverLog, 'a');
  const args = [
    '--config', configFileFor(options.userDataDir),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', options.userDataDir,
    '--extensions-dir', options.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    options.folder,
  ];
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The extension host inherits this environment: only what the caller passes may reach it, so a
  // HEYGEN_API_KEY in the developer's shell cannot make the UI tests pass without typing the key.
  for (const name of Object.keys(env)) {
    if (name.startsWith('HEYGEN_')) {
      delete env[name];
    }
  }
  Object.assign(env, options.env);
  // A PORT or PASSWORD from the caller's shell would override our flags.
  delete env.PORT;
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', out, out], env });
  fs.closeSync(out);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  const stopNow = onCleanup(() => killGroup(child));
  const deadline = Date.now() + 60_000;
  while (!(await answersHttp(origin))) {
    if (exited !== undefined || Date.now() > deadline) {
      await stopNow();
      const tail = fs.existsSync(serverLog) ? fs.readFileSync(serverLog, 'utf8').slice(-3000) : '';
      throw new Error(`code-server did not start on ${origin} (${exited !== undefined ? `exited with ${exited}` : 'timed out'}):\n${tail}`);
    }
    await delay(200);
  }
  return { origin, port, userDataDir: options.userDataDir, logsDir: path.join(options.userDataDir, 'logs'), serverLog, stop: stopNow };
}

/** The URL that opens `folder`, optionally with the extension-development payload. */
export function workbenchUrl(origin: string, folder: string, payload?: Array<[string, string]>): string {
  let url = `${origin}/?folder=${encodeURIComponent(folder)}`;
  if (payload) {
    url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }
  return url;
}

/** `vscode-remote://127.0.0.1:PORT/abs/path`: how the browser workbench names a file on the server. */
export function remoteUri(origin: string, absolutePath: string): string {
  return `vscode-remote://${new URL(origin).host}${absolutePath}`;
}

export interface ChromiumSession {
  browser: Browser | undefined;
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's Chromium under Playwright. With a profile folder the context is persistent, so the
 * redaction check can search what the browser stored.
 */
export async function launchChromium(profileDir?: string): Promise<ChromiumSession> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium).`);
  }
  const viewport = { width: 1400, height: 900 };
  if (profileDir) {
    fs.mkdirSync(profileDir, { recursive: true });
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport,
    });
    const close = onCleanup(() => context.close());
    return { browser: undefined, context, close };
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({ viewport });
  const close = onCleanup(() => browser.close());
  return { browser, context, close };
}

/** The newest extension-host log, where activation and unhandled errors show up. */
export function extensionHostLog(logsDir: string): string | undefined {
  if (!fs.existsSync(logsDir)) {
    return undefined;
  }
  const sessions = fs.readdirSync(logsDir).sort().reverse();
  for (const session of sessions) {
    const sessionDir = path.join(logsDir, session);
    if (!fs.statSync(sessionDir).isDirectory()) {
      continue;
    }
    for (const host of fs.readdirSync(sessionDir).filter((name) => name.startsWith('exthost')).sort().reverse()) {
      const file = path.join(sessionDir, host, 'remoteexthost.log');
      if (fs.existsSync(file)) {
        return file;
      }
    }
  }
  return undefined;
}

export function tail(file: string | undefined, lines = 60): string {
  if (!file || !fs.existsSync(file)) {
    return '(no log file)';
  }
  return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/**
 * `[error]` lines of every extension-host log of a run, each with the lines that follow it (the
 * stack). Unhandled rejections and activation failures land here, not in the extension's own channel.
 */
export function extensionHostErrors(logsDir: string): string[] {
  if (!fs.existsSync(logsDir)) {
    return [];
  }
  const errors: string[] = [];
  for (const session of fs.readdirSync(logsDir)) {
    const sessionDir = path.join(logsDir, session);
    if (!fs.statSync(sessionDir).isDirectory()) {
      continue;
    }
    for (const host of fs.readdirSync(sessionDir).filter((name) => name.startsWith('exthost'))) {
      const file = path.join(sessionDir, host, 'remoteexthost.log');
      if (!fs.existsSync(file)) {
        continue;
      }
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, index) => {
        if (/^\S+ \S+ \[error\]/.test(line)) {
          const stack = lines.slice(index + 1, index + 6).filter((next) => !/^\d{4}-\d\d-\d\d /.test(next));
          const entry = [line, ...stack].join('\n');
          // Requests still in flight when the driver shuts the host down are cancelled by VS Code itself.
          const cancelledAtShutdown = /\[error\] Canceled: Canceled/.test(line) && /\.terminate \(/.test(entry);
          // VS Code's built-in extensions (the JSON language server) sometimes log to an output channel that the
          // shutdown already closed; that is theirs, not ours.
          const builtInAtShutdown =
            !/heygen/i.test(entry) && (/\[vscode\.[\w-]+\]/.test(line) || /Channel has been closed/.test(line));
          // In the pseudo-locale window, built-in extensions look for a language pack's translations: there is none.
          const builtInWithoutPack = /\[error\] No bundle location found for extension vscode\.[\w-]+$/.test(line);
          if (!cancelledAtShutdown && !builtInAtShutdown && !builtInWithoutPack) {
            errors.push(entry);
          }
        }
      });
    }
  }
  return errors;
}
