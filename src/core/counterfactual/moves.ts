/**
 * The values a counterfactual may give each feature (its allowed moves from the row's value) and
 * seeded random multi-feature changes built from them: the guided search fills up with those, and
 * the random baseline is made of nothing else.
 */
import type { Rng } from '../random.ts'
import {
  type CounterfactualConfig,
  type FeatureRule,
  ruleAllows,
  ruleInterval,
  ruleSnap,
} from './config.ts'

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
