import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-cli',
      'node_modules',
      'coverage',
      'test-results',
      'playwright-report',
      'public',
      'test/fixtures',
      'e2e/fixtures',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  // The core is pure: no React, DOM-bound libraries, tfjs or other project layers.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['react', 'react-dom', 'react/*', 'recharts', 'zustand', 'zustand/*'],
              message: 'src/core is pure: no UI libraries.',
            },
            { group: ['@tensorflow/*'], message: 'src/core is pure: tfjs lives in src/model.' },
            {
              group: [
                '../model/*',
                '../workers/*',
                '../state/*',
                '../ui/*',
                '../cli/*',
                '../data/*',
              ],
              message: 'src/core depends on nothing else in the project.',
            },
          ],
        },
      ],
    },
  },
  // Only src/model (and the workers and CLI that host it) may import tfjs.
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/state/**/*.ts', 'src/main.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tensorflow/*'], message: 'tfjs runs in the workers, not on the page.' },
          ],
        },
      ],
    },
  },
)
