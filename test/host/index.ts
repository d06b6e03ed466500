// The entry VS Code's extension host calls (extensionTestsPath): it runs every bundled
// out/test/host/*.test.js with mocha and writes a JSON report the driver waits for.
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { makeSelfSignedCertificate } from '../tools/selfSignedCertificate';
import { hostPerf, type HostReport, type HostTestResult } from './report';

const EXTENSION_ID = 'heygen-assets.heygen-assets';

function writeReport(report: HostReport): void {
  const target = process.env.HEYGEN_TEST_REPORT;
  if (!target) {
    console.error('HEYGEN_TEST_REPORT is not set; results:', JSON.stringify(report));
    return;
  }
  // Written whole and renamed, so the driver never reads half a file.
  fs.writeFileSync(`${target}.tmp`, JSON.stringify(report, null, 2));
  fs.renameSync(`${target}.tmp`, target);
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.stack ?? `${error.name}: ${error.message}`;
  }
  return String(error);
}

function fatalReport(title: string, error: unknown): HostReport {
  const message = describeError(error);
  return {
    passed: 0,
    failed: 1,
    pending: 0,
    fatal: message,
    vscodeVersion: vscode.version,
    tests: [{ title, fullTitle: title, state: 'failed', durationMs: 0, error: message }],
  };
}

/**
 * A certificate that VS Code's certificate store trusts during this run (certificates.test.ts). VS Code adds
 * `https.globalAgent.testCertificates` to its store in extension tests, but loads the store once per process, the
 * first time any connection needs it: so this comes before any test runs. The folder holding the pair (cert-key.pem,
 * cert.pem) goes to the tests in HEYGEN_TEST_TRUSTED_CERT_DIR.
 */
function trustTestCertificate(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-trusted-cert-'));
  const { cert } = makeSelfSignedCertificate(dir);
  (https.globalAgent as https.Agent & { testCertificates?: string[] }).testCertificates = [cert];
  process.env.HEYGEN_TEST_TRUSTED_CERT_DIR = dir;
}

export async function run(): Promise<void> {
  try {
    // The driver made one already when this VS Code trusts test certificates only through the OS store.
    if (!process.env.HEYGEN_TEST_TRUSTED_CERT_DIR) {
      trustTestCertificate();
    }
  } catch (error) {
    console.error('No trusted test certificate (is openssl installed?):', error);
  }
  try {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    if (!extension) {
      throw new Error(`extension ${EXTENSION_ID} is not loaded in this extension host`);
    }
    // Module load to activate returning, as VS Code does it on a first activation: only measurable while inactive.
    const firstActivation = !extension.isActive;
    const started = performance.now();
    await extension.activate();
    if (firstActivation) {
      hostPerf().activationMs = performance.now() - started;
    }
  } catch (error) {
    writeReport(fatalReport('the extension activates', error));
    return;
  }

  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env.HEYGEN_TEST_GREP;
  if (grep) {
    mocha.grep(new RegExp(grep, 'i'));
  }
  const tests: HostTestResult[] = [];
  try {
    // *.untrusted.test.js run only in the driver's window whose workspace is not trusted, *.pseudo.test.js only in
    // the one whose display language is the pseudo-locale, *.fresh.test.js in one with an emulator of its own; the
    // other files in the first window.
    const mode = process.env.HEYGEN_TEST_MODE ?? 'trusted';
    const modeOf = (name: string): string => /\.(untrusted|pseudo|fresh)\.test\.js$/.exec(name)?.[1] ?? 'trusted';
    const files = fs
      .readdirSync(__dirname)
      .filter((name) => name.endsWith('.test.js') && modeOf(name) === mode)
      .sort();
    for (const file of files) {
      mocha.addFile(path.join(__dirname, file));
    }
    await mocha.loadFilesAsync();
  } catch (error) {
    writeReport(fatalReport('the host test files load', error));
    return;
  }

  try {
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test) => {
        tests.push({ title: test.title, fullTitle: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
      });
      runner.on('fail', (test, error) => {
        tests.push({ title: test.title, fullTitle: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, error: describeError(error) });
      });
      runner.on('pending', (test) => {
        tests.push({ title: test.title, fullTitle: test.fullTitle(), state: 'pending', durationMs: 0 });
      });
    });
  } catch (error) {
    tests.push({ title: 'the host suite runs', fullTitle: 'the host suite runs', state: 'failed', durationMs: 0, error: describeError(error) });
  }
  writeReport({
    passed: tests.filter((test) => test.state === 'passed').length,
    failed: tests.filter((test) => test.state === 'failed').length,
    pending: tests.filter((test) => test.state === 'pending').length,
    vscodeVersion: vscode.version,
    tests,
    perf: hostPerf(),
  });
}
