import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { goldenAdult, goldenRows } from './explainFixture.ts'
import {
  type Activation,
  type Mlp,
  mlpGradFn,
  mlpPredictFn,
  mlpPredictFn64,
  mlpProbability,
  mlpRandom,
} from '../../src/core/mlp.ts'
import { type Rng, rngFromSeed } from '../../src/core/random.ts'
import { schemaOffsets } from '../../src/core/schema.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { parseCsvText } from '../../src/core/csv.ts'
import { encodeTable } from '../../src/core/encode.ts'
import { type Matrix, matrix } from '../../src/core/types.ts'
import {
  type Background,
  backgroundFirst,
  backgroundFromRows,
} from '../../src/core/shap/background.ts'
import { type ShapResult, shapExplain } from '../../src/core/shap/shap.ts'
import { EXPLAIN_DEFAULTS, explainRows } from '../../src/core/explain.ts'
import {
  type FastModel,
  fastModelFromMlp,
  fastModelPredict,
} from '../../src/core/shap/fast/model.ts'
import {
  type ModelArtifactsLike,
  fastModelFromArtifacts,
  fastModelVerify,
} from '../../src/core/shap/fast/detect.ts'
import { modelArtifacts, modelJsonParse, modelShardPaths } from '../../src/model/artifacts.ts'

/** A model the fast path must never call. */
const noCalls = (): Promise<Float32Array> => Promise.reject(new Error('model called'))

/** Players: width 1 = a numeric column, ≥ 2 = a one-hot block (0 = a player without columns). */
function offsetsOf(widths: readonly number[]): Int32Array {
  const o = new Int32Array(widths.length + 1)
  widths.forEach((wd, i) => (o[i + 1] = o[i]! + wd))
  return o
}

/** Encoded rows: normal numbers for numeric players, a random category for one-hot blocks. */
function randomRows(rng: Rng, widths: readonly number[], n: number): number[][] {
  return Array.from({ length: n }, () =>
    widths.flatMap((wd) => {
      if (wd === 1) return [rng.normal()]
      const k = rng.int(Math.max(wd, 1))
      return Array.from({ length: wd }, (_, j) => (j === k ? 1 : 0))
    }),
  )
}

type Case = { model: Mlp; offsets: Int32Array; x: Matrix; bg: Background }

/**
 * A random network over random players, R explained rows and K weighted background rows; half
 * the background blocks are copied from x's first row so that many blocks agree.
 */
function randomCase(
  seed: number,
  widths: readonly number[],
  hidden: readonly number[],
  acts: readonly Activation[],
  R = 2,
  K = 6,
): Case {
  const rng = rngFromSeed(seed)
  const offsets = offsetsOf(widths)
  const w = offsets[widths.length]!
  const outputs = acts[acts.length - 1] === 'softmax' ? 2 : 1
  const model = mlpRandom([w, ...hidden, outputs], acts, rng.normal, 1.5)
  const xRows = randomRows(rng, widths, R)
  const bRows = randomRows(rng, widths, K).map((row) => {
    for (let j = 0; j < widths.length; j++)
      if (rng.uniform() < 0.5)
        for (let i = offsets[j]!; i < offsets[j + 1]!; i++) row[i] = xRows[0]![i]!
    return row
  })
  bRows[K - 1] = [...xRows[0]!] // a background row equal to an explained row (no free player)
  const weights = Array.from({ length: K }, () => 0.5 + rng.uniform())
  return {
    model,
    offsets,
    x: matrix(Float64Array.from(xRows.flat()), R, w),
    bg: backgroundFromRows(matrix(Float64Array.from(bRows.flat()), K, w), weights),
  }
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!))
  return d
}

function efficiencyGap(r: ShapResult): number {
  return Math.abs(r.phi.reduce((s, v) => s + v, 0) - (r.prediction - r.baseValue))
}

