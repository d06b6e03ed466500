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
 * undici's index pulls in fetch, WebSocket, caches, mocks and more (about 400 KB). The extension uses only
 * `request`, `Agent`, `ProxyAgent` and `errors`, so the bundle maps the bare 'undici' import to that core. Tests run the
 * sources against the full package, whose `request`, `Agent` and `errors` are these same modules.
 */
const undiciCore = {
  name: 'undici-core',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici-core', namespace: 'undici-core' }));
    build.onLoad({ filter: /.*/, namespace: 'undici-core' }, () => ({
      resolveDir: process.cwd(),
      loader: 'js',
      contents: `
        const Dispatcher = require('undici/lib/dispatcher/dispatcher');
        // request, and connect for ProxyAgent's CONNECT tunnel; stream, pipeline and upgrade are not used.
        const api = { request: require('undici/lib/api/api-request'), connect: require('undici/lib/api/api-connect') };
        Object.assign(Dispatcher.prototype, api);
        const Agent = require('undici/lib/dispatcher/agent');
        const ProxyAgent = require('undici/lib/dispatcher/proxy-agent');
        const errors = require('undici/lib/core/errors');
        const util = require('undici/lib/core/util');
        const { getGlobalDispatcher } = require('undici/lib/global');
        // undici's makeDispatcher(api.request), for the (url, opts) form.
        function request(url, opts) {
          opts = opts || {};
          const parsed = util.parseURL(url);
          const dispatcher = opts.dispatcher || getGlobalDispatcher();
          return api.request.call(dispatcher, {
            ...opts,
            origin: parsed.origin,
            path: parsed.search ? parsed.pathname + parsed.search : parsed.pathname,
            method: opts.method || (opts.body ? 'PUT' : 'GET'),
          });
        }
        module.exports = { Agent, Dispatcher, ProxyAgent, errors, request };
      `,
    }));
  },
};

/**
 * More cuts that change no behaviour the extension relies on (the .vsix must stay within 150 KB: test/tools/vsix.ts):
 * - mime-types carries the whole mime-db (150 KB); only image/, video/ and audio/ types with file extensions can
 *   name a media file, so the bundle keeps those (an unsupported .avi is still named video/x-msvideo).
 * - undici embeds llhttp twice, with and without SIMD; it falls back to the plain build when the SIMD one fails to
 *   load, and answers from HeyGen are tiny, so the bundle keeps only the plain one.
 * - undici's HTTP/2 client is used only when a dispatcher sets allowH2 (none does), and its fetch body code (38 KB,
 *   with FormData and Blob) only for FormData request bodies (none is sent): both are left out.
 */
const slimDependencies = {
  name: 'slim-dependencies',
  setup(build) {
    build.onLoad({ filter: /mime-db[\\/]db\.json$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const db = JSON.parse(await readFile(args.path, 'utf8'));
      const kept = Object.fromEntries(
        Object.entries(db).filter(([type, entry]) => /^(image|video|audio)\//.test(type) && entry.extensions),
      );
      return { contents: JSON.stringify(kept), loader: 'json' };
    });
    build.onLoad({ filter: /undici[\\/]lib[\\/]web[\\/]fetch[\\/]body\.js$/ }, () => ({
      contents: "exports.extractBody = () => { throw new Error('FormData bodies are not bundled'); };",
      loader: 'js',
    }));
    build.onLoad({ filter: /undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/ }, () => ({
      contents: "module.exports = async () => { throw new Error('HTTP/2 is not bundled'); };",
      loader: 'js',
    }));
    build.onLoad({ filter: /llhttp_simd-wasm\.js$/ }, () => ({
      contents: "throw new Error('llhttp SIMD build is not bundled');",
      loader: 'js',
    }));
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
  plugins: [undiciCore, slimDependencies],
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
