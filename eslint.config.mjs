import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    // The pure core must stay free of the editor API so it is unit-tested with node:test.
    files: ['src/upload/**/*.ts', 'src/history/**/*.ts', 'src/snippets/**/*.ts', 'src/apiKey/**/*.ts'],
    ignores: ['src/**/*Commands.ts', 'src/**/*View.ts', 'src/**/*Provider.ts', 'src/**/*Adapter.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Pure modules must not import vscode; put editor code in an adapter.' }] }],
    },
  },
  {
    files: ['test/unit/**/*.ts', 'test/emulator/**/*.ts', 'test/bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Unit tests run without the editor.' }] }],
    },
  },
);