/** Fast and black-box (float64 network) SHAP of a case; checks they agree within 1e-9. */
async function compare(c: Case, budget: number, seed = 3): Promise<ShapResult[]> {
  const opts = { offsets: c.offsets, budget, seed }
  const black = await shapExplain(mlpPredictFn64(c.model), c.x, c.bg, opts)
  const fast = await shapExplain(noCalls, c.x, c.bg, { ...opts, fast: fastModelFromMlp(c.model) })
  fast.forEach((r, i) => {
    const b = black[i]!
    expect(r.exact).toBe(b.exact)
    expect(r.evaluations).toBe(b.evaluations)
    expect(r.baseValue).toBe(b.baseValue)
    expect(r.prediction).toBe(b.prediction)
    expect(maxDiff(r.phi, b.phi)).toBeLessThan(1e-9)
    if (b.stdErr) expect(maxDiff(r.stdErr!, b.stdErr)).toBeLessThan(1e-9)
    else expect(r.stdErr).toBeNull()
    expect(efficiencyGap(r)).toBeLessThan(1e-12)
  })
  return fast
}

const NETS: { hidden: number[]; acts: Activation[] }[] = [
  { hidden: [5], acts: ['relu', 'sigmoid'] },
  { hidden: [7, 4], acts: ['tanh', 'relu', 'sigmoid'] },
  { hidden: [6], acts: ['sigmoid', 'softmax'] },
  { hidden: [16, 8], acts: ['relu', 'relu', 'softmax'] },
  { hidden: [], acts: ['sigmoid'] },
]

