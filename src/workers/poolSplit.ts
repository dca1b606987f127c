/**
 * The pure half of the worker pool: how a job's rows are dealt to workers, how the pieces are put
 * back together, and how their progress adds up. No workers, no tfjs: unit-tested in Node.
 *
 * Why pieces can be merged exactly: global SHAP and the compression comparison explain rows
 * against one background with one Kernel SHAP design (drawn once from the job's seed, shared by
 * every row), and a row's coalition values only involve that row, so φ of a row is the same
 * numbers whichever worker, chunk or neighbours it is computed with. The merge concatenates the
 * pieces in row order and then derives everything else (mean |φ|, ranking) exactly as the
 * single-worker job does, with the same code (modelHost's globalShap uses
 * {@link globalShapAssemble} too).
 */
import type { GlobalShapResult, ShapPieceResult, ShapPlan } from './protocol.ts'
import type { Matrix } from '../core/types.ts'

/**
 * Contiguous, balanced ranges [start, end) dealing `n` rows to at most `workers` workers, each
 * with at least `minRows` rows (one range when n < 2·minRows). Earlier ranges are one longer
 * when n does not divide evenly.
 * @throws RangeError for a negative or non-integer n, or workers < 1.
 * @example splitRanges(10, 3) // [[0, 4], [4, 7], [7, 10]]
 */
export function splitRanges(n: number, workers: number, minRows = 1): [number, number][] {
  if (!(Number.isInteger(n) && n >= 0))
    throw new RangeError(`the rows to split among workers must be a whole number ≥ 0, got ${n}`)
  if (!(Number.isInteger(workers) && workers >= 1))
    throw new RangeError(`the number of workers must be a whole number ≥ 1, got ${workers}`)
  if (n === 0) return []
  const k = Math.max(1, Math.min(workers, Math.floor(n / Math.max(1, minRows))))
  const base = Math.floor(n / k)
  const extra = n % k
  const out: [number, number][] = []
  let at = 0
  for (let i = 0; i < k; i++) {
    const len = base + (i < extra ? 1 : 0)
    out.push([at, at + len])
    at += len
  }
  return out
}

/** Rows [start, end) of a matrix as a new matrix (copied, so it can be transferred). */
export function matrixSlice(m: Matrix, start: number, end: number): Matrix {
  const data = m.data.slice(start * m.cols, end * m.cols)
  return { data, rows: end - start, cols: m.cols }
}

/** Row-major pieces (each rows × cols) stacked in order. */
export function concatRows(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/**
 * A global SHAP result from its plan and the pieces of its rows (in row order): φ stacked, mean
 * |φ| summed row by row, features ranked by it. The single-worker job is the one-piece case.
 * @throws Error when the pieces do not add up to the plan's rows.
 */
export function globalShapAssemble(
  plan: Pick<ShapPlan, 'featureNames' | 'rows' | 'values' | 'method' | 'treeShapUnavailable'>,
  parts: readonly ShapPieceResult[],
  ms: number,
): GlobalShapResult {
  const n = plan.rows.length
  const m = plan.featureNames.length
  const phi = concatRows(parts.map((p) => p.phi))
  if (phi.length !== n * m)
    throw new Error(`global SHAP: the pieces hold ${phi.length / m} rows, the plan ${n}`)
  const meanAbs = new Float64Array(m)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) meanAbs[j]! += Math.abs(phi[i * m + j]!) / n
  const order = [...meanAbs.keys()].sort((a, b) => meanAbs[b]! - meanAbs[a]!)
  return {
    featureNames: plan.featureNames,
    rows: plan.rows,
    phi,
    values: plan.values,
    meanAbs,
    order,
    baseValue: parts[0]?.baseValue ?? NaN,
    exact: parts.every((p) => p.exact),
    output: plan.method === 'treeShap' ? 'margin' : 'probability',
    method: plan.method,
    treeShapUnavailable: plan.treeShapUnavailable,
    cached: false,
    ms,
  }
}

/**
 * Progress of a job run in pieces: each piece reports (done, total) in its own units; the job's
 * fraction weighs each piece's fraction by its share of the work.
 */
export class PieceProgress {
  private readonly frac: Float64Array
  private readonly weight: Float64Array

  /** @param sizes work of each piece (e.g. rows); all positive. */
  constructor(sizes: readonly number[]) {
    const total = sizes.reduce((s, v) => s + v, 0)
    this.frac = new Float64Array(sizes.length)
    this.weight = Float64Array.from(sizes, (v) => (total > 0 ? v / total : 0))
  }

  /** Records piece `i`'s progress; returns the job's fraction done in [0, 1]. */
  update(i: number, done: number, total: number): number {
    this.frac[i] = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0
    return this.fraction()
  }

  fraction(): number {
    let f = 0
    for (let i = 0; i < this.frac.length; i++) f += this.frac[i]! * this.weight[i]!
    return Math.min(1, f)
  }
}

/**
 * Workers a job gets: one for GPU backends (webgl, webgpu: one device queue), else up to
 * `maxWorkers` (navigator.hardwareConcurrency, or the user's limit), and never more than the
 * pieces the work can be cut into.
 */
export function poolWorkers(
  backend: string | null,
  maxWorkers: number,
  rows: number,
  minRows: number,
): number {
  if (backend === 'webgl' || backend === 'webgpu') return 1
  const cap = Math.max(1, Math.floor(maxWorkers))
  return Math.max(1, Math.min(cap, Math.floor(rows / Math.max(1, minRows))))
}
