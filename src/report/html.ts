/**
 * The audit report as one self-contained HTML document: inline CSS (with print rules for A4),
 * inline SVG charts from `svg.ts`, no script and no URL of any kind (no `http`, no `//`), so it
 * opens offline, prints cleanly to PDF and leaks nothing.
 *
 * Determinism: the output depends only on the report object. No clock, locale, `Intl` or
 * randomness; numbers go through `numberFormat` (exactly specified `toFixed`); sections, groups,
 * rows and features follow the report's own key order. The CLI (Node) and the browser therefore
 * produce byte-identical files for the same report.
 */
import { type FairnessGroup, type FairnessSummary, fairnessSummary } from '../core/fairness.ts'
import type { RowExplanation } from '../core/explain.ts'
import type { Report, ReportFairnessAttr, ReportRates, ReportReview } from './types.ts'
import {
  intFormat,
  numberFormat as num,
  numberFormatSigned,
  svgBarChart,
  svgReliabilityDiagram,
  svgWaterfall,
  xmlEscape as esc,
} from './svg.ts'

/** Options of `reportHtml`. */
export type ReportHtmlOptions = {
  /** Document title and main heading (default 'Glassbox audit report'). */
  title?: string
}

/** Section headings, in document order (sections absent from the report are skipped). */
export const REPORT_HTML_SECTIONS = {
  identity: 'Model and data',
  settings: 'Settings',
  metrics: 'Performance',
  calibration: 'Calibration',
  fairness: 'Fairness',
  explanations: 'Explanations',
  quantization: 'Quantization',
  drift: 'Drift',
  review: 'Review',
} as const

type SectionKey = keyof typeof REPORT_HTML_SECTIONS

// No `url(`, no `//` (not even in comments), nothing external.
const CSS = `@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.4 Helvetica, Arial, sans-serif; color: #222; background: #fff; max-width: 186mm; margin: 0 auto; padding: 8mm 4mm; }
h1 { font-size: 18pt; margin: 0 0 1mm; }
h2 { font-size: 14pt; border-bottom: 1px solid #aaa; margin: 8mm 0 3mm; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 6mm 0 2mm; break-after: avoid; page-break-after: avoid; }
h4 { font-size: 10pt; margin: 3mm 0 1mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1mm 0 2mm; }
table { border-collapse: collapse; margin: 1mm 0 4mm; font-size: 9pt; }
thead { display: table-header-group; }
tr, figure, .keep { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #ddd; padding: 0.8mm 2mm; text-align: left; vertical-align: top; }
thead th { border-bottom: 1.5px solid #888; }
th.n, td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { border-top: 1.5px solid #888; font-weight: bold; }
tr.flag td:first-child { color: #a04800; }
code { font-family: Menlo, Consolas, monospace; font-size: 8.5pt; word-break: break-all; }
figure { margin: 2mm 0 4mm; }
figcaption, .note { font-size: 8.5pt; color: #555; }
svg.gb-chart { display: block; max-width: 100%; height: auto; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
nav ol { margin: 1mm 0; padding-left: 5mm; columns: 2; font-size: 9pt; }
article.row { border-top: 1px dashed #bbb; }
footer { margin-top: 10mm; font-size: 8.5pt; color: #666; }
@media print { body { max-width: none; padding: 0; } nav { display: none; } a { color: inherit; text-decoration: none; } }
`

type Align = 'l' | 'n'

/** A table; `head` and cells are HTML (escape text with `esc` first); `n` columns right-aligned. */
function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
  rowClass: readonly string[] = [],
): string {
  const cls = (i: number) => (align[i] === 'n' ? ' class="n"' : '')
  const th = head.map((h, i) => `<th${cls(i)}>${h}</th>`).join('')
  const trs = rows.map((r, k) => {
    const rc = rowClass[k] ? ` class="${rowClass[k]}"` : ''
    return `<tr${rc}>${r.map((d, i) => `<td${cls(i)}>${d}</td>`).join('')}</tr>`
  })
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs.join('')}</tbody></table>`
}

/** Two-column key/value table of [label, HTML value]. */
function kv(rows: readonly (readonly [string, string])[]): string {
  return table(
    ['Item', 'Value'],
    rows.map(([k, v]) => [esc(k), v]),
  )
}

/** A number as shown in settings: its exact JavaScript string (spec-defined shortest form). */
function plain(v: number): string {
  return Number.isFinite(v) ? String(v) : '—'
}

/** A feature value of a counterfactual: strings as they are, integers exactly, else 4 decimals. */
function featureValue(v: number | string): string {
  if (typeof v === 'string') return esc(v)
  return Number.isSafeInteger(v) ? String(v) : num(v)
}

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`
}