describe('shapExplain with a fast model (random dense networks)', () => {
  it('equals the black-box exact path through the float64 network within 1e-9', async () => {
    const widths = [1, 3, 1, 2, 4, 1, 0, 2]
    for (let n = 0; n < NETS.length; n++) {
      for (const seed of [1, 2]) {
        const { hidden, acts } = NETS[n]!
        const res = await compare(randomCase(100 * n + seed, widths, hidden, acts), 4096)
        expect(res[0]!.exact).toBe(true)
      }
    }
  })

  it('equals the black-box Kernel SHAP path (same design) for tabulated and direct coalitions', async () => {
    // 9 players with budget 120: Kernel; pairs with few free players use the Gray-code table,
    // the others sum each sampled coalition directly.
    const widths = [1, 3, 1, 2, 1, 2, 1, 3, 1]
    for (let n = 0; n < NETS.length; n++) {
      const { hidden, acts } = NETS[n]!
      const res = await compare(randomCase(200 + n, widths, hidden, acts, 2, 5), 120)
      expect(res[0]!.exact).toBe(false)
    }
    // 22 (no table) and 34 players (no bit masks at all).
    for (const M of [22, 34]) {
      const c = randomCase(300 + M, Array(M).fill(1) as number[], [6], ['tanh', 'sigmoid'], 2, 4)
      expect((await compare(c, 300))[0]!.exact).toBe(false)
    }
  })

  it('gives the black box’s values where an input is NaN or infinite (no drift through the walk)', async () => {
    const widths = [1, 2, 1, 3, 1, 1]
    for (const acts of [
      ['relu', 'sigmoid'],
      ['tanh', 'sigmoid'],
    ] as Activation[][]) {
      const c = randomCase(17, widths, [5], acts, 2, 5)
      const X = c.x.data as Float64Array
      X[0] = NaN // row 0, player 0
      X[c.x.cols + 3] = Infinity // row 1, player 2
      const B = c.bg.x.data as Float64Array
      B[2 * c.bg.x.cols + 6] = -Infinity // background row 2, player 4
      for (const budget of [4096, 40]) {
        const opts = { offsets: c.offsets, budget, seed: 2 }
        const black = await shapExplain(mlpPredictFn64(c.model), c.x, c.bg, opts)
        const fast = await shapExplain(noCalls, c.x, c.bg, {
          ...opts,
          fast: fastModelFromMlp(c.model),
        })
        fast.forEach((r, i) =>
          r.phi.forEach((v, j) => {
            const e = black[i]!.phi[j]!
            if (Number.isNaN(e)) expect(v).toBeNaN()
            else expect(Math.abs(v - e)).toBeLessThan(1e-9)
          }),
        )
      }
    }
  })

  it('gives symmetric players equal values and an ignored player exactly 0', async () => {
    const c = randomCase(7, [1, 1, 1, 1, 1], [6], ['tanh', 'sigmoid'], 1, 3)
    const first = c.model.layers[0]!
    const h = first.units
    for (let u = 0; u < h; u++) {
      first.kernel[1 * h + u] = first.kernel[0 * h + u]!
      first.kernel[4 * h + u] = 0
    }
    const X = c.x.data as Float64Array
    X[1] = X[0]!
    const B = c.bg.x.data as Float64Array
    for (let b = 0; b < c.bg.x.rows; b++) B[b * 5 + 1] = B[b * 5]!
    const [r] = await shapExplain(noCalls, c.x, c.bg, { fast: fastModelFromMlp(c.model) })
    expect(Math.abs(r!.phi[0]! - r!.phi[1]!)).toBeLessThan(1e-14)
    expect(r!.phi[4]).toBe(0)
  })

  it('reports progress up to the same total and stops when cancelled', async () => {
    const c = randomCase(11, [1, 2, 1, 3, 1, 1, 2, 1, 1, 1], [6], ['relu', 'sigmoid'], 4, 7)
    const fast = fastModelFromMlp(c.model)
    const totals: number[] = []
    const seen: [number, number][] = []
    await shapExplain(mlpPredictFn64(c.model), c.x, c.bg, {
      offsets: c.offsets,
      onProgress: (_, t) => totals.push(t),
    })
    await shapExplain(noCalls, c.x, c.bg, {
      offsets: c.offsets,
      fast,
      chunkRows: 5000,
      onProgress: (d, t) => seen.push([d, t]),
    })
    expect(seen.length).toBeGreaterThan(2)
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]![0]).toBeGreaterThanOrEqual(seen[i - 1]![0])
    expect(seen[seen.length - 1]).toEqual([totals[0]!, totals[0]!])
    let calls = 0
    const job = shapExplain(noCalls, c.x, c.bg, {
      offsets: c.offsets,
      fast,
      chunkRows: 5000,
      checkCancel: () => {
        if (++calls === 4) throw new DOMException('cancelled', 'AbortError')
      },
    })
    await expect(job).rejects.toThrow('cancelled')
  })

  it('does not depend on the batch size or on which other rows are explained', async () => {
    const c = randomCase(23, [1, 2, 1, 3, 1, 1, 2, 1], [6, 3], ['relu', 'tanh', 'sigmoid'], 3, 6)
    const fast = fastModelFromMlp(c.model)
    for (const budget of [4096, 60]) {
      const opts = { offsets: c.offsets, budget, seed: 5, fast }
      const all = await shapExplain(noCalls, c.x, c.bg, opts)
      const small = await shapExplain(noCalls, c.x, c.bg, { ...opts, chunkRows: 37 })
      const w = c.x.cols
      const one = await shapExplain(noCalls, matrix(c.x.data.slice(w, 2 * w), 1, w), c.bg, opts)
      all.forEach((r, i) => expect(Array.from(small[i]!.phi)).toEqual(Array.from(r.phi)))
      expect(Array.from(one[0]!.phi)).toEqual(Array.from(all[1]!.phi))
    }
  })

  it('accepts an asynchronous tail (a batched callback such as a tfjs model)', async () => {
    const c = randomCase(29, [1, 3, 1, 2, 1], [5, 4], ['relu', 'relu', 'sigmoid'], 2, 5)
    const fast = fastModelFromMlp(c.model)
    const calls: number[] = []
    const later: FastModel = {
      ...fast,
      tail: async (z, n, out) => {
        calls.push(n)
        await new Promise((r) => setTimeout(r, 0))
        await fast.tail(z, n, out)
      },
    }
    const opts = { offsets: c.offsets, chunkRows: 100 }
    const a = await shapExplain(noCalls, c.x, c.bg, { ...opts, fast })
    const b = await shapExplain(noCalls, c.x, c.bg, { ...opts, fast: later })
    a.forEach((r, i) => expect(Array.from(b[i]!.phi)).toEqual(Array.from(r.phi)))
    expect(Math.max(...calls)).toBeLessThanOrEqual(100)
    expect(calls.length).toBeGreaterThan(2)
  })

  it('rejects a fast model of another width', async () => {
    const c = randomCase(5, [1, 1, 1], [3], ['relu', 'sigmoid'])
    const other = fastModelFromMlp(mlpRandom([4, 3, 1], ['relu', 'sigmoid'], rngFromSeed(1).normal))
    await expect(shapExplain(noCalls, c.x, c.bg, { fast: other })).rejects.toThrow(/expects 4/)
  })
})

