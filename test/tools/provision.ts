// What the tools need from the machine beyond the project's npm packages, in one place: `npm start`, `npm test`
// (each layer) and `.ci/run` ask for what they are about to use, and this installs what is missing.
// Binaries a registry package ships come from the npm registry (the Node that runs VS Code 1.139: codeServer.ts);
// the rest are Debian packages, installed with apt-get when we run as root, or named in the one command to run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { log } from './proc';

/** What a tool is about to do, each needing its own packages. */
export type Need =
  /** Installing code-server: its kerberos module compiles against gssapi; ripgrep seeds @vscode/ripgrep's download. */
  | 'installVsCode'
  /** Driving the workbench: Playwright with a system Chromium (no registry package ships one that runs here). */
  | 'browser'
  /** Unit tests: Python dicts checked with ast.literal_eval, fresh self-signed certificates. */
  | 'unitTools';

interface Requirement {
  debianPackage: string;
  neededFor: Need;
  why: string;
  present(): boolean;
}

const onPath = (command: string): boolean =>
  (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, command)));

/** Debian's own record, where there is one (a header alone can be left behind by a removed package). */
function debianInstalled(pkg: string): boolean | undefined {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  if (result.error) {
    return undefined;
  }
  return result.status === 0 && result.stdout.includes('install ok installed');
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const REQUIREMENTS: readonly Requirement[] = [
  {
    debianPackage: 'libkrb5-dev',
    neededFor: 'installVsCode',
    why: "code-server's kerberos module compiles against it",
    present: () => debianInstalled('libkrb5-dev') ?? fs.existsSync('/usr/include/gssapi/gssapi.h'),
  },
  {
    debianPackage: 'ripgrep',
    neededFor: 'installVsCode',
    why: "seeds @vscode/ripgrep's cache, whose postinstall would download from GitHub",
    present: () => onPath('rg'),
  },
  {
    debianPackage: 'chromium',
    neededFor: 'browser',
    why: 'the browser the extension-host and UI tests open the workbench in',
    present: () => fs.existsSync(CHROMIUM_PATH),
  },
  { debianPackage: 'python3', neededFor: 'unitTools', why: 'checks generated Python dicts', present: () => onPath('python3') },
  { debianPackage: 'openssl', neededFor: 'unitTools', why: 'makes the TLS tests\' certificates', present: () => onPath('openssl') },
];

/** The Debian packages `needs` call for that this machine lacks. */
export function missingPackages(needs: readonly Need[]): Requirement[] {
  return REQUIREMENTS.filter((requirement) => needs.includes(requirement.neededFor) && !requirement.present());
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
}

/**
 * Makes sure the machine has what `needs` call for. As root, missing Debian packages are installed with apt-get;
 * otherwise this throws with the one command that installs them.
 */
export function ensureMachine(needs: readonly Need[]): void {
  const missing = missingPackages(needs);
  if (missing.length === 0) {
    return;
  }
  const packages = missing.map((requirement) => requirement.debianPackage);
  const installLine = `sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  for (const requirement of missing) {
    log(`provision: ${requirement.debianPackage} is missing (${requirement.why})`);
  }
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new Error(`This machine lacks Debian packages the tools need. Install them, then run the command again:\n  ${installLine}`);
  }
  const started = Date.now();
  log(`provision: apt-get install ${packages.join(' ')}…`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  const stillMissing = missingPackages(needs);
  if (stillMissing.length > 0) {
    throw new Error(`apt-get ran, yet ${stillMissing.map((requirement) => requirement.debianPackage).join(', ')} is still missing.`);
  }
  log(`provision: installed ${packages.join(' ')} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

// `npm run provision` (.ci/run): everything any layer needs.
if (require.main === module) {
  try {
    ensureMachine(['installVsCode', 'browser', 'unitTools']);
    log('provision: the machine has every package the tools need');
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
