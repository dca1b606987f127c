/**
 * Guided counterfactual search: for a row and a desired side of the threshold, k diverse answers
 * ranked by validity, then sparsity, proximity and diversity (contracts §2). Steps, each one
 * batched into few model calls:
 * 1. seeds: every single allowed change of the row (numeric grid values, other categories) plus
 *    the row moved towards its nearest data rows on the desired side (mutable features only);
 * 2. beam search: the best partial answers (by p, at most two per changed-feature set) are
 *    extended by one more change per level until k different feature sets are valid or
 *    `maxChanges` is reached; seeded random multi-feature changes fill up when needed;
 * 3. sparsity: changes are reverted one at a time while the answer stays valid;
 * 4. proximity: each numeric change is moved back towards the row's value by a 16-ary search
 *    on the feature's step grid while the answer stays valid;
 * 5. selection: greedy by cost = 10·nChanged + proximity − ½·min(distance to chosen, 2), plus 2
 *    for repeating a chosen answer's feature set; the chosen answers are re-scored.
 */
import { modelInputMap } from '../modelInput.ts'
import { type Rng, rngFromSeed } from '../random.ts'
import type { BatchModel } from '../shap/coalitions.ts'
import {
  type CounterfactualConfig,
  type FeatureRule,
  ruleAllows,
  ruleInterval,
  ruleSnap,
} from './config.ts'
import {
  counterfactualChangedCount,
  counterfactualChanges,
  counterfactualDistance,
  counterfactualDiversity,
} from './metrics.ts'
import { ValueScorer } from './scorer.ts'
import type { Counterfactual, CounterfactualOptions, CounterfactualSet, Desired } from './types.ts'

type Cand = { v: Float64Array; p: number }

const keyOf = (v: Float64Array): string => v.join(',')

/** Feature-set key: indices of the changed features. */
function setKey(orig: ArrayLike<number>, v: Float64Array): string {
  let s = ''
  for (let j = 0; j < v.length; j++) if (v[j] !== orig[j]) s += `${j},`
  return s
}

/** New values feature j may take (relative to the row's value `o`), deduplicated. */
export function featureMoves(rule: FeatureRule, o: number): number[] {
  if (!rule.mutable) return []
  const out = new Set<number>()
  if (rule.kind === 'categorical') {
    for (const c of rule.allowed) if (c !== o) out.add(c)
    return [...out]
  }
  const [lo, hi] = ruleInterval(rule, o)
  if (!(lo <= hi)) return []
  const add = (x: number): void => {
    const s = ruleSnap(rule, x)
    if (s !== o && s >= lo && s <= hi && ruleAllows(rule, o, s)) out.add(s)
  }
  for (const g of rule.grid) add(g)
  if (Number.isFinite(lo)) add(lo)
  if (Number.isFinite(hi)) add(hi)
  return [...out].sort((a, b) => a - b)
}

/** Options resolved to numbers. */
type Ctx = {
  cfg: CounterfactualConfig
  orig: Float64Array
  desired: Desired
  threshold: number
  margin: number
  scorer: ValueScorer
  moves: number[][]
}

const goal = (c: Ctx, p: number): number => (c.desired === 'above' ? p : 1 - p)
const passes = (c: Ctx, p: number): boolean =>
  c.desired === 'above' ? p >= c.threshold + c.margin : p < c.threshold - c.margin

/** Keeps the best `width` states by goal, at most `perSet` per changed-feature set. */
function beamSelect(c: Ctx, states: Cand[], width: number, perSet: number): Cand[] {
  const sorted = [...states].sort((a, b) => goal(c, b.p) - goal(c, a.p))
  const per = new Map<string, number>()
  const out: Cand[] = []
  for (const s of sorted) {
    if (out.length >= width) break
    const k = setKey(c.orig, s.v)
    const n = per.get(k) ?? 0
    if (n >= perSet) continue
    per.set(k, n + 1)
    out.push(s)
  }
  return out
}

