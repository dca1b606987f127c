/**
 * A realistic report v1 built from the golden adult fixture's reference numbers (metrics,
 * calibration, fairness by sex and race, SHAP / IG of the explained rows, uint8 / float16
 * quantization), plus invented counterfactuals, a Kernel-SHAP-style row with standard errors and
 * a small drift section. Each call returns a fresh deep copy, so tests may mutate it.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Report, ReportRates } from '../../src/report/types.ts'
import type { RowExplanation } from '../../src/core/explain.ts'

const golden = (name: string): URL => new URL(`../fixtures/golden/adult/${name}`, import.meta.url)

type Rates = ReportRates & { tp: number; fp: number; tn: number; fn: number }
type RefFairness = {
  groups: Record<string, Rates>
  overall: Rates
  demographicParityDifference: number
  demographicParityRatio: number
  equalizedOddsDifference: number
  equalizedOddsRatio: number
  equalOpportunityDifference: number
}

/** The parts of reference.json the report fixture uses. */
export type ReportReference = {
  nRows: number
  explainedRows: number[]
  prediction: Record<string, number>
  baseValue: Record<string, number>
  shap: Record<string, Record<string, number>>
  ig: Record<string, Record<string, number>>
  igCompletenessGap: Record<string, number>
  metrics: { accuracy: number; rocAuc: number; logLoss: number; brier: number }
  calibration: { ece: number; mce: number; bins: NonNullable<Report['calibration']>['bins'] }
  fairness: Record<string, RefFairness>
  quantization: Record<
    string,
    { agreement: number; maxAbsDiff: number; accuracy: number; ece: number }
  >
}

export const reference = JSON.parse(
  readFileSync(golden('reference.json'), 'utf8'),
) as ReportReference

const sha256 = (name: string): string =>
  createHash('sha256')
    .update(readFileSync(golden(name)))
    .digest('hex')
const modelSha = sha256('group1-shard1of1.bin')
const dataSha = sha256('data.csv')

const rates = (g: Rates): ReportRates => ({
  count: g.count,
  selectionRate: g.selectionRate,
  tpr: g.tpr,
  fpr: g.fpr,
  precision: g.precision,
  accuracy: g.accuracy,
})

function fairness(): NonNullable<Report['fairness']> {
  const out: NonNullable<Report['fairness']> = {}
  for (const [attr, f] of Object.entries(reference.fairness)) {
    out[attr] = {
      groups: Object.fromEntries(
        Object.entries(f.groups).map(([k, g]) => [k, { ...rates(g), small: g.count < 30 }]),
      ),
      overall: rates(f.overall),
      demographicParityDifference: f.demographicParityDifference,
      demographicParityRatio: f.demographicParityRatio,
      equalizedOddsDifference: f.equalizedOddsDifference,
      equalizedOddsRatio: f.equalizedOddsRatio,
      equalOpportunityDifference: f.equalOpportunityDifference,
    }
  }
  return out
}

function explanations(): Record<string, RowExplanation> {
  const out: Record<string, RowExplanation> = {}
  for (const row of reference.explainedRows) {
    const k = String(row)
    out[k] = {
      prediction: reference.prediction[k]!,
      baseValue: reference.baseValue[k]!,
      exact: true,
      shap: { ...reference.shap[k]! },
      shapStdErr: null,
      ig: { ...reference.ig[k]! },
      igSteps: 2048,
      igCompletenessGap: reference.igCompletenessGap[k]!,
    }
  }
  // Row 489 (f = 0.854, positive): two invented counterfactuals towards the negative side.
  Object.assign(out['489']!, {
    counterfactuals: [
      {
        changes: { marital_status: 'Never-married' },
        prediction: 0.4123,
        valid: true,
        nChanged: 1,
        proximity: 1,
      },
      {
        changes: { education_num: 9, occupation: 'Adm-clerical' },
        prediction: 0.3877,
        valid: true,
        nChanged: 2,
        proximity: 2.5714285714285716,
      },
    ],
    diversity: 3.5714285714285716,
    noneReason: null,
  })
  // Row 1175 as Kernel SHAP would report it: estimates with standard errors.
  const kernel = out['1175']!
  kernel.exact = false
  kernel.shapStdErr = Object.fromEntries(
    Object.keys(kernel.shap!).map((f, i) => [f, 0.0005 + i * 0.0001]),
  )
  Object.assign(kernel, {
    counterfactuals: [
      {
        changes: { capital_gain: 7688 },
        prediction: 0.9412,
        valid: true,
        nChanged: 1,
        proximity: 1.2,
      },
    ],
    diversity: null,
    noneReason: 'only 1 of 4 answers found within the search budget',
  })
  // Row 1265 (f = 0.002): nothing found.
  Object.assign(out['1265']!, {
    counterfactuals: [],
    diversity: null,
    noneReason: 'no valid counterfactual within the search budget',
  })
  return out
}

