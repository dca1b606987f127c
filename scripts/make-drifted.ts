/**
 * Writes the drift demo and fixtures from the demo data (public/demo/data.csv, 2,000 rows):
 *
 * - public/demo/drifted.csv: a drifted copy for the Monitoring view's "current" demo data —
 *   every age + 8 years; a seeded 40% of the Married-civ-spouse rows become Never-married (the
 *   category's share drops from 46.6% to about 28%: PSI ≈ 0.18, in the "watch" band); a seeded
 *   15% of the labels flipped (>50K ↔ <=50K). Every other cell is copied as is.
 * - e2e/fixtures/drift/reference-a.csv and reference-b.csv: the demo data split in two seeded
 *   halves of 1,000 rows (each half keeps the original row order): two samples of one
 *   distribution, for the CLI's "no drift" test.
 *
 * Deterministic: the seeds below and src/core/random.ts fix every choice, so reruns write
 * byte-identical files. Usage: `npx tsx scripts/make-drifted.ts`
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Papa from 'papaparse'
import { rngFromSeed } from '../src/core/random.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = join(root, 'public/demo/data.csv')
const driftedOut = join(root, 'public/demo/drifted.csv')
const fixtureDir = join(root, 'e2e/fixtures/drift')

/** Every knob of the drifted copy (printed when the script runs). */
const Drift = {
  ageShift: 8,
  maritalFrom: 'Married-civ-spouse',
  maritalTo: 'Never-married',
  maritalShare: 0.4,
  labelFlipShare: 0.15,
  target: 'income',
  positive: '>50K',
  negative: '<=50K',
  seeds: { marital: 20_250_101, labels: 20_250_102, split: 20_250_103 },
} as const

const text = readFileSync(source, 'utf8')
const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: true })
if (parsed.errors.length) throw new Error(`${source}: ${parsed.errors[0]!.message}`)
const [header, ...rows] = parsed.data
if (!header) throw new Error(`${source}: empty`)
const col = (name: string): number => {
  const j = header.indexOf(name)
  if (j < 0) throw new Error(`${source}: no "${name}" column`)
  return j
}
const AGE = col('age')
const MARITAL = col('marital_status')
const TARGET = col(Drift.target)
const n = rows.length

/** `k` of the `candidates` row indices, drawn without replacement with `seed`. */
function pick(candidates: number[], share: number, seed: number): Set<number> {
  const k = Math.round(share * candidates.length)
  const idx = rngFromSeed(seed).sampleWithoutReplacement(candidates.length, k)
  return new Set(Array.from(idx, (i) => candidates[i]!))
}

const married = rows.flatMap((r, i) => (r[MARITAL] === Drift.maritalFrom ? [i] : []))
const remarried = pick(married, Drift.maritalShare, Drift.seeds.marital)
const flipped = pick(
  rows.map((_, i) => i),
  Drift.labelFlipShare,
  Drift.seeds.labels,
)

const drifted = rows.map((r, i) => {
  const out = [...r]
  const age = Number(r[AGE])
  if (!Number.isFinite(age)) throw new Error(`${source}: row ${i}: age "${r[AGE]}" is not a number`)
  out[AGE] = String(age + Drift.ageShift)
  if (remarried.has(i)) out[MARITAL] = Drift.maritalTo
  if (flipped.has(i)) {
    const y = r[TARGET]
    out[TARGET] = y === Drift.positive ? Drift.negative : y === Drift.negative ? Drift.positive : y!
  }
  return out
})

const half = new Set(rngFromSeed(Drift.seeds.split).sampleWithoutReplacement(n, Math.floor(n / 2)))
const halfA = rows.filter((_, i) => half.has(i))
const halfB = rows.filter((_, i) => !half.has(i))

const csv = (body: string[][]): string => `${Papa.unparse([header, ...body], { newline: '\n' })}\n`

mkdirSync(fixtureDir, { recursive: true })
writeFileSync(driftedOut, csv(drifted))
writeFileSync(join(fixtureDir, 'reference-a.csv'), csv(halfA))
writeFileSync(join(fixtureDir, 'reference-b.csv'), csv(halfB))

const share = (body: string[][]) =>
  body.filter((r) => r[MARITAL] === Drift.maritalFrom).length / body.length
process.stdout.write(
  [
    `${driftedOut}: ${n} rows, age + ${Drift.ageShift}, ${remarried.size} of ${married.length} ${Drift.maritalFrom} → ${Drift.maritalTo} (share ${share(rows).toFixed(3)} → ${share(drifted).toFixed(3)}), ${flipped.size} labels flipped`,
    `${fixtureDir}: reference-a.csv ${halfA.length} rows, reference-b.csv ${halfB.length} rows`,
  ].join('\n') + '\n',
)
