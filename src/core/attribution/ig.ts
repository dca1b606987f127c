/**
 * Integrated gradients (Sundararajan et al. 2017) of f = the class-of-interest probability with
 * respect to the encoded input, per encoded input and summed per raw feature:
 *   IG_j = (x_j − x'_j) ∫₀¹ ∂f/∂x_j (x' + α (x − x')) dα.
 * Baselines (contracts §2/§3): the weighted background mean (default), zeros, a given encoded
 * row, or `expected` = expected gradients as the weighted average over background rows b of the
 * IG with baseline b (deterministic, not the sampled one-point-per-path formulation; its
 * completeness reference is f(x) − Σ_b w_b f(b)).
 * Without a fixed `steps`, the rule starts at 64 steps and doubles until the largest per-feature
 * change between n and 2n steps is < 1e-3 (cap 4096); the 2n-step result is reported.
 * All path points of all rows are streamed through the GradFn in large chunks.
 */
import type { CheckCancel, GradFn, Matrix, ProgressFn } from '../types.ts'
import { type Background, backgroundMean } from '../shap/background.ts'
import {
  type BatchModel,
  ChunkBuffer,
  type Precision,
  Progress,
  defaultChunkRows,
} from '../shap/coalitions.ts'
import { type IgRule, igQuadrature } from './quadrature.ts'

/** Which baseline x' to integrate from. */
export type IgBaseline =
  | { kind: 'mean' }
  | { kind: 'zeros' }
  | { kind: 'row'; x: ArrayLike<number> }
  | { kind: 'expected' }

/** Options of {@link igExplain}. */
export type IgOptions = {
  /** Needed by the `mean` (default) and `expected` baselines. */
  background?: Background
  /** Default `{ kind: 'mean' }`. */
  baseline?: IgBaseline
  /** Raw-feature blocks (`schemaOffsets(schema)`); default: one feature per encoded input. */
  offsets?: Int32Array
  /** Default `midpoint`. */
  rule?: IgRule
  /** A fixed number of steps, used as is (no refinement). */
  steps?: number
  /** First n of the doubling refinement (default 64). */
  initialSteps?: number
  /** Stop when max per-feature |IG(2n) − IG(n)| < tolerance (default 1e-3). */
  tolerance?: number
  /** Largest 2n tried (default 4096). */
  maxSteps?: number
  /** Path points per GradFn call (default 2^18 rows or 2^23 values, whichever is smaller). */
  chunkRows?: number
  /** Encoded buffer type; default float64 when `x` is a Float64Array, else float32. */
  precision?: Precision
  /** Progress in gradient rows evaluated (the total grows if refinement continues). */
  onProgress?: ProgressFn
  /** Polled before every GradFn/model call. */
  checkCancel?: CheckCancel
}

/** Integrated gradients of one row. */
export type IgResult = {
  /** Per raw feature (sum over its encoded inputs). */
  ig: Float64Array
  /** Per encoded input. */
  igEncoded: Float64Array
  /** Steps of the reported result (the 2n of the last comparison, or the fixed steps). */
  steps: number
  /** True when refinement met the tolerance (always true for fixed steps). */
  converged: boolean
  /** Last max per-feature change between n and 2n (NaN for fixed steps). */
  change: number
  /** ΣIG − (f(x) − f(x')); for `expected`, f(x') = Σ_b w_b f(b). Signed. */
  completenessGap: number
  /** f(x). */
  prediction: number
  /** f(x') (expected: Σ_b w_b f(b)). */
  baselinePrediction: number
}

/** Rows to explain and the weighted baselines every row integrates from (1, or K for expected). */
type Job = {
  x: Matrix
  baselines: Float64Array
  nBase: number
  baseWeights: Float64Array
}

/**
 * Σ_k ω_k ∇f(x' + α_k (x − x')) for every (row, baseline) path, for each rule instance in
 * `levels` (one output per level), streamed through `grad` in chunks.
 */
