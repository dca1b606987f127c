/**
 * The golden audit assertions (docs/contracts.md §5): a report of the golden adult data with
 * `--rows` = reference.json's explainedRows and `--ig-steps 2048`, against reference.json —
 * metrics, calibration, fairness by sex and race, uint8/float16 quantization, exact SHAP and IG
 * of the explained rows, valid counterfactuals. Shared by every test that must reproduce the
 * golden numbers (the golden model, its logit copy).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { Report } from '../../src/report/types.ts'
import { reportValidate } from '../../src/report/validate.ts'
import { G } from './run.ts'

const ref = JSON.parse(readFileSync(join(G, 'reference.json'), 'utf8'))

/** The options of a golden audit: reference.json's explained rows, IG with 2048 midpoint steps. */
export const GOLDEN_REPORT_ARGS: readonly string[] = [
  '--rows',
  (ref.explainedRows as number[]).join(','),
  '--ig-steps',
  '2048',
]

/** Asserts every golden number of `report` within the contract's tolerances. */
export function expectGoldenReport(report: Report): void {
  expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
  expect(report.settings).toMatchObject({
    threshold: 0.5,
    budget: 4096,
    seed: 1,
    igSteps: 2048,
    igMethod: 'midpoint',
    igBaseline: 'mean',
    counterfactuals: 4,
    quantize: ['float16', 'uint8'],
    background: { kind: 'first', k: 50 },
  })
  expect(report.model.sha256).toBe(
    '3c4cbb658280f4afd9e66f1f2d499e668ed7ce04a1d007560c78101d5f052ce4',
  )
  const m = report.metrics!
  expect(Math.abs(m.accuracy! - ref.metrics.accuracy)).toBeLessThan(1e-6)
  expect(Math.abs(m.rocAuc! - ref.metrics.rocAuc)).toBeLessThan(1e-5)
  expect(Math.abs(m.logLoss! - ref.metrics.logLoss)).toBeLessThan(1e-6)
  expect(Math.abs(m.brier! - ref.metrics.brier)).toBeLessThan(1e-6)
  expect(Math.abs(report.calibration!.ece! - ref.calibration.ece)).toBeLessThan(1e-6)
  expect(Math.abs(report.calibration!.mce! - ref.calibration.mce)).toBeLessThan(1e-6)
  report.calibration!.bins.forEach((b, k) => {
    const rb = ref.calibration.bins[k]
    expect(b.count).toBe(rb.count)
    if (rb.meanPredicted === null) expect(b.meanPredicted).toBeNull()
    else expect(Math.abs(b.meanPredicted! - rb.meanPredicted)).toBeLessThan(1e-6)
  })
  for (const attr of ['sex', 'race']) {
    const f = report.fairness![attr]!
    const rf = ref.fairness[attr]
    expect(Object.keys(f.groups)).toEqual(Object.keys(rf.groups))
    for (const key of [
      'demographicParityDifference',
      'demographicParityRatio',
      'equalizedOddsDifference',
      'equalOpportunityDifference',
      'equalizedOddsRatio',
    ] as const) {
      expect(Math.abs(f[key]! - rf[key])).toBeLessThan(1e-6)
    }
    for (const [g, rg] of Object.entries(rf.groups as Record<string, Record<string, number>>)) {
      for (const k of ['selectionRate', 'tpr', 'fpr', 'precision', 'accuracy'] as const)
        expect(Math.abs(f.groups[g]![k]! - rg[k]!)).toBeLessThan(1e-6)
      expect(f.groups[g]!.small).toBe(rg.count! < 30)
    }
  }
  // Quantization section (default --quantize float16,uint8) against the reference.
  for (const id of ['uint8', 'float16'] as const) {
    const q = report.quantization![id]!
    const rq = ref.quantization[id]
    expect(q.agreement).toBe(rq.agreement)
    expect(Math.abs(q.maxAbsDiff - rq.maxAbsDiff)).toBeLessThan(1e-6)
    expect(Math.abs(q.accuracy! - rq.accuracy)).toBeLessThan(1e-6)
    expect(Math.abs(q.ece! - rq.ece)).toBeLessThan(1e-6)
  }
  expect(report.quantization!.uint8!.agreement).toBe(0.9955)
  expect(report.quantization!.uint8!.bytes).toBe(1617)
  expect(report.quantization!.float16!.bytes).toBe(3138)
  for (const row of ref.explainedRows as number[]) {
    const e = report.explanations![String(row)]!
    expect(e.exact).toBe(true)
    expect(Math.abs(e.baseValue! - ref.baseValue[row])).toBeLessThan(1e-4)
    for (const [f, v] of Object.entries(ref.shap[row] as Record<string, number>))
      expect(Math.abs(e.shap![f]! - v)).toBeLessThan(1e-4)
    for (const [f, v] of Object.entries(ref.ig[row] as Record<string, number>))
      expect(Math.abs(e.ig![f]! - v)).toBeLessThan(1e-3)
    expect(e.igSteps).toBe(2048)
    expect(Math.abs(e.igCompletenessGap!)).toBeLessThan(1e-3)
    for (const c of e.counterfactuals!) {
      expect(c.valid).toBe(true)
      expect(c.nChanged).toBe(Object.keys(c.changes).length)
    }
  }
}
