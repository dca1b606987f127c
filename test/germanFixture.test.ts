/**
 * The German credit fixture (scripts/fixtures/german/build.ts, test/fixtures/german/): the data
 * has the columns its README promises, the schema encodes it at the model's width, and the model
 * opened as the CLI opens it reproduces the independent reference (numpy float64 forward pass and
 * scikit-learn metrics, scripts/fixtures/german/reference.py) within contracts §5's tolerances.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { csvLoadFromDisk, modelOpenFromDisk, schemaLoadFromDisk } from '../src/cli/load.ts'
import { performanceMetrics } from '../src/core/metrics.ts'
import { schemaWidth } from '../src/core/schema.ts'
import { tableColumn } from '../src/core/table.ts'
import { sessionOpen } from '../src/session/session.ts'

const dir = join(import.meta.dirname, 'fixtures/german')
const reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as {
  rows: number
  width: number
  metrics: { accuracy: number; rocAuc: number; logLoss: number; brier: number }
  predictions: number[]
}

describe('German credit fixture', () => {
  const schema = schemaLoadFromDisk(join(dir, 'schema.json'))

  it('holds numeric and categorical features, a sensitive non-feature column and the label', async () => {
    const data = await csvLoadFromDisk(join(dir, 'data.csv'))
    expect(data.table.nRows).toBe(300)
    expect(schemaWidth(schema)).toBe(61)
    expect(reference.width).toBe(61)
    const kinds = schema.features.map((f) => f.type)
    expect(kinds.filter((k) => k === 'numeric')).toHaveLength(7)
    expect(kinds.filter((k) => k === 'categorical')).toHaveLength(13)
    expect(schema.sensitive).toEqual(['personal_status', 'age_group'])
    expect(schema.features.some((f) => f.name === 'age_group')).toBe(false)
    // Every categorical cell is one of its feature's categories (no unknown values).
    for (const f of schema.features) {
      if (f.type !== 'categorical') continue
      const col = tableColumn(data.table, f.name)!
      const used = new Set(Array.from(col.codes, (c) => col.values[c]!))
      expect(
        [...used].filter((v) => !f.categories.includes(v)),
        f.name,
      ).toEqual([])
    }
    const cls = tableColumn(data.table, 'class')!
    expect([...new Set(cls.values)].sort()).toEqual(['Bad', 'Good'])
  })

  it('reproduces the float64 reference predictions and metrics', async () => {
    const data = await csvLoadFromDisk(join(dir, 'data.csv'))
    const { model } = await modelOpenFromDisk(join(dir, 'model.json'), 'cpu', schema)
    try {
      const s = await sessionOpen(
        model,
        schema,
        data,
        { kind: 'auto' },
        { schemaName: 'schema.json' },
      )
      const p = await s.predict(s.x)
      expect(p.length).toBe(reference.rows)
      let worst = 0
      p.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - reference.predictions[i]!))))
      expect(worst).toBeLessThan(1e-6)
      const m = performanceMetrics(p, s.labels!, 0.5)
      expect(Math.abs(m.accuracy! - reference.metrics.accuracy)).toBeLessThan(1e-6)
      expect(Math.abs(m.rocAuc! - reference.metrics.rocAuc)).toBeLessThan(1e-5)
      expect(Math.abs(m.logLoss! - reference.metrics.logLoss)).toBeLessThan(1e-6)
      expect(Math.abs(m.brier! - reference.metrics.brier)).toBeLessThan(1e-6)
    } finally {
      model.dispose()
    }
  })
})
