import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { goldenAdult, goldenRows } from './explainFixture.ts'
import {
  type Mlp,
  mlpCreate,
  mlpPredictFn,
  mlpPredictFn64,
  mlpProbability,
  mlpRandom,
} from '../../src/core/mlp.ts'
import { rngFromSeed } from '../../src/core/random.ts'
import { schemaOffsets } from '../../src/core/schema.ts'
import { type Matrix, matrix } from '../../src/core/types.ts'
import {
  backgroundFirst,
  backgroundFromRows,
  backgroundKmeans,
  backgroundMean,
  backgroundSample,
} from '../../src/core/shap/background.ts'
import { shapExactFromTable, shapleyWeights } from '../../src/core/shap/exact.ts'
import { shapKernelDesign } from '../../src/core/shap/kernel.ts'
import { shapExplain, shapIsExact } from '../../src/core/shap/shap.ts'

const g = goldenAdult()
const offsets = schemaOffsets(g.schema)
const rows = g.ref.explainedRows

function goldenShapError(res: Awaited<ReturnType<typeof shapExplain>>): {
  shap: number
  base: number
  eff: number
} {
  let shap = 0
  let base = 0
  let eff = 0
  res.forEach((r, i) => {
    const key = String(rows[i])
    g.ref.features.forEach((f, j) => {
      shap = Math.max(shap, Math.abs(r.phi[j]! - g.ref.shap[key]![f]!))
    })
    base = Math.max(base, Math.abs(r.baseValue - g.ref.baseValue[key]!))
    let s = 0
    for (const v of r.phi) s += v
    eff = Math.max(eff, Math.abs(s - (r.prediction - r.baseValue)))
  })
  return { shap, base, eff }
}

describe('shapExplain on the golden adult model', () => {
  it('matches the reference within 1e-4 through the float64 network (exact, 12 players)', async () => {
    const bg = backgroundFirst(g.enc.x, 50)
    const t0 = performance.now()
    const res = await shapExplain(mlpPredictFn(g.mlp), goldenRows(g, rows), bg, { offsets })
    const ms = performance.now() - t0
    console.info(`exact SHAP, float64 mlp: ${(ms / rows.length).toFixed(1)} ms per row`)
    const err = goldenShapError(res)
    expect(err.shap).toBeLessThan(1e-4)
    expect(err.base).toBeLessThan(1e-4)
    expect(err.eff).toBeLessThan(1e-6)
    for (const r of res) {
      expect(r.exact).toBe(true)
      expect(r.stdErr).toBeNull()
      expect(r.evaluations).toBe(4094)
    }
    res.forEach((r, i) =>
      expect(Math.abs(r.prediction - g.ref.prediction[String(rows[i])]!)).toBeLessThan(1e-6),
    )
  })

  it('matches the reference within 1e-4 through tfjs (float32, cpu backend)', async () => {
    await tf.setBackend('cpu')
    const weightSpecs = (
      g.modelJson as { weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] }
    ).weightsManifest.flatMap((m) => m.weights)
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: (g.modelJson as { modelTopology: object }).modelTopology,
        weightSpecs,
        weightData: g.weights,
      }),
    )
    let modelRows = 0
    const predict = async (x: Matrix): Promise<Float32Array> => {
      modelRows += x.rows
      const t = tf.tensor2d(Float32Array.from(x.data), [x.rows, x.cols], 'float32')
      const y = model.predict(t, { batchSize: x.rows }) as tf.Tensor
      const out = (await y.data()) as Float32Array
      t.dispose()
      y.dispose()
      return out
    }
    const bg = backgroundFirst(g.enc.x, 50)
    const t0 = performance.now()
    const res = await shapExplain(predict, goldenRows(g, rows), bg, { offsets })
    const ms = performance.now() - t0
    console.info(
      `exact SHAP, tfjs cpu: ${(ms / rows.length).toFixed(0)} ms per row, ${(modelRows / rows.length).toFixed(0)} model rows per row (of 204,700)`,
    )
    const err = goldenShapError(res)
    expect(err.shap).toBeLessThan(1e-4)
    expect(err.base).toBeLessThan(1e-4)
    expect(err.eff).toBeLessThan(1e-6)
    model.dispose()
  })
})

