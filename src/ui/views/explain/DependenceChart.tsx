import { memo, useMemo } from 'react'
import {
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  ScatterChart,
  XAxis,
  YAxis,
} from 'recharts'
import type { Feature, Schema } from '../../../core/schema.ts'
import { chartSample } from '../../../core/views/sample.ts'
import type { GlobalUsed } from '../../../state/explainStore.ts'
import type { GlobalShapResult } from '../../../workers/protocol.ts'
import { fmtInt, fmtSigned } from '../../format.ts'
import { extent, niceAxis, tickText } from '../../kit/axis.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { categoryColor, Color, scaleColor } from '../../kit/palette.ts'
import { SvgColorBar, SvgKey, type SvgLegendItem } from '../../kit/SvgLegend.tsx'
import { colorPosition, featureValueText, globalSettingsText } from './chartKit.ts'
import { AxisAnchor, DotLayer, DotTip, useDotHover } from './DotLayer.tsx'

type Dot = { x: number; y: number; row: number; value: string; colorValue: string; color: string }

/** A deterministic jitter in [−0.5, 0.5) from a row number (Knuth's multiplicative hash). */
export function rowJitter(row: number): number {
  return (Math.imul(row + 1, 2654435761) >>> 0) / 2 ** 32 - 0.5
}

/**
 * Colours of a categorical colour feature: the nine most frequent categories among the rows get
 * their own colour, the rest share grey "other".
 */
function categoryColors(
  f: Extract<Feature, { type: 'categorical' }>,
  vals: Float64Array,
): { color: (v: number) => string; items: SvgLegendItem[] } {
  const counts = new Map<number, number>()
  for (const v of vals) counts.set(v, (counts.get(v) ?? 0) + 1)
  const top = [...counts.entries()]
    .filter(([v]) => v >= 0)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([v]) => v)
  const own = top.length <= 10 ? top : top.slice(0, 9)
  const colorOf = new Map(own.map((v, i) => [v, categoryColor(i)]))
  const other = top.length > own.length || counts.has(-1)
  const items: SvgLegendItem[] = own.map((v) => ({
    label: f.categories[v] ?? '(unknown)',
    color: colorOf.get(v)!,
  }))
  if (other)
    items.push({
      label: `other (${top.length - own.length + (counts.has(-1) ? 1 : 0)})`,
      color: Color.Missing,
    })
  return { color: (v) => colorOf.get(v) ?? Color.Missing, items }
}

export type DependenceChartProps = {
  global: GlobalShapResult
  used: GlobalUsed
  schema: Schema
  /** Feature on the x axis (index into the schema's features). */
  feature: number
  /** Feature that colours the dots; null = none. */
  color: number | null
}

/**
 * Dependence plot: the value of one feature (x; categories spread by a small jitter) against its φ
 * (y) for every sampled row, dots coloured by a second feature. More than 1,000 explained rows
 * are drawn as a seeded sample of 1,000 (`chartSample`), and the caption says so.
 */
