/**
 * Property tests of the robustness issue (fast-check). Properties an existing test already checks
 * in the same form are not repeated here; docs/robustness.md points to them (quantize → dequantize
 * for int8/int4/uint8 in test/core/quantize/schemes.test.ts, encodeTable on valid random schemas
 * in test/core/encode.test.ts, Papa.unparse round trips in test/core/csv.test.ts).
 * Run counts are small: the whole file stays well under 20 s on a shared 2-core machine.
 */
import * as tf from '@tensorflow/tfjs'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { igExplain } from '../../src/core/attribution/ig.ts'
import type { IgRule } from '../../src/core/attribution/quadrature.ts'
import { parseCsvText } from '../../src/core/csv.ts'
import { DataError, encodeTable } from '../../src/core/encode.ts'
import { fairnessByGroup } from '../../src/core/fairness.ts'
import {
  type Activation,
  mlpCreate,
  mlpGradFn,
  mlpPredictFn64,
  mlpRandom,
} from '../../src/core/mlp.ts'
import { activationFakeQuant, activationGrid } from '../../src/core/quantize/activations.ts'
import { float16Round } from '../../src/core/quantize/float16.ts'
import { quantizeFloat16 } from '../../src/core/quantize/schemes.ts'
import { rngFromSeed } from '../../src/core/random.ts'
import {
  schemaDefaultChoices,
  schemaInfer,
  schemaParse,
  schemaValidate,
} from '../../src/core/schemaIo.ts'
import { backgroundFromRows } from '../../src/core/shap/background.ts'
import { shapExplain } from '../../src/core/shap/shap.ts'
import { type Table, columnCell } from '../../src/core/table.ts'
import { matrix } from '../../src/core/types.ts'
import { ModelError, modelArtifacts } from '../../src/model/artifacts.ts'
import { tfModelLoad } from '../../src/model/tfModel.ts'
import { dataHandle } from '../../src/workers/dataHost.ts'
import { Cmd, type ParsedData, type Res } from '../../src/workers/protocol.ts'
import { GOLDEN, GOLDEN_SCHEMA, fileText } from '../fixtures/inputs/corpus.ts'

/** The table as header + rows of cell texts. */
function tableRows(t: Table): string[][] {
  const out = [t.columns.map((c) => c.name)]
  for (let i = 0; i < t.nRows; i++) out.push(t.columns.map((c) => columnCell(c, i)))
  return out
}

