/**
 * Counterfactual quality metrics (contracts §2): proximity = Σ_numeric |Δ|/scale (scale = MAD,
 * std when the MAD is 0) + Σ_categorical 1[changed]; sparsity = number of features changed;
 * diversity = mean pairwise proximity of the answers.
 */
import type { CounterfactualConfig } from './config.ts'
import { dict } from '../dict.ts'

/** Proximity between two feature-value rows under the config's scales (a distance, ≥ 0). */
export function counterfactualDistance(
  cfg: CounterfactualConfig,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): number {
  let d = 0
  cfg.features.forEach((f, j) => {
    const x = a[j]!
    const y = b[j]!
    if (x === y) return
    d += f.kind === 'categorical' ? 1 : Math.abs(x - y) / f.scale
  })
  return d
}

/** Number of features whose value differs. */
export function counterfactualChangedCount(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) n++
  return n
}

/** The changed features with their new values (numbers, or category names; "" for unknown). */
export function counterfactualChanges(
  cfg: CounterfactualConfig,
  orig: ArrayLike<number>,
  cf: ArrayLike<number>,
): Record<string, number | string> {
  const out = dict<number | string>()
  cfg.schema.features.forEach((f, j) => {
    const v = cf[j]!
    if (v === orig[j]) return
    out[f.name] = f.type === 'categorical' ? (f.categories[v] ?? '') : v
  })
  return out
}

/** Mean pairwise proximity of the rows; null for fewer than two. */
export function counterfactualDiversity(
  cfg: CounterfactualConfig,
  rows: readonly ArrayLike<number>[],
): number | null {
  if (rows.length < 2) return null
  let s = 0
  let n = 0
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      s += counterfactualDistance(cfg, rows[i]!, rows[j]!)
      n++
    }
  }
  return s / n
}
