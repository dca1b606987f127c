import { useMemo, useState } from 'react'
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from 'recharts'
import type { CompressionState } from '../../../state/compressionStore.ts'
import { fmtInt, fmtValue } from '../../format.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { Color, seriesColor } from '../../kit/palette.ts'
import { extent, niceAxis, tickText, yAxisLabel } from '../../kit/axis.ts'
import { ScatterLabels } from '../../kit/ScatterLabels.tsx'

/**
 * The float32 model's accuracy from a variant's comparison (accuracy − its change); null when
 * either is missing (no labels), never 0.
 */
function baseAccuracy(
  c: { accuracy: number | null; accuracyDelta: number | null } | undefined,
): number | null {
  if (!c || c.accuracy === null || c.accuracyDelta === null) return null
  return c.accuracy - c.accuracyDelta
}

/**
 * Two charts of the variants: packed size against accuracy (float32 included), and the change of
 * each group's selection rate for one sensitive attribute (a picker when there are several).
 */
export function CompressionCharts({
  result: r,
  attrs,
  threshold,
}: {
  result: NonNullable<CompressionState['result']>
  /** Sensitive attributes compared. */
  attrs: readonly string[]
  /** Threshold the result was computed at. */
  threshold: number | null
}) {
  const [attr, setAttr] = useState<string>('')
  const attribute = attrs.includes(attr) ? attr : (attrs[0] ?? '')
  const sizeData = useMemo(
    () => [
      {
        id: 'float32',
        bytes: r.baseBytes,
        accuracy: baseAccuracy(r.variants[0]?.comparison),
      },
      ...r.variants.map((v) => ({ id: v.id, bytes: v.bytes, accuracy: v.comparison.accuracy })),
    ],
    [r],
  )
  const labelData = useMemo(
    () => sizeData.map((d) => ({ x: d.bytes, y: d.accuracy, text: d.id })),
    [sizeData],
  )
  const groupDelta = useMemo(() => {
    if (!attribute) return []
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
  // Round ticks; room above the points for their labels, and from zero bytes.
  const accAxis = useMemo(() => {
    const [lo, hi] = extent(sizeData.flatMap((d) => (d.accuracy === null ? [] : [d.accuracy])))
    return niceAxis(lo, hi, 0.15, 5, [0, 1])
  }, [sizeData])
  const bytesAxis = useMemo(
    () => niceAxis(0, Math.max(...sizeData.map((d) => d.bytes)), 0.08, 4, [0, Infinity]),
    [sizeData],
  )
  const deltaAxis = useMemo(() => {
    const vals = groupDelta.flatMap((g) =>
      r.variants.map((v) => (g as Record<string, unknown>)[v.id]),
    )
    const [lo, hi] = extent(
      [0, ...vals].filter((x): x is number => typeof x === 'number' && Number.isFinite(x)),
    )
    return niceAxis(lo, hi, 0.05, 5)
  }, [groupDelta, r])
  return (
    <div className="chartRow">
      <ChartFrame
        title="Size vs accuracy"
        data={{
          header: ['variant', 'bytes', 'accuracy'],
          rows: sizeData.map((d) => [d.id, d.bytes, d.accuracy]),
        }}
        caption={`Each point is a variant, labelled with its scheme (float32: the model as loaded). Packed bytes including scales; accuracy at threshold ${threshold}.`}
      >
        <ResponsiveContainer width="100%" height={280}>
          <ScatterChart margin={{ top: 10, right: 20, bottom: 30, left: 20 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="bytes"
              name="size"
              unit=" B"
              domain={bytesAxis.domain}
              ticks={bytesAxis.ticks}
              tickFormatter={(v: number) => fmtInt(v)}
              label={{ value: 'Packed size (bytes)', position: 'insideBottom', offset: -16 }}
            />
            <YAxis
              type="number"
              dataKey="accuracy"
              name="accuracy"
              domain={accAxis.domain}
              ticks={accAxis.ticks}
              tickFormatter={tickText(accAxis.ticks)}
              label={yAxisLabel('Accuracy')}
            />
            <ZAxis range={[80, 80]} />
            <Tooltip
              formatter={(v) =>
                typeof v === 'number' && Number.isInteger(v) ? fmtInt(v) : fmtValue(v)
              }
            />
            <Scatter
              name="variants (label = scheme)"
              data={sizeData}
              fill={Color.Accent}
              isAnimationActive={false}
            ></Scatter>
            <ScatterLabels data={labelData} />
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
              domain={deltaAxis.domain}
              ticks={deltaAxis.ticks}
              tickFormatter={tickText(deltaAxis.ticks)}
              label={yAxisLabel('Δ selection rate')}
            />
            <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(5) : String(v))} />
            <Legend verticalAlign="top" height={24} />
            <ReferenceLine y={0} stroke={Color.Rule} />
            {r.variants.map((v, i) => (
              <Bar key={v.id} dataKey={v.id} fill={seriesColor(i)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </ChartFrame>
    </div>
  )
}
