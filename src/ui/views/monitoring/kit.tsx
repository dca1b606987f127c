import type { ReactNode } from 'react'

/** Series colours: reference slate, current orange (both ≥ 3:1 against white). */
export const REF_COLOR = '#64748b'
export const CUR_COLOR = '#c2410c'

/** A p-value: 4 decimals, or scientific notation below 1e-4 (so 6e-34 is not shown as 0). */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—'
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4)
}

/** A share in [0, 1] as a percentage with one decimal. */
export function fmtPct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v)
    ? '—'
    : `${(100 * v).toFixed(digits)}%`
}

/** A signed change with `digits` decimals ("+0.0123"), or an em dash. */
export function fmtSigned(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v)
    ? '—'
    : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`
}

/** A compact number for bin edges and axis ticks (integers stay integers). */
export function fmtEdge(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US')
  const a = Math.abs(v)
  return a >= 1000 ? Math.round(v).toLocaleString('en-US') : a >= 10 ? v.toFixed(1) : v.toFixed(2)
}

export type TileProps = {
  /** data-testid of the value; `data-value` holds it at full precision. */
  id: string
  label: string
  /** Shown text. */
  text: string
  /** Exact value for tests (number, or '' when none). */
  value: number | null
  hint: string
  sub?: ReactNode
  tone?: 'alert' | 'warn' | 'ok' | null
}

/** A labelled number tile exposing its exact value for tests. */
export function Tile({ id, label, text, value, hint, sub, tone = null }: TileProps) {
  return (
    <div className={`tile${tone ? ` ${tone}` : ''}`} title={hint}>
      <div className="tileLabel">{label}</div>
      <div className="tileValue" data-testid={id} data-value={value ?? ''}>
        {text}
      </div>
      {sub && <div className="tileSub">{sub}</div>}
    </div>
  )
}

/** A chart legend in HTML (keeps the chart's SVG the only one the export finds). */
export function Legend({
  items,
}: {
  items: readonly { label: string; color: string; narrow?: boolean; opacity?: number }[]
}) {
  return (
    <ul className="legend">
      {items.map((it) => (
        <li key={it.label}>
          <span
            className={`swatch${it.narrow ? ' narrow' : ''}`}
            style={{ background: it.color, opacity: it.opacity ?? 1 }}
            aria-hidden="true"
          />
          {it.label}
        </li>
      ))}
    </ul>
  )
}

/** Human names of the comparison's metric keys, with the better direction. */
export const METRIC_INFO: Record<
  string,
  { label: string; better: 'higher' | 'lower' | null; hint: string }
> = {
  accuracy: {
    label: 'Accuracy',
    better: 'higher',
    hint: 'Share of rows whose decision at the threshold matches the label',
  },
  rocAuc: {
    label: 'ROC AUC',
    better: 'higher',
    hint: 'Probability that a random positive scores above a random negative',
  },
  logLoss: {
    label: 'Log loss',
    better: 'lower',
    hint: 'Mean negative log-likelihood of the labels',
  },
  brier: {
    label: 'Brier score',
    better: 'lower',
    hint: 'Mean squared error of the predicted probabilities',
  },
  ece: { label: 'ECE', better: 'lower', hint: 'Expected calibration error (10 equal-width bins)' },
  mce: { label: 'MCE', better: 'lower', hint: 'Maximum calibration error over the bins' },
  positiveRate: {
    label: 'Positive rate (labels)',
    better: null,
    hint: 'Share of rows labelled positive',
  },
  predictedPositiveRate: {
    label: 'Predicted positive rate',
    better: null,
    hint: 'Share of rows predicted positive at the threshold',
  },
  demographicParityDifference: {
    label: 'Demographic parity difference',
    better: 'lower',
    hint: 'Largest gap between the groups’ selection rates',
  },
  demographicParityRatio: {
    label: 'Demographic parity ratio',
    better: 'higher',
    hint: 'Smallest over largest group selection rate',
  },
  equalizedOddsDifference: {
    label: 'Equalized odds difference',
    better: 'lower',
    hint: 'Largest gap in TPR or FPR between groups',
  },
  equalizedOddsRatio: {
    label: 'Equalized odds ratio',
    better: 'higher',
    hint: 'Smallest ratio of TPR or FPR between groups',
  },
  equalOpportunityDifference: {
    label: 'Equal opportunity difference',
    better: 'lower',
    hint: 'Largest gap in TPR between groups',
  },
}

export const metricLabel = (key: string) => METRIC_INFO[key]?.label ?? key

/** Shown when a number is unavailable (e.g. no importance yet). */
export const DASH = '—'
