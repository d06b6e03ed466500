import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yauzl from 'yauzl';
import { VSCODE_TEST_DIR, runOrThrow } from './proc';

export const VSIX_PATH = path.join(VSCODE_TEST_DIR, 'heygen-assets.vsix');

/**
 * The package's budget, in vsce's kilobytes (1024 bytes): every user downloads it. 150 KB held the uploader, views and
 * payload features (148 KB, with undici's unused parts stubbed and mime-db cut to media types); video generation,
 * avatars and voices and the workspace reference index added about 45 KB of bundle (the code's sentences are most of
 * it), so the bound is 210 KB: room for small changes, not for a new library.
 */
export const VSIX_BUDGET_KB = 210;

/**
 * What the package may hold, as paths inside the .vsix. `.vscodeignore` decides what vsce packs; this list catches
 * what slips through it. A new file that must ship goes into both.
 */
const ALLOWED_ENTRIES: readonly RegExp[] = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[\w-]+)?\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/changelog\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/dist\/extension\.js$/,
  /^extension\/media\/icon\.png$/,
  /^extension\/media\/heygen\.svg$/,
  /^extension\/media\/walkthrough\/[\w-]+\.svg$/,
  // Translations only: VS Code never reads the English bundle.l10n.json, which is for translators.
  /^extension\/l10n\/bundle\.l10n\.[\w-]+\.json$/,
];

/**
 * `vsce package`, which runs the production build through vscode:prepublish. Relative README links
 * are left alone: the manifest's repository is a placeholder vsce cannot turn into image URLs.
 */
export async function buildVsix(): Promise<number> {
  fs.mkdirSync(VSCODE_TEST_DIR, { recursive: true });
  fs.rmSync(VSIX_PATH, { force: true });
  await runOrThrow('npx', ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', VSIX_PATH], { quiet: true });
  return fs.statSync(VSIX_PATH).size;
}

export interface VsixEntry {
  name: string;
  bytes: number;
  compressedBytes: number;
}

/** The entries of a .vsix (a zip), as its central directory lists them. */
export function vsixEntries(file: string): Promise<VsixEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error) {
        reject(error);
        return;
      }
      const entries: VsixEntry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push({ name: entry.fileName, bytes: entry.uncompressedSize, compressedBytes: entry.compressedSize });
        zip.readEntry();
      });
      zip.once('end', () => resolve(entries));
      zip.once('error', reject);
      zip.readEntry();
    });
  });
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** The largest entries by their compressed size, which is what they add to the package. */
export function largestEntries(entries: readonly VsixEntry[], count = 5): string {
  return [...entries]
    .sort((a, b) => b.compressedBytes - a.compressedBytes)
    .slice(0, count)
    .map((entry) => `${entry.name} ${kb(entry.compressedBytes)} (${kb(entry.bytes)} unpacked)`)
    .join(', ');
}

/** What is wrong with a package of `sizeBytes` holding `entries`: over the budget, or a file outside the allow-list. */
export function vsixProblems(sizeBytes: number, entries: readonly VsixEntry[]): string[] {
  const problems: string[] = [];
  if (sizeBytes > VSIX_BUDGET_KB * 1024) {
    problems.push(`the .vsix is ${kb(sizeBytes)}, over its ${VSIX_BUDGET_KB} KB budget; the largest entries: ${largestEntries(entries)}`);
  }
  const unlisted = entries.filter((entry) => !entry.name.endsWith('/') && !ALLOWED_ENTRIES.some((allowed) => allowed.test(entry.name)));
  if (unlisted.length > 0) {
    problems.push(
      `the .vsix holds files outside the allow-list of test/tools/vsix.ts: ${unlisted.map((entry) => `${entry.name} (${kb(entry.compressedBytes)})`).join(', ')}; ` +
        'leave them out in .vscodeignore, or add them to both lists if users need them',
    );
  }
  return problems;
}
