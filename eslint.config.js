// Lint: typescript-eslint with type information so that floating promises are caught; prettier formats.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'eslint.config.js',
      'wasm/**',
      'src/core/fourier/simd-kernels.generated.ts',
      // plain JavaScript a worker thread loads without a TypeScript loader (outside the typed project)
      'test/fuzz/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-fallthrough': 'error',
      // Lines stay readable (prettier wraps code at 120; this catches what it cannot: long strings).
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  // Formatting is prettier's (npm run lint checks it); no stylistic rule here may fight it.
  {
    ...prettier,
    rules: { ...prettier.rules, 'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }] },
  },
);
