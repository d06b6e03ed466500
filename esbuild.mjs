// Bundles the extension into one CommonJS file; `tsc --noEmit` does the type-checking.
// --production minifies (used by `vsce package`), --tests also bundles the extension-host suite.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/**
 * undici is bundled from its public entry (`require('undici')`), the same code the unit tests run. The extension
 * calls `request`, `Agent`, `ProxyAgent`, `buildConnector` and `errors` (eslint.config.mjs keeps src from importing
 * any other name of undici's), but undici's index loads every part of the library, about 77 KB of the .vsix's 150 KB
 * budget (test/tools/vsix.ts). The modules behind the names the extension never uses are bundled as stubs that fail
 * loudly if anything ever calls them; undici's index builds `caches` at load, so a stub can be constructed.
 */
const UNDICI_UNUSED = [
  'web/', // fetch, Request, Response, Headers, FormData, WebSocket, EventSource, caches, cookies
  'mock/', // MockAgent, MockPool, MockClient
  'dispatcher/client-h2.js', // HTTP/2, used only when a dispatcher sets allowH2 (none does)
  'dispatcher/balanced-pool.js', // BalancedPool
  'dispatcher/env-http-proxy-agent.js', // EnvHttpProxyAgent (proxies are chosen in src/core/http/proxyRouting.ts)
  'dispatcher/retry-agent.js', // RetryAgent
  'handler/retry-handler.js', // RetryHandler (retries are src/core/http/retryPolicy.ts)
  'interceptor/redirect.js', // interceptors.* (redirects are followed by src/core/http/download.ts)
  'interceptor/retry.js',
  'interceptor/dump.js',
  'interceptor/dns.js',
  'api/api-stream.js', // stream(), pipeline(), upgrade(); request() and connect() (ProxyAgent's tunnel) stay
  'api/api-pipeline.js',
  'api/api-upgrade.js',
];
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\//g, '[\\\\/]');

const undiciUnusedParts = {
  name: 'undici-unused-parts',
  setup(build) {
    // The SIMD build of the llhttp parser: undici falls back to the plain build (kept) when this one fails to load.
    build.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]llhttp[\\/]llhttp_simd-wasm\.js$/ }, () => ({
      contents: "throw new Error('The SIMD build of llhttp is not in this bundle (esbuild.mjs); undici uses the plain one.');",
      loader: 'js',
    }));
    const unused = new RegExp(`[\\\\/]undici[\\\\/]lib[\\\\/](${UNDICI_UNUSED.map(escapeRegExp).join('|')})`);
    build.onLoad({ filter: unused }, (args) => ({
      contents: `
        const part = ${JSON.stringify(path.relative(process.cwd(), args.path).replace(/\\/g, '/'))};
        const stub = (name) => new Proxy(function () {}, {
          get: (target, key) => (typeof key === 'symbol' || key === 'prototype' ? target[key] : stub(name + '.' + key)),
          apply: () => { throw new Error(name + ' (' + part + ') is not in this bundle (esbuild.mjs)'); },
          construct: () => ({}),
        });
        module.exports = stub('undici');
      `,
      loader: 'js',
    }));
  },
};

/**
 * mime-types carries the whole mime-db (150 KB); only image/, video/ and audio/ types with file extensions can name a
 * media file, so the bundle keeps those (an unsupported .avi is still named video/x-msvideo).
 */
const slimMimeDb = {
  name: 'slim-mime-db',
  setup(build) {
    build.onLoad({ filter: /mime-db[\\/]db\.json$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const db = JSON.parse(await readFile(args.path, 'utf8'));
      const kept = Object.fromEntries(
        Object.entries(db).filter(([type, entry]) => /^(image|video|audio)\//.test(type) && entry.extensions),
      );
      return { contents: JSON.stringify(kept), loader: 'json' };
    });
  },
};

/**
 * One copy of the vscode API for the whole bundle. esbuild turns each module's `import * as vscode from 'vscode'` into
 * its own `__toESM(require('vscode'))`, which copies every property of the API (about 250) onto a new object: 69
 * modules, 42 ms of the extension host's time evaluating the bundle (a CPU profile of activation in VS Code 1.99).
 * Every module imports this one ES module instead, which re-exports the API once.
 */
const oneVscodeApi = {
  name: 'one-vscode-api',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-api' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-api' },
    );
    build.onLoad({ filter: /^vscode$/, namespace: 'vscode-api' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  plugins: [oneVscodeApi, undiciUnusedParts, slimMimeDb],
  // jsonc-parser's main entry is a UMD module that loads its parts through a `require` parameter esbuild cannot
  // follow; its ES module build (package.json "module") bundles cleanly.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
];
if (tests) {
  builds.push({
    ...common,
    entryPoints: ['test/host/index.ts'],
    outfile: 'out/test/host/index.js',
    // mocha loads its reporters dynamically; keep it out of the bundle.
    external: ['vscode', 'mocha'],
  });
}

/** The newest change under `dir`: a file edited, added or removed (a removal changes its folder). */
function newestChange(dir) {
  let newest = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * What @vscode/l10n-dev would get wrong without a word: a message that is not a literal is skipped (it can never be
 * translated), and its reading of escapes differs from JavaScript's (0.0.35 turns `\u2019` into U+0201), so the
 * bundle's key would not be the message the code looks up.
 */
function checkL10nCalls(dir) {
  const problems = [];
  for (const name of fs.readdirSync(dir, { recursive: true })) {
    if (!/\.tsx?$/.test(name)) {
      continue;
    }
    const file = path.join(dir, name);
    const text = fs.readFileSync(file, 'utf8');
    for (const call of text.matchAll(/\bl10n\.t\(\s*/g)) {
      const start = call.index + call[0].length;
      const where = `${file}:${text.slice(0, start).split('\n').length}`;
      const quote = text[start];
      if (quote === '{') {
        continue;
      }
      if (quote !== "'" && quote !== '"' && quote !== '`') {
        problems.push(`${where}: l10n.t needs a string literal as its message, or it cannot be translated`);
        continue;
      }
      for (let i = start + 1; i < text.length && text[i] !== quote; i++) {
        if (text[i] === '\\') {
          i += 1;
          if (!/[nrt'"`\\]/.test(text[i])) {
            problems.push(`${where}: write the character itself, not the escape \\${text[i]}… (@vscode/l10n-dev misreads it)`);
            break;
          }
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
}

/**
 * l10n/bundle.l10n.json, the English bundle translators start from (VS Code itself reads only the translations next
 * to it), written from the sources by `@vscode/l10n-dev export`. The tool compiles its tree-sitter queries for every
 * file, about 20 s here, so it runs only when something under src/ changed after the bundle was written.
 */
function exportL10nBundle(srcDir = 'src', outDir = 'l10n') {
  const bundle = path.join(outDir, 'bundle.l10n.json');
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newestChange(srcDir)) {
    return;
  }
  checkL10nCalls(srcDir);
  const started = Date.now();
  const cli = createRequire(import.meta.url).resolve('@vscode/l10n-dev/dist/cli.js');
  const result = spawnSync(process.execPath, [cli, 'export', '--outDir', outDir, srcDir], { encoding: 'utf8' });
  if (result.status !== 0 || !fs.existsSync(bundle)) {
    throw new Error(`@vscode/l10n-dev export failed:\n${result.stdout}${result.stderr}`);
  }
  const count = Object.keys(JSON.parse(fs.readFileSync(bundle, 'utf8'))).length;
  console.log(`${bundle}: ${count} messages from ${srcDir}/ (@vscode/l10n-dev, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

try {
  exportL10nBundle();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
