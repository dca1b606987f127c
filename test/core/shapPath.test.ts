/**
 * Which SHAP path ran (issue 16 "Say what ran"): the choice by timing is reported with both
 * timings and is consistent with them; a deep network can pick the black box; both paths give
 * the same values within the contracts' tolerances; without a fast model the reason says why.
 * No test asserts a wall-clock threshold — only that the reported choice follows the reported
 * timings.
 */
import { describe, expect, it } from 'vitest'
import { mlpPredictFn, mlpRandom } from '../../src/core/mlp.ts'
import type { Activation } from '../../src/core/mlp.ts'
import { rngFromSeed } from '../../src/core/random.ts'
import { backgroundFirst } from '../../src/core/shap/background.ts'
import { fastModelFromMlp } from '../../src/core/shap/fast/model.ts'
import {
  SHAP_PATH_MARGIN,
  shapPathChoose,
  shapPathFromTimings,
} from '../../src/core/shap/pathChoice.ts'
import { shapExplain } from '../../src/core/shap/shap.ts'
import { EXPLAIN_DEFAULTS, explainRows } from '../../src/core/explain.ts'
import { goldenAdult } from './explainFixture.ts'
import { type Matrix, matrix } from '../../src/core/types.ts'

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

/** A deep network: 10 Dense layers of width 48 over `inputs` columns, sigmoid output. */
function deepMlp(inputs: number) {
  const rng = rngFromSeed(3)
  const sizes = [inputs, ...Array<number>(9).fill(48), 1]
  const acts: Activation[] = [...Array<Activation>(9).fill('relu'), 'sigmoid']
  return mlpRandom(sizes, acts, () => rng.normal(), 1.2)
}

function randomRows(n: number, w: number, seed: number): Matrix {
  const rng = rngFromSeed(seed)
  return matrix(
    Float64Array.from({ length: n * w }, () => rng.normal()),
    n,
    w,
  )
}

describe('shapPathFromTimings', () => {
  it('uses the fast path unless the black box took less than half its time, and says why', () => {
    expect(SHAP_PATH_MARGIN).toBe(0.5)
    expect(shapPathFromTimings(100, 100)).toEqual({
      path: 'fast',
      reason: null,
      msPerRow: { fast: 100, blackBox: 100 },
    })
    expect(shapPathFromTimings(100, 51).path).toBe('fast')
    expect(shapPathFromTimings(100, 49).path).toBe('blackBox')
    const c = shapPathFromTimings(709, 281)
    expect(c.path).toBe('blackBox')
    expect(c.reason).toBe(
      'the black box was faster on this model (281 ms vs 709 ms per row on the Dense fast path)',
    )
  })
})