describe('shapExactFromTable', () => {
  it('solves a two-player game by hand', () => {
    // v(∅)=0, v({0})=1, v({1})=2, v({0,1})=4: φ0 = ½(1 − 0) + ½(4 − 2) = 1.5, φ1 = 2.5
    const phi = shapExactFromTable(Float64Array.of(0, 1, 2, 4), 2)
    expect(phi[0]).toBeCloseTo(1.5, 15)
    expect(phi[1]).toBeCloseTo(2.5, 15)
  })

  it('uses weights that sum to one over coalitions not containing a player', () => {
    for (const M of [1, 2, 5, 12]) {
      const w = shapleyWeights(M)
      let s = 0
      for (let k = 0; k < M; k++) {
        let binom = 1
        for (let i = 1; i <= k; i++) binom = (binom * (M - 1 - k + i)) / i
        s += w[k]! * binom
      }
      expect(s).toBeCloseTo(1, 12)
    }
  })
})

/** A linear model f(x) = w·x + c as a one-layer float64 network. */
function linearModel(weights: number[], c: number): Mlp {
  return mlpCreate([
    { inputs: weights.length, units: 1, kernel: weights, bias: [c], activation: 'linear' },
  ])
}

function randomMatrix(rows: number, cols: number, seed: number, f64 = true): Matrix {
  const rng = rngFromSeed(seed)
  const data = f64 ? new Float64Array(rows * cols) : new Float32Array(rows * cols)
  for (let i = 0; i < data.length; i++) data[i] = rng.normal()
  return matrix(data, rows, cols)
}

describe('shapExplain on a linear model', () => {
  // Players: 3 numeric features and one 3-wide one-hot block → encoded width 6.
  const blocks = Int32Array.of(0, 1, 2, 3, 6)
  const w = [0.7, -1.3, 2.1, 0.4, -0.9, 1.6]
  const model = linearModel(w, 0.25)
  const oneHot = (k: number): number[] => [0, 1, 2].map((j) => (j === k ? 1 : 0))
  const bgRows = [
    [0.1, 2, -1, ...oneHot(0)],
    [1.5, -0.5, 0.3, ...oneHot(1)],
    [-2, 0.25, 0.5, ...oneHot(2)],
    [0.3, 0.3, 0.3, ...oneHot(1)],
  ]
  const bgWeights = [1, 2, 3, 4]
  const bg = backgroundFromRows(matrix(Float64Array.from(bgRows.flat()), 4, 6), bgWeights)
  const xRows = [
    [1, 2, 3, ...oneHot(2)],
    [-0.5, 0.125, 4, ...oneHot(0)],
  ]
  const x = matrix(Float64Array.from(xRows.flat()), 2, 6)
  const mean = backgroundMean(bg)

  const expected = (r: number): number[] => {
    const out: number[] = []
    for (let i = 0; i < 4; i++) {
      let s = 0
      for (let j = blocks[i]!; j < blocks[i + 1]!; j++) s += w[j]! * (xRows[r]![j]! - mean[j]!)
      out.push(s)
    }
    return out
  }

  it('gives φ_i = w_i (x_i − E_b x_i), block sums for one-hot players, within 1e-12 (exact)', async () => {
    const res = await shapExplain(mlpPredictFn64(model), x, bg, { offsets: blocks })
    res.forEach((r, i) => {
      expect(r.exact).toBe(true)
      expected(i).forEach((e, j) => expect(Math.abs(r.phi[j]! - e)).toBeLessThan(1e-12))
      let fb = 0
      bgRows.forEach((b, k) => {
        let s = 0.25
        b.forEach((v, j) => (s += w[j]! * v))
        fb += (bgWeights[k]! / 10) * s
      })
      expect(Math.abs(r.baseValue - fb)).toBeLessThan(1e-12)
    })
  })

  it('is exact for an additive model with Kernel SHAP too (20 numeric players, budget 300)', async () => {
    const M = 20
    const wts = Array.from({ length: M }, (_, i) => Math.sin(i + 1))
    const lin = linearModel(wts, -0.5)
    const xs = randomMatrix(3, M, 11)
    const bg2 = backgroundFromRows(randomMatrix(6, M, 12))
    const res = await shapExplain(mlpPredictFn64(lin), xs, bg2, { budget: 300, seed: 3 })
    const m = backgroundMean(bg2)
    res.forEach((r, i) => {
      expect(r.exact).toBe(false)
      for (let j = 0; j < M; j++)
        expect(Math.abs(r.phi[j]! - wts[j]! * (xs.data[i * M + j]! - m[j]!))).toBeLessThan(1e-10)
    })
  })
})

