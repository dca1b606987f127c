/**
 * `output.kind: "logit"` through the runtime seam and the session core (docs/contracts.md §1):
 * a network with a linear last layer, linked by Glassbox, predicts, differentiates and runs the
 * Dense fast path exactly as the same network with its sigmoid/softmax layer (references: that
 * network, run by TensorFlow.js, and a float64 brute force written here); the logit copy of the
 * golden model gives every golden number through sessionOpen + auditFull; the output check names
 * the row and the value.
 */
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { sha256Hex } from '../../src/core/hash.ts'
import { outputCheck, sigmoid, softmaxRow } from '../../src/core/output.ts'
import { fastModelPredict } from '../../src/core/shap/fast/model.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { type Matrix, matrix } from '../../src/core/types.ts'
import { outputColumn } from '../../src/model/card.ts'
import { modelWithOutput } from '../../src/model/outputLink.ts'
import { tfjsEntry } from '../../src/model/registry.ts'
import { modelArtifacts } from '../../src/model/tfjs/artifacts.ts'
import { tfModelLoad } from '../../src/model/tfjs/load.ts'
import { tfjsLoadedModel } from '../../src/model/tfjs/runtime.ts'
import { AUDIT_DEFAULTS } from '../../src/report/audit.ts'
import { auditFull } from '../../src/report/auditFull.ts'
import { sessionOpen, sessionPredictAll } from '../../src/session/session.ts'
import { expectGoldenReport } from '../cli/goldenReport.ts'

const url = (p: string) => new URL(`../../${p}`, import.meta.url)
const text = (p: string) => readFileSync(url(p), 'utf8')
const G = 'test/fixtures/golden/adult'
const L = 'test/fixtures/golden/adult-logit'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  return saved!
}

/** The same seeded 5 → 6 relu → k network twice: last activation linear, and `act`. */
async function twins(k: number, act: 'sigmoid' | 'softmax', seed: number) {
  const make = (activation: 'linear' | 'sigmoid' | 'softmax') =>
    tf.sequential({
      layers: [
        tf.layers.dense({
          units: 6,
          inputShape: [5],
          activation: 'relu',
          kernelInitializer: tf.initializers.randomNormal({ seed, stddev: 1.5 }),
          biasInitializer: tf.initializers.randomNormal({ seed: seed + 1 }),
        }),
        tf.layers.dense({
          units: k,
          activation,
          kernelInitializer: tf.initializers.randomNormal({ seed: seed + 2, stddev: 2 }),
          biasInitializer: tf.initializers.randomNormal({ seed: seed + 3 }),
        }),
      ],
    })
  const raw = make('linear')
  const ref = make(act)
  const [a, b] = [await artifactsOf(raw), await artifactsOf(ref)]
  raw.dispose()
  ref.dispose()
  return {
    linked: modelWithOutput(tfjsLoadedModel(await tfModelLoad(a, 'raw.json', 'logit')), 'logit'),
    ref: tfjsLoadedModel(await tfModelLoad(b, 'ref.json')),
  }
}

