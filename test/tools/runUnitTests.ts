// `npm run test:unit`: every test/unit/**/*.test.ts under Node's own runner. Node 20's --test takes
// no globs, so the files are listed here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, log, run } from './proc';
import { ensureMachine } from './provision';

export function unitTestFiles(dir = path.join(REPO, 'test', 'unit')): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...unitTestFiles(full));
    } else if (entry.name.endsWith('.test.ts')) {
      files.push(full);
    }
  }
  return files.sort();
}

/** Reads the runner's own summary ("ℹ pass N" with the spec reporter, "# pass N" with TAP). */
export function parseNodeTestSummary(output: string): { passed: number; failed: number } | undefined {
  const pick = (name: string): number | undefined => {
    const matches = [...output.matchAll(new RegExp(`^(?:ℹ|#) ${name} (\\d+)$`, 'gm'))];
    return matches.length > 0 ? Number(matches[matches.length - 1][1]) : undefined;
  };
  const passed = pick('pass');
  const failed = pick('fail');
  const cancelled = pick('cancelled') ?? 0;
  if (passed === undefined || failed === undefined) {
    return undefined;
  }
  // A test cancelled by a timeout or a crashed file did not pass.
  return { passed, failed: failed + cancelled };
}

async function main(): Promise<number> {
  ensureMachine(['unitTools']);
  const files = unitTestFiles();
  if (files.length === 0) {
    log('unit: no test files under test/unit');
    log('unit: 0 passed, 1 failed');
    return 1;
  }
  const result = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files.map((file) => path.relative(REPO, file))], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const summary = parseNodeTestSummary(result.output);
  if (summary) {
    log(`unit: ${summary.passed} passed, ${summary.failed} failed (${files.length} files)`);
  } else {
    log('unit: the test runner printed no summary');
    log('unit: 0 passed, 1 failed');
  }
  return result.code !== 0 || !summary || summary.failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
