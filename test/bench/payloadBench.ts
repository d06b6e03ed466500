// Payload problems per change on a 2,000-line payload: what the debounced pass does after a keystroke.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findAssetReferences } from '../../src/core/payload/assetReferences';
import { HistoryKnownAssets, type KnownAsset } from '../../src/core/payload/knownAssets';
import { LocalFileChecks, localPathOf, payloadProblems } from '../../src/core/payload/payloadProblems';
import type { BenchRow } from './benchRow';

const LINES = 2_000;
const RUNS = 41;
const TARGET_MS = 5;
const FIXTURE_JPEG = path.join(__dirname, '..', 'fixtures', 'media', 'sample.jpg');

/** A `video/generate` payload of about `lines` lines: items with a local background, a known URL and an audio id. */
function bigPayload(lines: number, language: 'json' | 'typescript' | 'python', knownUrls: readonly string[]): string {
  const q = (s: string): string => (language === 'json' ? JSON.stringify(s) : `'${s}'`);
  const k = (s: string): string => (language === 'typescript' ? s : JSON.stringify(s));
  const items: string[] = [];
  const perItem = 14;
  for (let i = 0; items.length * perItem < lines - 4; i++) {
    items.push(
      [
        `    {`,
        `      ${k('character')}: {`,
        `        ${k('type')}: ${q('avatar')},`,
        `        ${k('avatar_id')}: ${q('josh_lite3_20230714')}`,
        `      },`,
        `      ${k('voice')}: {`,
        `        ${k('type')}: ${q('audio')},`,
        `        ${k('audio_url')}: ${q(knownUrls[i % knownUrls.length])}`,
        `      },`,
        `      ${k('background')}: {`,
        `        ${k('type')}: ${q('image')},`,
        `        ${k('url')}: ${q(`./media/scene-${i % 20}.jpg`)}`,
        `      }`,
        `    }`,
      ].join('\n'),
    );
  }
  const body = `{\n  ${k('title')}: ${q('Long tour')},\n  ${k('video_inputs')}: [\n${items.join(',\n')}\n  ]\n}\n`;
  return language === 'python' ? `payload = ${body}` : language === 'typescript' ? `export const payload = ${body}` : body;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Rows for `npm run bench`: the synchronous part of one problems pass per language, and the pass with its file stats. */
export async function payloadFigures(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-payload-bench-'));
  try {
    fs.mkdirSync(path.join(dir, 'media'));
    for (let i = 0; i < 20; i += 2) {
      // Half the referenced files exist, half are missing: both kinds of problem are in every pass.
      fs.copyFileSync(FIXTURE_JPEG, path.join(dir, 'media', `scene-${i}.jpg`));
    }
    const records: KnownAsset[] = Array.from({ length: 1_000 }, (_, i) => ({
      id: `${i.toString(16).padStart(8, '0')}c94e2b8d3f41c6b0e5d9f2a1`,
      name: `voice-${i}.mp3`,
      fileType: 'audio',
      url: `https://resource2.heygen.ai/audio/${i}/voice.mp3`,
      uploadedAt: Date.now() - i * 60_000,
    }));
    const known = new HistoryKnownAssets({ all: () => records, onDidChange: () => ({ dispose: () => undefined }) });
    const checks = new LocalFileChecks(() => 10 * 1024 * 1024);
    const rows: BenchRow[] = [];
    for (const language of ['json', 'typescript', 'python'] as const) {
      let text = bigPayload(LINES, language, records.slice(0, 50).map((r) => r.url));
      const lineCount = text.split('\n').length;
      const title = text.indexOf('Long tour');
      let problems = 0;
      const pass = (): string[] => {
        const references = findAssetReferences(text, language);
        const paths = references.map((r) => localPathOf(r, dir)).filter((p): p is string => p !== undefined);
        problems = payloadProblems(references, { documentDir: dir, files: (p) => checks.get(p), known }).length;
        return paths;
      };
      await checks.refresh(pass());
      const sync: number[] = [];
      const withStats: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        // A keystroke: the title grows by one character, so every pass sees new text.
        text = text.slice(0, title) + String.fromCharCode(97 + (run % 26)) + text.slice(title);
        const start = process.hrtime.bigint();
        const paths = pass();
        sync.push(Number(process.hrtime.bigint() - start) / 1e6);
        const statStart = process.hrtime.bigint();
        await checks.refresh(paths);
        withStats.push(Number(process.hrtime.bigint() - statStart) / 1e6 + sync[sync.length - 1]);
      }
      const value = median(sync);
      rows.push({
        measure: `payload problems per change, ${lineCount}-line ${language === 'json' ? 'JSON' : language === 'typescript' ? 'TypeScript' : 'Python'} payload`,
        result: `${value.toFixed(2)} ms`,
        target: `≤ ${TARGET_MS} ms`,
        met: value <= TARGET_MS,
        how: `median of ${RUNS} edits; scan, ${problems} problems among ${Math.round(lineCount / 14) * 2} references, 1,000 known assets; on the extension host's thread`,
      });
      rows.push({
        measure: `payload problems per change with file stats, ${language}`,
        result: `${median(withStats).toFixed(2)} ms`,
        target: '',
        how: 'the same pass plus the async stat of the 20 referenced files (cached checks, no file read), median',
      });
    }
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  payloadFigures().then(
    (rows) => {
      for (const r of rows) {
        console.log(`${r.measure}: ${r.result} ${r.target} ${r.met === undefined ? '' : r.met ? 'yes' : 'NO'} (${r.how ?? ''})`);
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
