/**
 * "Say what ran" for IG and the background (issue 16): automatic IG refinement compares n and 2n
 * steps on every explained row and says per row how it stopped (converged, or at the cap, or with
 * a completeness gap above the tolerance); the background the explanations used is handed out
 * (rows and weights) so the report can list it.
 */
import { describe, expect, it } from 'vitest'
import { goldenAdult } from './explainFixture.ts'
import { mlpGradFn, mlpPredictFn, mlpProbability } from '../../src/core/mlp.ts'
import { EXPLAIN_DEFAULTS, explainRows } from '../../src/core/explain.ts'
import { type Background, backgroundSeeded } from '../../src/core/shap/background.ts'
import { matrix } from '../../src/core/types.ts'

const g = goldenAdult()
const input = {
  schema: g.schema,
  x: g.enc.x,
  values: g.enc.values,
  predict: mlpPredictFn(g.mlp),
  grad: mlpGradFn(g.mlp),
}
const noShap = { ...EXPLAIN_DEFAULTS, shap: false, counterfactuals: 0 }
const rows = g.ref.explainedRows

describe('automatic IG refinement, per row', () => {
  it('compares n and 2n steps on every row: the reported change is IG(2n) − IG(n) of that row, below 1e-3', async () => {
    const auto = await explainRows(input, rows, noShap)
    const steps = new Set<number>()
    for (const r of rows) {
      const e = auto[String(r)]!
      steps.add(e.igSteps!)
      expect(e.igRefinement!.stop).toBe('converged')
      expect(e.igRefinement!.change).toBeLessThan(1e-3)
      // Independently: the same row at fixed n and 2n steps.
      const half = await explainRows(input, [r], { ...noShap, igSteps: e.igSteps! / 2 })
      const full = await explainRows(input, [r], { ...noShap, igSteps: e.igSteps! })
      let change = 0
      for (const f of g.ref.features)
        change = Math.max(change, Math.abs(full[String(r)]!.ig![f]! - half[String(r)]!.ig![f]!))
      expect(change).toBeCloseTo(e.igRefinement!.change, 12)
      expect(full[String(r)]!.ig).toEqual(e.ig)
      expect(full[String(r)]!.igRefinement).toBeUndefined()
      // …and the row's step count is the first doubling that met the tolerance.
      if (e.igSteps! > 128) {
        const quarter = await explainRows(input, [r], { ...noShap, igSteps: e.igSteps! / 4 })
        let prev = 0
        for (const f of g.ref.features)
          prev = Math.max(prev, Math.abs(half[String(r)]!.ig![f]! - quarter[String(r)]!.ig![f]!))
        expect(prev).toBeGreaterThanOrEqual(1e-3)
      }
      const gap = Math.abs(e.igCompletenessGap!)
      expect(e.igRefinement!.warning === null).toBe(gap <= 1e-3)
    }
    expect(steps.size).toBeGreaterThan(1) // rows stop at their own step counts
  })

  it('says so on a row that stops at the cap (cap 128: rows needing more stop there)', async () => {
    const capped = await explainRows(input, rows, { ...noShap, igMaxSteps: 128 })
    const free = await explainRows(input, rows, noShap)
    let hit = 0
    for (const r of rows) {
      const c = capped[String(r)]!
      const f = free[String(r)]!
      expect(c.igSteps).toBe(Math.min(128, f.igSteps!))
      if (f.igSteps! > 128) {
        hit++
        expect(c.igRefinement!.stop).toBe('cap')
        expect(c.igRefinement!.change).toBeGreaterThanOrEqual(1e-3)
        expect(c.igRefinement!.warning).toBe(
          `stopped at the cap of 128 steps: successive results still differ by ${c.igRefinement!.change.toPrecision(2)} (the rule asks for < 0.001)`,
        )
      } else expect(c.igRefinement!.stop).toBe('converged')
    }
    expect(hit).toBeGreaterThan(0)
  })

  it('warns on a converged row whose completeness gap is above the tolerance', async () => {
    const ex = await explainRows(input, rows, noShap)
    const over = rows.filter((r) => Math.abs(ex[String(r)]!.igCompletenessGap!) > 1e-3)
    expect(over.length).toBeGreaterThan(0)
    for (const r of over) {
      const e = ex[String(r)]!
      expect(e.igRefinement!.warning).toBe(
        `the completeness gap ${e.igCompletenessGap!.toPrecision(2)} is above the tolerance 0.001: the attributions do not add up to f(x) − f(baseline) as closely as the step refinement suggests`,
      )
    }
  })
})

describe('the background the explanations used', () => {
  for (const kind of ['sample', 'kmeans'] as const) {
    it(`${kind}:20 seed 7: the rows handed out (and listed in each row) are the seeded background’s, and SHAP’s base value is Σ w f(row) over them`, async () => {
      let seen: Background | null = null
      const ex = await explainRows(
        input,
        [5],
        {
          ...EXPLAIN_DEFAULTS,
          igSteps: 0,
          counterfactuals: 0,
          seed: 7,
          background: { kind, k: 20 },
        },
        { onBackground: (bg) => (seen = bg) },
      )
      const bg = seen! as Background
      expect(bg.kind).toBe(kind)
      const ref = backgroundSeeded(g.enc.x, { kind, k: 20 }, 7)
      expect(Array.from(bg.rows)).toEqual(Array.from(ref.rows))
      expect(bg.rows.length).toBeLessThanOrEqual(20)
      // Base value from the listed rows alone, in float64 through the network.
      const w = g.enc.x.cols
      const xs = new Float64Array(bg.rows.length * w)
      bg.rows.forEach((r, i) => xs.set(g.enc.x.data.subarray(r * w, (r + 1) * w), i * w))
      const f = mlpProbability(g.mlp, matrix(xs, bg.rows.length, w))
      let base = 0
      bg.rows.forEach((_, i) => (base += bg.weights[i]! * f[i]!))
      expect(Math.abs(ex['5']!.baseValue! - base)).toBeLessThan(1e-6)
      if (kind === 'sample') for (const v of bg.weights) expect(v).toBeCloseTo(1 / 20, 15)
      expect(ex['5']!.background).toEqual({
        kind,
        rows: Array.from(bg.rows),
        weights: Array.from(bg.weights),
      })
    })
  }
})
