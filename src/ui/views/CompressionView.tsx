import { useMemo, useState } from 'react'
import { useStore } from 'zustand'
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
  ResponsiveContainer,
  LabelList,
} from 'recharts'
import { QUANT_SCHEME_IDS, type QuantSchemeId } from '../../core/quantize/schemes.ts'
import { ChartFrame } from '../charts/ChartFrame.tsx'
import { fmt, fmtBytes } from '../format.ts'
import { app } from '../../state/app.ts'

const SCHEME_INFO: Record<QuantSchemeId, string> = {
  float16: 'IEEE half precision, round to nearest even (as the tfjs converter)',
  uint8: 'per-tensor affine uint8, exactly the tfjs converter’s --quantize_uint8',
  int8: 'symmetric int8 per output channel, scale = max|w|/127',
  int4: 'symmetric int4 in groups of 32 inputs per output channel',
  prune50: 'smallest 50% of |w| of each kernel set to zero',
  prune80: 'smallest 80% of |w| of each kernel set to zero',
  int8act: 'int8 weights + int8 activations fake-quantized after each layer',
}

const signed = (v: number | null, d = 4) =>
  v === null ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(d)}`

/** Compression lab: does quantizing or pruning change accuracy, calibration, fairness or explanations? */
export function CompressionView() {
  const st = useStore(app.compression.store)
  const busy = useStore(app.jobs.store, (s) => s.job !== null)
  const model = useStore(app.session.store, (s) => s.model)
  const schema = useStore(app.session.store, (s) => s.schema?.schema)
  const [attr, setAttr] = useState<string>('')
  const r = st.result
  const attrs = r && r.variants[0] ? Object.keys(r.variants[0].comparison.fairness) : []
  const attribute = attrs.includes(attr) ? attr : (attrs[0] ?? '')
  const sizeData = useMemo(
    () =>
      r
        ? [
            {
              id: 'float32',
              bytes: r.baseBytes,
              accuracy:
                r.variants[0]?.comparison.accuracy !== undefined
                  ? (r.variants[0].comparison.accuracy ?? 0) -
                    (r.variants[0].comparison.accuracyDelta ?? 0)
                  : null,
            },
            ...r.variants.map((v) => ({
              id: v.id,
              bytes: v.bytes,
              accuracy: v.comparison.accuracy,
            })),
          ]
        : [],
    [r],
  )
  const groupDelta = useMemo(() => {
    if (!r || !attribute) return []
    const groups = Object.keys(r.variants[0]?.comparison.fairness[attribute]?.groups ?? {})
    return groups.map((g) => ({
      group: g,
      ...Object.fromEntries(
        r.variants.map((v) => [
          v.id,
          v.comparison.fairness[attribute]?.groups[g]?.selectionRateDelta ?? null,
        ]),
      ),
    }))
  }, [r, attribute])
  if (!model || !schema)
    return <section className="card">Load a model and data to compare compressed variants.</section>
  const palette = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2']
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
            <input
              type="number"
              min={1}
              value={st.calibrationRows}
              data-testid="calibration-rows"
              onChange={(e) =>
                app.compression.setOptions({
                  calibrationRows: Math.max(1, Math.trunc(Number(e.currentTarget.value))),
                })
              }
            />
          </label>
          <label>
            SHAP stability rows{' '}
            <input
              type="number"
              min={1}
              value={st.shapRows}
              onChange={(e) =>
                app.compression.setOptions({
                  shapRows: Math.max(1, Math.trunc(Number(e.currentTarget.value))),
                })
              }
            />
          </label>
          <label>
            Fairness tolerance{' '}
            <input
              type="number"
              min={0}
              step={0.005}
              value={st.tolerance}
              data-testid="tolerance"
              onChange={(e) =>
                app.compression.setOptions({
                  tolerance: Math.max(0, Number(e.currentTarget.value)),
                })
              }
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
              {r.rows.toLocaleString('en-US')} rows at threshold {st.resultThreshold} · SHAP
              stability on {r.shapRows.length} seeded rows · float32: {fmtBytes(r.baseBytes)},{' '}
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
            <div className="tableScroll">
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
                      <th scope="col" key={a}>
                        {a}: DP diff (Δ) / EO diff (Δ)
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
                                .map((w) => `${w.attribute} ${w.metric} ${signed(w.delta)}`)
                                .join('; ')}
                            >
                              {' '}
                              ⚑ fairness gap widened
                            </span>
                          )}
                        </th>
                        <td>
                          {v.bytes.toLocaleString('en-US')} ({fmt((100 * v.bytes) / r.baseBytes, 0)}
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
                        <td>
                          {fmt(c.accuracy)} ({signed(c.accuracyDelta)})
                        </td>
                        <td>
                          {fmt(c.rocAuc)} ({signed(c.rocAucDelta)})
                        </td>
                        <td>
                          {fmt(c.ece)} ({signed(c.eceDelta)})
                        </td>
                        {attrs.map((a) => {
                          const f = c.fairness[a]!
                          return (
                            <td key={a}>
                              {fmt(f.demographicParityDifference)} (
                              {signed(f.demographicParityDifferenceDelta)}) /{' '}
                              {fmt(f.equalizedOddsDifference)} (
                              {signed(f.equalizedOddsDifferenceDelta)})
                            </td>
                          )
                        })}
                        <td>{fmt(c.shapRankCorrelation, 3)}</td>
                        <td>{fmt(c.top5Overlap, 2)}</td>
                        <td>{fmt(c.maxRowAbsDeltaPhi)}</td>
                        <td>
                          <button
                            type="button"
                            onClick={() => void app.compression.downloadVariant(v.id)}
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
            </div>
            <p className="muted small">
              Agreement = share of rows whose decision at the threshold is unchanged. Δ = variant −
              float32. ⚑ marks a variant whose demographic parity or equalized odds difference grew
              by more than {st.tolerance} for some attribute. float16 and uint8 download as native
              tfjs quantized weights; the others as dequantized float32.
            </p>
          </section>
          <div className="chartRow">
            <ChartFrame
              title="Size vs accuracy"
              data={{
                header: ['variant', 'bytes', 'accuracy'],
                rows: sizeData.map((d) => [d.id, d.bytes, d.accuracy]),
              }}
              caption={`Packed bytes including scales; accuracy at threshold ${st.resultThreshold}.`}
            >
              <ResponsiveContainer width="100%" height={280}>
                <ScatterChart margin={{ top: 10, right: 20, bottom: 30, left: 20 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis
                    type="number"
                    dataKey="bytes"
                    name="size"
                    unit=" B"
                    label={{ value: 'Packed size (bytes)', position: 'insideBottom', offset: -16 }}
                  />
                  <YAxis
                    type="number"
                    dataKey="accuracy"
                    name="accuracy"
                    domain={['auto', 'auto']}
                    tickFormatter={(v: number) => v.toFixed(3)}
                    label={{ value: 'Accuracy', angle: -90, position: 'insideLeft' }}
                  />
                  <ZAxis range={[80, 80]} />
                  <Tooltip
                    formatter={(v) =>
                      typeof v === 'number'
                        ? Number.isInteger(v)
                          ? v.toLocaleString('en-US')
                          : v.toFixed(4)
                        : String(v)
                    }
                  />
                  <Legend verticalAlign="top" height={24} />
                  <Scatter
                    name="variants (label = scheme)"
                    data={sizeData}
                    fill="#2563eb"
                    isAnimationActive={false}
                  >
                    <LabelList dataKey="id" position="top" fontSize={11} />
                  </Scatter>
                </ScatterChart>
              </ResponsiveContainer>
            </ChartFrame>
            <ChartFrame
              title={`Δ selection rate by group (${attribute})`}
              data={{
                header: ['group', ...r.variants.map((v) => v.id)],
                rows: groupDelta.map((g) => [
                  g.group,
                  ...r.variants.map((v) => (g as Record<string, unknown>)[v.id] as number | null),
                ]),
              }}
              caption="Change of each group's selection rate (variant − float32) at the threshold; small groups are flagged in the Fairness tab."
            >
              {attrs.length > 1 && (
                <label className="small">
                  Attribute{' '}
                  <select value={attribute} onChange={(e) => setAttr(e.currentTarget.value)}>
                    {attrs.map((a) => (
                      <option key={a}>{a}</option>
                    ))}
                  </select>
                </label>
              )}
              <ResponsiveContainer width="100%" height={280}>
                <BarChart data={groupDelta} margin={{ top: 10, right: 20, bottom: 30, left: 20 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis
                    dataKey="group"
                    label={{ value: `${attribute} group`, position: 'insideBottom', offset: -16 }}
                  />
                  <YAxis
                    tickFormatter={(v: number) => v.toFixed(3)}
                    label={{ value: 'Δ selection rate', angle: -90, position: 'insideLeft' }}
                  />
                  <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(5) : String(v))} />
                  <Legend verticalAlign="top" height={24} />
                  <ReferenceLine y={0} stroke="#6b7280" />
                  {r.variants.map((v, i) => (
                    <Bar
                      key={v.id}
                      dataKey={v.id}
                      fill={palette[i % palette.length]!}
                      isAnimationActive={false}
                    />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </ChartFrame>
          </div>
        </>
      )}
    </div>
  )
}