describe('shapPathChoose', () => {
  const w = 8
  const mlp = deepMlp(w)
  const fast = fastModelFromMlp(mlp)
  const predict = mlpPredictFn(mlp)
  const x = randomRows(3, w, 5)
  const bg = backgroundFirst(randomRows(20, w, 6), 20)
  const offsets = Int32Array.from({ length: w + 1 }, (_, i) => i)

  it('a 10-layer network picks the black box when the black box measures faster (injected clock)', async () => {
    // Each call of the clock advances it: the fast path's row "takes" 700 ms, the black box's 280.
    const ticks = [0, 700, 980]
    let i = 0
    const c = await shapPathChoose(predict, fastModelFromMlp(mlp), x, bg, {
      offsets,
      budget: 4096,
      now: () => ticks[i++]!,
    })
    expect(i).toBe(3)
    expect(c).toEqual(shapPathFromTimings(700, 280))
    expect(c.path).toBe('blackBox')
  })

  it('with the real clock, reports both timings and a choice consistent with them; remembers it', async () => {
    let calls = 0
    const now = () => (calls++, performance.now())
    const c = await shapPathChoose(predict, fast, x, bg, { offsets, budget: 4096, now })
    expect(calls).toBe(3)
    const { fast: f, blackBox: b } = c.msPerRow
    expect(f).toBeGreaterThan(0)
    expect(b).toBeGreaterThan(0)
    expect(c.path).toBe(b! < SHAP_PATH_MARGIN * f! ? 'blackBox' : 'fast')
    expect(c.reason === null).toBe(c.path === 'fast')
    const again = await shapPathChoose(predict, fast, x, bg, { offsets, budget: 4096, now })
    expect(again).toBe(c)
    expect(calls).toBe(3)
  })

  it('both paths give the same values on the deep network (exact; 1e-7, far inside the contract’s 1e-4)', async () => {
    const a = await shapExplain(predict, x, bg, { offsets, budget: 4096, fast })
    const b = await shapExplain(predict, x, bg, { offsets, budget: 4096 })
    for (let r = 0; r < x.rows; r++) {
      expect(maxDiff(a[r]!.phi, b[r]!.phi)).toBeLessThan(1e-7)
      expect(Math.abs(a[r]!.baseValue - b[r]!.baseValue)).toBeLessThan(1e-7)
    }
  })

  it('without a fast model: the black box, with the reason it was skipped, nothing timed', async () => {
    const c = await shapPathChoose(predict, null, x, bg, {
      offsets,
      budget: 4096,
      fastUnavailable: 'the first layer is not Dense',
      now: () => {
        throw new Error('nothing should be timed')
      },
    })
    expect(c).toEqual({
      path: 'blackBox',
      reason: 'no Dense fast path: the first layer is not Dense',
      msPerRow: { fast: null, blackBox: null },
    })
  })

  it('a forced path is used as asked, untimed', async () => {
    const opts = { offsets, budget: 4096, now: () => NaN }
    expect((await shapPathChoose(predict, fast, x, bg, { ...opts, setting: 'fast' })).path).toBe(
      'fast',
    )
    const b = await shapPathChoose(predict, fast, x, bg, { ...opts, setting: 'blackBox' })
    expect(b).toEqual({
      path: 'blackBox',
      reason: 'the black box was asked for',
      msPerRow: { fast: null, blackBox: null },
    })
  })
})

describe('explainRows reports the SHAP path of every row', () => {
  it('golden rows: one choice for all rows, consistent with its timings; forcing the other path gives the same values within 1e-7', async () => {
    const g = goldenAdult()
    const mlp = g.mlp
    const rows = g.ref.explainedRows.slice(0, 3)
    const input = {
      schema: g.schema,
      x: g.enc.x,
      values: g.enc.values,
      predict: mlpPredictFn(mlp),
      fast: fastModelFromMlp(mlp),
    }
    const settings = { ...EXPLAIN_DEFAULTS, igSteps: 0, counterfactuals: 0 }
    const ex = await explainRows(input, rows, settings)
    const first = ex[String(rows[0])]!.shapPath!
    // The black box only when it took under SHAP_PATH_MARGIN of the fast path's time (the rule the
    // unit tests above pin): near a tie, a busy machine's timings keep the fast path.
    const { fast: fastMs, blackBox: blackBoxMs } = first.msPerRow
    expect(first.path).toBe(blackBoxMs! < SHAP_PATH_MARGIN * fastMs! ? 'blackBox' : 'fast')
    for (const r of rows) expect(ex[String(r)]!.shapPath).toEqual(first)
    const other = first.path === 'fast' ? 'blackBox' : 'fast'
    const ex2 = await explainRows(input, rows, { ...settings, shapPath: other })
    for (const r of rows) {
      const a = ex[String(r)]!
      const b = ex2[String(r)]!
      expect(b.shapPath!.path).toBe(other)
      for (const f of g.ref.features) expect(Math.abs(a.shap![f]! - b.shap![f]!)).toBeLessThan(1e-7)
      // and both within the contract's 1e-4 of the reference
      for (const f of g.ref.features)
        expect(Math.abs(a.shap![f]! - g.ref.shap[String(r)]![f]!)).toBeLessThan(1e-4)
    }
  })

  it('without a fast model the rows say why the fast path was skipped', async () => {
    const g = goldenAdult()
    const ex = await explainRows(
      {
        schema: g.schema,
        x: g.enc.x,
        values: g.enc.values,
        predict: mlpPredictFn(g.mlp),
        fastUnavailable: 'the model is a GraphModel',
      },
      [5],
      { ...EXPLAIN_DEFAULTS, igSteps: 0, counterfactuals: 0 },
    )
    expect(ex['5']!.shapPath).toEqual({
      path: 'blackBox',
      reason: 'no Dense fast path: the model is a GraphModel',
      msPerRow: { fast: null, blackBox: null },
    })
  })
})
