/**
 * The report's later sections as HTML: per-row explanations (SHAP waterfall, IG, counterfactuals),
 * quantization and drift.
 */
import type { RowExplanation } from '../../core/explain.ts'
import type { Report } from '../types.ts'
import {
  intFormat,
  numberFormat as num,
  numberFormatSigned,
  svgBarChart,
  svgWaterfall,
  xmlEscape as esc,
} from '../svg.ts'
import { treeShapArticlePart, treeShapNote } from './treeShap.ts'
import { type Align, featureValue, figure, kv, plain, section, table } from './parts.ts'

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
  parts.push(treeShapArticlePart(e))
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

/** The per-row explanations: SHAP waterfall, IG and counterfactuals of each explained row. */
export function explanationsSection(
  ex: Readonly<Record<string, RowExplanation>>,
  threshold: number,
): string {
  return section(
    'explanations',
    '<p class="note">SHAP: interventional Shapley values of raw features (a one-hot block is one feature), in probability units. IG: integrated gradients summed per raw feature. Counterfactuals: valid answers on the other side of the threshold; proximity = Σ |Δ|/MAD over numeric features + changed categorical features.</p>' +
      treeShapNote(ex) +
      Object.entries(ex)
        .map(([row, e]) => explanationArticle(row, e, threshold))
        .join(''),
  )
}

/** The quantization table, fairness deltas and agreement chart. */
export function quantizationSection(r: Report, q: NonNullable<Report['quantization']>): string {
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

/** Feature and prediction drift with the PSI chart. */
export function driftSection(d: NonNullable<Report['drift']>): string {
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
