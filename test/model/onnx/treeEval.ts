/**
 * A tiny tree-ensemble evaluator for the tests, written independently of src/core/tree: one
 * row at a time, the comparison rules of CONTRACTS §7 (float32 inputs unless the ensemble
 * compares in float64; NaN follows the missing branch).
 */
import { SplitMode, type TreeEnsemble } from '../../../src/core/tree/types.ts'

function goesYes(mode: number, x: number, t: number): boolean {
  switch (mode) {
    case SplitMode.Leq:
      return x <= t
    case SplitMode.Lt:
      return x < t
    case SplitMode.Gte:
      return x >= t
    case SplitMode.Gt:
      return x > t
    case SplitMode.Eq:
      return x === t
    case SplitMode.Neq:
      return x !== t
    default:
      throw new Error(`mode ${mode} at a branch`)
  }
}

/** Margins of one row (length nOutputs): base + Σ leaf values (÷ trees for AVERAGE). */
export function testMargins(e: TreeEnsemble, row: ArrayLike<number>): Float64Array {
  const out = new Float64Array(e.nOutputs)
  for (const t of e.trees) {
    let node = 0
    for (let guard = 0; t.mode[node] !== SplitMode.Leaf; guard++) {
      if (guard > t.nodes) throw new Error('cycle')
      const raw = row[t.feature[node]!]!
      const x = e.thresholdPrecision === 'float32' ? Math.fround(raw) : raw
      const yes = Number.isNaN(x)
        ? t.missingYes[node] === 1
        : goesYes(t.mode[node]!, x, t.threshold[node]!)
      node = yes ? t.yes[node]! : t.no[node]!
    }
    for (let k = 0; k < e.nOutputs; k++) out[k]! += t.value[node * e.nOutputs + k]!
  }
  for (let k = 0; k < e.nOutputs; k++) {
    if (e.aggregate === 'AVERAGE') out[k]! /= e.trees.length
    out[k]! += e.base[k]!
  }
  return out
}

/** Probability of output `k` from the margins (binary: class 1 when k = 1). */
export function testProbability(e: TreeEnsemble, m: Float64Array, k: number): number {
  if (e.binary) {
    const s = m[0]!
    const p1 = e.postTransform === 'LOGISTIC' ? 1 / (1 + Math.exp(-s)) : s
    return k === 1 ? p1 : 1 - p1
  }
  if (e.postTransform === 'SOFTMAX') {
    const max = Math.max(...m)
    const ex = Array.from(m, (v) => Math.exp(v - max))
    return ex[k]! / ex.reduce((a, b) => a + b, 0)
  }
  if (e.postTransform === 'NONE') return m[k]!
  throw new Error(`post-transform ${e.postTransform}`)
}
