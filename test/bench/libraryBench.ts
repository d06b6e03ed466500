/**
 * The Library at 10,000 assets (issue 13, item 7): a page rendered after its answer arrives, the cached listing
 * loaded on start, a filter over all of it, and the memory the 10,000 items hold. Pure core, no editor: what the
 * view does per row (label, relative time, contextValue, the source-file cache) is done here the same way.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { relativeTime } from '../../src/core/base/time';
import { SourceExistence } from '../../src/core/history/sourceExistence';
import { PAGE_SIZE, type LibraryApi, type LibraryPage } from '../../src/core/heygen/libraryApi';
import { parseLibraryAsset, type LibraryAsset } from '../../src/core/heygen/libraryAsset';
import { LibraryIndex } from '../../src/core/library/libraryIndex';
import { buildLibraryModel, filterLibrary, libraryContextValue, NO_LIBRARY_FILTER } from '../../src/core/library/libraryTree';
import type { BenchRow } from './benchRow';
import { median } from './benchRow';
import { ms } from './historyBench';

const ASSETS = 10_000;
const RUNS = 9;
const PAGE_TARGET_MS = 50;
const LOAD_TARGET_MS = 50;
const FILTER_TARGET_MS = 20;
const MEMORY_TARGET_MB = 20;
const TYPES = ['image', 'video', 'audio', 'image', 'font'] as const;

/** HeyGen's answers for the whole library, as the JSON text that arrives, page by page. */
function pageTexts(now: number): string[] {
  const pages: string[] = [];
  for (let p = 0; p < ASSETS / PAGE_SIZE; p++) {
    const data = [];
    for (let i = p * PAGE_SIZE; i < (p + 1) * PAGE_SIZE; i++) {
      const type = TYPES[i % TYPES.length];
      const id = `${(0x1000000 + i).toString(16)}a7c94e2b8d3f41c6b0e5d9f2a1`;
      data.push({
        id,
        name: `campaign-${Math.floor(i / 40)}-shot-${i}.${type === 'image' ? 'png' : type === 'video' ? 'mp4' : type === 'audio' ? 'mp3' : 'ttf'}`,
        type,
        owner: 'bench-user',
        space_id: 'space_bench',
        folder_id: i % 7 === 0 ? `folder-${i % 13}` : null,
        uploaded_at: Math.floor((now - i * 60_000) / 1000),
        url: `https://resource2.heygen.ai/${type}/${id}/original`,
      });
    }
    const more = p < ASSETS / PAGE_SIZE - 1;
    pages.push(JSON.stringify({ data, has_more: more, next_token: more ? `page-${p + 1}` : null }));
  }
  return pages;
}

/** Serves the pages from their JSON text, so parsing the answer is part of what is measured. */
function pagedApi(pages: readonly string[]): LibraryApi {
  return {
    account: () => Promise.resolve('bench-user'),
    list: (token) => {
      const text = pages[token ? Number(token.slice('page-'.length)) : 0];
      const json = JSON.parse(text) as { data: unknown[]; has_more: boolean; next_token: string | null };
      const assets = json.data.map(parseLibraryAsset).filter((a): a is LibraryAsset => a !== undefined);
      return Promise.resolve<LibraryPage>({ assets, hasMore: json.has_more, nextToken: json.next_token ?? undefined });
    },
    get: () => Promise.resolve(undefined),
    delete: () => Promise.resolve('deleted'),
  };
}

/** What the view does once the listing changed: the model, then every row's item (label, age, menu tokens, icon). */
function render(index: LibraryIndex, now: number, sources: SourceExistence): number {
  const model = buildLibraryModel(index.all(), NO_LIBRARY_FILTER, () => undefined);
  let rows = 0;
  for (const group of model.groups) {
    for (const node of model.children.get(group.kind) ?? []) {
      const asset = node.library;
      const item = {
        label: asset.name,
        description: relativeTime(asset.uploadedAt, now, 'en'),
        contextValue: libraryContextValue(asset, sources.exists(undefined, now)),
      };
      if (item.label) {
        rows++;
      }
    }
  }
  return rows;
}

