// jsonc-parser's main UMD module loads its parts through a `require` parameter that esbuild cannot follow,
// so the bundle would miss them; its scanner module stands alone and bundles cleanly.
declare module 'jsonc-parser/lib/umd/impl/scanner.js' {
  export const createScanner: typeof import('jsonc-parser').createScanner;
}
