import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts'
import { placeLabels } from './labelLayout.ts'
import { Color } from './palette.ts'

/** One labelled point in data units. */
export type ScatterLabelDatum = { x: number | null; y: number | null; text: string }

/**
 * Labels of a scatter chart's points, laid out so that close points' labels neither overlap nor
 * cover a point (placeLabels), with a leader line to a label moved away from its point. A child
 * of a recharts ScatterChart (it reads the chart's axis scales); points with a null coordinate get
 * no label.
 */
export function ScatterLabels({
  data,
  pointRadius = 5,
  fontSize = 11,
}: {
  data: readonly ScatterLabelDatum[]
  /** Radius of the drawn points, px. */
  pointRadius?: number
  /** Label font size, px. */
  fontSize?: number
}) {
  const xs = useXAxisScale()
  const ys = useYAxisScale()
  const area = usePlotArea()
  if (!xs || !ys) return null
  const points = data.flatMap((d) => {
    if (d.x === null || d.y === null) return []
    const x = xs(d.x)
    const y = ys(d.y)
    return typeof x === 'number' && typeof y === 'number' ? [{ x, y, text: d.text }] : []
  })
  const labels = placeLabels(points, {
    charWidth: fontSize * 0.58,
    lineHeight: fontSize + 3,
    pointRadius,
    ...(area ? { bounds: area } : {}),
  })
  return (
    <g className="scatterLabels" data-testid="scatter-labels">
      {labels.map((l, i) => {
        const p = points[i]!
        return (
          <g key={l.text + i} data-label={l.text}>
            {l.leader && (
              <line
                x1={p.x}
                y1={p.y}
                x2={l.x}
                y2={l.y - fontSize * 0.35}
                stroke={Color.Rule}
                strokeWidth={1}
              />
            )}
            <text x={l.x} y={l.y} textAnchor="middle" fontSize={fontSize} fill="currentColor">
              {l.text}
            </text>
          </g>
        )
      })}
    </g>
  )
}