function collectGarbage(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

export async function libraryFigures(): Promise<BenchRow[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'heygen-library-bench-'));
  try {
    const now = Date.now();
    const pages = pageTexts(now);
    const api = pagedApi(pages);

    // A page arriving when 9,900 are listed: parse, append, rebuild the model and every row's item.
    const pageTimes: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const index = await LibraryIndex.open(path.join(dir, `page-${run}.json`), { api, owner: 'bench' });
      await index.refresh();
      while (index.size < ASSETS - PAGE_SIZE) {
        await index.loadMore();
      }
      const sources = new SourceExistence({ onChange: () => undefined });
      const start = process.hrtime.bigint();
      await index.loadMore();
      const rows = render(index, now, sources);
      const elapsed = ms(start);
      sources.dispose();
      if (rows !== ASSETS || !index.complete) {
        throw new Error(`library bench: rendered ${rows} rows of ${index.size}`);
      }
      if (run === 0) {
        await index.flush();
        await fs.copyFile(path.join(dir, 'page-0.json'), path.join(dir, 'cache.json'));
      } else {
        pageTimes.push(elapsed);
      }
      index.dispose();
      await index.flush();
    }
    const cacheBytes = (await fs.stat(path.join(dir, 'cache.json'))).size;

    const loads: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const start = process.hrtime.bigint();
      const index = await LibraryIndex.open(path.join(dir, 'cache.json'), { api, owner: 'bench' });
      const elapsed = ms(start);
      if (index.size !== ASSETS) {
        throw new Error(`library bench: the cache held ${index.size}`);
      }
      if (run > 0) {
        loads.push(elapsed);
      }
    }

    const listed = await LibraryIndex.open(path.join(dir, 'cache.json'), { api, owner: 'bench' });
    const filters: number[] = [];
    let matched = 0;
    for (let run = 0; run <= RUNS; run++) {
      const start = process.hrtime.bigint();
      matched = filterLibrary(listed.all(), { text: 'SHOT-99', kinds: ['image', 'audio'] }).length;
      if (run > 0) {
        filters.push(ms(start));
      }
    }

    // Memory: the listing from the cache plus the view's model of every row, with nothing else allocated between.
    const gc = collectGarbage();
    gc();
    const before = process.memoryUsage().heapUsed;
    const held = await LibraryIndex.open(path.join(dir, 'cache.json'), { api, owner: 'bench' });
    const model = buildLibraryModel(held.all(), NO_LIBRARY_FILTER, () => undefined);
    gc();
    const memoryMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
    if (model.byId.size !== ASSETS) {
      throw new Error('library bench: the model lost rows');
    }

    const pageMs = median(pageTimes);
    const loadMs = median(loads);
    const filterMs = median(filters);
    return [
      {
        measure: 'library: render a page at 10,000 assets',
        result: `${pageMs.toFixed(1)} ms`,
        target: `≤ ${PAGE_TARGET_MS} ms`,
        met: pageMs <= PAGE_TARGET_MS,
        how: `from the 100th page's JSON text (9,900 listed) to the model and all 10,000 rows' label, age, contextValue; median of ${RUNS}`,
      },
      {
        measure: 'library: load the cached listing of 10,000',
        result: `${loadMs.toFixed(1)} ms`,
        target: `≤ ${LOAD_TARGET_MS} ms`,
        met: loadMs <= LOAD_TARGET_MS,
        how: `LibraryIndex.open on a ${(cacheBytes / 1024 / 1024).toFixed(1)} MB cache (read, parse, build), median of ${RUNS}`,
      },
      {
        measure: 'library: filter 10,000 assets',
        result: `${filterMs.toFixed(2)} ms`,
        target: `≤ ${FILTER_TARGET_MS} ms`,
        met: filterMs <= FILTER_TARGET_MS,
        how: `name text + two kinds (${matched} match), median of ${RUNS}`,
      },
      {
        measure: 'library: memory for 10,000 items',
        result: `${memoryMb.toFixed(1)} MB`,
        target: `≤ ${MEMORY_TARGET_MB} MB`,
        met: memoryMb <= MEMORY_TARGET_MB,
        how: 'heap growth (after a forced GC) for the listing loaded from the cache plus the view model of every row',
      },
    ];
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  libraryFigures().then(
    (rows) => {
      for (const row of rows) {
        console.log(`${row.measure}: ${row.result} (${row.target}) ${row.met ? 'yes' : 'NO'} — ${row.how ?? ''}`);
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