async function pathGradientSums(
  grad: GradFn,
  job: Job,
  rows: readonly number[],
  levels: readonly { nodes: Float64Array; weights: Float64Array }[],
  chunkRows: number,
  precision: Precision,
  progress: Progress,
  checkCancel: CheckCancel | undefined,
): Promise<Float64Array[]> {
  const w = job.x.cols
  const X = job.x.data
  const nb = job.nBase
  const nPaths = rows.length * nb
  const sums = levels.map(() => new Float64Array(nPaths * w))
  // Flattened points: for each level, for each path, each node.
  const perPath = levels.map((l) => l.nodes.length)
  const pointsPerPath = perPath.reduce((a, b) => a + b, 0)
  const total = nPaths * pointsPerPath
  if (total === 0) return sums
  const chunk = new ChunkBuffer(Math.min(chunkRows, total), w, precision)
  const lvlOfPoint = new Int32Array(pointsPerPath)
  const nodeOfPoint = new Int32Array(pointsPerPath)
  {
    let q = 0
    levels.forEach((l, li) => {
      for (let k = 0; k < l.nodes.length; k++) {
        lvlOfPoint[q] = li
        nodeOfPoint[q++] = k
      }
    })
  }
  const delta = new Float64Array(w)
  for (let g = 0; g < total;) {
    await checkCancel?.()
    const n = Math.min(chunk.rows, total - g)
    const buf = chunk.data
    let lastPath = -1
    let bo = 0
    for (let t = 0; t < n; t++) {
      const gi = g + t
      const path = Math.floor(gi / pointsPerPath)
      const q = gi - path * pointsPerPath
      const ri = rows[Math.floor(path / nb)]!
      if (path !== lastPath) {
        lastPath = path
        bo = (path % nb) * w
        for (let j = 0; j < w; j++) delta[j] = X[ri * w + j]! - job.baselines[bo + j]!
      }
      const a = levels[lvlOfPoint[q]!]!.nodes[nodeOfPoint[q]!]!
      const o = t * w
      for (let j = 0; j < w; j++) buf[o + j] = job.baselines[bo + j]! + a * delta[j]!
    }
    const gm = await grad({ data: buf.subarray(0, n * w), rows: n, cols: w })
    if (gm.rows !== n || gm.cols !== w)
      throw new RangeError(`grad returned ${gm.rows}x${gm.cols} for ${n}x${w}`)
    const G = gm.data
    for (let t = 0; t < n; t++) {
      const gi = g + t
      const path = Math.floor(gi / pointsPerPath)
      const q = gi - path * pointsPerPath
      const li = lvlOfPoint[q]!
      const om = levels[li]!.weights[nodeOfPoint[q]!]!
      const s = sums[li]!
      const so = path * w
      const go = t * w
      for (let j = 0; j < w; j++) s[so + j] = s[so + j]! + om * G[go + j]!
    }
    g += n
    progress.add(n)
  }
  return sums
}

/** IG per encoded input of each requested row from the path sums (averaging over baselines). */
function igFromSums(job: Job, rows: readonly number[], sums: Float64Array): Float64Array[] {
  const w = job.x.cols
  const nb = job.nBase
  return rows.map((ri, i) => {
    const out = new Float64Array(w)
    for (let b = 0; b < nb; b++) {
      const bo = b * w
      const wb = job.baseWeights[b]!
      const so = (i * nb + b) * w
      for (let j = 0; j < w; j++)
        out[j] = out[j]! + wb * (job.x.data[ri * w + j]! - job.baselines[bo + j]!) * sums[so + j]!
    }
    return out
  })
}

function perFeature(enc: Float64Array, offsets: Int32Array): Float64Array {
  const M = offsets.length - 1
  const out = new Float64Array(M)
  for (let i = 0; i < M; i++)
    for (let j = offsets[i]!; j < offsets[i + 1]!; j++) out[i] = out[i]! + enc[j]!
  return out
}

