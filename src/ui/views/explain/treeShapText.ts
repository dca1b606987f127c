/**
 * What a tree model's TreeSHAP values explain, in words and numbers: the margin's units (log-odds
 * for a logistic link, the probability itself for averaged trees, a class score before softmax),
 * the link from margin to probability, and the completeness of one flavour of TreeSHAP (base
 * value + Σφ, and how far the link of that sum is from the model's prediction). Pure.
 */
import type { ModelCard } from '../../../model/card.ts'
import type { TreeShapValues } from '../../../core/tree/explain.ts'
import { fmt } from '../../format.ts'

/** How a tree model's margin becomes its probability: σ(m), m itself, or neither (softmax). */
export type MarginLink = 'logistic' | 'identity' | null

/**
 * The link of a model's class-of-interest margin: `logistic` for a sigmoid / LOGISTIC output of
 * two classes (XGBoost binary:logistic, a boosted ONNX classifier), `identity` when the trees'
 * scores are the probability (post-transform NONE: a random forest), null otherwise (softmax:
 * the probability depends on every class's margin).
 */
export function marginLink(card: Pick<ModelCard, 'activation' | 'outputWidth'>): MarginLink {
  const a = card.activation.toLowerCase()
  if (card.outputWidth <= 2 && (a === 'sigmoid' || a === 'logistic')) return 'logistic'
  if (a === 'none') return 'identity'
  return null
}

/** The margin's units as the Explain tab labels them ("log-odds margin"). */
export function marginLabel(link: MarginLink): string {
  return link === 'logistic'
    ? 'log-odds margin'
    : link === 'identity'
      ? 'margin = averaged leaf probability'
      : 'class margin before softmax'
}

/** The margin m of probability `p` under `link` (logit for logistic); null without a link. */
export function marginOf(p: number, link: MarginLink): number | null {
  if (link === 'identity') return p
  if (link !== 'logistic' || !(p > 0 && p < 1)) return null
  return Math.log(p / (1 - p))
}

/** The probability of margin `m` under `link` (σ for logistic); null without a link. */
export function probabilityOf(m: number, link: MarginLink): number | null {
  if (link === 'identity') return m
  return link === 'logistic' ? 1 / (1 + Math.exp(-m)) : null
}

/** Completeness of one TreeSHAP flavour for one row. */
export type TreeShapCompleteness = {
  /** Σφ over the players or inputs. */
  sum: number
  /** baseValue + Σφ: the margin the values add up to. */
  total: number
  /** link(total), the probability it stands for; null without a link (softmax). */
  probability: number | null
  /** |link(total) − f(x)|; null without a link. */
  gap: number | null
}

/**
 * The completeness check of `v` against the model's prediction `prediction` (a probability):
 * TreeSHAP is exact, so link(base + Σφ) equals f(x) up to float32 rounding of the model.
 * @example treeShapCompleteness({ baseValue: 0, shap: { a: 0 } }, 0.5, 'logistic').gap // 0
 */
export function treeShapCompleteness(
  v: TreeShapValues,
  prediction: number,
  link: MarginLink,
): TreeShapCompleteness {
  let sum = 0
  for (const phi of Object.values(v.shap)) sum += phi
  const total = v.baseValue + sum
  const probability = probabilityOf(total, link)
  return {
    sum,
    total,
    probability,
    gap: probability === null ? null : Math.abs(probability - prediction),
  }
}

/**
 * The completeness of `v` in words, as the Explain and Data tabs print it: "base + Σφ = 1.23456
 * → σ(margin) 0.77443 vs f(x) 0.77443 (gap 1.2e-8)"; the arrow part is absent without a link.
 */
export function treeShapCompletenessText(
  v: TreeShapValues,
  prediction: number,
  link: MarginLink,
): string {
  const c = treeShapCompleteness(v, prediction, link)
  const linked =
    c.probability === null
      ? ''
      : ` → ${link === 'logistic' ? 'σ(margin)' : 'probability'} ${fmt(c.probability, 5)} vs f(x) ${fmt(prediction, 5)} (gap ${c.gap!.toExponential(1)})`
  return `base + Σφ = ${fmt(c.total, 5)}${linked}`
}