/** Reverts changes one at a time (best remaining goal first) while the answer stays valid. */
async function sparsify(c: Ctx, pool: Cand[]): Promise<Cand[]> {
  let work: Cand[] = pool.map((x) => ({ v: Float64Array.from(x.v), p: x.p }))
  for (;;) {
    const trials: { i: number; v: Float64Array }[] = []
    work.forEach((x, i) => {
      if (counterfactualChangedCount(x.v, c.orig) < 2) return
      for (let j = 0; j < x.v.length; j++) {
        if (x.v[j] === c.orig[j]) continue
        const v = Float64Array.from(x.v)
        v[j] = c.orig[j]!
        trials.push({ i, v })
      }
    })
    if (trials.length === 0) return work
    const p = await c.scorer.score(trials.map((t) => t.v))
    const best = new Map<number, { v: Float64Array; p: number }>()
    trials.forEach((t, q) => {
      if (!passes(c, p[q]!)) return
      const cur = best.get(t.i)
      if (!cur || goal(c, p[q]!) > goal(c, cur.p)) best.set(t.i, { v: t.v, p: p[q]! })
    })
    if (best.size === 0) return work
    work = work.map((x, i) => best.get(i) ?? x)
  }
}

/**
 * Moves numeric changes back towards the row's value while valid: per changed numeric feature
 * (one feature per candidate per pass), a 16-ary search on the step grid between the row's
 * value (taken as invalid: sparsity already tried it) and the current valid value.
 */
async function refineNumeric(c: Ctx, pool: Cand[]): Promise<Cand[]> {
  const work = pool.map((x) => ({ v: Float64Array.from(x.v), p: x.p }))
  const rules = c.cfg.features
  const numericChanged = (v: Float64Array): number[] => {
    const out: number[] = []
    for (let j = 0; j < v.length; j++)
      if (v[j] !== c.orig[j] && rules[j]!.kind === 'numeric') out.push(j)
    return out
  }
  const maxPass = Math.max(0, ...work.map((x) => numericChanged(x.v).length))
  for (let pass = 0; pass < maxPass; pass++) {
    // Search state per candidate: feature j, invalid end lo, valid end hi.
    const st = work.map((x) => {
      const j = numericChanged(x.v)[pass]
      return j === undefined ? null : { j, lo: c.orig[j]!, hi: x.v[j]! }
    })
    for (let round = 0; round < 8; round++) {
      const trials: { i: number; val: number }[] = []
      st.forEach((s, i) => {
        if (!s) return
        const rule = rules[s.j]!
        const pts = new Set<number>()
        for (let t = 1; t <= 15; t++) {
          const raw = s.lo + ((s.hi - s.lo) * t) / 16
          const val = rule.step > 0 ? ruleSnap(rule, raw) : raw
          if (val !== s.lo && val !== s.hi && (val - s.lo) * (s.hi - val) > 0) pts.add(val)
        }
        if (pts.size === 0 || (rule.step === 0 && Math.abs(s.hi - s.lo) <= 1e-6 * rule.scale)) {
          st[i] = null
          return
        }
        for (const val of pts) trials.push({ i, val })
      })
      if (trials.length === 0) break
      const rows = trials.map((t) => {
        const v = Float64Array.from(work[t.i]!.v)
        v[st[t.i]!.j] = t.val
        return v
      })
      const p = await c.scorer.score(rows)
      // Per candidate, the valid trial closest to the row's value; lo moves up to the nearest invalid below it.
      const byCand = new Map<number, { val: number; p: number; valid: boolean }[]>()
      trials.forEach((t, q) => {
        const arr = byCand.get(t.i) ?? []
        arr.push({ val: t.val, p: p[q]!, valid: passes(c, p[q]!) })
        byCand.set(t.i, arr)
      })
      for (const [i, arr] of byCand) {
        const s = st[i]!
        const dir = Math.sign(s.hi - s.lo)
        arr.sort((a, b) => dir * (a.val - b.val)) // from lo towards hi
        const first = arr.findIndex((a) => a.valid)
        if (first < 0) s.lo = arr[arr.length - 1]!.val
        else {
          s.hi = arr[first]!.val
          work[i]!.v[s.j] = s.hi
          work[i]!.p = arr[first]!.p
          if (first > 0) s.lo = arr[first - 1]!.val
        }
      }
    }
  }
  return work
}

/** Seeded random multi-feature changes (used to fill up, and by the random baseline). */
export function randomCandidates(
  cfg: CounterfactualConfig,
  orig: Float64Array,
  moves: readonly number[][],
  nFeatures: number,
  count: number,
  rng: Rng,
): Float64Array[] {
  const mutable: number[] = []
  moves.forEach((m, j) => {
    if (m.length > 0) mutable.push(j)
  })
  const out: Float64Array[] = []
  if (mutable.length === 0) return out
  const nf = Math.min(nFeatures, mutable.length)
  for (let s = 0; s < count; s++) {
    const v = Float64Array.from(orig)
    for (const t of rng.sampleWithoutReplacement(mutable.length, nf)) {
      const j = mutable[t]!
      const rule = cfg.features[j]!
      if (rule.kind === 'categorical') v[j] = moves[j]![rng.int(moves[j]!.length)]!
      else {
        const [lo, hi] = ruleInterval(rule, orig[j]!)
        let val = ruleSnap(rule, lo + rng.uniform() * (hi - lo))
        if (val === orig[j]) val = moves[j]![rng.int(moves[j]!.length)]!
        v[j] = val
      }
    }
    out.push(v)
  }
  return out
}

