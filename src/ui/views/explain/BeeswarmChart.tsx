import { app } from '../../../state/app.ts'
import { memo, useMemo } from 'react'
import {
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  ScatterChart,
  XAxis,
  YAxis,
} from 'recharts'
import type { Schema } from '../../../core/schema.ts'
import { chartSample } from '../../../core/views/sample.ts'
import type { GlobalUsed } from '../../../state/explainStore.ts'
import type { GlobalShapResult } from '../../../workers/protocol.ts'
import { fmtInt, fmtSigned } from '../../format.ts'
import { extent, niceAxis, tickText } from '../../kit/axis.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { Color, scaleColor } from '../../kit/palette.ts'
import { SvgColorBar } from '../../kit/SvgLegend.tsx'
import { colorPosition, featureValueText, globalSettingsText, phiUnitsText } from './chartKit.ts'
import { AxisAnchor, DotLayer, DotTip, useDotHover } from './DotLayer.tsx'

export type Dot = {
  x: number
  y: number
  row: number
  feature: string
  value: string
  phi: number
  color: string
}

/**
 * Vertical offsets that spread a feature's dots into a swarm: dots are binned along φ and the k-th
 * dot of a bin goes 0, +1, −1, +2, … steps away from the centre line, the step shrunk so the
 * fullest bin stays within ±0.42 of a row. Deterministic (depends only on the order of the φ).
 */
export function swarmOffsets(
  phi: ArrayLike<number>,
  lo: number,
  hi: number,
  bins = 70,
): Float64Array {
  const n = phi.length
  const out = new Float64Array(n)
  const span = hi > lo ? hi - lo : 1
  const bin = new Int32Array(n)
  const counts = new Map<number, number>()
  let most = 1
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => phi[a]! - phi[b]! || a - b)
  for (const i of order) {
    const b = Math.min(bins - 1, Math.floor(((phi[i]! - lo) / span) * bins))
    const k = counts.get(b) ?? 0
    counts.set(b, k + 1)
    bin[i] = k
    most = Math.max(most, k + 1)
  }
  const step = Math.min(0.09, 0.42 / Math.max(1, Math.ceil((most - 1) / 2)))
  for (let i = 0; i < n; i++) {
    const k = bin[i]!
    out[i] = (k % 2 === 1 ? 1 : -1) * Math.ceil(k / 2) * step
  }
  return out
}

/**
 * One dot per explained row and feature: x = the row's φ for the feature, rows of dots by feature
 * (largest mean |φ| on top), colour = the feature's value from low (blue) to high (red) within the
 * feature; categorical features are coloured by category index (listed below the chart). More
 * than 1,000 explained rows are drawn as a seeded sample of 1,000 (`chartSample`), said above the
 * chart; the colour scales and the axis still span every explained row.
 */