// ---------------------------------------------------------------------------------------------
// Golden adult fixture: detection from the artifacts, tfjs black box, reference numbers.

const g = goldenAdult()
const offsets = schemaOffsets(g.schema)
const rows = g.ref.explainedRows
const weightSpecs = (
  g.modelJson as { weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] }
).weightsManifest.flatMap((m) => m.weights)
const topology = (g.modelJson as { modelTopology: Record<string, unknown> }).modelTopology
const goldenArtifacts = (modelTopology: unknown): ModelArtifactsLike => ({
  modelTopology,
  weightSpecs,
  weightData: g.weights,
})
type LayerJson = { class_name: string; config: Record<string, unknown> }
const goldenLayers = (): LayerJson[] =>
  structuredClone((topology.config as { layers: LayerJson[] }).layers)

/** The golden Sequential rewritten as a Functional model; `from(i)` = layer i's input layer. */
function functional(from: (i: number) => string): Record<string, unknown> {
  const dense = goldenLayers()
  const layers = [
    {
      class_name: 'InputLayer',
      name: 'input_1',
      config: { name: 'input_1', batch_input_shape: [null, 88], dtype: 'float32' },
      inbound_nodes: [],
    },
    ...dense.map((l, i) => ({
      class_name: l.class_name,
      name: String(l.config.name),
      config: l.config,
      inbound_nodes: [[[from(i), 0, 0, {}]]],
    })),
  ]
  return {
    class_name: 'Functional',
    config: {
      name: 'f',
      layers,
      input_layers: [['input_1', 0, 0]],
      output_layers: [['dense_3', 0, 0]],
    },
  }
}

function expectNone(art: ModelArtifactsLike, pattern: RegExp, classIndex = 1): void {
  const d = fastModelFromArtifacts(art, classIndex)
  expect(d.model).toBeNull()
  expect(d.reason).toMatch(pattern)
}