/** Greedy selection of k answers (see module doc). */
function selectDiverse(c: Ctx, cands: Cand[], k: number): Cand[] {
  const info = cands.map((x) => ({
    x,
    n: counterfactualChangedCount(x.v, c.orig),
    prox: counterfactualDistance(c.cfg, c.orig, x.v),
    set: setKey(c.orig, x.v),
  }))
  const chosen: typeof info = []
  const left = new Set(info.map((_, i) => i))
  while (chosen.length < k && left.size > 0) {
    let best = -1
    let bestCost = Infinity
    for (const i of left) {
      const a = info[i]!
      let cost = 10 * a.n + a.prox
      if (chosen.length > 0) {
        let dmin = Infinity
        let same = false
        for (const b of chosen) {
          dmin = Math.min(dmin, counterfactualDistance(c.cfg, a.x.v, b.x.v))
          if (b.set === a.set) same = true
        }
        cost -= 0.5 * Math.min(dmin, 2)
        if (same) cost += 2
      }
      if (cost < bestCost || (cost === bestCost && keyOf(a.x.v) < keyOf(info[best]!.x.v))) {
        bestCost = cost
        best = i
      }
    }
    chosen.push(info[best]!)
    left.delete(best)
  }
  return chosen.map((a) => a.x)
}

