import type { ReactNode } from 'react'
import { fmt } from '../format.ts'

/** Props of {@link Tile}. */
export type TileProps = {
  /** data-testid of the value; its `data-value` holds the value at full precision. */
  id: string
  label: string
  /** The number behind the tile; null when there is none (then `data-value` is ''). */
  value: number | null
  /** Shown text; default the value with `digits` decimals (an em dash for null). */
  text?: string
  /** Decimals of the default text (default 4). */
  digits?: number
  /** Tooltip explaining the number. */
  hint: string
  /** A line under the value (an interval, a flag, a count). */
  sub?: ReactNode
  /** Colours the tile in a `.tiles` grid: alert (red), warn (amber), ok (green). */
  tone?: 'alert' | 'warn' | 'ok' | null
}

/**
 * A labelled number (metric tile) that exposes its exact value for tests. Tiles sit in a `.metrics`
 * row (plain, as on the Overview) or a `.tiles` grid (status tiles with a coloured edge, as in
 * Monitoring); src/ui/kit/kit.css styles both.
 */
export function Tile({ id, label, value, text, digits = 4, hint, sub, tone = null }: TileProps) {
  return (
    <div className={`tile${tone ? ` ${tone}` : ''}`} title={hint}>
      <div className="tileLabel">{label}</div>
      <div className="tileValue" data-testid={id} data-value={value ?? ''}>
        {text ?? fmt(value, digits)}
      </div>
      {sub && <div className="tileSub">{sub}</div>}
    </div>
  )
}