describe('fastModelFromArtifacts', () => {
  it('builds the fast model of the golden Sequential network (f equal to the float64 network)', async () => {
    const d = fastModelFromArtifacts(goldenArtifacts(topology), 1)
    expect(d.reason).toBeNull()
    const fast = d.model!
    expect([fast.inputs, fast.hidden]).toEqual([88, 16])
    expect(fast.description).toBe('88→16 relu→8 relu→1 sigmoid, output 0')
    expect(Array.from(await fastModelPredict(fast, g.enc.x))).toEqual(
      Array.from(mlpProbability(g.mlp, g.enc.x)),
    )
  })

  it('verifies the fast model against the black box and names a mismatch', async () => {
    const fast = fastModelFromArtifacts(goldenArtifacts(topology), 1).model!
    expect(await fastModelVerify(fast, mlpPredictFn(g.mlp), g.enc.x)).toBeNull()
    const other = mlpRandom([88, 4, 1], ['relu', 'sigmoid'], rngFromSeed(3).normal)
    expect(await fastModelVerify(fast, mlpPredictFn(other), g.enc.x)).toMatch(/differs/)
    const narrow = matrix(new Float32Array(3), 1, 3)
    expect(await fastModelVerify(fast, mlpPredictFn(other), narrow)).toMatch(/expects 88/)
  })

  it('accepts a Functional chain and the weights split into shards', async () => {
    const prev = ['input_1', 'dense_1', 'dense_2']
    const half = g.weights.byteLength / 2
    const d = fastModelFromArtifacts(
      {
        ...goldenArtifacts(functional((i) => prev[i]!)),
        weightData: [g.weights.slice(0, half), g.weights.slice(half)],
      },
      0,
    )
    expect(d.reason).toBeNull()
    const x = matrix(g.enc.x.data.subarray(0, 20 * 88), 20, 88)
    expect(Array.from(await fastModelPredict(d.model!, x))).toEqual(
      Array.from(mlpProbability(g.mlp, x)),
    )
  })

  it('returns null with the reason for a GraphModel', () => {
    const dir = new URL('../fixtures/graph-softmax/', import.meta.url)
    const json = readFileSync(new URL('model.json', dir), 'utf8')
    const shards = new Map<string, ArrayBuffer>()
    for (const p of modelShardPaths(modelJsonParse({ name: 'model.json', json }))) {
      const b = readFileSync(new URL(p, dir))
      shards.set(p, b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer)
    }
    expectNone(modelArtifacts({ name: 'model.json', json }, shards), /GraphModel/)
    const { format: _format, ...noFormat } = modelArtifacts({ name: 'model.json', json }, shards)
    expectNone(noFormat, /GraphModel/)
  })

  it('returns null with the reason for non-Dense layers, branches and unsupported activations', () => {
    const withLayer = (i: number, layer: LayerJson): unknown => {
      const layers = goldenLayers()
      layers.splice(i, 0, layer)
      return { ...topology, config: { ...(topology.config as object), layers } }
    }
    const bn = {
      class_name: 'BatchNormalization',
      config: { name: 'batch_normalization_1', axis: -1 },
    }
    expectNone(goldenArtifacts(withLayer(1, bn)), /BatchNormalization/)
    const conv = {
      class_name: 'Conv1D',
      config: { name: 'conv1d_1', filters: 4, kernel_size: [3] },
    }
    expectNone(goldenArtifacts(withLayer(0, conv)), /Conv1D/)
    const elu = goldenLayers()
    elu[0]!.config.activation = 'elu'
    expectNone(
      goldenArtifacts({ ...topology, config: { ...(topology.config as object), layers: elu } }),
      /elu/,
    )
    const skip = ['input_1', 'dense_1', 'dense_1']
    expectNone(goldenArtifacts(functional((i) => skip[i]!)), /not a chain.*dense_3 reads dense_1/)
    expectNone({ modelTopology: topology }, /no weights/)
    expectNone({ modelTopology: 'x', weightSpecs, weightData: g.weights }, /no LayersModel/)
  })

  it('keeps the class of a 2-class softmax and rejects a class that does not exist', () => {
    const layers = goldenLayers()
    layers[2]!.config.units = 2
    layers[2]!.config.activation = 'softmax'
    const specs = weightSpecs.map((s) =>
      s.name === 'dense_3/kernel'
        ? { ...s, shape: [8, 2] }
        : s.name === 'dense_3/bias'
          ? { ...s, shape: [2] }
          : s,
    )
    const data = new Float32Array(g.weights.byteLength / 4 + 9)
    data.set(new Float32Array(g.weights))
    const art = {
      modelTopology: { ...topology, config: { ...(topology.config as object), layers } },
      weightSpecs: specs,
      weightData: data.buffer,
    }
    for (const k of [0, 1]) {
      const d = fastModelFromArtifacts(art, k)
      expect(d.model!.description).toBe(`88→16 relu→8 relu→2 softmax, output ${k}`)
    }
    expectNone(art, /class 2 does not exist/, 2)
  })
})

