import { useMemo } from 'react'
import type { PredictionDrift } from '../../../core/drift/prediction.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { fmt, fmtP } from '../../format.ts'
import { OverlaidBars } from './OverlaidBars.tsx'

/** Predicted probabilities of the reference and the current rows, 20 bins on [0, 1]. */
export function PredictionDriftChart({
  pred,
  threshold,
}: {
  pred: PredictionDrift
  threshold: number
}) {
  const h = pred.histogram
  const bins = useMemo(
    () =>
      h.refShares.map((r, k) => ({
        bin: `${h.edges[k]!.toFixed(2)}–${h.edges[k + 1]!.toFixed(2)}`,
        reference: r,
        current: h.curShares[k]!,
      })),
    [h],
  )
  return (
    <ChartFrame
      title="Predicted probability: reference vs current"
      fileName="drift-predictions"
      data={{
        header: ['bin', 'low', 'high', 'reference_share', 'current_share'],
        rows: bins.map((b, k) => [b.bin, h.edges[k]!, h.edges[k + 1]!, b.reference, b.current]),
      }}
      caption={
        <>
          PSI{' '}
          <strong data-testid="pred-psi-value" data-value={pred.psi}>
            {fmt(pred.psi)}
          </strong>{' '}
          over the reference predictions’ deciles · KS {fmt(pred.ks, 4)} (p {fmtP(pred.pValue)}) ·
          mean prediction {fmt(pred.refMean)} → {fmt(pred.curMean)} · 20 equal-width bins on [0, 1];
          the decision threshold is {threshold}.
        </>
      }
    >
      <div data-testid="pred-histogram">
        <OverlaidBars data={bins} xLabel="Predicted probability of the positive class" />
      </div>
    </ChartFrame>
  )
}
