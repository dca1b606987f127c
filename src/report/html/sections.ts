/**
 * The report's first sections as HTML: model and data identity, settings, performance,
 * calibration, fairness (with the disparities recomputed without small groups) and the review.
 */
import { type FairnessGroup, type FairnessSummary, fairnessSummary } from '../../core/fairness.ts'
import type { Report, ReportFairnessAttr, ReportRates, ReportReview } from '../types.ts'
import {
  intFormat,
  numberFormat as num,
  svgBarChart,
  svgReliabilityDiagram,
  xmlEscape as esc,
} from '../svg.ts'
import { figure, kv, plain, section, table } from './parts.ts'
import { dict } from '../../core/dict.ts'
import { runtimeIdentityRows } from './treeShap.ts'

/** The reviewer's name, decision and notes (all rendered as escaped text; notes keep line breaks). */
export function reviewSection(r: ReportReview): string {
  return section(
    'review',
    kv([
      ['Reviewer', esc(r.reviewer) || '—'],
      ['Decision', esc(r.decision) || 'not decided'],
      ['Notes', r.notes ? esc(r.notes).replace(/\n/g, '<br>') : '—'],
    ]),
  )
}

/** Model and data identity (sha256, format, sizes, backend). */
export function identitySection(r: Report): string {
  const m = r.model
  return section(
    'identity',
    kv([
      ['Model SHA-256 (weights)', `<code>${esc(m.sha256)}</code>`],
      ['Model format', esc(m.format)],
      ['Model inputs (encoded width)', intFormat(m.inputs)],
      ['Model parameters', intFormat(m.parameters)],
      ['Model weight bytes', intFormat(m.bytes)],
      ...runtimeIdentityRows(m),
      ['Data SHA-256 (CSV bytes)', `<code>${esc(r.data.sha256)}</code>`],
      ['Data rows', intFormat(r.data.rows)],
    ]),
  )
}

/** Every setting of the run, numbers exactly as in the JSON. */
export function settingsSection(r: Report): string {
  const s = r.settings
  const ig =
    s.igSteps === 'auto'
      ? 'auto (64, doubled until converged)'
      : s.igSteps === 0
        ? '0 (no integrated gradients)'
        : `${plain(s.igSteps)} (fixed)`
  const rows: [string, string, string][] = [
    ['Threshold', plain(s.threshold), 'predicted positive iff f(x) ≥ threshold'],
    [
      'Class index',
      plain(s.classIndex),
      'softmax index of the class of interest (a sigmoid has one output)',
    ],
    [
      'Explained rows',
      s.rows.length > 0 ? esc(s.rows.map(plain).join(', ')) : 'none',
      '0-based data rows',
    ],
    [
      'Background',
      esc(`${s.background.kind}:${plain(s.background.k)}`),
      'SHAP and IG background rows',
    ],
    ['SHAP budget', plain(s.budget), 'exact enumeration when 2^M − 2 ≤ budget, else Kernel SHAP'],
    ['Seed', plain(s.seed), 'seed of every random choice'],
    ['IG steps', esc(ig), 'integrated-gradients quadrature steps'],
    ['IG method', esc(s.igMethod), 'quadrature rule'],
    ['IG baseline', esc(s.igBaseline), 'reference input of the path integral'],
    ['Counterfactuals', plain(s.counterfactuals), 'answers asked per explained row (0 = none)'],
    [
      'Quantization schemes',
      s.quantize.length > 0 ? esc(s.quantize.join(', ')) : 'none',
      'compared against the float32 model',
    ],
    ['Backend', esc(s.backend), 'TensorFlow.js backend'],
  ]
  if (s.cohort)
    rows.push([
      'Cohort',
      esc(`${s.cohort.predicate} (${plain(s.cohort.rows)} of ${plain(r.data.rows)} rows)`),
      'every section is computed on these rows only',
    ])
  return section(
    'settings',
    table(
      ['Setting', 'Value', 'Meaning'],
      rows.map(([a, b, c]) => [esc(a), b, esc(c)]),
    ),
  )
}

/** Accuracy, ROC AUC, log loss and Brier at the threshold. */
export function metricsSection(m: NonNullable<Report['metrics']>, threshold: number): string {
  return section(
    'metrics',
    table(
      ['Metric', 'Value', 'Meaning'],
      [
        ['Accuracy', num(m.accuracy), `share of rows with (f ≥ ${plain(threshold)}) = label`],
        ['ROC AUC', num(m.rocAuc), 'probability a positive row scores above a negative one'],
        ['Log loss', num(m.logLoss), 'mean negative log-likelihood, nats'],
        ['Brier score', num(m.brier), 'mean squared error of f'],
      ].map(([a, b, c]) => [esc(a!), b!, esc(c!)]),
      ['l', 'n', 'l'],
    ),
  )
}