export const BeeswarmChart = memo(function BeeswarmChart({
  global,
  used,
  schema,
}: {
  global: GlobalShapResult
  used: GlobalUsed
  schema: Schema
}) {
  const M = global.featureNames.length
  const n = global.rows.length
  const drawn = useMemo(() => chartSample(n), [n])
  const dots = useMemo(() => {
    const [lo, hi] = extent(global.phi)
    const out: Dot[] = []
    const count = drawn ? drawn.length : n
    const at = (k: number) => (drawn ? drawn[k]! : k)
    global.order.forEach((j, rank) => {
      const f = schema.features[j]!
      const vals = Float64Array.from({ length: n }, (_, i) => global.values[i * M + j]!)
      const pos = colorPosition(f, vals)
      const phi = Float64Array.from({ length: count }, (_, k) => global.phi[at(k) * M + j]!)
      const off = swarmOffsets(phi, lo, hi)
      for (let k = 0; k < count; k++) {
        const i = at(k)
        out.push({
          x: phi[k]!,
          y: M - 1 - rank + off[k]!,
          row: global.rows[i]!,
          feature: f.name,
          value: featureValueText(f, vals[i]!),
          phi: phi[k]!,
          color: scaleColor(pos(vals[i]!)),
        })
      }
    })
    return out
  }, [global, schema, M, n, drawn])
  // Clicking a dot (or Enter on the one shown) opens its row in the Data view.
  const { hover, handlers } = useDotHover(dots.length, (i) => {
    const d = dots[i]
    if (!d) return
    app.dataRow.openRow(d.row)
    app.ui.setTab('Data')
  })
  const hovered = hover === null ? null : dots[hover]!
  const names = global.order.map((j) => global.featureNames[j]!)
  const [lo, hi] = extent(dots.map((d) => d.x))
  const axis = niceAxis(Math.min(0, lo), Math.max(0, hi), 0.02, 6)
  const categorical = global.order
    .map((j) => schema.features[j]!)
    .filter((f) => f.type === 'categorical')
  const kind = global.method === 'treeShap' ? 'TreeSHAP' : 'SHAP'
  const title = drawn
    ? `${kind} values of a sample of ${drawn.length} of ${n} rows by feature (beeswarm)`
    : `${kind} values of ${n} rows by feature (beeswarm)`
  return (
    <div data-testid="beeswarm" data-dots={dots.length} data-sampled={drawn ? drawn.length : ''}>
      {drawn && (
        <p className="muted small" data-testid="beeswarm-sample">
          Showing a seeded sample of {fmtInt(drawn.length)} of the {fmtInt(n)} explained rows.
        </p>
      )}
      <ChartFrame
        title={title}
        fileName="beeswarm"
        data={{
          header: ['row', 'feature', 'value', 'phi'],
          rows: dots.map((d) => [d.row, d.feature, d.value, d.phi]),
        }}
        caption={globalSettingsText(used, n, global.exact, global.method)}
      >
        <div className="dotChart pickable" {...handlers} data-testid="beeswarm-dots">
          <ResponsiveContainer width="100%" height={60 + M * 34}>
            <ScatterChart margin={{ top: 16, right: 64, bottom: 26, left: 8 }} title={title}>
              <CartesianGrid stroke={Color.Grid} />
              <XAxis
                type="number"
                dataKey="x"
                name="φ"
                domain={axis.domain}
                ticks={axis.ticks}
                tickFormatter={tickText(axis.ticks)}
                tick={{ fontSize: 11, fill: Color.Axis }}
                label={{
                  value:
                    global.method === 'treeShap'
                      ? `TreeSHAP value φ (${phiUnitsText(global.method)})`
                      : 'SHAP value φ (change in predicted probability)',
                  position: 'insideBottom',
                  offset: -14,
                  fontSize: 12,
                  fill: Color.Axis,
                }}
              />
              <YAxis
                type="number"
                dataKey="y"
                name="feature"
                domain={[-0.5, M - 0.5]}
                ticks={names.map((_, r) => M - 1 - r)}
                tickFormatter={(v: number) => names[M - 1 - v] ?? ''}
                width={120}
                tick={{ fontSize: 11, fill: Color.Text }}
                interval={0}
              />
              <ReferenceLine x={0} stroke={Color.Rule} />
              <AxisAnchor x={axis.domain} y={[-0.5, M - 0.5]} />
              <DotLayer dots={dots} r={2.6} />
              {hovered && (
                <DotTip
                  dot={hovered}
                  title={`Row ${hovered.row}`}
                  rows={[
                    [hovered.feature, hovered.value],
                    ['φ', fmtSigned(hovered.phi, 6)],
                  ]}
                />
              )}
              <SvgColorBar title="feature value" />
            </ScatterChart>
          </ResponsiveContainer>
        </div>
        {categorical.length > 0 && (
          <details className="categoryKey">
            <summary>Colours of categorical features (category order, low → high)</summary>
            <dl>
              {categorical.map((f) => (
                <div key={f.name} className="categoryKeyRow">
                  <dt>{f.name}</dt>
                  <dd>
                    {f.type === 'categorical' &&
                      f.categories.map((c, k) => (
                        <span key={c} className="swatchItem">
                          <span
                            className="swatch"
                            style={{ background: scaleColor(colorPosition(f, [])(k)) }}
                          />
                          {c}
                        </span>
                      ))}
                  </dd>
                </div>
              ))}
            </dl>
          </details>
        )}
      </ChartFrame>
    </div>
  )
})
