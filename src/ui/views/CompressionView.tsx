import './CompressionView.css'
import { useStore } from 'zustand'
import { QUANT_SCHEME_IDS } from '../../core/quantize/schemes.ts'
import { app } from '../../state/app.ts'
import { NumberField } from '../kit/NumberField.tsx'
import { ViewLimits } from '../../core/viewLimits.ts'
import { fmt, fmtBytes, fmtInt } from '../format.ts'
import { CompressionCharts } from './compression/CompressionCharts.tsx'
import { SCHEME_INFO, VariantTable } from './compression/VariantTable.tsx'

/**
 * Compression lab: does quantizing or pruning change accuracy, calibration, fairness or
 * explanations? For a model without compression variants (the load result's
 * `compressionUnavailable`) it shows that sentence and which formats it supports instead.
 */
export function CompressionView() {
  const st = useStore(app.compression.store)
  const busy = useStore(app.jobs.store, (s) => s.job !== null)
  const model = useStore(app.session.store, (s) => s.model)
  const schema = useStore(app.session.store, (s) => s.schema?.schema)
  const unsupported = useStore(
    app.session.store,
    (s) => s.modelFacts?.compressionUnavailable ?? null,
  )
  const r = st.result
  const attrs = r && r.variants[0] ? Object.keys(r.variants[0].comparison.fairness) : []
  if (!model || !schema)
    return <section className="card">Load a model and data to compare compressed variants.</section>
  if (unsupported)
    return (
      <div className="compression" data-testid="compression-view">
        <section className="card full" aria-labelledby="compression-title">
          <h2 id="compression-title">Compression lab</h2>
          <p data-testid="compression-unsupported">{unsupported}</p>
          <p className="muted">
            The lab rounds or prunes a TensorFlow.js LayersModel&apos;s weights (float16, uint8,
            int8, pruning) and compares each variant with float32; other formats (ONNX, XGBoost
            JSON) have no such variants here. Every other tab works for them.
          </p>
        </section>
      </div>
    )
  return (
    <div className="compression" data-testid="compression-view">
      <section className="card full" aria-labelledby="compression-title">
        <h2 id="compression-title">Compression lab</h2>
        <p className="muted">
          Each variant is built in the browser from the loaded model’s weights and compared with
          float32 on the same rows. TensorFlow.js dequantizes weights when it loads a model, so
          these numbers measure the effect of <strong>rounding</strong> on accuracy, calibration,
          fairness and explanations — not the speed of integer arithmetic. int8act runs in the core
          with fake-quantized activations.
        </p>
        <fieldset className="schemes">
          <legend>Variants</legend>
          {QUANT_SCHEME_IDS.map((id) => (
            <label key={id} title={SCHEME_INFO[id]}>
              <input
                type="checkbox"
                checked={st.ids.includes(id)}
                data-testid={`scheme-${id}`}
                onChange={() =>
                  app.compression.setOptions({
                    ids: st.ids.includes(id)
                      ? st.ids.filter((x) => x !== id)
                      : QUANT_SCHEME_IDS.filter((x) => x === id || st.ids.includes(x)),
                  })
                }
              />{' '}
              {id}
            </label>
          ))}
        </fieldset>
        <div className="settingsGrid">
          <label>
            int8act calibration rows{' '}
            <NumberField
              value={st.calibrationRows}
              rule={ViewLimits.calibrationRows}
              testId="calibration-rows"
              onCommit={(v) => {
                if (typeof v === 'number') app.compression.setOptions({ calibrationRows: v })
              }}
            />
          </label>
          <label>
            SHAP stability rows{' '}
            <NumberField
              value={st.shapRows}
              rule={ViewLimits.shapRows}
              testId="shap-rows"
              onCommit={(v) => {
                if (typeof v === 'number') app.compression.setOptions({ shapRows: v })
              }}
            />
          </label>
          <label>
            Fairness tolerance{' '}
            <NumberField
              value={st.tolerance}
              rule={ViewLimits.tolerance}
              step={0.005}
              testId="tolerance"
              onCommit={(v) => {
                if (typeof v === 'number') app.compression.setOptions({ tolerance: v })
              }}
            />
          </label>
          <button
            type="button"
            disabled={busy}
            onClick={() => void app.compression.run()}
            data-testid="run-compression"
          >
            Compare variants
          </button>
        </div>
      </section>
      {r && (
        <>
          <section className="card full" aria-labelledby="compression-results">
            <h2 id="compression-results">Variants against float32</h2>
            <p className="muted" data-testid="compression-summary">
              {fmtInt(r.rows)} rows at threshold {st.resultThreshold} · SHAP stability on{' '}
              {r.shapRows.length} seeded rows · float32: {fmtBytes(r.baseBytes)},{' '}
              {fmt(r.baseLatencyMs, 1)} ms per predict of all rows · computed in{' '}
              {fmt(r.ms / 1000, 2)} s
              {st.resultWorkers && (
                <span data-testid="compression-workers" data-workers={st.resultWorkers.workers}>
                  {' '}
                  on {st.resultWorkers.workers} {st.resultWorkers.backend} worker
                  {st.resultWorkers.workers > 1 ? 's (SHAP stability split over them)' : ''}
                </span>
              )}
            </p>
            {Object.entries(r.skipped).map(([id, why]) => (
              <p key={id} className="notice warning">
                {id}: {why}
              </p>
            ))}
            <VariantTable
              result={r}
              attrs={attrs}
              onDownload={(id) => void app.compression.downloadVariant(id)}
            />
            <p className="muted small">
              Agreement = share of rows whose decision at the threshold is unchanged. Δ = variant −
              float32. ⚑ marks a variant whose demographic parity or equalized odds difference grew
              by more than {st.tolerance} for some attribute. float16 and uint8 download as native
              tfjs quantized weights; the others as dequantized float32.
            </p>
          </section>
          <CompressionCharts result={r} attrs={attrs} threshold={st.resultThreshold} />
        </>
      )}
    </div>
  )
}
