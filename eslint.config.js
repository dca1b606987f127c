import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

/*
 * Layer boundaries (docs/architecture.md): who may import what, checked on every import statement
 * and `export … from` (dynamic `import()` is not checked by no-restricted-imports).
 *
 * ESLint's no-restricted-imports matches the import string, not the file it resolves to, so a
 * pattern such as '../state/*' misses '../../state/x.ts' from a nested folder. The zones below are
 * written per folder depth instead: a file at depth d under src/<layer>/ reaches src/ through
 * exactly d + 1 '../', so '^(\.\./){d+1}state/' is "src/state" from that file and nothing else.
 * (eslint-plugin-import's no-restricted-paths resolves paths itself; a plugin and its resolver for
 * this one rule would be the only reason to take it on, so the zones use ESLint's own rule.)
 * Files deeper than MAX_DEPTH get an error of their own, so no file falls outside the zones.
 */
const MAX_DEPTH = 8

/** Regex source for "from a file `depth` folders below src/<layer>/, into src/": ^(\.\./){d+1}. */
const toSrc = (depth) => (depth < 0 ? '^\\./' : `^(?:\\.\\./){${depth + 1}}`)

/** Worker modules the page may import: the client, the pool, protocols and small shared helpers. */
const WORKER_PAGE_MODULES =
  '(?:(?:client|pool|poolSplit|probeCache|device)(?:\\.ts)?$|protocol[^/]*(?:\\.ts)?$|protocol/)'

const UI_LIBRARIES = [
  'react',
  'react-dom',
  'react/*',
  'react-dom/*',
  'recharts',
  'zustand',
  'zustand/*',
]
const MODEL_RUNTIMES = ['@tensorflow/*', 'onnxruntime-web', 'onnxruntime-web/*']

/**
 * One zone: the package groups a layer may not import, and the project folders (relative to src/)
 * it may not reach, as regex sources given the prefix that reaches src/ from a file.
 * @typedef {{ group: string[]; message: string }} PackageBan
 * @typedef {{ regex: (toSrc: string) => string; message: string }} FolderBan
 * @typedef {{ layer: string; packages: PackageBan[]; folders: FolderBan[] }} Zone
 */

/** @type {Zone[]} */
const ZONES = [
  {
    layer: 'core',
    packages: [
      { group: UI_LIBRARIES, message: 'src/core is pure: no UI libraries.' },
      { group: MODEL_RUNTIMES, message: 'src/core is pure: model runtimes live in src/model.' },
      { group: ['node:*'], message: 'src/core also runs in the browser: no Node built-ins.' },
    ],
    folders: [
      {
        regex: (up) => `${up}(?!core/)`,
        message: 'src/core depends on nothing else in the project.',
      },
    ],
  },
  ...['ui', 'state'].map((layer) => ({
    layer,
    packages: [
      { group: MODEL_RUNTIMES, message: 'Model runtimes run in the workers, not on the page.' },
    ],
    folders: [
      {
        regex: (up) => `${up}workers/(?!${WORKER_PAGE_MODULES})`,
        message:
          'The page talks to workers through src/workers/client.ts, pool.ts and the protocol, never to a worker host or job module.',
      },
      ...(layer === 'state'
        ? [{ regex: (up) => `${up}ui(?:/|$)`, message: 'src/state does not depend on src/ui.' }]
        : []),
    ],
  })),
  {
    layer: 'cli',
    packages: [{ group: UI_LIBRARIES, message: 'src/cli runs in Node: no UI libraries.' }],
    folders: [
      {
        regex: (up) => `${up}(?:ui|state)(?:/|$)`,
        message: 'src/cli runs in Node: it does not import src/ui or src/state.',
      },
    ],
  },
]

/** The config blocks of one zone: one per folder depth (one rule entry each, so none overrides). */
function zoneBlocks(zone) {
  const blocks = []
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const up = toSrc(depth)
    blocks.push({
      files: [`src/${zone.layer}/${'*/'.repeat(depth)}*.{ts,tsx}`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              ...zone.packages,
              ...zone.folders.map((f) => ({ regex: f.regex(up), message: f.message })),
            ],
          },
        ],
      },
    })
  }
  blocks.push({
    files: [`src/${zone.layer}/${'*/'.repeat(MAX_DEPTH + 1)}**/*.{ts,tsx}`],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Program',
          message: `Folders nest at most ${MAX_DEPTH} deep under src/${zone.layer}: the import boundaries in eslint.config.js stop there.`,
        },
      ],
    },
  })
  return blocks
}

/** src/main.tsx sits beside the layers: it may wire ui and state, but not hosts or runtimes. */
const pageZone = ZONES.find((z) => z.layer === 'ui')
const mainBlock = {
  files: ['src/main.tsx'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...pageZone.packages,
          ...pageZone.folders.map((f) => ({ regex: f.regex(toSrc(-1)), message: f.message })),
        ],
      },
    ],
  },
}

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-e2e',
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
  ...ZONES.flatMap(zoneBlocks),
  mainBlock,
)