function maxChange(a: Float64Array, b: Float64Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

/**
 * Integrated gradients for every row of `x` (encoded). `grad` gives ∂f/∂x in batches and
 * `predict` gives f (for the completeness gap).
 * @throws RangeError when the baseline needs a background that was not given, or on bad sizes.
 * @example
 * const [r] = await igExplain(gradFn, predictFn, rowX, { background: bg, offsets: schemaOffsets(schema) })
 * r.ig // per raw feature; r.steps = 2n used; r.completenessGap signed
 */
export async function igExplain(
  grad: GradFn,
  predict: BatchModel,
  x: Matrix,
  opts: IgOptions = {},
): Promise<IgResult[]> {
  const w = x.cols
  const R = x.rows
  const offsets = opts.offsets ?? Int32Array.from({ length: w + 1 }, (_, i) => i)
  if (offsets[0] !== 0 || offsets[offsets.length - 1] !== w)
    throw new RangeError(`integrated gradients: offsets must span 0..${w}`)
  const spec = opts.baseline ?? { kind: 'mean' }
  const precision: Precision =
    opts.precision ?? (x.data instanceof Float64Array ? 'float64' : 'float32')
  const chunkRows = Math.max(1, Math.floor(opts.chunkRows ?? defaultChunkRows(w)))
  const rule = opts.rule ?? 'midpoint'

  let job: Job
  if (spec.kind === 'expected' || spec.kind === 'mean') {
    const bg = opts.background
    if (!bg)
      throw new RangeError(`integrated gradients: the ${spec.kind} baseline needs a background`)
    if (bg.x.cols !== w)
      throw new RangeError(
        `integrated gradients: background has ${bg.x.cols} columns, rows have ${w}`,
      )
    if (spec.kind === 'mean')
      job = { x, baselines: backgroundMean(bg), nBase: 1, baseWeights: Float64Array.of(1) }
    else
      job = {
        x,
        baselines: Float64Array.from(bg.x.data),
        nBase: bg.x.rows,
        baseWeights: bg.weights,
      }
  } else if (spec.kind === 'zeros') {
    job = { x, baselines: new Float64Array(w), nBase: 1, baseWeights: Float64Array.of(1) }
  } else {
    if (spec.x.length !== w)
      throw new RangeError(
        `integrated gradients: baseline row has ${spec.x.length} values, rows have ${w}`,
      )
    job = { x, baselines: Float64Array.from(spec.x), nBase: 1, baseWeights: Float64Array.of(1) }
  }
  const nb = job.nBase

  // f(x) and f(baselines) in one call.
  const fRows = R + nb
  const fixed = opts.steps
  const n0 = opts.initialSteps ?? 64
  const cap = opts.maxSteps ?? 4096
  const tol = opts.tolerance ?? 1e-3
  const pointsOf = (n: number): number => igQuadrature(rule, n).nodes.length
  const firstTotal = fixed ? R * nb * pointsOf(fixed) : R * nb * (pointsOf(n0) + pointsOf(2 * n0))
  const progress = new Progress(fRows + firstTotal, opts.onProgress)
  const fbuf = new ChunkBuffer(Math.min(chunkRows, fRows), w, precision)
  const fx = new Float64Array(R)
  const fb = new Float64Array(nb)
  for (let g = 0; g < fRows;) {
    await opts.checkCancel?.()
    const n = Math.min(fbuf.rows, fRows - g)
    const buf = fbuf.data
    for (let t = 0; t < n; t++) {
      const gi = g + t
      if (gi < R) buf.set(x.data.subarray(gi * w, (gi + 1) * w), t * w)
      else buf.set(job.baselines.subarray((gi - R) * w, (gi - R + 1) * w), t * w)
    }
    const p = await fbuf.predict(predict, n)
    for (let t = 0; t < n; t++) {
      const gi = g + t
      if (gi < R) fx[gi] = p[t]!
      else fb[gi - R] = p[t]!
    }
    g += n
    progress.add(n)
  }
  let fBase = 0
  for (let b = 0; b < nb; b++) fBase += job.baseWeights[b]! * fb[b]!

  const finish = (
    r: number,
    enc: Float64Array,
    steps: number,
    converged: boolean,
    change: number,
  ): IgResult => {
    let s = 0
    for (const v of enc) s += v
    return {
      ig: perFeature(enc, offsets),
      igEncoded: enc,
      steps,
      converged,
      change,
      completenessGap: s - (fx[r]! - fBase),
      prediction: fx[r]!,
      baselinePrediction: fBase,
    }
  }
  const all = Array.from({ length: R }, (_, i) => i)
  const results: IgResult[] = new Array<IgResult>(R)
  if (fixed !== undefined) {
    const [sums] = await pathGradientSums(
      grad,
      job,
      all,
      [igQuadrature(rule, fixed)],
      chunkRows,
      precision,
      progress,
      opts.checkCancel,
    )
    igFromSums(job, all, sums!).forEach((enc, i) => (results[i] = finish(i, enc, fixed, true, NaN)))
    return results
  }

  // Doubling refinement, all still-active rows batched per level.
  let n = n0
  let active = all
  let prev: Float64Array[] = []
  let first = true
  while (active.length > 0) {
    const levels = first
      ? [igQuadrature(rule, n), igQuadrature(rule, 2 * n)]
      : [igQuadrature(rule, 2 * n)]
    if (!first) progress.grow(active.length * nb * levels[0]!.nodes.length)
    const sums = await pathGradientSums(
      grad,
      job,
      active,
      levels,
      chunkRows,
      precision,
      progress,
      opts.checkCancel,
    )
    const coarse = first ? igFromSums(job, active, sums[0]!) : prev
    const fine = igFromSums(job, active, sums[sums.length - 1]!)
    const next: number[] = []
    const nextPrev: Float64Array[] = []
    active.forEach((r, i) => {
      const change = maxChange(perFeature(fine[i]!, offsets), perFeature(coarse[i]!, offsets))
      if (change < tol || 2 * n >= cap)
        results[r] = finish(r, fine[i]!, 2 * n, change < tol, change)
      else {
        next.push(r)
        nextPrev.push(fine[i]!)
      }
    })
    active = next
    prev = nextPrev
    first = false
    n *= 2
  }
  return results
}
