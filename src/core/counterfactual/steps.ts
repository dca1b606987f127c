/**
 * The steps of the guided counterfactual search that work on a pool of candidates (see the module
 * doc of `search.ts`): the beam's selection, sparsification, numeric refinement and the final
 * diverse selection, with the search context they share.
 */
import { ruleSnap, type CounterfactualConfig } from './config.ts'
import { counterfactualChangedCount, counterfactualDistance } from './metrics.ts'
import { featureMoves } from './moves.ts'
import type { ValueScorer } from './scorer.ts'
import type { Desired } from './types.ts'

/** A candidate: feature values and the model's prediction for them. */
export type Cand = { v: Float64Array; p: number }

/** Identity of a candidate: its values. */
export const keyOf = (v: Float64Array): string => v.join(',')

/** Feature-set key: indices of the changed features. */
export function setKey(orig: ArrayLike<number>, v: Float64Array): string {
  let s = ''
  for (let j = 0; j < v.length; j++) if (v[j] !== orig[j]) s += `${j},`
  return s
}

/** The search context: options resolved to numbers, the scorer and each feature's moves. */
export type Ctx = {
  cfg: CounterfactualConfig
  orig: Float64Array
  desired: Desired
  threshold: number
  margin: number
  scorer: ValueScorer
  moves: number[][]
}

/** The context of a search of `cfg` from `orig`, each feature's moves computed once. */
export function searchContext(
  cfg: CounterfactualConfig,
  orig: Float64Array,
  desired: Desired,
  threshold: number,
  margin: number,
  scorer: ValueScorer,
): Ctx {
  const moves = cfg.features.map((f, j) => featureMoves(f, orig[j]!))
  return { cfg, orig, desired, threshold, margin, scorer, moves }
}

/** How far p is towards the desired side (p for `above`, 1 − p for `below`). */
export const goal = (c: Ctx, p: number): number => (c.desired === 'above' ? p : 1 - p)
/** p is on the desired side with the search's safety margin. */
export const passes = (c: Ctx, p: number): boolean =>
  c.desired === 'above' ? p >= c.threshold + c.margin : p < c.threshold - c.margin

/** Keeps the best `width` states by goal, at most `perSet` per changed-feature set. */
export function beamSelect(c: Ctx, states: Cand[], width: number, perSet: number): Cand[] {
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
export async function sparsify(c: Ctx, pool: Cand[]): Promise<Cand[]> {
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
export async function refineNumeric(c: Ctx, pool: Cand[]): Promise<Cand[]> {
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

/** Greedy selection of k answers (see module doc). */
export function selectDiverse(c: Ctx, cands: Cand[], k: number): Cand[] {
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
