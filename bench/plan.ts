/**
 * The bench's workload (sizes, budgets of SHAP, repeat policies) and the one-run estimates of
 * its composite figures, from a backend's measured rows/s and figures measured before them.
 * Pure: unit-tested in test/bench.
 */
import { PREDICT_CHUNK_ROWS } from '../src/model/tfModel.ts'
import { type RepeatPolicy, DEFAULT_POLICY, estimateFromRate, estimateSum } from './stats.ts'

/** Rows per model call of tfPredictFn (the worker's too, unless an out-of-memory cap is set). */
export const PREDICT_CHUNK = PREDICT_CHUNK_ROWS

/**
 * Rows of the warm-up predict before measuring a predict of `rows` rows: the same call shapes
 * (one full chunk and the remainder) without predicting everything; all rows up to two chunks.
 */
export function predictWarmupRows(rows: number, chunk = PREDICT_CHUNK): number {
  if (rows <= 2 * chunk) return rows
  return chunk + (rows % chunk)
}

/** Predict throughput batch sizes (rows). */
export const PREDICT_SIZES = [1000, 4000, 16000, 64000, 200_000, 400_000] as const

/** Players and background rows of the demo's exact SHAP. */
export const SHAP_PLAYERS = 12
/** Background rows of every SHAP figure (contracts §2 default). */
export const SHAP_BACKGROUND = 50
/** Coalitions of exact SHAP, ∅ and the full set excluded: 2^12 − 2. */
export const SHAP_COALITIONS = 2 ** SHAP_PLAYERS - 2
/** Coalition model rows of one exact SHAP row (the predict floor's rows): 4,094 × 50. */
export const SHAP_FLOOR_ROWS = SHAP_COALITIONS * SHAP_BACKGROUND
/** All model rows of one exact SHAP row, background and the row itself included: 204,751. */
export const SHAP_ROW_MODEL_ROWS = SHAP_FLOOR_ROWS + SHAP_BACKGROUND + 1

/** Kernel SHAP budgets of the sampled figures (coalitions per row). */
export const SAMPLED_BUDGETS = [512, 2048] as const
/** Global SHAP sizes (rows explained in one job). */
export const GLOBAL_SIZES = [200, 1000] as const
/** Rows of SHAP stability in the compression evaluation (the 50). */
export const COMPRESSION_SHAP_ROWS = 50
/** Rows explained by the default audit. */
export const AUDIT_ROWS = 8

/** Model rows of one black-box SHAP row at `budget` coalitions (an upper bound: no dedupe). */
export function shapModelRows(budget: number): number {
  return Math.min(budget, SHAP_COALITIONS) * SHAP_BACKGROUND + SHAP_BACKGROUND + 1
}

/** Repeat policies per kind of figure (seconds of repeats after the warm-up; see stats.ts). */
export const POLICIES = {
  /** Predict throughput at one batch size. */
  predict: { minRepeats: 3, maxRepeats: 7, capS: 4 },
  /** Per-row figures: repeats are the bench's seeded rows (8), one call each. */
  perRow: { minRepeats: 3, maxRepeats: 8, capS: 12 },
  /** One predict of the rows of a SHAP row. */
  floor: { minRepeats: 3, maxRepeats: 7, capS: 5 },
  /** Global SHAP of 200 rows. */
  global200: { minRepeats: 3, maxRepeats: 3, capS: 15 },
  /** Global SHAP of 1,000 rows. */
  global1000: { minRepeats: 2, maxRepeats: 3, capS: 30 },
  /** Compression evaluation of all variants. */
  compression: { minRepeats: 3, maxRepeats: 3, capS: 20 },
  /** The full demo audit. */
  audit: { minRepeats: 3, maxRepeats: 5, capS: 12 },
} satisfies Record<string, Partial<RepeatPolicy>>

/** A policy with the defaults filled in. */
export function policy(kind: keyof typeof POLICIES): RepeatPolicy {
  return { ...DEFAULT_POLICY, ...POLICIES[kind] }
}

/**
 * One compression evaluation: float32 and every variant each predict all data rows
 * (latencyRepeats + 1 times) and explain `shapRows` rows with SHAP at `shapS` seconds per row.
 */
export function compressionEstimate(p: {
  variants: number
  dataRows: number
  latencyRepeats: number
  rowsPerSec: number | null
  shapRows: number
  shapS: number | null
}): number | null {
  const predict = estimateFromRate(
    (p.variants + 1) * (p.latencyRepeats + 1) * p.dataRows,
    p.rowsPerSec,
  )
  const shap = p.shapS === null ? null : (p.variants + 1) * p.shapRows * p.shapS
  return estimateSum([predict, shap])
}

/**
 * One default audit: two predicts of all data rows, SHAP + IG + counterfactuals of `rows` rows at
 * the measured seconds per row / query, and the compression evaluation of its quantize variants.
 */
export function auditEstimate(p: {
  dataRows: number
  rowsPerSec: number | null
  rows: number
  shapS: number | null
  igS: number | null
  cfS: number | null
  compressionS: number | null
}): number | null {
  const perRow = estimateSum([p.shapS, p.igS, p.cfS])
  return estimateSum([
    estimateFromRate(2 * p.dataRows, p.rowsPerSec),
    perRow === null ? null : p.rows * perRow,
    p.compressionS,
  ])
}

/**
 * The rate to estimate a batch of `rows` from: the median rows/s measured at the largest batch
 * size not above `rows`, else at the smallest measured, else the fallback (e.g. the app's probe).
 */
export function rateFor(
  rows: number,
  measured: ReadonlyMap<number, number>,
  fallback: number | null,
): number | null {
  let best: number | null = null
  let bestSize = -1
  let smallest: number | null = null
  let smallestSize = Infinity
  for (const [size, rate] of measured) {
    if (!(rate > 0)) continue
    if (size <= rows && size > bestSize) {
      best = rate
      bestSize = size
    }
    if (size < smallestSize) {
      smallest = rate
      smallestSize = size
    }
  }
  return best ?? smallest ?? fallback
}