describe('shapExplain properties', () => {
  it('gives symmetric players equal values and an ignored player exactly 0', async () => {
    // f = sigmoid(tanh-layer(x)) where inputs 0 and 1 enter identically and input 4 has no weight.
    const rng = rngFromSeed(5)
    const hidden = 6
    const kernel = new Float64Array(5 * hidden)
    for (let u = 0; u < hidden; u++) {
      const a = rng.normal()
      kernel[0 * hidden + u] = a
      kernel[1 * hidden + u] = a
      kernel[2 * hidden + u] = rng.normal()
      kernel[3 * hidden + u] = rng.normal()
      kernel[4 * hidden + u] = 0
    }
    const out = Float64Array.from({ length: hidden }, () => rng.normal())
    const model = mlpCreate([
      {
        inputs: 5,
        units: hidden,
        kernel,
        bias: new Float64Array(hidden).fill(0.1),
        activation: 'tanh',
      },
      { inputs: hidden, units: 1, kernel: out, bias: [0], activation: 'sigmoid' },
    ])
    const x = matrix(Float64Array.of(1.5, 1.5, -0.3, 0.8, 7), 1, 5)
    const bgData = Float64Array.of(0.2, 0.2, 1, -1, 3, -0.4, -0.4, 0.5, 0.5, -2, 1.1, 1.1, 0, 0, 0)
    const bg = backgroundFromRows(matrix(bgData, 3, 5))
    const [r] = await shapExplain(mlpPredictFn64(model), x, bg)
    expect(Math.abs(r!.phi[0]! - r!.phi[1]!)).toBeLessThan(1e-14)
    expect(r!.phi[4]).toBe(0)
    expect(Math.abs(r!.phi[0]!)).toBeGreaterThan(1e-3)
  })

  it('gives identical numbers for the same seed and different ones for another seed', async () => {
    const model = mlpRandom([16, 8, 1], ['tanh', 'sigmoid'], rngFromSeed(2).normal)
    const xs = randomMatrix(2, 16, 3)
    const bg = backgroundFromRows(randomMatrix(5, 16, 4))
    const run = (seed: number) => shapExplain(mlpPredictFn64(model), xs, bg, { budget: 1000, seed })
    const a = await run(7)
    const b = await run(7)
    const c = await run(8)
    a.forEach((r, i) => {
      expect(Array.from(r.phi)).toEqual(Array.from(b[i]!.phi))
      expect(Array.from(r.stdErr!)).toEqual(Array.from(b[i]!.stdErr!))
    })
    expect(Array.from(a[0]!.phi)).not.toEqual(Array.from(c[0]!.phi))
  })

  it('does not depend on the chunk size or on which other rows are explained', async () => {
    const model = mlpRandom([10, 6, 1], ['relu', 'sigmoid'], rngFromSeed(9).normal)
    const xs = randomMatrix(3, 10, 10)
    const bg = backgroundFromRows(randomMatrix(7, 10, 11))
    const p = mlpPredictFn64(model)
    for (const budget of [4096, 200]) {
      const all = await shapExplain(p, xs, bg, { budget, seed: 4 })
      const small = await shapExplain(p, xs, bg, { budget, seed: 4, chunkRows: 37 })
      const one = await shapExplain(p, matrix(xs.data.subarray(10, 20), 1, 10), bg, {
        budget,
        seed: 4,
      })
      all.forEach((r, i) => expect(Array.from(small[i]!.phi)).toEqual(Array.from(r.phi)))
      expect(Array.from(one[0]!.phi)).toEqual(Array.from(all[1]!.phi))
    }
  })

  it('gives the same numbers with and without row deduplication', async () => {
    const bg = backgroundFirst(g.enc.x, 20)
    const x = goldenRows(g, [rows[0]!, rows[1]!])
    for (const budget of [4096, 300]) {
      const a = await shapExplain(mlpPredictFn64(g.mlp), x, bg, { offsets, budget })
      const b = await shapExplain(mlpPredictFn64(g.mlp), x, bg, { offsets, budget, dedupe: false })
      a.forEach((r, i) =>
        r.phi.forEach((v, j) => expect(Math.abs(v - b[i]!.phi[j]!)).toBeLessThan(1e-13)),
      )
    }
  })

  it('handles more than 30 players (no bit masks) with Kernel SHAP', async () => {
    const M = 34
    const wts = Array.from({ length: M }, (_, i) => Math.cos(i))
    const lin = linearModel(wts, 0.3)
    const xs = randomMatrix(2, M, 41)
    const bg2 = backgroundFromRows(randomMatrix(4, M, 42))
    const res = await shapExplain(mlpPredictFn64(lin), xs, bg2, { budget: 800 })
    const m = backgroundMean(bg2)
    res.forEach((r, i) => {
      expect(r.exact).toBe(false)
      for (let j = 0; j < M; j++)
        expect(Math.abs(r.phi[j]! - wts[j]! * (xs.data[i * M + j]! - m[j]!))).toBeLessThan(1e-10)
    })
  })

  it('reports progress up to the total and stops when cancelled', async () => {
    const model = mlpRandom([10, 6, 1], ['relu', 'sigmoid'], rngFromSeed(9).normal)
    const xs = randomMatrix(4, 10, 10)
    const bg = backgroundFromRows(randomMatrix(7, 10, 11))
    const seen: [number, number][] = []
    await shapExplain(mlpPredictFn64(model), xs, bg, {
      chunkRows: 500,
      onProgress: (d, t) => seen.push([d, t]),
    })
    expect(seen.length).toBeGreaterThan(2)
    const total = seen[0]![1]
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]![0]).toBeGreaterThanOrEqual(seen[i - 1]![0])
    expect(seen[seen.length - 1]).toEqual([total, total])
    let calls = 0
    const job = shapExplain(mlpPredictFn64(model), xs, bg, {
      chunkRows: 100,
      checkCancel: async () => {
        await Promise.resolve()
        if (++calls === 3) throw new DOMException('cancelled', 'AbortError')
      },
    })
    await expect(job).rejects.toThrow('cancelled')
  })

  it('calls the model with big batches, never row by row', async () => {
    const model = mlpRandom([12, 6, 1], ['relu', 'sigmoid'], rngFromSeed(1).normal)
    const xs = randomMatrix(4, 12, 2)
    const bg = backgroundFromRows(randomMatrix(20, 12, 3))
    const sizes: number[] = []
    const base = mlpPredictFn64(model)
    await shapExplain((m) => (sizes.push(m.rows), base(m)), xs, bg, { chunkRows: 50_000 })
    expect(sizes.length).toBeLessThanOrEqual(8)
    expect(Math.max(...sizes)).toBe(50_000)
  })
})

