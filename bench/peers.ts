import { type Comparison, compareWith } from './report.ts'

/**
 * Targets from the issue and peer tools' numbers measured on this kind of machine (2-core
 * Debian VM, no GPU; same kind of Adult MLP with 12 raw features and 50 background rows).
 */

/** SHAP, seconds per explained row. */
export const SHAP_PEERS = {
  /** shap KernelExplainer, exact mode (nsamples 4094, l1_reg off): the target to beat. */
  kernelExact: 0.27,
  /** shap KernelExplainer default mode (not exact: errors up to 5e-3). */
  kernelDefault: 0.16,
  /** WebSHAP with all 4,094 coalitions (tfjs wasm in Node). */
  webShapExact: 7.6,
} as const

/** The targets on this 2-core machine (no GPU), demo model. */
export const TARGETS = {
  /** Exact SHAP per row on the best black-box backend. */
  shapBlackBoxS: 0.1,
  /** Exact SHAP per row with the Dense fast path. */
  shapFastPathS: 0.02,
  /** SHAP seconds over the predict floor of the same (deduplicated) model rows: ≤ 25 % overhead. */
  shapOverFloor: 1.25,
  /** Global SHAP of 1,000 rows. */
  global1000S: 60,
  /** Compression evaluation of all variants with SHAP stability on 50 rows. */
  compressionS: 30,
} as const

/** Our exact SHAP seconds per row against the peers (informational). */
export function shapComparisons(v: number | null): Comparison[] {
  return [
    compareWith(v, 'peer', 'shap KernelExplainer exact', SHAP_PEERS.kernelExact, 's/row'),
    compareWith(
      v,
      'peer',
      'shap KernelExplainer default (not exact)',
      SHAP_PEERS.kernelDefault,
      's/row',
    ),
    compareWith(v, 'peer', 'WebSHAP, all coalitions', SHAP_PEERS.webShapExact, 's/row'),
  ]
}

/** A plain batched predict of the ~204,800 rows of one exact SHAP row, seconds. */
export const FLOOR_PEERS = {
  numpy: 0.024,
  /** tfjs wasm in Node, a bigger MLP (108→64→32→1). */
  tfjsWasm: 0.087,
} as const

/** Captum IntegratedGradients, 50 Gauss–Legendre steps, 8 rows per call: seconds per row. */
export const IG_CAPTUM_GL50 = 0.0018

/** One DiCE method's numbers. */
export type DiceFigures = { secondsPerQuery: number; meanChanged: number; proximity: number }

/** DiCE with k = 4, sex and race immutable. Proximity is DiCE's normalised L1 (MAD scale). */
export const DICE: Record<'random' | 'genetic', DiceFigures> = {
  random: { secondsPerQuery: 0.094, meanChanged: 1.59, proximity: 8.8 },
  genetic: { secondsPerQuery: 0.71, meanChanged: 4.0, proximity: 5.3 },
}

/** The counterfactual targets (k = 4, 100 negative rows). */
export const CF_TARGETS = {
  validShare: 1,
  meanChanged: 1.59,
  secondsPerQuery: 0.094,
} as const

/** The target for SHAP over its predict floor (≤ 1.25 ×). */
export const overFloorCompare = (v: number | null) => [
  compareWith(v, 'target', 'issue: SHAP ≤ 1.25 × floor', TARGETS.shapOverFloor, '×', 'atMost'),
]
