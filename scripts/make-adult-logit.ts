/**
 * Generates test/fixtures/golden/adult-logit/: the golden adult model with its last layer's
 * activation `linear` (it outputs the logit z; the golden model outputs σ(z)), the same weight
 * shard byte for byte, and the golden schema with `"output": {"kind": "logit"}`. Glassbox must
 * give every golden number on it (docs/contracts.md §1 output.kind, §5 tolerances); its data and
 * reference are the golden fixture's own.
 *
 * Checks before writing: the float64 forward pass of the copied weights, computed here, followed
 * by σ, equals reference.json's predictions of every row within 1e-6, and without σ it leaves
 * [0, 1] (so the fixture does exercise the link).
 *
 * Deterministic: the same golden files give byte-identical outputs.
 * Usage: `npx tsx scripts/make-adult-logit.ts`
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeTable } from '../src/core/encode.ts'
import { schemaParse } from '../src/core/schemaIo.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const golden = join(root, 'test/fixtures/golden/adult')
const out = join(root, 'test/fixtures/golden/adult-logit')
const SHARD = 'group1-shard1of1.bin'

type Layer = { name: string; config: { units: number; activation: string } }
type Weight = { name: string; shape: number[] }
type ModelJson = {
  modelTopology: { config: { layers: Layer[] } }
  weightsManifest: { paths: string[]; weights: Weight[] }[]
}

const model = JSON.parse(readFileSync(join(golden, 'model.json'), 'utf8')) as ModelJson
const layers = model.modelTopology.config.layers
const last = layers[layers.length - 1]!
if (last.config.activation !== 'sigmoid')
  throw new Error(`the golden model's last layer is ${last.config.activation}, not sigmoid`)
last.config.activation = 'linear'

// Float64 forward pass of the shard's weights (Dense relu … Dense linear), written here.
const bin = readFileSync(join(golden, SHARD))
const f32 = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4)
let at = 0
const tensors = model.weightsManifest[0]!.weights.map((w) => {
  const n = w.shape.reduce((a, b) => a * b, 1)
  const v = Float64Array.from(f32.subarray(at, at + n))
  at += n
  return v
})
if (at !== f32.length) throw new Error(`the shard holds ${f32.length} floats, the manifest ${at}`)
function logit(x: ArrayLike<number>): number {
  let h: number[] = Array.from(x)
  layers.forEach((l, i) => {
    const k = tensors[2 * i]!
    const b = tensors[2 * i + 1]!
    const units = l.config.units
    const next: number[] = []
    for (let u = 0; u < units; u++) {
      let s = b[u]!
      for (let j = 0; j < h.length; j++) s += h[j]! * k[j * units + u]!
      next.push(i < layers.length - 1 ? Math.max(0, s) : s)
    }
    h = next
  })
  return h[0]!
}

const schemaText = readFileSync(join(golden, 'schema.json'), 'utf8')
const schema = schemaParse(schemaText, 'schema.json')
const table = parseCsvText(readFileSync(join(golden, 'data.csv'), 'utf8'), 'data.csv')
const enc = encodeTable(schema, table, 'data.csv')
const ref = JSON.parse(readFileSync(join(golden, 'reference.json'), 'utf8')) as {
  predictions: number[]
}
let worst = 0
let outside = 0
for (let r = 0; r < enc.x.rows; r++) {
  const z = logit(enc.x.data.subarray(r * enc.x.cols, (r + 1) * enc.x.cols))
  if (z < 0 || z > 1) outside++
  worst = Math.max(worst, Math.abs(1 / (1 + Math.exp(-z)) - ref.predictions[r]!))
}
if (!(worst < 1e-6)) throw new Error(`σ(logit) differs from the reference by ${worst}`)
if (outside === 0)
  throw new Error('every logit lies in [0, 1]: the fixture would not test the link')

const logitSchema = { ...(JSON.parse(schemaText) as object), output: { kind: 'logit' } }
mkdirSync(out, { recursive: true })
writeFileSync(join(out, 'model.json'), `${JSON.stringify(model, null, 1)}\n`)
copyFileSync(join(golden, SHARD), join(out, SHARD))
writeFileSync(join(out, 'schema.json'), `${JSON.stringify(logitSchema, null, 1)}\n`)
console.log(
  `adult-logit: ${enc.x.rows} rows, max |σ(z) − reference| ${worst.toExponential(2)}, ${outside} logits outside [0, 1]`,
)