describe('Kernel SHAP accuracy (20 players, 5 background rows)', () => {
  const M = 20
  const model = mlpRandom([M, 8, 1], ['tanh', 'sigmoid'], rngFromSeed(21).normal, 1.5)
  const xs = randomMatrix(1, M, 22)
  const bgX = randomMatrix(5, M, 23)
  const bg = backgroundFromRows(bgX)

  /** All 2^20 coalition values enumerated directly (independent of the engine's batching). */
  function enumeratedShapley(): Float64Array {
    const n = 2 ** M
    const v = new Float64Array(n)
    const block = 1 << 14
    const buf = new Float64Array(block * 5 * M)
    for (let m0 = 0; m0 < n; m0 += block) {
      for (let q = 0; q < block; q++) {
        const mask = m0 + q
        for (let b = 0; b < 5; b++) {
          const o = (q * 5 + b) * M
          for (let j = 0; j < M; j++)
            buf[o + j] = (mask >>> j) & 1 ? xs.data[j]! : bgX.data[b * M + j]!
        }
      }
      const p = mlpProbability(model, matrix(buf, block * 5, M))
      for (let q = 0; q < block; q++) {
        let s = 0
        for (let b = 0; b < 5; b++) s += p[q * 5 + b]!
        v[m0 + q] = s / 5
      }
    }
    return shapExactFromTable(v, M)
  }

  it('converges with the budget, reaches 1e-2·max|φ| at 2^14, and its standard errors cover', async () => {
    const exact = enumeratedShapley()
    const engineExact = await shapExplain(mlpPredictFn64(model), xs, bg, { budget: 2 ** 20 })
    expect(engineExact[0]!.exact).toBe(true)
    for (let j = 0; j < M; j++)
      expect(Math.abs(engineExact[0]!.phi[j]! - exact[j]!)).toBeLessThan(1e-12)
    const scale = Math.max(...Array.from(exact, Math.abs))
    const meanErr: number[] = []
    let covered = 0
    let cases = 0
    for (const budget of [2 ** 10, 2 ** 12, 2 ** 14]) {
      let sum = 0
      for (let seed = 1; seed <= 5; seed++) {
        const [r] = await shapExplain(mlpPredictFn64(model), xs, bg, { budget, seed })
        expect(r!.exact).toBe(false)
        expect(r!.evaluations).toBeLessThanOrEqual(budget)
        let err = 0
        for (let j = 0; j < M; j++) {
          const e = Math.abs(r!.phi[j]! - exact[j]!)
          err = Math.max(err, e)
          cases++
          if (e <= 2 * r!.stdErr![j]!) covered++
        }
        sum += err / scale
        if (budget === 2 ** 14) expect(err).toBeLessThanOrEqual(1e-2 * scale)
      }
      meanErr.push(sum / 5)
    }
    console.info(
      `Kernel SHAP mean max error / max|φ| at 2^10, 2^12, 2^14: ${meanErr.map((e) => e.toExponential(2)).join(', ')}; 2·se coverage ${covered}/${cases}`,
    )
    expect(meanErr[1]!).toBeLessThan(meanErr[0]!)
    expect(meanErr[2]!).toBeLessThan(meanErr[1]!)
    expect(covered / cases).toBeGreaterThanOrEqual(0.8)
  })
})

