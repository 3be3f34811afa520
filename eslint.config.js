// ESLint (typescript-eslint, recommended-type-checked) for every TypeScript file of the hub, the
// plain recommended rules for the engine stand-in's JavaScript, and Prettier's formatting left to
// Prettier (eslint-config-prettier). Run by `npm test` (`npm run lint`).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  { ignores: ['node_modules/', 'bench/deps/', '**/__generated__/', '.data/', '.tmp/', 'coverage/'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `_`-prefixed names are deliberately unused: an omitted tuple item, or a property taken out of an object by a rest pattern.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
          ignoreRestSiblings: true,
        },
      ],
      // The interfaces the hub implements (Apollo Server plugins, oidc-provider's adapter, DataLoader batch functions,
      // test doubles of async APIs) take functions that return promises; an `async` function is the plain way to write
      // one, with or without an `await` inside.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // vitest types its asymmetric matchers (expect.any, expect.stringContaining, …) as `any`: an
    // expected object that holds one would count as an unsafe assignment.
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      globals: {
        WebAssembly: 'readonly',
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        globalThis: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
  prettier,
);
