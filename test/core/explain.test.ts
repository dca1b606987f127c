import { describe, expect, it } from 'vitest'
import { goldenAdult } from './explainFixture.ts'
import { mlpGradFn, mlpPredictFn } from '../../src/core/mlp.ts'
import {
  EXPLAIN_DEFAULTS,
  counterfactualConfigCached,
  explainRows,
  igBaselineParse,
} from '../../src/core/explain.ts'
import { counterfactualConfig } from '../../src/core/counterfactual/config.ts'

const g = goldenAdult()

describe('explainRows', () => {
  it('fills the report entries of the golden rows with the contract defaults', async () => {
    const rows = g.ref.explainedRows.slice(0, 2)
    const seen: number[] = []
    const ex = await explainRows(
      {
        schema: g.schema,
        x: g.enc.x,
        values: g.enc.values,
        predict: mlpPredictFn(g.mlp),
        grad: mlpGradFn(g.mlp),
      },
      rows,
      { ...EXPLAIN_DEFAULTS, igSteps: 2048 },
      { onProgress: (d) => seen.push(d) },
    )
    expect(Object.keys(ex)).toEqual(rows.map(String))
    for (const r of rows) {
      const e = ex[String(r)]!
      const key = String(r)
      expect(Math.abs(e.prediction - g.ref.prediction[key]!)).toBeLessThan(1e-6)
      expect(Math.abs(e.baseValue! - g.ref.baseValue[key]!)).toBeLessThan(1e-4)
      expect(e.exact).toBe(true)
      expect(e.shapStdErr).toBeNull()
      for (const f of g.ref.features) {
        expect(Math.abs(e.shap![f]! - g.ref.shap[key]![f]!)).toBeLessThan(1e-4)
        expect(Math.abs(e.ig![f]! - g.ref.ig[key]![f]!)).toBeLessThan(1e-3)
      }
      expect(e.igSteps).toBe(2048)
      expect(Math.abs(e.igCompletenessGap!)).toBeLessThan(1e-3)
      expect(e.counterfactuals!.length).toBeGreaterThan(0)
      for (const c of e.counterfactuals!) expect(c.valid).toBe(true)
    }
    expect(seen[seen.length - 1]).toBe(1000)
  })

  it('leaves out the sections not asked for', async () => {
    const ex = await explainRows(
      { schema: g.schema, x: g.enc.x, values: g.enc.values, predict: mlpPredictFn(g.mlp) },
      [60],
      {
        ...EXPLAIN_DEFAULTS,
        shap: false,
        igSteps: 0,
        counterfactuals: 0,
      },
    )
    expect(Object.keys(ex['60']!)).toEqual(['prediction'])
  })

  it('parses the IG baseline settings', () => {
    expect(igBaselineParse('mean', g.enc.x)).toEqual({ kind: 'mean' })
    const b = igBaselineParse('row:3', g.enc.x)
    expect(b.kind === 'row' && b.x[0] === g.enc.x.data[3 * 88]).toBe(true)
    expect(() => igBaselineParse('row:99999', g.enc.x)).toThrow(/outside/)
    expect(() => igBaselineParse('median', g.enc.x)).toThrow(/unknown IG baseline/)
  })
})

describe('counterfactualConfigCached', () => {
  it('builds a data matrix’s configuration once per schema and constraints, equal to a fresh one', () => {
    const values = g.enc.values
    const a = counterfactualConfigCached(g.schema, values, undefined)
    expect(counterfactualConfigCached(g.schema, values, undefined)).toBe(a)
    expect(a).toEqual(counterfactualConfig(g.schema, values))
    const opts = { directions: { age: 'increase' as const } }
    const b = counterfactualConfigCached(g.schema, values, opts)
    expect(b).not.toBe(a)
    expect(b).toEqual(counterfactualConfig(g.schema, values, opts))
    // Another matrix (even with equal contents) gets its own entry.
    const copy = { ...values, data: values.data.slice() }
    expect(counterfactualConfigCached(g.schema, copy, undefined)).not.toBe(a)
  })
})