/** ECE, MCE, the bins and the reliability diagram. */
export function calibrationSection(cal: NonNullable<Report['calibration']>): string {
  const rows = cal.bins.map((b, i) => [
    String(i),
    esc(`${i === 0 ? '[' : '('}${num(b.lower, 2)}, ${num(b.upper, 2)}]`),
    intFormat(b.count),
    num(b.meanPredicted),
    num(b.fractionPositive),
    b.meanPredicted === null || b.fractionPositive === null
      ? '—'
      : num(b.fractionPositive - b.meanPredicted),
  ])
  return section(
    'calibration',
    kv([
      ['Expected calibration error (ECE)', num(cal.ece)],
      ['Maximum calibration error (MCE)', num(cal.mce)],
    ]) +
      figure(
        svgReliabilityDiagram(cal, { title: 'Reliability diagram' }),
        'Reliability diagram: fraction of positive labels per bin against the mean predicted probability; the dashed diagonal is perfect calibration; the lower panel counts rows per bin.',
      ) +
      table(['Bin', 'Range of f', 'Rows', 'Mean predicted', 'Fraction positive', 'Gap'], rows, [
        'n',
        'l',
        'n',
        'n',
        'n',
        'n',
      ]),
  )
}

/**
 * Disparities without the small groups, through the core's `fairnessSummary` (one definition of
 * the spreads, ratios and null rules). The report's groups carry rates, not confusion counts;
 * `fairnessSummary` reads only `small`, selectionRate, tpr and fpr, so absent counts are filled
 * with NaN, which it never reads.
 */
export function reportFairnessWithoutSmall(groups: ReportFairnessAttr['groups']): FairnessSummary {
  const asCore = dict<FairnessGroup>()
  for (const [k, g] of Object.entries(groups))
    asCore[k] = { tp: NaN, fp: NaN, tn: NaN, fn: NaN, ...g }
  return fairnessSummary(asCore, { excludeSmall: true })
}

const DISPARITIES: readonly [keyof FairnessSummary, string][] = [
  ['demographicParityDifference', 'Demographic parity difference (max − min selection rate)'],
  ['demographicParityRatio', 'Demographic parity ratio (min / max selection rate)'],
  ['equalizedOddsDifference', 'Equalized odds difference (max of TPR and FPR spreads)'],
  ['equalizedOddsRatio', 'Equalized odds ratio (min of TPR and FPR ratios)'],
  ['equalOpportunityDifference', 'Equal opportunity difference (TPR spread)'],
]

function ratesRow(label: string, g: ReportRates, small: string): string[] {
  return [
    esc(label),
    intFormat(g.count),
    num(g.selectionRate),
    num(g.tpr),
    num(g.fpr),
    num(g.precision),
    num(g.accuracy),
    small,
  ]
}

/** Per attribute: group rates, disparities (with and without small groups) and a chart. */
export function fairnessSection(fair: Readonly<Record<string, ReportFairnessAttr>>): string {
  const parts: string[] = [
    '<p class="note">Per group of each sensitive attribute (fairlearn definitions; null rates, shown as —, have a zero denominator). Groups with fewer than 30 rows are flagged small (*): their rates are noisy. They stay in every disparity; where there are any, the disparities are repeated without them.</p>',
  ]
  Object.entries(fair).forEach(([attr, f], index) => {
    const groups = Object.entries(f.groups)
    const anySmall = groups.some(([, g]) => g.small)
    const rows = groups.map(([name, g]) =>
      ratesRow(g.small ? `${name} *` : name, g, g.small ? 'yes' : 'no'),
    )
    rows.push(ratesRow('overall', f.overall, ''))
    const classes: string[] = groups.map(([, g]) => (g.small ? 'flag' : ''))
    classes.push('total')
    const without = anySmall ? reportFairnessWithoutSmall(f.groups) : null
    const dispHead = ['Disparity', 'All groups', ...(without ? ['Without small groups'] : [])]
    const dispRows = DISPARITIES.map(([key, label]) => [
      esc(label),
      num(f[key]),
      ...(without ? [num(without[key])] : []),
    ])
    const chart = svgBarChart(
      {
        categories: groups.map(([name, g]) => ({ label: name, flagged: g.small })),
        series: [
          { name: 'selection rate', values: groups.map(([, g]) => g.selectionRate) },
          { name: 'TPR', values: groups.map(([, g]) => g.tpr) },
          { name: 'FPR', values: groups.map(([, g]) => g.fpr) },
        ],
      },
      {
        title: `Rates per group of ${attr}`,
        max: 1,
        flagLabel: 'small group (< 30 rows)',
        id: `fair-${index}`,
        axisLabel: 'rate',
      },
    )
    parts.push(
      `<h3>${esc(attr)}</h3>`,
      table(
        ['Group', 'Rows', 'Selection rate', 'TPR', 'FPR', 'Precision', 'Accuracy', 'Small'],
        rows,
        ['l', 'n', 'n', 'n', 'n', 'n', 'n', 'l'],
        classes,
      ),
      table(dispHead, dispRows, ['l', 'n', 'n']),
      anySmall
        ? `<p class="note">${esc(
            `Small groups of ${attr}: ${groups
              .filter(([, g]) => g.small)
              .map(([n, g]) => `${n} (${intFormat(g.count)} rows)`)
              .join(', ')}.`,
          )}</p>`
        : '',
      figure(
        chart,
        `Selection rate, true positive rate and false positive rate per group of ${attr}${anySmall ? '; hatched bars are small groups' : ''}.`,
      ),
    )
  })
  return section('fairness', parts.join(''))
}