function section(key: SectionKey, body: string): string {
  return `<section id="${key}"><h2>${esc(REPORT_HTML_SECTIONS[key])}</h2>${body}</section>`
}

/** The reviewer's name, decision and notes (all rendered as escaped text; notes keep line breaks). */
function reviewSection(r: ReportReview): string {
  return section(
    'review',
    kv([
      ['Reviewer', esc(r.reviewer) || '—'],
      ['Decision', esc(r.decision) || 'not decided'],
      ['Notes', r.notes ? esc(r.notes).replace(/\n/g, '<br>') : '—'],
    ]),
  )
}

function identitySection(r: Report): string {
  const m = r.model
  return section(
    'identity',
    kv([
      ['Model SHA-256 (weights)', `<code>${esc(m.sha256)}</code>`],
      ['Model format', esc(m.format)],
      ['Model inputs (encoded width)', intFormat(m.inputs)],
      ['Model parameters', intFormat(m.parameters)],
      ['Model weight bytes', intFormat(m.bytes)],
      ['Data SHA-256 (CSV bytes)', `<code>${esc(r.data.sha256)}</code>`],
      ['Data rows', intFormat(r.data.rows)],
    ]),
  )
}

function settingsSection(r: Report): string {
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
  return section(
    'settings',
    table(
      ['Setting', 'Value', 'Meaning'],
      rows.map(([a, b, c]) => [esc(a), b, esc(c)]),
    ),
  )
}