/** Runs the guided search with a given context; returns the valid pool after refinement. */
async function searchPool(
  c: Ctx,
  opts: CounterfactualOptions,
  k: number,
  rng: Rng,
  onStage: () => void,
): Promise<{ pool: Cand[]; best: number }> {
  const M = c.orig.length
  const beamWidth = opts.beamWidth ?? 16
  const maxChanges = opts.maxChanges ?? 4
  const found = new Map<string, Cand>()
  let bestGoal = -Infinity
  const addValid = (x: Cand): void => {
    const kk = keyOf(x.v)
    if (!found.has(kk)) found.set(kk, x)
  }
  const distinctSets = (): number =>
    new Set([...found.values()].map((x) => setKey(c.orig, x.v))).size
  const validSingles: Cand[] = []

  // Level 1: single changes + nearest desired-side data rows.
  const singles: Float64Array[] = []
  for (let j = 0; j < M; j++) {
    for (const val of c.moves[j]!) {
      const v = Float64Array.from(c.orig)
      v[j] = val
      singles.push(v)
    }
  }
  const seeds: Float64Array[] = []
  if (opts.data) {
    const { values, predictions } = opts.data
    const nNb = opts.neighbors ?? 2 * k
    const near: { d: number; r: number }[] = []
    for (let r = 0; r < values.rows; r++) {
      if (!passes(c, predictions[r]!)) continue
      const row = values.data.subarray(r * M, (r + 1) * M)
      near.push({ d: counterfactualDistance(c.cfg, c.orig, row), r })
    }
    near.sort((a, b) => a.d - b.d || a.r - b.r)
    for (const { r } of near.slice(0, nNb)) {
      const v = Float64Array.from(c.orig)
      for (let j = 0; j < M; j++) {
        const rule = c.cfg.features[j]!
        let val = values.data[r * M + j]!
        if (rule.kind === 'numeric') {
          const [lo, hi] = ruleInterval(rule, c.orig[j]!)
          val = ruleSnap(rule, Math.min(hi, Math.max(lo, val)))
        }
        if (ruleAllows(rule, c.orig[j]!, val)) v[j] = val
      }
      if (counterfactualChangedCount(v, c.orig) > 0) seeds.push(v)
    }
  }
  const first = [...singles, ...seeds]
  const p1 = await c.scorer.score(first)
  onStage()
  let frontier: Cand[] = []
  first.forEach((v, q) => {
    const x = { v, p: p1[q]! }
    bestGoal = Math.max(bestGoal, goal(c, x.p))
    if (passes(c, x.p)) {
      addValid(x)
      if (q < singles.length) validSingles.push(x)
    } else if (q < singles.length) frontier.push(x)
  })

  // Beam levels.
  for (
    let depth = 2;
    depth <= maxChanges && distinctSets() < k && validSingles.length < k && frontier.length > 0;
    depth++
  ) {
    const beam = beamSelect(c, frontier, beamWidth, 2)
    const rows: Float64Array[] = []
    const seen = new Set<string>()
    for (const s of beam) {
      for (let j = 0; j < M; j++) {
        if (s.v[j] !== c.orig[j]) continue
        for (const val of c.moves[j]!) {
          const v = Float64Array.from(s.v)
          v[j] = val
          const kk = keyOf(v)
          if (seen.has(kk)) continue
          seen.add(kk)
          rows.push(v)
        }
      }
    }
    if (rows.length === 0) break
    const p = await c.scorer.score(rows)
    frontier = []
    rows.forEach((v, q) => {
      const x = { v, p: p[q]! }
      bestGoal = Math.max(bestGoal, goal(c, x.p))
      if (passes(c, x.p)) addValid(x)
      else frontier.push(x)
    })
  }
  onStage()

  // Seeded random fill-up when still short of k answers.
  if (found.size < k) {
    const samples = opts.randomSamples ?? 256
    const rows: Float64Array[] = []
    for (let nf = 1; nf <= maxChanges + 2; nf++)
      rows.push(
        ...randomCandidates(c.cfg, c.orig, c.moves, nf, Math.ceil(samples / (maxChanges + 2)), rng),
      )
    if (rows.length > 0) {
      const p = await c.scorer.score(rows)
      rows.forEach((v, q) => {
        bestGoal = Math.max(bestGoal, goal(c, p[q]!))
        if (passes(c, p[q]!)) addValid({ v, p: p[q]! })
      })
    }
  }

  // Keep the most promising candidates (sparse first, at most 4 per feature set), then refine.
  const ranked = [...found.values()]
    .map((x) => ({
      x,
      n: counterfactualChangedCount(x.v, c.orig),
      d: counterfactualDistance(c.cfg, c.orig, x.v),
    }))
    .sort((a, b) => a.n - b.n || a.d - b.d)
  const per = new Map<string, number>()
  const keep: Cand[] = []
  for (const r of ranked) {
    if (keep.length >= 48) break
    const s = setKey(c.orig, r.x.v)
    const n = per.get(s) ?? 0
    if (n >= 4) continue
    per.set(s, n + 1)
    keep.push(r.x)
  }
  const sparse = await sparsify(c, keep)
  onStage()
  const refined = await refineNumeric(c, sparse)
  onStage()
  // Unrefined valid single changes stay candidates too (up to 6 values per feature, spread over
  // the valid values): the sparsest alternatives to one another's refined minimum.
  const byFeature = new Map<string, Cand[]>()
  for (const x of validSingles) {
    const s = setKey(c.orig, x.v)
    byFeature.set(s, [...(byFeature.get(s) ?? []), x])
  }
  const spread: Cand[] = []
  for (const list of byFeature.values()) {
    if (list.length <= 6) spread.push(...list)
    else for (let i = 0; i < 6; i++) spread.push(list[Math.round((i * (list.length - 1)) / 5)]!)
  }
  const uniq = new Map<string, Cand>()
  for (const x of [...refined, ...spread]) if (!uniq.has(keyOf(x.v))) uniq.set(keyOf(x.v), x)
  return { pool: [...uniq.values()], best: bestGoal }
}

/**
 * k diverse counterfactuals for one row of feature values (see module doc).
 * @example
 * const cfg = counterfactualConfig(schema, enc.values, { directions: { age: 'increase' } })
 * const set = await counterfactualSearch(predict, cfg, rowValues, { data: { values: enc.values, predictions } })
 */
