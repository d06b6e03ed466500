import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/*
 * The layer order of src/core (docs/layout.md explains it). A folder may import only the folders it lists; a folder
 * missing from this table may import no other core folder, so a new one has to be placed here first.
 *
 *   base                 shared vocabulary: logger, media kinds, sizes, asset records, the HeyGen error, safe URLs,
 *                        error messages, concurrency, disposables; imports no other core folder
 *   http                 the transport: the one undici client (requests, files, guarded downloads, proxies, retries)
 *   heygen               both API versions' wire formats: v1 upload, v3 client and upload, library calls, users/me
 *   payload              payload syntax: scanners, payload context, snippets, references
 *   features             upload, history, library, droppedMedia, account, apiKey, commands, videos, avatars: never one another
 *   agentTools           the one composition layer: combines history, library and upload results
 *
 * src/vscode mirrors the feature folders; across both trees import-x/no-cycle refuses any runtime import cycle.
 */
const LOWER = ['base', 'http', 'heygen', 'payload'];
const CORE_LAYERS = {
  base: [],
  http: ['base'],
  heygen: ['base', 'http'],
  payload: ['base'],
  upload: LOWER,
  history: LOWER,
  library: LOWER,
  droppedMedia: LOWER,
  account: LOWER,
  apiKey: LOWER,
  commands: LOWER,
  videos: LOWER,
  avatars: LOWER,
  references: LOWER,
  agentTools: [...LOWER, 'history', 'library', 'upload'],
};

/*
 * The adapters' order, the same idea for src/vscode: shared adapters at the bottom (activation, configuration, log, ui
 * import no other adapter), then the command layer, the key, uploads and dropped media that most features use, then
 * the features, which use one another only where listed.
 */
const VSCODE_BASE = ['activation', 'configuration', 'log', 'ui'];
const VSCODE_SHARED = [...VSCODE_BASE, 'commands', 'apiKey', 'upload', 'droppedMedia'];
const VSCODE_LAYERS = {
  activation: [],
  configuration: [],
  log: [],
  ui: [],
  commands: VSCODE_BASE,
  apiKey: [...VSCODE_BASE, 'commands'],
  upload: [...VSCODE_BASE, 'commands', 'apiKey'],
  droppedMedia: [...VSCODE_BASE, 'commands', 'apiKey', 'upload'],
  account: VSCODE_SHARED,
  history: VSCODE_SHARED,
  payload: VSCODE_SHARED,
  avatars: VSCODE_SHARED,
  videos: [...VSCODE_SHARED, 'payload'],
  library: [...VSCODE_SHARED, 'history'],
  references: [...VSCODE_SHARED, 'videos'],
  agentTools: [...VSCODE_SHARED, 'payload', 'videos'],
};

/** The adapter rule for one folder: core and the adapter folders it may use (undici only through core/http). */
function adapterImports(folder, allowed) {
  const others = ['core', ...allowed].join('|');
  return {
    files: [`src/vscode/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [UNDICI_ONLY_IN_HTTP],
          patterns: [
            {
              regex: `^\\.\\./(?!(?:\\.\\.|${others})/)[^/]+/`,
              message: allowed.length > 0
                ? `src/vscode/${folder} may import only core and ${allowed.join(', ')} (the adapter order in eslint.config.mjs).`
                : `src/vscode/${folder} is a shared adapter: it imports core only.`,
            },
          ],
        },
      ],
    },
  };
}

const NO_VSCODE = { name: 'vscode', message: 'src/core never imports vscode; put editor code in an adapter under src/vscode.' };
/** One HTTP stack: undici is imported only by the client in src/core/http, and only the names the bundle keeps (esbuild.mjs). */
const UNDICI_ONLY_IN_HTTP = { name: 'undici', message: 'HTTP goes through the one client in src/core/http (httpClient.ts explains its interface).' };
const UNDICI_KEPT = {
  name: 'undici',
  allowImportNames: ['request', 'Agent', 'ProxyAgent', 'buildConnector', 'errors', 'Dispatcher'],
  message: 'esbuild.mjs bundles only these parts of undici; the others are stubs there.',
};

/** The core rule for one folder: no vscode, nothing outside src/core, and only the core folders it may use. */
function coreImports(folder, allowed) {
  const others = allowed.length > 0 ? `(?!(?:${allowed.join('|')})/)` : '';
  return {
    files: [`src/core/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE, folder === 'http' ? UNDICI_KEPT : UNDICI_ONLY_IN_HTTP],
          patterns: [
            { regex: '^\\.\\./\\.\\./', message: 'src/core imports nothing outside src/core.' },
            {
              regex: `^\\.\\./${others}[^/]+/`,
              message: allowed.length > 0
                ? `src/core/${folder} may import only ${allowed.join(', ')} (the layer order in eslint.config.mjs).`
                : `src/core/${folder} is the bottom layer: it imports no other core folder.`,
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': 'off',
      eqeqeq: ['error', 'smart'],
      curly: 'error',
    },
  },
  {
    // import-x (the maintained fork of eslint-plugin-import, resolving through TypeScript's own rules) follows every
    // import of src, so a cycle anywhere in core or the adapters fails the lint, not only one inside a folder.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
  // A core folder that is not in CORE_LAYERS imports no other core folder.
  coreImports('*', []),
  ...Object.entries(CORE_LAYERS).map(([folder, allowed]) => coreImports(folder, allowed)),
  {
    files: ['src/vscode/**/*.ts', 'src/extension.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [UNDICI_ONLY_IN_HTTP] }] },
  },
  // An adapter folder that is not in VSCODE_LAYERS imports no other adapter folder.
  adapterImports('*', []),
  ...Object.entries(VSCODE_LAYERS).map(([folder, allowed]) => adapterImports(folder, allowed)),
  {
    files: ['test/unit/**/*.ts', 'test/emulator/**/*.ts', 'test/bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Unit tests run without the editor.' }] }],
    },
  },
);
