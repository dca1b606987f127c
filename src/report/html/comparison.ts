/**
 * The report's comparison section as HTML (glassbox compare, docs/contracts.md §8): the
 * challenger's identity and agreement, each metric of both models with the difference, its
 * interval and p-value, and every fairness disparity per attribute — tables that print on A4.
 */
import type { Report } from '../types.ts'
import { numberFormat as num, numberFormatSigned, xmlEscape as esc } from '../svg.ts'
import { kv, plain, section, table } from './parts.ts'

type Cmp = {
  champion: number | null
  challenger: number | null
  delta: number | null
  ci: [number, number] | null
  pValue?: number | null
}

const METRIC_NAMES: Record<string, string> = {
  accuracy: 'Accuracy (McNemar exact test)',
  rocAuc: 'ROC AUC (DeLong test)',
  logLoss: 'Log loss',
  brier: 'Brier score',
  ece: 'Expected calibration error',
}

/** A row of both values, the difference, its interval and p-value. */
function cmpRow(label: string, c: Cmp): string[] {
  return [
    esc(label),
    num(c.champion),
    num(c.challenger),
    c.delta === null ? '—' : numberFormatSigned(c.delta),
    c.ci ? `[${numberFormatSigned(c.ci[0])}, ${numberFormatSigned(c.ci[1])}]` : '—',
    c.pValue === undefined ? '' : num(c.pValue),
  ]
}

const HEAD = ['', 'Champion', 'Challenger', 'Δ (challenger − champion)', '95% interval', 'p-value']
const ALIGN = ['l', 'n', 'n', 'n', 'l', 'n'] as const

/** The `comparison` section. */
export function comparisonSection(r: Report, c: NonNullable<Report['comparison']>): string {
  const fairness = Object.entries(c.fairness).map(
    ([attr, d]) =>
      `<h3>${esc(`Fairness by ${attr}`)}</h3>` +
      table(
        HEAD,
        Object.entries(d).map(([k, v]) => cmpRow(k, v)),
        [...ALIGN],
      ),
  )
  const e = c.explanations
  return section(
    'comparison',
    kv([
      ['Champion', esc(`${r.model.sha256.slice(0, 16)}… (${r.model.format})`)],
      ['Challenger', esc(`${c.challenger.sha256.slice(0, 16)}… (${c.challenger.format})`)],
      ['Rows compared', plain(c.rows)],
      ['Same decision at the threshold', num(c.agreement)],
      ['Rows decided differently', plain(c.disagreements)],
      ...(e
        ? ([
            [`SHAP rank correlation (${plain(e.rows)} seeded rows)`, num(e.shapRankCorrelation)],
            [`Top-${plain(e.k)} feature overlap`, num(e.topKOverlap)],
          ] as [string, string][])
        : []),
    ]) +
      table(
        HEAD,
        Object.entries(c.metrics).map(([k, v]) => cmpRow(METRIC_NAMES[k] ?? k, v)),
        [...ALIGN],
      ) +
      fairness.join(''),
  )
}
