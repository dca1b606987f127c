/**
 * `glassbox compare` (docs/contracts.md §8): the golden MLP against itself (zero differences,
 * p-values 1, identical explanations) and against its committed uint8 copy, whose float64
 * predictions are in the golden reference: agreement, both accuracies and McNemar's exact p are
 * recomputed here from those predictions (the binomial sum written out), and gates exit 1 or 0.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { reportValidate } from '../../src/report/validate.ts'
import { G, expectOneLine, glassbox } from './run.ts'

const tmp = mkdtempSync(join(tmpdir(), 'glassbox-compare-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const UINT8 = join(G, 'quantized/uint8/model.json')
const base = (challenger: string, ...extra: string[]) => [
  'compare',
  '--model',
  join(G, 'model.json'),
  '--challenger',
  challenger,
  '--data',
  join(G, 'data.csv'),
  '--schema',
  join(G, 'schema.json'),
  '--ig-steps',
  '0',
  '--counterfactuals',
  '0',
  '--quantize',
  'none',
  '--quiet',
  ...extra,
]

type Cmp = {
  champion: number | null
  challenger: number | null
  delta: number | null
  ci: [number, number] | null
  pValue?: number | null
}
type Comparison = {
  challenger: { sha256: string; format: string }
  rows: number
  agreement: number
  disagreements: number
  metrics: Record<string, Cmp>
  fairness: Record<string, Record<string, Cmp>>
  explanations?: {
    shapRankCorrelation: number | null
    topKOverlap: number | null
    k: number
    rows: number
  }
}

async function reportOf(challenger: string, name: string, ...extra: string[]) {
  const out = join(tmp, `${name}.json`)
  const r = await glassbox(...base(challenger, '--out', out, ...extra))
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    comparison: Comparison
    metrics: { accuracy: number }
  }
  expect(reportValidate(report).errors).toEqual([])
  return report
}

/** McNemar's exact two-sided p: min(1, 2 Σ_{i ≤ min(b,c)} C(b+c, i) / 2^(b+c)), in float64. */
function mcnemar(b: number, c: number): number {
  const n = b + c
  if (n === 0) return 1
  let term = Math.pow(0.5, n) // C(n, 0) / 2^n
  let sum = term
  for (let i = 1; i <= Math.min(b, c); i++) {
    term *= (n - i + 1) / i
    sum += term
  }
  return Math.min(1, 2 * sum)
}

describe('glassbox compare', () => {
  test('a model against itself: zero differences, p-values 1, identical explanations', async () => {
    const { comparison: c } = await reportOf(
      join(G, 'model.json'),
      'self',
      '--html',
      join(tmp, 'self.html'),
    )
    expect(c.rows).toBe(2000)
    expect(c.agreement).toBe(1)
    expect(c.disagreements).toBe(0)
    for (const m of Object.values(c.metrics)) {
      expect(m.delta).toBe(0)
      expect(m.champion).toBe(m.challenger)
      if (m.ci) expect(m.ci).toEqual([0, 0])
    }
    expect(c.metrics.accuracy!.pValue).toBe(1)
    expect(c.metrics.rocAuc!.pValue).toBe(1)
    expect(Object.keys(c.fairness)).toEqual(['sex', 'race'])
    for (const attr of Object.values(c.fairness))
      for (const d of Object.values(attr)) if (d.delta !== null) expect(d.delta).toBe(0)
    expect(c.explanations).toEqual({ shapRankCorrelation: 1, topKOverlap: 1, k: 5, rows: 50 })
    const html = readFileSync(join(tmp, 'self.html'), 'utf8')
    expect(html).toContain('<section id="comparison"><h2>Comparison with a challenger</h2>')
    expect(html).toMatch(/Accuracy \(McNemar exact test\)<\/td><td class="n">0\.852/)
    expect(html).toContain('<h3>Fairness by race</h3>')
  }, 180_000)

  test('against the uint8 copy: agreement, accuracies and McNemar p from the reference predictions', async () => {
    const ref = JSON.parse(readFileSync(join(G, 'reference.json'), 'utf8')) as {
      predictions: number[]
      quantization: { uint8: { predictions: number[] } }
    }
    const labels = readFileSync(join(G, 'data.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => (l.endsWith(',>50K') ? 1 : 0))
    const pA = ref.predictions
    const pB = ref.quantization.uint8.predictions
    let agree = 0
    let b = 0
    let c = 0
    let rightA = 0
    let rightB = 0
    labels.forEach((y, i) => {
      const dA = pA[i]! >= 0.5 ? 1 : 0
      const dB = pB[i]! >= 0.5 ? 1 : 0
      if (dA === dB) agree++
      if (dA === y) rightA++
      if (dB === y) rightB++
      if (dA === y && dB !== y) b++
      if (dB === y && dA !== y) c++
    })
    const report = await reportOf(UINT8, 'uint8', '--no-shap')
    const cmp = report.comparison
    expect(cmp.agreement).toBeCloseTo(agree / 2000, 12)
    expect(cmp.disagreements).toBe(2000 - agree)
    expect(cmp.metrics.accuracy!.champion).toBeCloseTo(rightA / 2000, 12)
    expect(cmp.metrics.accuracy!.champion).toBe(report.metrics.accuracy)
    expect(cmp.metrics.accuracy!.challenger).toBeCloseTo(rightB / 2000, 12)
    expect(cmp.metrics.accuracy!.pValue).toBeCloseTo(mcnemar(b, c), 12)
    expect(cmp.explanations).toBeUndefined()
    const [lo, hi] = cmp.metrics.rocAuc!.ci!
    expect(lo).toBeLessThanOrEqual(cmp.metrics.rocAuc!.delta!)
    expect(hi).toBeGreaterThanOrEqual(cmp.metrics.rocAuc!.delta!)
  }, 180_000)

  test('gates on the comparison exit 1 when true and 0 otherwise', async () => {
    const fail = await glassbox(
      ...base(UINT8, '--no-shap', '--fail-on', 'comparison.agreement<0.999'),
    )
    expect(fail.code).toBe(1)
    expect(fail.stderr).toMatch(
      /FAIL comparison\.agreement<0\.999 \(comparison\.agreement = 0\.9955\)/,
    )
    const pass = await glassbox(
      ...base(
        UINT8,
        '--no-shap',
        '--fail-on',
        'comparison.fairness.sex.demographicParityDifference.delta>0.02',
      ),
    )
    expect(pass.stderr).toBe('')
    expect(pass.code).toBe(0)
  }, 180_000)

  test('a missing challenger and an unknown comparison path are usage errors', async () => {
    const noChallenger = base(UINT8).filter(
      (a, i, all) => a !== '--challenger' && all[i - 1] !== '--challenger',
    )
    expectOneLine(await glassbox(...noChallenger), /compare needs --challenger B/)
    expectOneLine(
      await glassbox(...base(UINT8, '--fail-on', 'comparison.metrics.auc.delta<0')),
      /unknown report path comparison\.metrics\.auc \(comparison\.metrics has: accuracy, rocAuc/,
    )
  })
})