/** Runs `fn`; returns its value, or the DataError it threw; anything else thrown fails the property. */
function valueOrDataError<T>(fn: () => T): T | DataError {
  try {
    return fn()
  } catch (e) {
    if (e instanceof DataError && e.message.length > 0) return e
    throw new Error(`threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e })
  }
}

let nextId = 1
async function workerParse(bytes: Uint8Array, name: string): Promise<Res> {
  const posts: Res[] = []
  await dataHandle(
    {
      id: nextId++,
      cmd: Cmd.Parse,
      input: { kind: 'file', file: new File([bytes.slice()], name) },
    },
    (r) => void posts.push(r),
  )
  const finals = posts.filter((p) => p.kind === 'result' || p.kind === 'error')
  expect(finals).toHaveLength(1)
  return finals[0]!
}

// ---- CSV text ----------------------------------------------------------------------------------
const csvPiece = fc.constantFrom(
  'a',
  'B',
  '0',
  '1',
  '7.5',
  '-3',
  '1e3',
  'NaN',
  '?',
  ' ',
  ',',
  ';',
  '\t',
  '|',
  '"',
  '""',
  '\n',
  '\r',
  '\r\n',
  '\uFEFF',
  'é',
  '=1+2',
  '<b>',
  '\u0000',
  '__proto__',
  'constructor',
)
const csvText = fc.array(csvPiece, { maxLength: 60 }).map((p) => p.join(''))

describe('CSV fuzz: parser and validator', () => {
  it('parseCsvText returns a table or throws DataError, and the inferred schema encodes or throws DataError', () => {
    fc.assert(
      fc.property(csvText, (text) => {
        const t = valueOrDataError(() => parseCsvText(text, 'fuzz.csv'))
        if (t instanceof DataError) {
          expect(t.message.startsWith('fuzz.csv: ')).toBe(true)
          return
        }
        expect(t.nRows).toBeGreaterThan(0)
        for (const c of t.columns) expect(c.codes).toHaveLength(t.nRows)
        // The validator side: default choices → inferred schema → schema rules → encoding.
        const schema = valueOrDataError(() => schemaInfer(t, schemaDefaultChoices(t)))
        if (schema instanceof DataError) return
        const valid = valueOrDataError(() =>
          schemaValidate(JSON.parse(JSON.stringify(schema)), 'inferred'),
        )
        if (valid instanceof DataError) return
        const enc = valueOrDataError(() => encodeTable(valid, t, 'fuzz.csv'))
        if (enc instanceof DataError) return
        expect(enc.x.rows).toBe(t.nRows)
      }),
      { numRuns: 400 },
    )
  })

  it('the data worker gives the same table or the same message as parseCsvText (binary bytes aside)', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const bytes = new TextEncoder().encode(text)
        const res = await workerParse(bytes, 'fuzz.csv')
        if (bytes.subarray(0, 4096).includes(0)) {
          expect(res).toMatchObject({
            kind: 'error',
            errorKind: 'DataError',
            message: 'fuzz.csv: this is a binary file, not a CSV text file',
          })
          return
        }
        const t = valueOrDataError(() => parseCsvText(text, 'fuzz.csv'))
        if (t instanceof DataError)
          expect(res).toMatchObject({ kind: 'error', errorKind: 'DataError', message: t.message })
        else {
          expect(res.kind).toBe('result')
          expect(
            tableRows(((res as Extract<Res, { kind: 'result' }>).result as ParsedData).table),
          ).toEqual(tableRows(t))
        }
      }),
      { numRuns: 150 },
    )
  })
})

// ---- schemas -----------------------------------------------------------------------------------
const goldenSchemaJson = JSON.parse(fileText(GOLDEN_SCHEMA)) as Record<string, unknown>
/** Paths into the schema a mutation may replace (N = a feature index, K = a category index). */
const schemaPaths = [
  'schemaVersion',
  'name',
  'target',
  'target.column',
  'target.positive',
  'features',
  'features.N',
  'features.N.name',
  'features.N.type',
  'features.N.mean',
  'features.N.std',
  'features.N.categories',
  'features.N.categories.K',
  'sensitive',
  'sensitive.0',
  'output',
  'output.kind',
]
const mutation = fc.record({
  path: fc.constantFrom(...schemaPaths),
  n: fc.nat({ max: 11 }),
  k: fc.nat({ max: 3 }),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(
      0,
      -1,
      1e-300,
      1e308,
      '',
      'age',
      'numeric',
      'categorical',
      [],
      {},
      null,
      ['a', 'a'],
      [1],
    ),
  ),
  remove: fc.boolean(),
})

function mutate(
  base: Record<string, unknown>,
  m: { path: string; n: number; k: number; value: unknown; remove: boolean },
): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>
  const keys = m.path.replace('N', String(m.n)).replace('K', String(m.k)).split('.')
  let node: unknown = copy
  for (const key of keys.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return copy
    node = (node as Record<string, unknown>)[key]
  }
  if (typeof node !== 'object' || node === null) return copy
  const last = keys[keys.length - 1]!
  if (m.remove) delete (node as Record<string, unknown>)[last]
  else (node as Record<string, unknown>)[last] = m.value
  // Back through JSON, as a file would come: a deleted array element becomes null, not a hole.
  return JSON.parse(JSON.stringify(copy)) as Record<string, unknown>
}

const cellPool = [
  '',
  ' ',
  '0',
  '1',
  '-2.5',
  '39',
  '1e3',
  'NaN',
  'Infinity',
  '?',
  '1,234',
  'Private',
  'Male',
  'Female',
  'White',
  '>50K',
  '<=50K',
  '<img src=x>',
  '__proto__',
]

describe('random small schemas and tables', () => {
  it('schemaValidate returns a schema or a DataError naming the source; a valid one encodes or throws DataError', () => {
    fc.assert(
      fc.property(
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.array(fc.array(fc.constantFrom(...cellPool), { minLength: 15, maxLength: 15 }), {
          minLength: 1,
          maxLength: 6,
        }),
        (ms, cells) => {
          const raw = ms.reduce(mutate, goldenSchemaJson)
          const s = valueOrDataError(() => schemaValidate(raw, 'fuzz.json'))
          if (s instanceof DataError) {
            expect(s.message.startsWith('fuzz.json: ')).toBe(true)
            return
          }
          const header = [
            'age',
            'workclass',
            'fnlwgt',
            'education',
            'education_num',
            'marital_status',
            'occupation',
            'relationship',
            'race',
            'sex',
            'capital_gain',
            'capital_loss',
            'hours_per_week',
            'native_country',
            'income',
          ]
          const t = parseCsvText(
            [header, ...cells]
              .map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(','))
              .join('\n'),
            'cells.csv',
          )
          const enc = valueOrDataError(() => encodeTable(s, t, 'cells.csv'))
          if (enc instanceof DataError) expect(enc.message.startsWith('cells.csv: ')).toBe(true)
          else
            expect(enc.x.cols).toBe(
              s.features.reduce((w, f) => w + (f.type === 'numeric' ? 1 : f.categories.length), 0),
            )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('random numeric cells either encode to finite floats or are rejected with a DataError naming column and row', () => {
    const schema = schemaParse(fileText(GOLDEN_SCHEMA), 'schema.json')
    const header = fileText(`${GOLDEN}/data.csv`).split('\n')[0]!
    const row = fileText(`${GOLDEN}/data.csv`).split('\n')[1]!.split(',')
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(1e38, 1e39, 1e40, -1e300, 5e-324)),
        (v) => {
          row[0] = String(v)
          const t = parseCsvText(`${header}\n${row.join(',')}\n`, 'x.csv')
          try {
            const enc = encodeTable(schema, t, 'x.csv')
            for (const e of enc.x.data) expect(Number.isFinite(e)).toBe(true)
          } catch (e) {
            expect(e).toBeInstanceOf(DataError)
            expect((e as Error).message).toContain('column "age", row 0')
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})

// ---- models ------------------------------------------------------------------------------------
const activations = [
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'softplus',
  'elu',
  'hard_sigmoid',
  'nonsense',
] as const
const corruptions = [
  'none',
  'truncate-shard',
  'extend-shard',
  'drop-weight',
  'bad-shape',
  'bad-dtype',
  'bad-class',
  'no-input-shape',
  'not-json',
  'no-manifest',
] as const
const modelSpec = fc.record({
  inputs: fc.integer({ min: 1, max: 5 }),
  layers: fc.array(
    fc.record({
      units: fc.integer({ min: 1, max: 4 }),
      activation: fc.constantFrom(...activations),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  seed: fc.integer(),
  corruption: fc.constantFrom(...corruptions),
})
type ModelSpec = typeof modelSpec extends fc.Arbitrary<infer T> ? T : never

/** A Dense LayersModel's model.json and shard, then corrupted as the spec says. */
function modelFiles(spec: ModelSpec): { json: string; shard: ArrayBuffer } {
  const rng = rngFromSeed(spec.seed)
  const weights: { name: string; shape: number[]; dtype: string }[] = []
  const values: number[] = []
  let fanIn = spec.inputs
  const layers = spec.layers.map((l, i) => {
    weights.push(
      { name: `d${i}/kernel`, shape: [fanIn, l.units], dtype: 'float32' },
      { name: `d${i}/bias`, shape: [l.units], dtype: 'float32' },
    )
    for (let k = 0; k < fanIn * l.units + l.units; k++) values.push(rng.normal())
    fanIn = l.units
    return {
      class_name: spec.corruption === 'bad-class' && i === 0 ? 'Denser' : 'Dense',
      config: {
        name: `d${i}`,
        units: l.units,
        activation: l.activation,
        use_bias: true,
        ...(i === 0 && spec.corruption !== 'no-input-shape'
          ? { batch_input_shape: [null, spec.inputs] }
          : {}),
      },
    }
  })
  let data = new Uint8Array(Float32Array.from(values).buffer)
  if (spec.corruption === 'truncate-shard') data = data.slice(0, data.length - 4)
  if (spec.corruption === 'extend-shard') data = Uint8Array.from([...data, 1, 2, 3, 4])
  if (spec.corruption === 'drop-weight') weights.pop()
  if (spec.corruption === 'bad-shape')
    weights[0]!.shape = [weights[0]!.shape[1]!, weights[0]!.shape[0]!, 1]
  if (spec.corruption === 'bad-dtype') weights[0]!.dtype = 'string'
  const model = {
    format: 'layers-model',
    modelTopology: { class_name: 'Sequential', config: { name: 's', layers } },
    ...(spec.corruption === 'no-manifest'
      ? {}
      : { weightsManifest: [{ paths: ['w.bin'], weights }] }),
  }
  const json = JSON.stringify(model)
  return {
    json: spec.corruption === 'not-json' ? json.slice(0, json.length >> 1) : json,
    shard: data.buffer,
  }
}

describe('random small models', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })

  it('load, or fail with a ModelError whose message names the file (no load, whether it succeeds or fails, leaves a tensor behind)', async () => {
    await fc.assert(
      fc.asyncProperty(modelSpec, async (spec) => {
        const { json, shard } = modelFiles(spec)
        const before = tf.memory().numTensors
        try {
          const lm = await tfModelLoad(
            modelArtifacts({ name: 'fuzz.json', json }, new Map([['w.bin', shard]])),
            'fuzz.json',
          )
          expect(lm.info.inputWidth).toBe(spec.inputs)
          expect(spec.corruption).toBe('none')
          lm.model.dispose()
        } catch (e) {
          expect(e).toBeInstanceOf(ModelError)
          expect((e as Error).message).toMatch(/fuzz\.json|"w\.bin"/)
        }
        // Whether it loads or fails (a build that fails half-way too), no tensor is left behind.
        expect(tf.memory().numTensors).toBe(before)
      }),
      { numRuns: 80 },
    )
  })
})

// ---- SHAP --------------------------------------------------------------------------------------
/** A random game: player blocks, a tanh/relu/sigmoid network, rows and a background. */
const shapCase = fc.record({
  widths: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 7 }),
  hidden: fc.integer({ min: 1, max: 6 }),
  activation: fc.constantFrom<Activation>('tanh', 'relu', 'sigmoid'),
  nBg: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer(),
  pick: fc.tuple(fc.nat(), fc.nat(), fc.nat()),
})

describe('SHAP on random small models (exact enumeration, float64 network)', () => {
  it('efficiency: Σφ = f(x) − E f; symmetry: identical players get equal values; dummy: an ignored player gets exactly 0', async () => {
    await fc.assert(
      fc.asyncProperty(shapCase, async ({ widths, hidden, activation, nBg, seed, pick }) => {
        const M = widths.length
        // Players i and j identical (same block width, weights, x and background values); k ignored.
        const i = pick[0] % M
        const j = (i + 1 + (pick[1] % (M - 1))) % M
        const k = [...Array(M).keys()].filter((q) => q !== i && q !== j)[pick[2] % (M - 2)]!
        widths[j] = widths[i]!
        const offsets = new Int32Array(M + 1)
        widths.forEach((w, q) => (offsets[q + 1] = offsets[q]! + w))
        const W = offsets[M]!
        const rng = rngFromSeed(seed)
        const kernel = Float64Array.from({ length: W * hidden }, () => rng.normal())
        const copyBlock = (a: Float64Array, rowLen: number, from: number, to: number) => {
          for (let c = 0; c < widths[from]!; c++)
            for (let u = 0; u < rowLen; u++)
              a[(offsets[to]! + c) * rowLen + u] = a[(offsets[from]! + c) * rowLen + u]!
        }
        copyBlock(kernel, hidden, i, j)
        for (let c = offsets[k]!; c < offsets[k + 1]!; c++)
          for (let u = 0; u < hidden; u++) kernel[c * hidden + u] = 0
        const model = mlpCreate([
          {
            inputs: W,
            units: hidden,
            kernel,
            bias: Float64Array.from({ length: hidden }, () => rng.normal()),
            activation,
          },
          {
            inputs: hidden,
            units: 1,
            kernel: Float64Array.from({ length: hidden }, () => rng.normal()),
            bias: [rng.normal()],
            activation: 'sigmoid',
          },
        ])
        const rowsOf = (n: number) => {
          const d = Float64Array.from({ length: n * W }, () => 2 * rng.normal())
          for (let r = 0; r < n; r++)
            copyBlock(d.subarray(r * W, (r + 1) * W) as Float64Array, 1, i, j)
          return matrix(d, n, W)
        }
        const x = rowsOf(2)
        const bg = backgroundFromRows(rowsOf(nBg))
        const res = await shapExplain(mlpPredictFn64(model), x, bg, { offsets })
        for (const r of res) {
          expect(r.exact).toBe(true)
          const sum = r.phi.reduce((a, b) => a + b, 0)
          expect(Math.abs(sum - (r.prediction - r.baseValue))).toBeLessThanOrEqual(1e-12)
          expect(Math.abs(r.phi[i]! - r.phi[j]!)).toBeLessThanOrEqual(1e-12)
          expect(r.phi[k]).toBe(0)
        }
      }),
      { numRuns: 60 },
    )
  })

  it('efficiency holds for Kernel SHAP too (budget below 2^M − 2)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 6, max: 10 }),
        fc.integer(),
        fc.integer({ min: 12, max: 40 }),
        async (M, seed, budget) => {
          const rng = rngFromSeed(seed)
          const model = mlpRandom([M, 5, 1], ['tanh', 'sigmoid'], rng.normal)
          const x = matrix(
            Float64Array.from({ length: 2 * M }, () => rng.normal()),
            2,
            M,
          )
          const bg = backgroundFromRows(
            matrix(
              Float64Array.from({ length: 3 * M }, () => rng.normal()),
              3,
              M,
            ),
          )
          const res = await shapExplain(mlpPredictFn64(model), x, bg, { budget, seed })
          for (const r of res) {
            expect(r.exact).toBe(false)
            const sum = r.phi.reduce((a, b) => a + b, 0)
            expect(Math.abs(sum - (r.prediction - r.baseValue))).toBeLessThanOrEqual(1e-10)
          }
        },
      ),
      { numRuns: 25 },
    )
  })
})

// ---- integrated gradients ------------------------------------------------------------------------
describe('integrated gradients on random smooth models', () => {
  it('the largest per-feature change between n and 2n steps shrinks as n grows (n = 8 … 64)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 2, max: 8 }),
        fc.constantFrom<Activation>('tanh', 'sigmoid'),
        fc.constantFrom<IgRule>('midpoint', 'trapezoid', 'left', 'right'),
        fc.integer(),
        async (w, hidden, act, rule, seed) => {
          const rng = rngFromSeed(seed)
          const model = mlpRandom([w, hidden, 1], [act, 'sigmoid'], rng.normal)
          const x = matrix(
            Float64Array.from({ length: w }, () => 2 * rng.normal()),
            1,
            w,
          )
          const baseline = Float64Array.from({ length: w }, () => rng.normal())
          const at = async (n: number) =>
            (
              await igExplain(mlpGradFn(model), mlpPredictFn64(model), x, {
                baseline: { kind: 'row', x: baseline },
                rule,
                steps: n,
              })
            )[0]!.igEncoded
          const igs = await Promise.all([8, 16, 32, 64, 128].map(at))
          const change = (a: Float64Array, b: Float64Array) =>
            a.reduce((m, v, q) => Math.max(m, Math.abs(v - b[q]!)), 0)
          const changes = [0, 1, 2, 3].map((q) => change(igs[q]!, igs[q + 1]!))
          // First-order rules (left/right) need not shrink at every single doubling: allow 10%
          // wiggle per step, and require a clear shrink over three doublings.
          for (let q = 1; q < changes.length; q++)
            expect(changes[q]!).toBeLessThanOrEqual(changes[q - 1]! * 1.1 + 1e-13)
          expect(changes[3]!).toBeLessThanOrEqual(changes[0]! / 4 + 1e-13)
        },
      ),
      { numRuns: 40, seed: 20261126 },
    )
  })
})

// ---- fairness ----------------------------------------------------------------------------------
const groupedRows = fc.array(
  fc.tuple(
    fc.integer({ min: 0, max: 20 }),
    fc.integer({ min: 0, max: 1 }),
    fc.integer({ min: 0, max: 4 }),
  ),
  { minLength: 1, maxLength: 60 },
)
const groupNames = fc.uniqueArray(
  fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('__proto__', 'constructor', '', '<img src=x>', '=1+2', '10', '2'),
  ),
  { minLength: 5, maxLength: 5 },
)

describe('fairness metrics', () => {
  it('do not depend on the row order or on the names of the groups', () => {
    fc.assert(
      fc.property(
        groupedRows,
        groupNames,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 60, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rows, names, keys, threshold) => {
          const p = Float64Array.from(rows, ([s]) => s / 20)
          const y = Uint8Array.from(rows, ([, l]) => l)
          const g = rows.map(([, , q]) => `g${q}`)
          const f = fairnessByGroup(p, y, g, threshold)
          // Shuffle the rows and rename every group.
          const order = rows.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b)
          const rename = (name: string) => names[Number(name.slice(1))]!
          const f2 = fairnessByGroup(
            Float64Array.from(order, (i) => p[i]!),
            Uint8Array.from(order, (i) => y[i]!),
            order.map((i) => rename(g[i]!)),
            threshold,
          )
          for (const key of [
            'demographicParityDifference',
            'demographicParityRatio',
            'equalizedOddsDifference',
            'equalizedOddsRatio',
            'equalOpportunityDifference',
          ] as const) {
            expect(f2[key]).toBe(f[key])
          }
          expect(f2.overall).toEqual(f.overall)
          expect(Object.keys(f2.groups)).toHaveLength(Object.keys(f.groups).length)
          for (const [name, rates] of Object.entries(f.groups)) {
            expect(Object.prototype.hasOwnProperty.call(f2.groups, rename(name))).toBe(true)
            expect(f2.groups[rename(name)]).toEqual(rates)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})

// ---- quantization ------------------------------------------------------------------------------
describe('quantize → dequantize error (the schemes not covered in schemes.test.ts)', () => {
  it('float16: every weight within half a unit in the last place of half precision', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -65504, max: 65504, noNaN: true }), {
          minLength: 1,
          maxLength: 64,
        }),
        (vals) => {
          const t = { name: 'w', shape: [vals.length], data: Float32Array.from(vals) }
          const q = quantizeFloat16(t).tensor.data
          for (let i = 0; i < vals.length; i++) {
            const w = t.data[i]!
            const a = Math.abs(w)
            // Spacing of halves at |w|: 2^(e − 10) for normal numbers, 2^−24 below 2^−14.
            const ulp = a < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(a)) - 10)
            expect(Math.abs(q[i]! - w)).toBeLessThanOrEqual(ulp / 2)
            expect(q[i]).toBe(Math.fround(float16Round(w)))
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('int8act activations: every value inside the calibrated range within half a step of the grid', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom('asymmetric' as const, 'symmetric' as const),
        (a, b, us, mode) => {
          const range = { min: Math.min(a, b), max: Math.max(a, b) }
          const g = activationGrid(range, mode)
          const lo = Math.min(0, range.min)
          const hi = Math.max(0, range.max)
          for (const u of us) {
            const v = lo + u * (hi - lo)
            expect(Math.abs(activationFakeQuant(v, g) - v)).toBeLessThanOrEqual(
              (g.scale / 2) * (1 + 1e-9) + 1e-12,
            )
          }
          expect(activationFakeQuant(0, g)).toBe(0)
        },
      ),
      { numRuns: 300 },
    )
  })
})