export const DependenceChart = memo(function DependenceChart({
  global,
  used,
  schema,
  feature,
  color,
}: DependenceChartProps) {
  const M = global.featureNames.length
  const n = global.rows.length
  const f = schema.features[feature]!
  const cf = color === null ? null : schema.features[color]!
  const drawn = useMemo(() => chartSample(n), [n])
  const { dots, legend } = useMemo(() => {
    const vals = Float64Array.from({ length: n }, (_, i) => global.values[i * M + feature]!)
    const cvals =
      color === null
        ? null
        : Float64Array.from({ length: n }, (_, i) => global.values[i * M + color]!)
    let colorOf: (v: number) => string = () => Color.Dot
    let legend: SvgLegendItem[] | 'gradient' | null = null
    if (cf && cvals) {
      if (cf.type === 'categorical') {
        const c = categoryColors(cf, cvals)
        colorOf = c.color
        legend = c.items
      } else {
        const pos = colorPosition(cf, cvals)
        colorOf = (v) => scaleColor(pos(v))
        legend = 'gradient'
      }
    }
    const dots: Dot[] = []
    const count = drawn ? drawn.length : n
    for (let k = 0; k < count; k++) {
      const i = drawn ? drawn[k]! : k
      const v = vals[i]!
      const row = global.rows[i]!
      dots.push({
        x: f.type === 'categorical' ? v + rowJitter(row) * 0.5 : v,
        y: global.phi[i * M + feature]!,
        row,
        value: featureValueText(f, v),
        colorValue: cf && cvals ? featureValueText(cf, cvals[i]!) : '',
        color: cvals ? colorOf(cvals[i]!) : Color.Dot,
      })
    }
    return { dots, legend }
  }, [global, feature, color, f, cf, M, n, drawn])
  const { hover, handlers } = useDotHover(dots.length)
  const hovered = hover === null ? null : dots[hover]!
  const cats = f.type === 'categorical' ? f.categories : null
  const [yLo, yHi] = extent(dots.map((d) => d.y))
  const yAxis = niceAxis(Math.min(0, yLo), Math.max(0, yHi), 0.03)
  const xAxis = niceAxis(...extent(dots.map((d) => d.x)), 0.03, 8)
  const xDomain: [number, number] = cats ? [-0.5, cats.length - 0.5] : xAxis.domain
  const title = `Dependence of φ(${f.name}) on ${f.name}${cf ? `, coloured by ${cf.name}` : ''}`
  const right = legend === null ? 20 : legend === 'gradient' ? 64 : 150
  return (
    <ChartFrame
      title={title}
      fileName={`dependence-${f.name}`}
      data={{
        header: ['row', f.name, `phi_${f.name}`, ...(cf ? [cf.name] : [])],
        rows: dots.map((d) => [d.row, d.value, d.y, ...(cf ? [d.colorValue] : [])]),
      }}
      caption={`${globalSettingsText(used, n, global.exact, global.method)}${drawn ? ` · drawn: a seeded sample of ${drawn.length} of these ${n} rows` : ''}`}
    >
      {drawn && (
        <p className="muted small" data-testid="dependence-sample">
          Showing a seeded sample of {fmtInt(drawn.length)} of the {fmtInt(n)} explained rows.
        </p>
      )}
      <div className="dotChart" {...handlers}>
        <ResponsiveContainer width="100%" height={cats && cats.length > 6 ? 380 : 330}>
          <ScatterChart
            margin={{ top: 16, right: right, bottom: cats && cats.length > 6 ? 90 : 30, left: 16 }}
            title={title}
          >
            <CartesianGrid stroke={Color.Grid} />
            <XAxis
              type="number"
              dataKey="x"
              name={f.name}
              {...(cats
                ? {
                    domain: xDomain,
                    ticks: cats.map((_, k) => k),
                    interval: 0,
                    tickFormatter: (v: number) => cats[v] ?? '',
                    angle: cats.length > 6 ? -35 : 0,
                    textAnchor: cats.length > 6 ? 'end' : 'middle',
                  }
                : {
                    domain: xDomain,
                    ticks: xAxis.ticks,
                    tickFormatter: tickText(xAxis.ticks),
                  })}
              tick={{ fontSize: 10.5, fill: Color.Axis }}
              label={{
                value: `${f.name} (${cats ? 'category' : 'feature value, data units'})`,
                position: 'insideBottom',
                offset: cats && cats.length > 6 ? -78 : -16,
                fontSize: 12,
                fill: Color.Axis,
              }}
            />
            <YAxis
              type="number"
              dataKey="y"
              name={`φ(${f.name})`}
              domain={yAxis.domain}
              ticks={yAxis.ticks}
              tickFormatter={tickText(yAxis.ticks)}
              tick={{ fontSize: 11, fill: Color.Axis }}
              label={{
                value: `φ(${f.name}) (${global.method === 'treeShap' ? 'TreeSHAP margin' : 'probability'})`,
                angle: -90,
                position: 'insideLeft',
                offset: -2,
                fontSize: 12,
                fill: Color.Axis,
                style: { textAnchor: 'middle' },
              }}
            />
            <ReferenceLine y={0} stroke={Color.Rule} />
            <AxisAnchor x={xDomain} y={yAxis.domain} />
            <DotLayer dots={dots} r={3} opacity={0.8} />
            {hovered && (
              <DotTip
                dot={hovered}
                title={`Row ${hovered.row}`}
                rows={[
                  [f.name, hovered.value],
                  [`φ(${f.name})`, fmtSigned(hovered.y, 6)],
                  ...(cf ? ([[cf.name, hovered.colorValue]] as [string, string][]) : []),
                ]}
              />
            )}
            {legend === 'gradient' && cf && <SvgColorBar title={cf.name} />}
            {Array.isArray(legend) && cf && <SvgKey title={cf.name} items={legend} />}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
    </ChartFrame>
  )
})
