import type { QuantSchemeId } from '../../../core/quantize/schemes.ts'
import type { CompressionState } from '../../../state/compressionStore.ts'
import { fmt, fmtInt, fmtSigned } from '../../format.ts'
import { TableScroll } from '../../kit/TableScroll.tsx'

/** What each compression scheme does, for tooltips. */
export const SCHEME_INFO: Record<QuantSchemeId, string> = {
  float16: 'IEEE half precision, round to nearest even (as the tfjs converter)',
  uint8: 'per-tensor affine uint8, exactly the tfjs converter’s --quantize_uint8',
  int8: 'symmetric int8 per output channel, scale = max|w|/127',
  int4: 'symmetric int4 in groups of 32 inputs per output channel',
  prune50: 'smallest 50% of |w| of each kernel set to zero',
  prune80: 'smallest 80% of |w| of each kernel set to zero',
  int8act: 'int8 weights + int8 activations fake-quantized after each layer',
}

/**
 * Every variant against float32: size, latency, agreement, prediction differences, accuracy, ROC
 * AUC, ECE and fairness gaps with their changes, SHAP stability, and a download button. A variant
 * whose fairness gap widened beyond the tolerance is flagged.
 */
export function VariantTable({
  result: r,
  attrs,
  onDownload,
}: {
  result: NonNullable<CompressionState['result']>
  /** Sensitive attributes compared (columns of fairness gaps). */
  attrs: readonly string[]
  onDownload: (id: QuantSchemeId) => void
}) {
  return (
    <TableScroll label="Variants against float32">
      <table className="compact numbers" data-testid="compression-table">
        <caption className="srOnly">Every variant compared with the float32 model</caption>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Bytes</th>
            <th scope="col">Latency (ms)</th>
            <th scope="col">Agreement</th>
            <th scope="col">max |Δp|</th>
            <th scope="col">mean |Δp|</th>
            <th scope="col">Accuracy (Δ)</th>
            <th scope="col">ROC AUC (Δ)</th>
            <th scope="col">ECE (Δ)</th>
            {attrs.map((a) => (
              <th scope="col" key={a} title="demographic parity and equalized odds differences">
                {a}: DP / EO diff (Δ)
              </th>
            ))}
            <th scope="col">SHAP rank ρ</th>
            <th scope="col">Top-5 overlap</th>
            <th scope="col">max |Δφ|</th>
            <th scope="col">Export</th>
          </tr>
        </thead>
        <tbody>
          {r.variants.map((v) => {
            const c = v.comparison
            return (
              <tr
                key={v.id}
                data-testid={`variant-${v.id}`}
                className={v.widened.length ? 'flagged' : ''}
              >
                <th scope="row" title={`${SCHEME_INFO[v.id]}; stored as ${v.storage}`}>
                  {v.id}
                  {v.widened.length > 0 && (
                    <span
                      className="flag"
                      data-testid={`flag-${v.id}`}
                      title={v.widened
                        .map((w) => `${w.attribute} ${w.metric} ${fmtSigned(w.delta)}`)
                        .join('; ')}
                    >
                      {' '}
                      ⚑<span className="srOnly">fairness gap widened</span>
                    </span>
                  )}
                </th>
                <td>
                  {fmtInt(v.bytes)} ({fmt((100 * v.bytes) / r.baseBytes, 0)}
                  %)
                </td>
                <td>{fmt(v.latencyMs, 1)}</td>
                <td data-testid={`agreement-${v.id}`} data-value={c.agreement}>
                  {fmt(c.agreement)}
                </td>
                <td data-testid={`maxdiff-${v.id}`} data-value={c.maxAbsDiff}>
                  {fmt(c.maxAbsDiff)}
                </td>
                <td>{fmt(c.meanAbsDiff)}</td>
                <td className="twoLines">
                  {fmt(c.accuracy)}
                  <br />({fmtSigned(c.accuracyDelta)})
                </td>
                <td className="twoLines">
                  {fmt(c.rocAuc)}
                  <br />({fmtSigned(c.rocAucDelta)})
                </td>
                <td className="twoLines">
                  {fmt(c.ece)}
                  <br />({fmtSigned(c.eceDelta)})
                </td>
                {attrs.map((a) => {
                  const f = c.fairness[a]!
                  return (
                    <td key={a} className="twoLines">
                      {fmt(f.demographicParityDifference)} (
                      {fmtSigned(f.demographicParityDifferenceDelta)})
                      <br />
                      {fmt(f.equalizedOddsDifference)} ({fmtSigned(f.equalizedOddsDifferenceDelta)})
                    </td>
                  )
                })}
                <td>{fmt(c.shapRankCorrelation, 3)}</td>
                <td>{fmt(c.top5Overlap, 2)}</td>
                <td>{fmt(c.maxRowAbsDeltaPhi)}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => onDownload(v.id)}
                    data-testid={`download-${v.id}`}
                    title={`Download as a tfjs model: ${v.storage}`}
                  >
                    Download
                  </button>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </TableScroll>
  )
}
