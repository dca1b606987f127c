import type { RowTreeShap as RowTreeShapValues } from '../../../core/tree/explain.ts'
import type { ModelCard } from '../../../model/card.ts'
import type { TreeShapStatus } from '../../../workers/protocol/model.ts'
import { fmt } from '../../format.ts'
import { FLAVOUR, TreeShapUnavailable } from '../explain/TreeShapPanel.tsx'
import {
  marginLabel,
  marginLink,
  treeShapCompleteness,
  treeShapCompletenessText,
} from '../explain/treeShapText.ts'
import { Waterfall } from './Waterfall.tsx'

/**
 * TreeSHAP of the open row or of its what-if edit, under that row's probability SHAP in the Data
 * tab: the interventional values of the margin as a compact waterfall labelled as the Explain tab
 * labels them (flavour, margin units, completeness base + Σφ → link vs f(x)), and the
 * path-dependent completeness in one line (XGBoost JSON). Says why TreeSHAP is unavailable where
 * it is; renders nothing for models that are not tree ensembles or before TreeSHAP ran.
 */
export function RowTreeShap({
  treeShap,
  prediction,
  values,
  card,
  status,
  title,
  fileName,
  testId,
}: {
  /** The row's TreeSHAP (margin units); null/undefined when none was computed. */
  treeShap: RowTreeShapValues | null | undefined
  /** f(x) of the row, a probability. */
  prediction: number
  /** Cell text per feature (labels "age = 52"). */
  values: Readonly<Record<string, string>>
  card: ModelCard
  status: TreeShapStatus
  title: string
  fileName: string
  testId: string
}) {
  if (status.status === 'none') return null
  if (status.status === 'unavailable') return <TreeShapUnavailable reason={status.reason} />
  const iv = treeShap?.interventional
  const pd = treeShap?.pathDependent
  if (!iv && !pd) return null
  const link = marginLink(card)
  const label = marginLabel(link)
  return (
    <div className="rowTreeShap" data-testid={testId} data-output={treeShap!.output}>
      {iv && (
        <Waterfall
          testId={`${testId}-interventional`}
          title={`${title}: TreeSHAP, ${label}`}
          fileName={fileName}
          baseValue={iv.baseValue}
          phi={iv.shap}
          values={values}
          prediction={treeShapCompleteness(iv, prediction, link).total}
          endLabel="margin"
          baseLabel="E margin"
          caption={`${FLAVOUR.interventional} (exact) · ${label} · ${treeShapCompletenessText(iv, prediction, link)}`}
        />
      )}
      {pd && (
        <p className="muted small" data-testid={`${testId}-pathDependent`}>
          {FLAVOUR.pathDependent} per encoded input: base value {fmt(pd.baseValue, 5)},{' '}
          {treeShapCompletenessText(pd, prediction, link)}
        </p>
      )}
    </div>
  )
}
