/** How a legend entry is drawn: a filled box (or a half-width one), a line, a dot, a whisker. */
export type LegendKind = 'box' | 'narrow' | 'line' | 'dashed' | 'dot' | 'whisker'

/** One legend entry. `color` is any CSS colour, usually a palette `var(--gb-…)`. */
export type LegendItem = {
  label: string
  color: string
  /** Default 'box'. */
  kind?: LegendKind
  /** Opacity of the swatch, for a series drawn translucent (default 1). */
  opacity?: number
}

/**
 * A chart legend in HTML, centred above the chart. Being outside the chart's SVG it keeps that
 * SVG the only one the export finds, and needs no measuring (unlike recharts' Legend); use
 * `SvgLegend` (./SvgLegend.tsx) where the legend must appear in the exported picture.
 */
export function Legend({ items }: { items: readonly LegendItem[] }) {
  return (
    <ul className="chartLegend">
      {items.map((it) => (
        <li key={it.label}>
          <span
            className={`legendSwatch ${it.kind ?? 'box'}`}
            style={
              it.opacity === undefined
                ? { color: it.color }
                : { color: it.color, opacity: it.opacity }
            }
            aria-hidden="true"
          />
          {it.label}
        </li>
      ))}
    </ul>
  )
}