const built: Report = {
  reportVersion: 1,
  tool: { name: 'glassbox', version: '0.1.0' },
  model: { sha256: modelSha, format: 'layers-model', inputs: 88, parameters: 1569, bytes: 6276 },
  data: { sha256: dataSha, rows: reference.nRows },
  settings: {
    threshold: 0.5,
    classIndex: 0,
    rows: [...reference.explainedRows],
    background: { kind: 'first', k: 50 },
    budget: 4096,
    seed: 1,
    igSteps: 'auto',
    igMethod: 'midpoint',
    igBaseline: 'mean',
    counterfactuals: 4,
    quantize: ['float16', 'uint8'],
    backend: 'wasm',
  },
  metrics: {
    accuracy: reference.metrics.accuracy,
    rocAuc: reference.metrics.rocAuc,
    logLoss: reference.metrics.logLoss,
    brier: reference.metrics.brier,
  },
  calibration: {
    ece: reference.calibration.ece,
    mce: reference.calibration.mce,
    bins: reference.calibration.bins.map((b) => ({ ...b })),
  },
  fairness: fairness(),
  explanations: explanations(),
  quantization: {
    float16: {
      bytes: 3138,
      agreement: reference.quantization.float16!.agreement,
      maxAbsDiff: reference.quantization.float16!.maxAbsDiff,
      meanAbsDiff: 0.00004,
      accuracy: reference.quantization.float16!.accuracy,
      rocAuc: 0.9131,
      ece: reference.quantization.float16!.ece,
      fairness: {
        sex: { demographicParityDifference: 0.148, equalizedOddsDifference: 0.0548 },
        race: { demographicParityDifference: 0.2236, equalizedOddsDifference: 0.2333 },
      },
      shapRankCorrelation: 1,
    },
    uint8: {
      bytes: 1617,
      agreement: reference.quantization.uint8!.agreement,
      maxAbsDiff: reference.quantization.uint8!.maxAbsDiff,
      meanAbsDiff: 0.0041,
      accuracy: reference.quantization.uint8!.accuracy,
      rocAuc: 0.9127,
      ece: reference.quantization.uint8!.ece,
      fairness: {
        sex: { demographicParityDifference: 0.1502, equalizedOddsDifference: 0.0561 },
        race: { demographicParityDifference: 0.2219, equalizedOddsDifference: null },
      },
      shapRankCorrelation: 0.986,
    },
  },
  drift: {
    features: {
      age: { psi: 0.0123, ks: 0.031, pValue: 0.27, wasserstein: 0.41, chi2: null, drifted: false },
      workclass: {
        psi: 0.0042,
        ks: null,
        pValue: 0.81,
        wasserstein: null,
        chi2: 3.2,
        drifted: false,
      },
      capital_gain: {
        psi: 0.2871,
        ks: 0.12,
        pValue: 1.2e-9,
        wasserstein: 310.5,
        chi2: null,
        drifted: true,
      },
    },
    maxPsi: 0.2871,
    prediction: { psi: 0.0511, ks: 0.044 },
    oodShare: 0.006,
  },
}

const frozen = JSON.stringify(built)

/** A fresh deep copy of the fixture report. */
export function reportFixture(): Report {
  return JSON.parse(frozen) as Report
}
