/**
 * Locked features on the worker's path: explainRows (what the model worker's `explain` handler
 * calls) with the explanation settings the Explain and Data tabs send. A feature the unlocked
 * search changes must never change once locked; sensitive attributes are locked by default and
 * unlock on request. The golden adult model and data are the reference session.
 */
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { EXPLAIN_DEFAULTS, type ExplainSettings, explainRows } from '../../src/core/explain.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { withLockedFeatures } from '../../src/core/views/cfLocks.ts'
import { modelArtifacts } from '../../src/model/tfjs/artifacts.ts'
import { tfjsLoadedModel } from '../../src/model/tfjs/runtime.ts'
import { tfModelLoad } from '../../src/model/tfjs/load.ts'
import { type Session, sessionOpen } from '../../src/session/session.ts'

const url = (p: string) => new URL(`../../${p}`, import.meta.url)
const text = (p: string) => readFileSync(url(p), 'utf8')
const G = 'test/fixtures/golden/adult'
const schema = schemaParse(text(`${G}/schema.json`), 'schema.json')
const ROWS = [0, 1, 2, 3, 4, 5]

let session: Session

beforeAll(async () => {
  await tf.setBackend('cpu')
  const b = readFileSync(url(`${G}/group1-shard1of1.bin`))
  const shard = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
  const art = modelArtifacts(
    { name: 'model.json', json: text(`${G}/model.json`) },
    new Map([['group1-shard1of1.bin', shard]]),
  )
  const model = tfjsLoadedModel(await tfModelLoad(art, 'model.json'))
  const table = parseCsvText(text(`${G}/data.csv`), 'data.csv')
  const data = { table, name: 'data.csv', sha256: 'golden' }
  session = await sessionOpen(model, schema, data, { kind: 'auto' }, { schemaName: 'schema.json' })
})

/** How often each feature changes over the counterfactuals of ROWS under `settings`. */
async function changedCounts(settings: ExplainSettings): Promise<Map<string, number>> {
  const s = session
  const ex = await explainRows(
    { schema: s.schema, x: s.x, values: s.values, predict: s.predict, input: s.input },
    ROWS,
    { ...settings, shap: false, igSteps: 0, counterfactuals: 4 },
  )
  const counts = new Map<string, number>()
  for (const r of ROWS)
    for (const c of ex[String(r)]?.counterfactuals ?? [])
      for (const f of Object.keys(c.changes)) counts.set(f, (counts.get(f) ?? 0) + 1)
  return counts
}

describe('features locked for counterfactuals (explain request settings)', () => {
  it('never changes a locked feature that the unlocked search changes', async () => {
    const free = await changedCounts(withLockedFeatures(EXPLAIN_DEFAULTS, []))
    // The feature the unlocked search changes most: locking it must matter.
    const [top] = [...free.entries()].sort((a, b) => b[1] - a[1])
    expect(top).toBeDefined()
    const locked = await changedCounts(withLockedFeatures(EXPLAIN_DEFAULTS, [top![0]]))
    expect(locked.has(top![0])).toBe(false)
    expect([...locked.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
  }, 60_000)

  it('locks the sensitive attributes by default and frees them when unlocked', async () => {
    const byDefault = await changedCounts(EXPLAIN_DEFAULTS)
    expect(byDefault.has('sex') || byDefault.has('race')).toBe(false)
    expect(byDefault).toEqual(
      await changedCounts(withLockedFeatures(EXPLAIN_DEFAULTS, ['sex', 'race'])),
    )
    // Everything but the sensitive attributes locked: only they may change, and they do.
    const others = schema.features.map((f) => f.name).filter((n) => n !== 'sex' && n !== 'race')
    const onlySensitive = await changedCounts(withLockedFeatures(EXPLAIN_DEFAULTS, others))
    expect(onlySensitive.size).toBeGreaterThan(0)
    for (const f of onlySensitive.keys()) expect(['sex', 'race']).toContain(f)
  }, 60_000)
})
