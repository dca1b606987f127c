import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../../src/core/csv.ts'
import { driftAnalyze } from '../../../src/core/drift/analyze.ts'
import { encodeTable } from '../../../src/core/encode.ts'
import type { Schema } from '../../../src/core/schema.ts'

const root = new URL('../../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')
const schema = JSON.parse(read('public/demo/schema.json')) as Schema

/** A side of the comparison with a stand-in model: p = σ((age − 40) / 10). */
function side(path: string) {
  const table = parseCsvText(read(path), path)
  const enc = encodeTable(schema, table, path)
  const age = enc.values
  const p = Float32Array.from(
    { length: table.nRows },
    (_, i) => 1 / (1 + Math.exp(-(age.data[i * age.cols]! - 40) / 10)),
  )
  return { table, x: enc.x, p, labels: enc.labels, source: path }
}

describe('driftAnalyze', () => {
  it('finds the drift that scripts/make-drifted.ts put into public/demo/drifted.csv', () => {
    const a = driftAnalyze(schema, side('public/demo/data.csv'), side('public/demo/drifted.csv'))
    const drifted = a.features.filter((f) => f.drifted).map((f) => f.feature)
    expect(drifted).toEqual(['age', 'marital_status'])
    const age = a.features[0]!
    expect(age.wasserstein).toBeCloseTo(8, 9)
    expect(age.curMean! - age.refMean!).toBeCloseTo(8, 9)
    // The stand-in model only reads age, so the predictions drift with it.
    expect(a.prediction.psi).toBeGreaterThan(0.2)
    expect(a.performance.unlabelled).toBe(false)
    expect(a.ood!.fitRows + a.ood!.calibrationRows).toBe(2000)
    expect(a.ood!.top).toHaveLength(10)
    expect(a.section.maxPsi).toBe(age.psi)
    expect(a.section.oodShare).toBe(a.ood!.share95)
    expect(Object.keys(a.section.features)).toEqual(schema.features.map((f) => f.name))
  })

  it('finds none between the two seeded halves', () => {
    const a = driftAnalyze(
      schema,
      side('e2e/fixtures/drift/reference-a.csv'),
      side('e2e/fixtures/drift/reference-b.csv'),
    )
    expect(a.features.filter((f) => f.drifted)).toEqual([])
    expect(a.section.maxPsi).toBeLessThan(0.2)
    expect(a.ood!.share95).toBeGreaterThan(0.02)
    expect(a.ood!.share95).toBeLessThan(0.1)
  })
})