export async function counterfactualSearch(
  predict: BatchModel,
  cfg: CounterfactualConfig,
  row: ArrayLike<number>,
  opts: CounterfactualOptions = {},
): Promise<CounterfactualSet> {
  const M = cfg.features.length
  if (row.length !== M)
    throw new RangeError(`counterfactual: row has ${row.length} values, schema has ${M} features`)
  const threshold = opts.threshold ?? 0.5
  const k = Math.max(1, Math.floor(opts.k ?? 4))
  const rng = opts.rng ?? rngFromSeed(opts.seed ?? 1)
  const scorer = new ValueScorer(
    predict,
    opts.input ?? modelInputMap(cfg.schema),
    opts.precision ?? 'float32',
    opts.chunkRows,
    opts.checkCancel,
  )
  const orig = Float64Array.from(row)
  const [p0] = await scorer.score([orig])
  const prediction = p0!
  const desired: Desired = opts.desired ?? (prediction >= threshold ? 'below' : 'above')
  const c: Ctx = {
    cfg,
    orig,
    desired,
    threshold,
    margin: opts.margin ?? 1e-4,
    scorer,
    moves: cfg.features.map((f, j) => featureMoves(f, orig[j]!)),
  }
  const stages = 5
  let stage = 0
  const onStage = (): void => opts.onProgress?.(Math.min(stages, ++stage), stages)
  const base = { prediction, desired, threshold }
  const onSide = desired === 'above' ? prediction >= threshold : prediction < threshold
  if (onSide) {
    opts.onProgress?.(stages, stages)
    return {
      ...base,
      counterfactuals: [],
      diversity: null,
      noneReason: 'the row is already on the desired side of the threshold',
      evaluations: scorer.evaluations,
    }
  }
  if (c.moves.every((m) => m.length === 0)) {
    opts.onProgress?.(stages, stages)
    return {
      ...base,
      counterfactuals: [],
      diversity: null,
      noneReason: 'all features are immutable or have no allowed value',
      evaluations: scorer.evaluations,
    }
  }
  const { pool, best } = await searchPool(c, opts, k, rng, onStage)
  const chosen = selectDiverse(c, pool, k)
  const answers: Counterfactual[] = []
  if (chosen.length > 0) {
    const p = await scorer.score(chosen.map((x) => x.v))
    chosen.forEach((x, i) => {
      const pi = p[i]!
      const valid = desired === 'above' ? pi >= threshold : pi < threshold
      if (!valid) return
      answers.push({
        values: x.v,
        changes: counterfactualChanges(cfg, orig, x.v),
        prediction: pi,
        valid,
        nChanged: counterfactualChangedCount(x.v, orig),
        proximity: counterfactualDistance(cfg, orig, x.v),
      })
    })
  }
  onStage()
  let noneReason: string | null = null
  if (answers.length === 0) {
    const bestP = desired === 'above' ? best : 1 - best
    noneReason = await explainFailure(predict, cfg, orig, desired, opts, k, scorer, bestP)
  }
  return {
    ...base,
    counterfactuals: answers,
    diversity: counterfactualDiversity(
      cfg,
      answers.map((a) => a.values),
    ),
    noneReason,
    evaluations: scorer.evaluations,
  }
}

/** Says why nothing was found: reruns the search with every constraint lifted. */
async function explainFailure(
  predict: BatchModel,
  cfg: CounterfactualConfig,
  orig: Float64Array,
  desired: Desired,
  opts: CounterfactualOptions,
  k: number,
  scorer: ValueScorer,
  bestP: number,
): Promise<string> {
  const maxChanges = opts.maxChanges ?? 4
  const closest = `closest p = ${bestP.toFixed(3)}`
  const fail = `no allowed change of up to ${maxChanges} features reached the desired side (${closest})`
  if (opts.explainFailure === false) return fail
  const relaxed: CounterfactualConfig = {
    schema: cfg.schema,
    features: cfg.features.map((f) => ({
      ...f,
      mutable: true,
      direction: 'any' as const,
      allowed:
        f.kind === 'categorical' ? Int32Array.from({ length: f.max + 1 }, (_, i) => i) : f.allowed,
    })),
  }
  const sub = new ValueScorer(
    predict,
    opts.input ?? modelInputMap(cfg.schema),
    opts.precision ?? 'float32',
    opts.chunkRows,
    opts.checkCancel,
  )
  const c: Ctx = {
    cfg: relaxed,
    orig,
    desired,
    threshold: opts.threshold ?? 0.5,
    margin: opts.margin ?? 1e-4,
    scorer: sub,
    moves: relaxed.features.map((f, j) => featureMoves(f, orig[j]!)),
  }
  const { pool } = await searchPool(c, { ...opts, randomSamples: 0 }, k, rngFromSeed(1), () => {})
  scorer.evaluations += sub.evaluations
  if (pool.length === 0) return fail
  const blocked = new Set<string>()
  let allImmutable = true
  for (const x of pool) {
    for (let j = 0; j < x.v.length; j++) {
      const f = cfg.features[j]!
      if (x.v[j] === orig[j] || ruleAllows(f, orig[j]!, x.v[j]!)) continue
      blocked.add(f.name)
      if (f.mutable) allImmutable = false
    }
  }
  const names = [...blocked].join(', ')
  if (allImmutable)
    return `all features that could flip the prediction are immutable (${names}); ${closest} with the allowed changes`
  return `the changes that flip the prediction need values the constraints exclude (${names}); ${closest} with the allowed changes`
}
