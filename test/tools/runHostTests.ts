// `npm run test:host`: runs test/host/*.test.ts inside a real VS Code 1.99 extension host
// (code-server), opened by headless Chromium with the extension-development payload.
import * as fs from 'node:fs';
import { startEmulator } from '../emulator/heygenEmulator';
import type { HostReport } from '../host/report';
import { buildExtension, buildHostTests, HOST_OUT } from './buildHostTests';
import { ensureCodeServer, extensionHostErrors, extensionHostLog, launchChromium, remoteUri, startCodeServer, tail, workbenchUrl } from './codeServer';
import { REPO, delay, log, onCleanup, runCleanups, seconds } from './proc';
import { freshRunDirs } from './workspace';

const REPORT_TIMEOUT_MS = Number(process.env.HEYGEN_HOST_TIMEOUT_MS ?? 5 * 60_000);

async function waitForReport(file: string, timeoutMs: number, stillRunning: () => string | undefined): Promise<HostReport> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as HostReport;
    }
    const problem = stillRunning();
    if (problem) {
      throw new Error(problem);
    }
    await delay(250);
  }
  throw new Error(`no report after ${timeoutMs / 1000} s`);
}

export async function runHostTests(): Promise<{ passed: number; failed: number; pending: number }> {
  const started = Date.now();
  log('host: building the extension and the host tests…');
  await buildExtension();
  const bundled = await buildHostTests();
  log(`host: bundled ${bundled.join(', ')}`);
  await ensureCodeServer();

  const emulator = await startEmulator();
  onCleanup(() => emulator.close());
  const dirs = freshRunDirs('host');
  const server = await startCodeServer({
    folder: dirs.workspace,
    userDataDir: dirs.userDataDir,
    extensionsDir: dirs.extensionsDir,
    settings: { 'heygen.uploadUrl': emulator.uploadUrl },
    env: {
      HEYGEN_TEST_EMULATOR: emulator.origin,
      HEYGEN_TEST_WORKSPACE: dirs.workspace,
      HEYGEN_API_KEY: emulator.apiKey,
      HEYGEN_TEST_REPORT: dirs.report,
      ...(process.env.HEYGEN_TEST_GREP ? { HEYGEN_TEST_GREP: process.env.HEYGEN_TEST_GREP } : {}),
    },
  });
  log(`host: code-server at ${server.origin}, run folder ${dirs.root}`);

  const browser = await launchChromium();
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  let pageClosed = false;
  page.on('close', () => {
    pageClosed = true;
  });
  await page.goto(
    workbenchUrl(server.origin, dirs.workspace, [
      ['extensionDevelopmentPath', remoteUri(server.origin, REPO)],
      ['extensionTestsPath', remoteUri(server.origin, `${HOST_OUT}/index`)],
    ]),
  );

  let report: HostReport;
  try {
    report = await waitForReport(dirs.report, REPORT_TIMEOUT_MS, () => (pageClosed && !fs.existsSync(dirs.report) ? 'the workbench page closed before a report was written' : undefined));
  } catch (error) {
    const hostLog = extensionHostLog(server.logsDir);
    log(`host: ${(error as Error).message}`);
    log(`--- extension host log (${hostLog ?? 'not found'}) ---\n${tail(hostLog)}`);
    if (pageErrors.length > 0) {
      log(`--- workbench page errors ---\n${pageErrors.slice(-10).join('\n')}`);
    }
    report = {
      passed: 0,
      failed: 1,
      pending: 0,
      fatal: (error as Error).message,
      tests: [{ title: 'the host suite reports', fullTitle: 'the host suite reports', state: 'failed', durationMs: 0, error: (error as Error).message }],
    };
  }

  for (const test of report.tests) {
    const mark = test.state === 'passed' ? '✓' : test.state === 'failed' ? '✗' : '-';
    const suffix = test.state === 'pending' ? ' (pending)' : ` (${test.durationMs} ms)`;
    log(`  ${mark} ${test.fullTitle}${suffix}`);
    if (test.error) {
      log(test.error.split('\n').slice(0, 12).map((line) => `      ${line}`).join('\n'));
    }
  }
  if (report.vscodeVersion) {
    log(`host: ran in VS Code ${report.vscodeVersion} in ${seconds(started)}`);
  }
  // Stopped before reading the log, so everything the extension host wrote has reached the disk.
  await browser.close();
  await server.stop();
  const hostErrors = extensionHostErrors(server.logsDir);
  const logCheck = 'the extension host logged no errors (no unhandled rejections, no failed activation)';
  if (hostErrors.length === 0) {
    report.passed += 1;
    log(`  ✓ ${logCheck}`);
  } else {
    report.failed += 1;
    log(`  ✗ ${logCheck}\n${hostErrors.slice(0, 5).map((entry) => entry.replace(/^/gm, '      ')).join('\n')}`);
  }
  if (report.pending > 0) {
    log(`host: ${report.pending} pending`);
  }
  log(`host: ${report.passed} passed, ${report.failed} failed`);
  return report;
}

if (require.main === module) {
  runHostTests()
    .then(async (report) => {
      await runCleanups();
      process.exit(report.failed > 0 || report.passed === 0 ? 1 : 0);
    })
    .catch(async (error: unknown) => {
      console.error(error);
      log('host: 0 passed, 1 failed');
      await runCleanups();
      process.exit(1);
    });
}