describe('fast SHAP on the golden adult model', () => {
  const fast = fastModelFromArtifacts(goldenArtifacts(topology), 1).model!
  const bg = backgroundFirst(g.enc.x, 50)
  const x = goldenRows(g, rows)

  it('is within 1e-6 of the tfjs black-box path (cpu) and 1e-4 of the reference', async () => {
    await tf.setBackend('cpu')
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: topology, weightSpecs, weightData: g.weights }),
    )
    const predict = async (m: Matrix): Promise<Float32Array> => {
      const t = tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols], 'float32')
      const y = model.predict(t, { batchSize: m.rows }) as tf.Tensor
      const out = (await y.data()) as Float32Array
      t.dispose()
      y.dispose()
      return out
    }
    const black = await shapExplain(predict, x, bg, { offsets })
    model.dispose()
    const res = await shapExplain(noCalls, x, bg, { offsets, fast })
    res.forEach((r, i) => {
      const key = String(rows[i])
      expect(r.exact).toBe(true)
      expect(maxDiff(r.phi, black[i]!.phi)).toBeLessThan(1e-6)
      expect(Math.abs(r.baseValue - black[i]!.baseValue)).toBeLessThan(1e-6)
      expect(Math.abs(r.prediction - g.ref.prediction[key]!)).toBeLessThan(1e-6)
      expect(Math.abs(r.baseValue - g.ref.baseValue[key]!)).toBeLessThan(1e-4)
      g.ref.features.forEach((f, j) =>
        expect(Math.abs(r.phi[j]! - g.ref.shap[key]![f]!)).toBeLessThan(1e-4),
      )
      expect(efficiencyGap(r)).toBeLessThan(1e-12)
    })
  })

  it('is used by explainRows when the input carries it (and the path says so), and switched off by fastPath: false', async () => {
    const input = {
      schema: g.schema,
      x: g.enc.x,
      values: g.enc.values,
      predict: mlpPredictFn(g.mlp),
      grad: mlpGradFn(g.mlp),
    }
    const settings = { ...EXPLAIN_DEFAULTS, igSteps: 0, counterfactuals: 0 }
    const two = rows.slice(0, 2)
    const on = await explainRows({ ...input, fast }, two, { ...settings, shapPath: 'fast' })
    const off = await explainRows({ ...input, fast }, two, { ...settings, fastPath: false })
    const plain = await explainRows(input, two, settings)
    const black64 = await explainRows({ ...input, predict: mlpPredictFn64(g.mlp) }, two, settings)
    const pathless = (ex: typeof off) =>
      Object.fromEntries(Object.entries(ex).map(([k, { shapPath: _, ...e }]) => [k, e]))
    expect(pathless(off)).toEqual(pathless(plain))
    for (const r of two.map(String)) {
      expect(on[r]!.shapPath!.path).toBe('fast')
      expect(off[r]!.shapPath).toEqual({
        path: 'blackBox',
        reason: 'the black box was asked for',
        msPerRow: { fast: null, blackBox: null },
      })
      expect(plain[r]!.shapPath!.reason).toMatch(/^no Dense fast path: /)
      expect(on[r]!.prediction).toBe(plain[r]!.prediction)
      for (const f of g.ref.features) {
        expect(Math.abs(on[r]!.shap![f]! - black64[r]!.shap![f]!)).toBeLessThan(1e-9)
        expect(Math.abs(on[r]!.shap![f]! - plain[r]!.shap![f]!)).toBeLessThan(1e-6)
      }
    }
  })
})

describe('fast SHAP on the demo model (timing, not asserted)', () => {
  it('prints the exact SHAP time per row', async () => {
    const dir = new URL('../../public/demo/', import.meta.url)
    const read = (f: string): string => readFileSync(new URL(f, dir), 'utf8')
    const json = read('model.json')
    const shards = new Map<string, ArrayBuffer>()
    for (const p of modelShardPaths(modelJsonParse({ name: 'model.json', json }))) {
      const b = readFileSync(new URL(p, dir))
      shards.set(p, b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer)
    }
    const d = fastModelFromArtifacts(modelArtifacts({ name: 'model.json', json }, shards), 0)
    const schema = schemaParse(read('schema.json'), 'schema.json')
    const enc = encodeTable(schema, parseCsvText(read('data.csv'), 'data.csv'), 'data.csv')
    expect(d.reason).toBeNull()
    const fast: FastModel = d.model!
    const off = schemaOffsets(schema)
    const bg = backgroundFirst(enc.x, 50)
    const pick = (n: number, from: number): Matrix =>
      matrix(enc.x.data.slice(from * enc.x.cols, (from + n) * enc.x.cols), n, enc.x.cols)
    await shapExplain(noCalls, pick(1, 0), bg, { offsets: off, fast })
    const times: number[] = []
    for (let i = 1; i <= 8; i++) {
      const t = performance.now()
      const [r] = await shapExplain(noCalls, pick(1, 97 * i), bg, { offsets: off, fast })
      times.push(performance.now() - t)
      expect(r!.exact).toBe(true)
    }
    times.sort((a, b) => a - b)
    console.info(
      `demo exact SHAP, fast path: median ${((times[3]! + times[4]!) / 2).toFixed(2)} ms per row (8 rows, one call each)`,
    )
  })
})
