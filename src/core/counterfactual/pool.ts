/**
 * The pool of valid candidates of the guided search (steps 1–4 of `search.ts`'s module doc):
 * single changes and nearest desired-side rows, the beam levels, a seeded random fill-up, then
 * sparsification and numeric refinement.
 */
import type { Rng } from '../random.ts'
import { ruleAllows, ruleInterval, ruleSnap } from './config.ts'
import { counterfactualChangedCount, counterfactualDistance } from './metrics.ts'
import { randomCandidates } from './moves.ts'
import {
  type Cand,
  type Ctx,
  beamSelect,
  goal,
  keyOf,
  passes,
  refineNumeric,
  setKey,
  sparsify,
} from './steps.ts'
import type { CounterfactualOptions } from './types.ts'

/** Runs the guided search with a given context; returns the valid pool after refinement. */
export async function searchPool(
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
