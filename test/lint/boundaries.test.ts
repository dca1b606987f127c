/**
 * The layer boundaries of eslint.config.js hold: imports planted (as text, with a file path, so
 * nothing is written into src) in nested folders of each layer are errors of no-restricted-imports,
 * and the legitimate imports beside them pass. Runs ESLint's Node API with the project's config.
 */
import { join } from 'node:path'
import { ESLint, type Linter } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')
let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, 'eslint.config.js') })
})

/** The messages ESLint gives `code` as if it were the file `file` (relative to the repository). */
async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) })
  return result!.messages
}

/** A module that imports `source` and uses what it imported (so only the boundary can object). */
const importing = (source: string, kind: 'value' | 'type' = 'value') =>
  kind === 'type'
    ? `import type { Planted } from '${source}'\nexport type Used = Planted\n`
    : `import { planted } from '${source}'\nexport const used = planted\n`

async function expectBlocked(file: string, source: string, kind: 'value' | 'type' = 'value') {
  const messages = await lint(file, importing(source, kind))
  expect(
    messages.map((m) => [m.ruleId, m.severity]),
    `${file} importing ${source}`,
  ).toEqual([['no-restricted-imports', 2]])
  return messages[0]!.message
}

async function expectAllowed(file: string, source: string, kind: 'value' | 'type' = 'value') {
  const messages = await lint(file, importing(source, kind))
  expect(
    messages.map((m) => `${m.ruleId}: ${m.message}`),
    `${file} importing ${source}`,
  ).toEqual([])
}

describe('src/core stays pure', () => {
  it('rejects a nested core file importing src/state (the hole of the old patterns)', async () => {
    const message = await expectBlocked('src/core/shap/planted.ts', '../../state/appStore.ts')
    expect(message).toContain('src/core depends on nothing else in the project')
  })

  it('rejects every other project folder at any depth, values and types alike', async () => {
    await expectBlocked('src/core/planted.ts', '../state/appStore.ts')
    await expectBlocked('src/core/planted.ts', '../model/tfModel.ts', 'type')
    await expectBlocked('src/core/shap/fast/planted.ts', '../../../ui/App.tsx')
    await expectBlocked('src/core/shap/fast/planted.ts', '../../../workers/protocol.ts', 'type')
    await expectBlocked('src/core/views/planted.ts', '../../report/types.ts')
    await expectBlocked('src/core/drift/planted.ts', '../../../package.json')
  })

  it('rejects tfjs, onnxruntime-web, React, zustand, recharts and Node built-ins', async () => {
    for (const pkg of [
      '@tensorflow/tfjs',
      'onnxruntime-web',
      'react',
      'react-dom/client',
      'zustand/vanilla',
      'recharts',
      'node:fs',
    ])
      await expectBlocked('src/core/tree/planted.ts', pkg)
  })

  it('lets core import core, from any depth', async () => {
    await expectAllowed('src/core/shap/fast/planted.ts', '../../mlp.ts')
    await expectAllowed('src/core/shap/planted.ts', '../views/rank.ts')
    await expectAllowed('src/core/planted.ts', './types.ts', 'type')
    await expectAllowed('src/core/csv2.ts', 'papaparse')
  })
})

describe('the page (src/ui, src/state, src/main.tsx) never imports a worker host', () => {
  it('rejects src/ui importing the model host', async () => {
    const message = await expectBlocked('src/ui/planted.ts', '../workers/modelHost.ts')
    expect(message).toContain('never to a worker host or job module')
  })

  it('rejects hosts and job modules from nested views and from src/state, types included', async () => {
    await expectBlocked(
      'src/ui/views/fairness/Planted.tsx',
      '../../../workers/statsHost.ts',
      'type',
    )
    await expectBlocked('src/ui/views/Planted.tsx', '../../workers/jobs/explain.ts')
    await expectBlocked('src/state/planted.ts', '../workers/dataHost.ts')
    await expectBlocked('src/state/queries/planted.ts', '../../workers/modelHost.ts', 'type')
    await expectBlocked('src/state/planted.ts', '../workers/model.worker.ts')
    await expectBlocked('src/main.tsx', './workers/modelHost.ts')
  })

  it('rejects model runtimes on the page and src/state importing src/ui', async () => {
    await expectBlocked('src/ui/charts/Planted.tsx', '@tensorflow/tfjs')
    await expectBlocked('src/state/planted.ts', 'onnxruntime-web')
    await expectBlocked('src/state/planted.ts', '../ui/App.tsx')
  })

  it('allows the client, the pool, the protocols and the small shared helpers', async () => {
    await expectAllowed('src/state/planted.ts', '../workers/client.ts')
    await expectAllowed('src/state/planted.ts', '../workers/pool.ts')
    await expectAllowed('src/state/planted.ts', '../workers/poolSplit.ts')
    await expectAllowed('src/state/planted.ts', '../workers/probeCache.ts')
    await expectAllowed('src/state/planted.ts', '../workers/device.ts')
    await expectAllowed('src/ui/views/Planted.tsx', '../../workers/protocol.ts', 'type')
    await expectAllowed('src/ui/views/Planted.tsx', '../../workers/protocolStats.ts', 'type')
    await expectAllowed('src/state/planted.ts', '../workers/protocol/model.ts', 'type')
    await expectAllowed('src/ui/planted.ts', '../state/appStore.ts')
    await expectAllowed('src/main.tsx', './state/appStore.ts')
  })
})

describe('src/cli runs in Node', () => {
  it('rejects React', async () => {
    const message = await expectBlocked('src/cli/planted.ts', 'react')
    expect(message).toContain('src/cli runs in Node')
  })

  it('rejects src/ui, src/state and the other UI libraries', async () => {
    await expectBlocked('src/cli/planted.ts', '../state/appStore.ts')
    await expectBlocked('src/cli/commands/planted.ts', '../../ui/App.tsx')
    await expectBlocked('src/cli/planted.ts', 'recharts')
    await expectBlocked('src/cli/planted.ts', 'zustand')
  })

  it('allows core, model, report and Node built-ins', async () => {
    await expectAllowed('src/cli/planted.ts', '../core/csv.ts')
    await expectAllowed('src/cli/commands/planted.ts', '../../report/audit.ts')
    await expectAllowed('src/cli/planted.ts', '../model/tfModel.ts')
    await expectAllowed('src/cli/planted.ts', 'node:fs')
  })
})

it('a file nested deeper than the zones reach is an error of its own', async () => {
  const deep = `src/core/${'d/'.repeat(9)}planted.ts`
  const messages = await lint(deep, 'export const x = 1\n')
  expect(messages.map((m) => m.ruleId)).toEqual(['no-restricted-syntax'])
  expect(messages[0]!.message).toContain('at most 8 deep')
})
