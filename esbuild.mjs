// Bundles the extension into one CommonJS file; `tsc --noEmit` does the type-checking.
// --production minifies (used by `vsce package`), --tests also bundles the extension-host suite.
import * as esbuild from 'esbuild';
import { writeBundle } from './l10n-export.mjs';

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
        const api = require('undici/lib/api');
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
 * Two more cuts that change no behaviour the extension relies on:
 * - mime-types carries the whole mime-db (150 KB); only image/, video/ and audio/ types with file extensions can
 *   name a media file, so the bundle keeps those (an unsupported .avi is still named video/x-msvideo).
 * - undici embeds llhttp twice, with and without SIMD; it falls back to the plain build when the SIMD one fails to
 *   load, and answers from HeyGen are tiny, so the bundle keeps only the plain one.
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

// The English bundle VS Code's "l10n" folder starts from, regenerated from the sources on every build.
writeBundle();

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