function rows(n: number, seed: number): Matrix {
  let s = seed
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 6 - 3
  return matrix(Float32Array.from({ length: n * 5 }, next), n, 5)
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe('the link equals the network with its sigmoid/softmax layer', () => {
  for (const [k, act] of [
    [1, 'sigmoid'],
    [2, 'softmax'],
    [3, 'softmax'],
  ] as const) {
    it(`${k} unit${k > 1 ? 's' : ''} + ${act}: predict, gradient and fast path of every column`, async () => {
      const { linked, ref } = await twins(k, act, 11 * k)
      const x = rows(64, k)
      for (let c = 0; c < k; c++) {
        const col = outputColumn(c)
        const p = await linked.predictor(col)(x)
        expect(maxDiff(p, await ref.predictor(col)(x))).toBeLessThan(1e-6)
        if (!linked.gradient.available || !ref.gradient.available) throw new Error('no gradient')
        const g = await linked.gradient.grad(col)(x)
        expect(maxDiff(g.data, (await ref.gradient.grad(col)(x)).data)).toBeLessThan(1e-5)
        const fast = linked.fastPath(col)
        expect(fast.reason).toBeNull()
        expect(fast.model!.description).toMatch(/output\.kind "logit"/)
        expect(maxDiff(await fastModelPredict(fast.model!, x), p)).toBeLessThan(1e-6)
      }
      linked.dispose()
      ref.dispose()
    })
  }

  it('the gradient is the chain rule through σ: a central difference of the linked predict', async () => {
    const { linked, ref } = await twins(1, 'sigmoid', 5)
    ref.dispose()
    const x = rows(4, 9)
    if (!linked.gradient.available) throw new Error('no gradient')
    const g = await linked.gradient.grad(outputColumn(0))(x)
    const f = linked.predictor(outputColumn(0))
    const h = 1e-2
    for (let a = 0; a < 5; a++) {
      const up = Float32Array.from(x.data)
      const down = Float32Array.from(x.data)
      for (let r = 0; r < 4; r++) {
        up[r * 5 + a]! += h
        down[r * 5 + a]! -= h
      }
      const [pu, pd] = [await f(matrix(up, 4, 5)), await f(matrix(down, 4, 5))]
      for (let r = 0; r < 4; r++)
        expect(Math.abs((pu[r]! - pd[r]!) / (2 * h) - g.data[r * 5 + a]!)).toBeLessThan(2e-3)
    }
    linked.dispose()
  })
})

describe('core/output.ts', () => {
  it('sigmoid and softmaxRow equal their float64 definitions and stay finite', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -700, max: 700, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (z) => {
          const p = new Float64Array(z.length)
          softmaxRow(z, p)
          const m = Math.max(...z)
          const e = z.map((v) => Math.exp(v - m))
          const sum = e.reduce((a, b) => a + b, 0)
          e.forEach((v, j) => expect(Math.abs(p[j]! - v / sum)).toBeLessThan(1e-12))
          for (const v of z)
            expect(Math.abs(sigmoid(v) - 1 / (1 + Math.exp(-v)))).toBeLessThan(1e-15)
        },
      ),
    )
    expect(sigmoid(-1000)).toBe(0)
    expect(sigmoid(1000)).toBe(1)
    const p = new Float64Array(2)
    softmaxRow([Infinity, 3], p)
    expect(Array.from(p)).toEqual([1, 0])
    softmaxRow([NaN, 3], p)
    expect(p.every(Number.isNaN)).toBe(true)
  })

  it('outputCheck names the model, the first bad row (global), its value and the count', () => {
    const naming = { model: 'm.json', data: 'd.csv', firstRow: 100 }
    expect(outputCheck(Float32Array.of(0, 0.5, 1), 'probability', naming)).toBeNull()
    expect(outputCheck(Float32Array.of(0.2, 3.5, -1, 0.1), 'probability', naming)).toBe(
      'm.json outputs 3.5 for row 101 of d.csv and 1 more row: the schema\'s output.kind is "probability", which needs a value in [0, 1] on every row. If the model outputs raw scores (logits), set "output": {"kind": "logit"} in the schema (CLI: --output logit) and Glassbox applies the sigmoid or softmax itself.',
    )
    expect(outputCheck([0.1, Infinity], 'probability', naming)).toMatch(
      /^m\.json outputs Infinity for row 101 of d\.csv: /,
    )
    expect(outputCheck([3.5, 7], 'logit', naming)).toBeNull()
    expect(outputCheck([0.5, NaN, NaN, NaN], 'logit', naming)).toBe(
      "m.json outputs NaN for row 101 of d.csv and 2 more rows: the model's output is not a number; check its weights and the scale of its inputs.",
    )
  })
})

describe('the logit copy of the golden model through the session core', () => {
  it('opens through the registered runtime and gives every golden number (§5)', async () => {
    const schema = schemaParse(text(`${L}/schema.json`), 'schema.json')
    expect(schema.output.kind).toBe('logit')
    const b = readFileSync(url(`${L}/group1-shard1of1.bin`))
    const shard = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
    const artifacts = modelArtifacts(
      { name: 'model.json', json: text(`${L}/model.json`) },
      new Map([['group1-shard1of1.bin', shard]]),
    )
    const runtime = await tfjsEntry.load()
    await runtime.backendActivate('wasm')
    const model = await runtime.open({ runtime: 'tfjs', name: 'model.json', artifacts }, schema)
    expect(model.card.activation).toBe('linear')
    const table = parseCsvText(text(`${G}/data.csv`), 'data.csv')
    const s = await sessionOpen(
      model,
      schema,
      { table, name: 'data.csv', sha256: await sha256Hex(readFileSync(url(`${G}/data.csv`))) },
      { kind: 'auto' },
      { schemaName: 'schema.json' },
    )
    expect(s.fast).not.toBeNull()
    expect(s.fastReason).toBeNull()
    const ref = JSON.parse(text(`${G}/reference.json`)) as {
      predictions: number[]
      explainedRows: number[]
    }
    const p = await sessionPredictAll(s)
    expect(maxDiff(p, ref.predictions)).toBeLessThan(1e-6)
    const report = await auditFull(
      s,
      {
        ...AUDIT_DEFAULTS,
        background: { ...AUDIT_DEFAULTS.background },
        rows: ref.explainedRows,
        igSteps: 2048,
        backend: 'wasm',
      },
      {},
      p,
    )
    expectGoldenReport(report)
    // Under "probability" the same model is refused before anything is predicted.
    const prob = { ...schema, output: { kind: 'probability' as const } }
    await expect(
      runtime.open({ runtime: 'tfjs', name: 'model.json', artifacts }, prob),
    ).rejects.toThrow(/activation is "linear".*--output logit/)
    model.dispose()
    await tf.setBackend('cpu')
  })
})