function metricsSection(m: NonNullable<Report['metrics']>, threshold: number): string {
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

function calibrationSection(cal: NonNullable<Report['calibration']>): string {
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
  const asCore: Record<string, FairnessGroup> = {}
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

function fairnessSection(fair: Readonly<Record<string, ReportFairnessAttr>>): string {
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

function explanationArticle(row: string, e: RowExplanation, threshold: number): string {
  const parts: string[] = [`<article class="row" id="row-${esc(row)}"><h3>Row ${esc(row)}</h3>`]
  const side = e.prediction >= threshold ? 'positive' : 'negative'
  const items: [string, string][] = [
    ['Prediction f(x)', `${num(e.prediction)} (${side} at threshold ${plain(threshold)})`],
  ]
  if (e.baseValue !== undefined) items.push(['SHAP base value E[f]', num(e.baseValue)])
  if (e.exact !== undefined)
    items.push([
      'SHAP method',
      e.exact ? 'exact enumeration' : 'Kernel SHAP (sampled estimate with standard errors)',
    ])
  if (e.shap && e.baseValue !== undefined) {
    let sum = e.baseValue
    for (const v of Object.values(e.shap)) sum += v
    items.push(['SHAP efficiency gap (base + Σφ − f(x))', num(sum - e.prediction)])
  }
  if (e.igSteps !== undefined) items.push(['IG steps', plain(e.igSteps)])
  if (e.igCompletenessGap !== undefined)
    items.push(['IG completeness gap (ΣIG − (f(x) − f(baseline)))', num(e.igCompletenessGap)])
  parts.push(kv(items))
  if (e.shap && e.baseValue !== undefined)
    parts.push(
      figure(
        svgWaterfall(
          { baseValue: e.baseValue, prediction: e.prediction, shap: e.shap },
          { title: `SHAP waterfall of row ${row}` },
        ),
        'SHAP waterfall: from the base value, each feature moves the output (red up, blue down), largest first; the rest are summed as "other".',
      ),
    )
  const shap = e.shap
  const ig = e.ig
  const stdErr: Readonly<Record<string, number | null>> | null = e.shapStdErr ?? null
  if (shap || ig) {
    const names = [...new Set([...Object.keys(shap ?? {}), ...Object.keys(ig ?? {})])]
    const head = [
      'Feature',
      ...(shap ? ['SHAP'] : []),
      ...(stdErr ? ['± std. err.'] : []),
      ...(ig ? ['IG'] : []),
    ]
    const rows = names.map((n) => [
      esc(n),
      ...(shap ? [numberFormatSigned(shap[n])] : []),
      ...(stdErr ? [num(stdErr[n])] : []),
      ...(ig ? [numberFormatSigned(ig[n])] : []),
    ])
    parts.push(table(head, rows, ['l', 'n', 'n', 'n']))
  }
  if (e.counterfactuals) {
    parts.push('<h4>Counterfactuals</h4>')
    if (e.counterfactuals.length > 0) {
      const rows = e.counterfactuals.map((cf, i) => [
        String(i + 1),
        Object.entries(cf.changes)
          .map(([f, v]) => `${esc(f)} → ${featureValue(v)}`)
          .join('; '),
        num(cf.prediction),
        plain(cf.nChanged),
        num(cf.proximity),
        cf.valid ? 'yes' : 'no',
      ])
      parts.push(
        table(['#', 'Changes', 'Prediction', 'Features changed', 'Proximity', 'Valid'], rows, [
          'n',
          'l',
          'n',
          'n',
          'n',
          'l',
        ]),
      )
    }
    const notes: string[] = []
    if (e.diversity !== undefined)
      notes.push(`Diversity (mean pairwise proximity): ${num(e.diversity)}.`)
    if (e.noneReason)
      notes.push(
        `${e.counterfactuals.length > 0 ? 'Fewer than asked' : 'None found'}: ${e.noneReason}`,
      )
    else if (e.counterfactuals.length === 0) notes.push('None found.')
    parts.push(`<p class="note">${esc(notes.join(' '))}</p>`)
  }
  parts.push('</article>')
  return parts.join('')
}

function explanationsSection(
  ex: Readonly<Record<string, RowExplanation>>,
  threshold: number,
): string {
  return section(
    'explanations',
    '<p class="note">SHAP: interventional Shapley values of raw features (a one-hot block is one feature), in probability units. IG: integrated gradients summed per raw feature. Counterfactuals: valid answers on the other side of the threshold; proximity = Σ |Δ|/MAD over numeric features + changed categorical features.</p>' +
      Object.entries(ex)
        .map(([row, e]) => explanationArticle(row, e, threshold))
        .join(''),
  )
}

function quantizationSection(r: Report, q: NonNullable<Report['quantization']>): string {
  const schemes = Object.entries(q)
  const head = [
    'Scheme',
    'Bytes',
    'Agreement',
    'Max |Δf|',
    'Mean |Δf|',
    'Accuracy',
    'ROC AUC',
    'ECE',
    'SHAP rank corr.',
  ]
  const ref = [
    'float32 (audited)',
    intFormat(r.model.bytes),
    num(1),
    num(0),
    num(0),
    num(r.metrics?.accuracy),
    num(r.metrics?.rocAuc),
    num(r.calibration?.ece),
    num(1),
  ]
  const rows = [
    ref,
    ...schemes.map(([id, s]) => [
      esc(id),
      intFormat(s.bytes),
      num(s.agreement),
      num(s.maxAbsDiff),
      num(s.meanAbsDiff),
      num(s.accuracy),
      num(s.rocAuc),
      num(s.ece),
      num(s.shapRankCorrelation),
    ]),
  ]
  const attrs = [...new Set(schemes.flatMap(([, s]) => Object.keys(s.fairness)))]
  let fairTable = ''
  if (attrs.length > 0) {
    const fhead = [
      'Scheme',
      ...attrs.flatMap((a) => [`${esc(a)}: DP diff.`, `${esc(a)}: EO diff.`]),
    ]
    const frows = [
      [
        'float32 (audited)',
        ...attrs.flatMap((a) => [
          num(r.fairness?.[a]?.demographicParityDifference),
          num(r.fairness?.[a]?.equalizedOddsDifference),
        ]),
      ],
      ...schemes.map(([id, s]) => [
        esc(id),
        ...attrs.flatMap((a) => [
          num(s.fairness[a]?.demographicParityDifference),
          num(s.fairness[a]?.equalizedOddsDifference),
        ]),
      ]),
    ]
    fairTable =
      '<h4>Fairness of the quantized models</h4>' +
      table(fhead, frows, ['l', ...attrs.flatMap((): Align[] => ['n', 'n'])])
  }
  const chart = svgBarChart(
    {
      categories: schemes.map(([id]) => ({ label: id })),
      series: [
        { name: 'agreement', values: schemes.map(([, s]) => s.agreement) },
        { name: 'accuracy', values: schemes.map(([, s]) => s.accuracy) },
      ],
    },
    { title: 'Agreement and accuracy per quantization scheme', max: 1, id: 'quant' },
  )
  return section(
    'quantization',
    '<p class="note">Each scheme compared with the float32 model on the audited data: agreement = share of rows with the same thresholded prediction; |Δf| = change of the predicted probability. The float32 row repeats the audited model\'s own numbers.</p>' +
      table(head, rows, ['l', 'n', 'n', 'n', 'n', 'n', 'n', 'n', 'n']) +
      fairTable +
      figure(chart, 'Agreement with the float32 model and accuracy per scheme.'),
  )
}

function driftSection(d: NonNullable<Report['drift']>): string {
  const feats = Object.entries(d.features)
  const rows = feats.map(([name, f]) => [
    esc(name),
    num(f.psi),
    num(f.ks),
    num(f.pValue),
    num(f.wasserstein),
    num(f.chi2),
    f.drifted ? 'yes' : 'no',
  ])
  const chart = svgBarChart(
    {
      categories: feats.map(([name, f]) => ({ label: name, flagged: f.drifted })),
      series: [{ name: 'PSI', values: feats.map(([, f]) => f.psi) }],
    },
    {
      title: 'Population stability index per feature',
      flagLabel: 'drifted',
      id: 'drift',
      axisLabel: 'PSI',
    },
  )
  return section(
    'drift',
    kv([
      ['Largest feature PSI', num(d.maxPsi)],
      ['Prediction PSI', num(d.prediction.psi)],
      ['Prediction KS statistic', num(d.prediction.ks)],
      ['Out-of-distribution share', num(d.oodShare)],
    ]) +
      table(
        ['Feature', 'PSI', 'KS', 'p-value', 'Wasserstein', 'χ²', 'Drifted'],
        rows,
        ['l', 'n', 'n', 'n', 'n', 'n', 'l'],
        feats.map(([, f]) => (f.drifted ? 'flag' : '')),
      ) +
      figure(
        chart,
        'PSI per feature (reference deciles, or categories plus "unseen"); hatched bars are features flagged as drifted.',
      ),
  )
}

/**
 * Renders `report` as one self-contained HTML document (UTF-8): header with model and data
 * identity, settings, then performance, calibration, fairness, explanations, quantization and
 * drift, each only when present in the report. Every string from the report is escaped.
 * @returns the same string for the same report in every JavaScript engine.
 * @example writeFileSync('audit.html', reportHtml(report))
 */
export function reportHtml(report: Report, opts: ReportHtmlOptions = {}): string {
  const title = opts.title ?? 'Glassbox audit report'
  const threshold = report.settings.threshold
  const present: SectionKey[] = ['identity', 'settings']
  const body: string[] = [identitySection(report), settingsSection(report)]
  if (report.metrics) {
    present.push('metrics')
    body.push(metricsSection(report.metrics, threshold))
  }
  if (report.calibration) {
    present.push('calibration')
    body.push(calibrationSection(report.calibration))
  }
  if (report.fairness) {
    present.push('fairness')
    body.push(fairnessSection(report.fairness))
  }
  if (report.explanations) {
    present.push('explanations')
    body.push(explanationsSection(report.explanations, threshold))
  }
  if (report.quantization) {
    present.push('quantization')
    body.push(quantizationSection(report, report.quantization))
  }
  if (report.drift) {
    present.push('drift')
    body.push(driftSection(report.drift))
  }
  if (report.review) {
    present.push('review')
    body.push(reviewSection(report.review))
  }
  const tool = `${report.tool.name} ${report.tool.version}`
  const nav = present
    .map((k) => `<li><a href="#${k}">${esc(REPORT_HTML_SECTIONS[k])}</a></li>`)
    .join('')
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<meta name="generator" content="${esc(tool)}">` +
    `<title>${esc(title)}</title><style>\n${CSS}</style></head><body>` +
    `<header><h1>${esc(title)}</h1><p>${esc(`Generated by ${tool} · report format v${report.reportVersion}`)}</p></header>` +
    `<nav><ol>${nav}</ol></nav>` +
    body.join('\n') +
    `<footer>${esc(`${tool}. Every number here is also in the report's JSON (format v${report.reportVersion}).`)}</footer>` +
    '</body></html>\n'
  )
}
