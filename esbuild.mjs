// Bundles the extension into one CommonJS file; `tsc --noEmit` does the type-checking.
// --production minifies (used by `vsce package`), --tests also bundles the extension-host suite.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
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

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
