/**
 * The HTML report's TreeSHAP pieces (contracts §7): the identity rows of a model that is not
 * TensorFlow.js (runtime, trees, why TreeSHAP or IG are unavailable) and, per explained row of a
 * tree model, its TreeSHAP of the margin — base values, the margin they add up to, and the values
 * per feature (interventional) and per encoded input (path-dependent). A TensorFlow.js report has
 * none of these fields, so its HTML is as before.
 */
import type { RowExplanation } from '../../core/explain.ts'
import type { TreeShapValues } from '../../core/tree/explain.ts'
import type { Report } from '../types.ts'
import { intFormat, numberFormat as num, numberFormatSigned, xmlEscape as esc } from '../svg.ts'
import { kv, table } from './parts.ts'

/** Identity rows for the model fields of other runtimes (none for a TensorFlow.js report). */
export function runtimeIdentityRows(m: Report['model']): [string, string][] {
  const rows: [string, string][] = []
  if (m.runtime !== undefined) rows.push(['Model runtime', esc(m.runtime)])
  if (m.trees !== undefined) rows.push(['Trees', intFormat(m.trees)])
  if (m.maxDepth !== undefined) rows.push(['Deepest leaf (root at depth 0)', intFormat(m.maxDepth)])
  if (m.treeShapUnavailable !== undefined)
    rows.push(['TreeSHAP unavailable', esc(m.treeShapUnavailable)])
  if (m.igUnavailable !== undefined)
    rows.push(['Integrated gradients unavailable', esc(m.igUnavailable)])
  return rows
}

const total = (v: TreeShapValues): number =>
  Object.values(v.shap).reduce((a, b) => a + b, v.baseValue)

/** φ by name, largest |φ| first, zeros left out (a one-hot input a row does not use). */
function valuesTable(head: string, v: TreeShapValues): string {
  const rows = Object.entries(v.shap)
    .filter(([, x]) => x !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .map(([n, x]) => [esc(n), numberFormatSigned(x)])
  return table([head, 'φ (margin)'], rows, ['l', 'n'])
}

/** A row's TreeSHAP of the margin as HTML; '' when the row has none. */
export function treeShapArticlePart(e: RowExplanation): string {
  const t = e.treeShap
  if (!t || (!t.interventional && !t.pathDependent)) return ''
  const parts = ['<h4>TreeSHAP of the margin (raw score before the link)</h4>']
  const items: [string, string][] = []
  const iv = t.interventional
  const pd = t.pathDependent
  if (iv) {
    items.push(['Interventional base value (mean margin over the background)', num(iv.baseValue)])
    items.push(['Margin = base + Σφ (interventional)', num(total(iv))])
  }
  if (pd) {
    items.push(['Path-dependent base value (as XGBoost pred_contribs)', num(pd.baseValue)])
    items.push(['Margin = base + Σφ (path-dependent)', num(total(pd))])
  }
  parts.push(kv(items))
  if (iv) parts.push(valuesTable('Feature (interventional)', iv))
  if (pd) parts.push(valuesTable('Encoded input (path-dependent)', pd))
  return parts.join('')
}

/** The explanations section's note on TreeSHAP, when some row has it ('' otherwise). */
export function treeShapNote(ex: Readonly<Record<string, RowExplanation>>): string {
  if (!Object.values(ex).some((e) => e.treeShap)) return ''
  return '<p class="note">TreeSHAP (tree models): exact Shapley values of the margin — log-odds or raw score before the logistic/softmax link, the probability itself for averaged trees — interventional against the SHAP background with the features as players, and path-dependent per encoded input from the trees\' covers (XGBoost JSON only). They sit beside the probability-space SHAP, in other units.</p>'
}