describe('shapKernelDesign', () => {
  it('enumerates small sizes completely and samples the rest in complement pairs within budget', () => {
    const d = shapKernelDesign(12, 1000, rngFromSeed(1))
    expect(d.enumeratedSizes).toEqual([1, 2, 10, 11])
    expect(d.nCoal).toBeLessThanOrEqual(1000)
    // Every sampled coalition's complement is in the design.
    const keys = new Set<string>()
    for (let c = 0; c < d.nCoal; c++)
      keys.add(Array.from(d.member.subarray(c * 12, (c + 1) * 12)).join(''))
    for (const k of keys)
      expect(keys.has([...k].map((ch) => (ch === '1' ? '0' : '1')).join(''))).toBe(true)
    // Weights: enumerated + sampled mass = 1 (the Shapley kernel normalised).
    let mass = 0
    for (const w of d.enumWeight) mass += w
    for (const grp of d.groups) for (const w of grp.weight) mass += w
    expect(mass).toBeCloseTo(1, 12)
  })

  it('says exact when 2^M − 2 fits the budget', () => {
    expect(shapIsExact(12, 4096)).toBe(true)
    expect(shapIsExact(13, 4096)).toBe(false)
    expect(shapIsExact(13, 8190)).toBe(true)
  })
})

describe('backgrounds', () => {
  const x = g.enc.x
  it('takes the first K rows with equal weights', () => {
    const bg = backgroundFirst(x, 50)
    expect(bg.x.rows).toBe(50)
    expect(Array.from(bg.rows)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(bg.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
  })

  it('samples K distinct rows reproducibly', () => {
    const a = backgroundSample(x, 30, rngFromSeed(3))
    const b = backgroundSample(x, 30, rngFromSeed(3))
    expect(Array.from(a.rows)).toEqual(Array.from(b.rows))
    expect(new Set(a.rows).size).toBe(30)
  })

  it('clusters with k-means++ into real medoid rows weighted by cluster size', () => {
    const a = backgroundKmeans(x, 20, rngFromSeed(4))
    const b = backgroundKmeans(x, 20, rngFromSeed(4))
    expect(Array.from(a.rows)).toEqual(Array.from(b.rows))
    expect(a.x.rows).toBeLessThanOrEqual(20)
    expect(a.x.rows).toBeGreaterThan(10)
    expect(a.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12)
    for (let i = 0; i < a.x.rows; i++) {
      const r = a.rows[i]!
      for (let j = 0; j < x.cols; j++) expect(a.x.data[i * x.cols + j]).toBe(x.data[r * x.cols + j])
      expect(a.weights[i]! * x.rows).toBeCloseTo(Math.round(a.weights[i]! * x.rows), 9)
    }
  })

  it('uses the background weights for the base value', async () => {
    const bg = backgroundKmeans(x, 10, rngFromSeed(4))
    const fb = mlpProbability(g.mlp, bg.x)
    const [r] = await shapExplain(mlpPredictFn64(g.mlp), goldenRows(g, [rows[0]!]), bg, { offsets })
    let base = 0
    for (let i = 0; i < bg.x.rows; i++) base += bg.weights[i]! * fb[i]!
    expect(Math.abs(r!.baseValue - base)).toBeLessThan(1e-12)
    let s = 0
    for (const v of r!.phi) s += v
    expect(Math.abs(s - (r!.prediction - r!.baseValue))).toBeLessThan(1e-12)
  })
})
