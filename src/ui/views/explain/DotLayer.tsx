/**
 * Scatter dots for charts with thousands of points (beeswarm, dependence): plain <circle>s placed
 * with the chart's own axis scales, so a 2 000-row beeswarm (24 000 dots) renders in a fraction of
 * the time recharts' per-point <Scatter> needs. Hover and keyboard give a tooltip with the exact
 * values: `useDotHover` handles the events on the wrapper, `DotTip` draws the box in the SVG.
 */
import {
  memo,
  startTransition,
  useEffect,
  useState,
  type KeyboardEvent,
  type MouseEvent,
} from 'react'
import { Scatter, usePlotArea, useXAxisScale, useYAxisScale, ZIndexLayer } from 'recharts'
import { Color } from '../../kit/palette.ts'

export type PlotDot = { x: number; y: number; color: string }

/** Circles added per commit: a thousand SVG circles cost tens of milliseconds to create. */
const DOTS_PER_BATCH = 600

/**
 * The dots, in data coordinates; each circle carries its index in `data-i`. Large sets are drawn
 * in batches of 600, one commit each, so a 12,000-dot beeswarm never blocks the page for long.
 */
export const DotLayer = memo(function DotLayer({
  dots,
  r,
  opacity = 0.85,
}: {
  dots: readonly PlotDot[]
  r: number
  opacity?: number
}) {
  const xs = useXAxisScale()
  const ys = useYAxisScale()
  // How many dots of `dots` are drawn; reset when the dots change.
  const [drawn, setDrawn] = useState({ dots, count: Math.min(dots.length, DOTS_PER_BATCH) })
  const current =
    drawn.dots === dots ? drawn : { dots, count: Math.min(dots.length, DOTS_PER_BATCH) }
  if (current !== drawn) setDrawn(current)
  useEffect(() => {
    if (current.count >= dots.length) return
    const id = setTimeout(() =>
      startTransition(() =>
        setDrawn((d) =>
          d.dots === dots ? { dots, count: Math.min(dots.length, d.count + DOTS_PER_BATCH) } : d,
        ),
      ),
    )
    return () => clearTimeout(id)
  }, [current.count, dots])
  if (!xs || !ys) return null
  const shown = dots.length > current.count ? dots.slice(0, current.count) : dots
  return (
    <ZIndexLayer zIndex={600}>
      <g
        className="dotLayer"
        data-dots={dots.length}
        data-drawn={current.count}
        aria-busy={current.count < dots.length}
      >
        {shown.map((d, i) => (
          <circle
            key={i}
            data-i={i}
            cx={xs(d.x) ?? 0}
            cy={ys(d.y) ?? 0}
            r={r}
            fill={d.color}
            fillOpacity={opacity}
          />
        ))}
      </g>
    </ZIndexLayer>
  )
})

/**
 * Hovered dot index and the wrapper's event handlers: pointer over a circle picks it; with the
 * chart focused, ←/→ step through the dots and Escape clears. With `onPick`, a click on a circle
 * (or Enter on the hovered one) calls it with the dot's index.
 */
export function useDotHover(count: number, onPick?: (i: number) => void) {
  const [hover, setHover] = useState<number | null>(null)
  const handlers = {
    onClick: (e: MouseEvent) => {
      const i = (e.target as Element).getAttribute?.('data-i')
      if (onPick && i !== null && i !== undefined) onPick(Number(i))
    },
    onMouseOver: (e: MouseEvent) => {
      const i = (e.target as Element).getAttribute?.('data-i')
      setHover(i === null || i === undefined ? null : Number(i))
    },
    onMouseLeave: () => setHover(null),
    onKeyDown: (e: KeyboardEvent) => {
      if (count === 0) return
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown')
        setHover((h) => (h === null ? 0 : (h + 1) % count))
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp')
        setHover((h) => (h === null ? count - 1 : (h - 1 + count) % count))
      else if (e.key === 'Escape') setHover(null)
      else if (e.key === 'Enter' && onPick && hover !== null && hover < count) onPick(hover)
      else return
      e.preventDefault()
    },
    onBlur: () => setHover(null),
  }
  return { hover: hover !== null && hover < count ? hover : null, handlers }
}

/** The tooltip of one dot, drawn in the SVG beside it (flipped left near the right edge). */
export function DotTip({
  dot,
  title,
  rows,
}: {
  dot: PlotDot
  title: string
  rows: [string, string][]
}) {
  const xs = useXAxisScale()
  const ys = useYAxisScale()
  const area = usePlotArea()
  if (!xs || !ys || !area) return null
  const cx = xs(dot.x) ?? 0
  const cy = ys(dot.y) ?? 0
  const lines = [title, ...rows.map(([k, v]) => `${k}: ${v}`)]
  const w = Math.max(...lines.map((l) => l.length)) * 6.3 + 16
  const h = lines.length * 15 + 8
  const left = cx + 10 + w > area.x + area.width ? cx - 10 - w : cx + 10
  const top = Math.min(Math.max(area.y, cy - h / 2), area.y + area.height - h)
  return (
    <ZIndexLayer zIndex={3000}>
      <g className="dotTip" pointerEvents="none">
        <circle cx={cx} cy={cy} r={5} fill="none" stroke={Color.Text} strokeWidth={1.5} />
        <rect
          x={left}
          y={top}
          width={w}
          height={h}
          rx={4}
          fill={Color.Surface}
          stroke={Color.LineStrong}
        />
        {lines.map((l, i) => (
          <text
            key={i}
            x={left + 8}
            y={top + 17 + i * 15}
            fontSize={11.5}
            fontWeight={i === 0 ? 600 : 400}
            fill={i === 0 ? Color.Text : Color.Axis}
          >
            {l}
          </text>
        ))}
      </g>
    </ZIndexLayer>
  )
}

const nothing = () => <g />

/**
 * An invisible two-point series at the corners of the axes' domains: recharts lays out (and
 * draws) axes only for series that use them, and the dots themselves are a DotLayer.
 */
export function AxisAnchor({ x, y }: { x: [number, number]; y: [number, number] }) {
  return (
    <Scatter
      data={[
        { x: x[0], y: y[0] },
        { x: x[1], y: y[1] },
      ]}
      dataKey="y"
      shape={nothing}
      isAnimationActive={false}
      legendType="none"
      tooltipType="none"
    />
  )
}
