import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  REPORT_HTML_SECTIONS,
  reportFairnessWithoutSmall,
  reportHtml,
} from '../../src/report/html.ts'
import type { Report } from '../../src/report/types.ts'
import { reportValidate } from '../../src/report/validate.ts'
import { reference, reportFixture } from './reportFixture.ts'

const headings = (html: string): string[] =>
  [...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]!)

/** Renames feature `from` to `to` in every explanation (shap, ig, std errors). */
function renameFeature(r: Report, from: string, to: string): void {
  const rename = <T>(m: Record<string, T> | null | undefined) => {
    if (!m || !(from in m)) return
    const entries = Object.entries(m).map(([k, v]): [string, T] => [k === from ? to : k, v])
    for (const k of Object.keys(m)) delete m[k]
    Object.assign(m, Object.fromEntries(entries))
  }
  for (const e of Object.values(r.explanations ?? {})) {
    rename(e.shap)
    rename(e.ig)
    rename(e.shapStdErr)
  }
}

describe('reportHtml', () => {
  afterEach(() => vi.restoreAllMocks())

  it('is one self-contained document: no script, no URL, no //', () => {
    const html = reportHtml(reportFixture())
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true)
    expect(html.endsWith('</body></html>\n')).toBe(true)
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/http/i)
    expect(html).not.toMatch(/\/\//)
    expect(html).not.toMatch(/xmlns|url\((?!#)|@import|<link|<img|<iframe|src=/i)
    expect(html).not.toMatch(/NaN|Infinity|undefined|\[object /)
    expect(html).toContain('@page')
  })

  it('has every section in contract order', () => {
    const review = { reviewer: 'A. Auditor', decision: 'approved' as const, notes: 'ok' }
    // The comparison section (glassbox compare) is checked in test/cli/compare.test.ts.
    const { comparison: _c, ...audit } = REPORT_HTML_SECTIONS
    expect(headings(reportHtml({ ...reportFixture(), review }))).toEqual(Object.values(audit))
  })

  it('renders the reviewer record as inert text and validates it', () => {
    const review = {
      reviewer: '<img src=x onerror=alert(1)>',
      decision: 'rejected' as const,
      notes: 'line 1\n=HYPERLINK("x")',
    }
    const report = { ...reportFixture(), review }
    const html = reportHtml(report)
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('line 1<br>')
    expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
    expect(reportValidate({ ...report, review: { ...review, decision: 'maybe' } }).valid).toBe(
      false,
    )
  })

  it('leaves out the sections absent from the report', () => {
    const { reportVersion, tool, model, data, settings } = reportFixture()
    const html = reportHtml({ reportVersion, tool, model, data, settings })
    expect(headings(html)).toEqual(['Model and data', 'Settings'])
    expect(html).not.toContain('<svg')
    expect(html).not.toContain('href="#drift"')
  })

  it('shows identity and every setting', () => {
    const r = reportFixture()
    const html = reportHtml(r, { title: 'Adult audit' })
    expect(html).toContain('<title>Adult audit</title>')
    expect(html).toContain('<h1>Adult audit</h1>')
    expect(html).toContain('glassbox 0.1.0')
    expect(html).toContain(`<code>${r.model.sha256}</code>`)
    expect(html).toContain(`<code>${r.data.sha256}</code>`)
    expect(html).toContain('<td>Data rows</td><td>2,000</td>')
    expect(html).toContain('<td>Model weight bytes</td><td>6,276</td>')
    for (const label of [
      'Threshold',
      'Class index',
      'Explained rows',
      'Background',
      'SHAP budget',
      'Seed',
      'IG steps',
      'IG method',
      'IG baseline',
      'Counterfactuals',
      'Quantization schemes',
      'Backend',
    ])
      expect(html).toContain(`<td>${label}</td>`)
    expect(html).toContain('<td>489, 1175, 1265, 1380, 1561, 1674, 1795, 1885</td>')
    expect(html).toContain('<td>first:50</td>')
    expect(html).toContain('auto (64, doubled until converged)')
  })

  it('shows metrics, calibration with its reliability diagram, and the bins', () => {
    const html = reportHtml(reportFixture())
    expect(html).toContain('<td>ROC AUC</td><td class="n">0.9132</td>')
    expect(html).toContain('<td>Expected calibration error (ECE)</td><td>0.0340</td>')
    expect(html.match(/<svg class="gb-chart gb-reliability"/g)).toHaveLength(1)
    expect(html).toContain('<td class="n">0</td><td>[0.00, 0.10]</td><td class="n">1,077</td>')
    expect(html).toContain('<td>(0.90, 1.00]</td>')
  })

  it('shows fairness per attribute with small groups flagged and disparities without them', () => {
    const html = reportHtml(reportFixture())
    expect(html).toContain('<h3>sex</h3>')
    expect(html).toContain('<h3>race</h3>')
    expect(html).toContain('<tr class="flag"><td>Amer-Indian-Eskimo *</td><td class="n">24</td>')
    expect(html).toContain('Small groups of race: Amer-Indian-Eskimo (24 rows), Other (12 rows).')
    // sex has no small group, so only race gets the extra column.
    expect(html.match(/<th class="n">Without small groups<\/th>/g)).toHaveLength(1)
    // Without Amer-Indian-Eskimo and Other: selection rates 0.2653, 0.0710, 0.1819.
    const g = reference.fairness.race!.groups
    const dpd = g['Asian-Pac-Islander']!.selectionRate! - g.Black!.selectionRate!
    expect(html).toContain(
      `<td>Demographic parity difference (max − min selection rate)</td><td class="n">0.2236</td><td class="n">${dpd.toFixed(4)}</td>`,
    )
    expect(html.match(/<svg class="gb-chart gb-bars"/g)).toHaveLength(2 + 1 + 1)
  })

  it('computes the without-small-groups disparities from the reported rates', () => {
    const g = reference.fairness.race!.groups
    const groups = reportFixture().fairness!.race!.groups
    const s = reportFairnessWithoutSmall(groups)
    const kept = ['Asian-Pac-Islander', 'Black', 'White'].map((k) => g[k]!)
    const spread = (v: number[]) => Math.max(...v) - Math.min(...v)
    expect(s.demographicParityDifference).toBeCloseTo(spread(kept.map((x) => x.selectionRate!)), 12)
    expect(s.demographicParityRatio).toBeCloseTo(
      Math.min(...kept.map((x) => x.selectionRate!)) /
        Math.max(...kept.map((x) => x.selectionRate!)),
      12,
    )
    expect(s.equalOpportunityDifference).toBeCloseTo(spread(kept.map((x) => x.tpr!)), 12)
    expect(s.equalizedOddsDifference).toBeCloseTo(
      Math.max(spread(kept.map((x) => x.tpr!)), spread(kept.map((x) => x.fpr!))),
      12,
    )
    for (const v of Object.values(s)) expect(Number.isNaN(v)).toBe(false)
  })

  it('explains each row: waterfall, SHAP/IG table, std errors, counterfactuals or the reason', () => {
    const r = reportFixture()
    const html = reportHtml(r)
    expect(html.match(/<svg class="gb-chart gb-waterfall"/g)).toHaveLength(8)
    for (const row of reference.explainedRows) expect(html).toContain(`<h3>Row ${row}</h3>`)
    expect(html).toContain('<td>SHAP method</td><td>exact enumeration</td>')
    expect(html).toContain('Kernel SHAP (sampled estimate with standard errors)')
    expect(html.match(/<th class="n">± std. err.<\/th>/g)).toHaveLength(1)
    expect(html).toContain(
      '<td>education_num</td><td class="n">+0.1943</td><td class="n">+0.2801</td>',
    )
    expect(html).toContain('<td>IG steps</td><td>2048</td>')
    expect(html).toContain(
      '<td>IG completeness gap (ΣIG − (f(x) − f(baseline)))</td><td>-2.74e-5</td>',
    )
    expect(html).toContain('<td>marital_status → Never-married</td>')
    expect(html).toContain('<td>education_num → 9; occupation → Adm-clerical</td>')
    expect(html).toContain('Diversity (mean pairwise proximity): 3.5714.')
    expect(html).toContain('Fewer than asked: only 1 of 4 answers found within the search budget')
    expect(html).toContain('None found: no valid counterfactual within the search budget')
    // Rows without counterfactuals in the report get no counterfactual block.
    expect(html.match(/<h4>Counterfactuals<\/h4>/g)).toHaveLength(3)
  })

  it('shows quantization per scheme next to the float32 model, and drift per feature', () => {
    const html = reportHtml(reportFixture())
    expect(html).toContain('<td>float32 (audited)</td><td class="n">6,276</td>')
    expect(html).toContain('<td>uint8</td><td class="n">1,617</td><td class="n">0.9955</td>')
    expect(html).toContain('<th class="n">race: EO diff.</th>')
    expect(html).toContain('<td>Largest feature PSI</td><td>0.2871</td>')
    expect(html).toContain('<tr class="flag"><td>capital_gain</td><td class="n">0.2871</td>')
    expect(html).toContain('<td class="n">1.20e-9</td>')
  })

  it('escapes every string from the report', () => {
    const r = reportFixture()
    const evil = 'a<b&"c"'
    renameFeature(r, 'age', evil)
    r.fairness = { [evil]: r.fairness!.sex! }
    r.fairness[evil]!.groups = { [`<i>${evil}`]: r.fairness[evil]!.groups.Female! }
    r.explanations!['489']!.counterfactuals![0]!.changes = { [evil]: '</td><script>x</script>' }
    r.model.format = 'http://example.com/x'
    r.tool.version = '<b>1</b>'
    expect(reportValidate(r).valid).toBe(true)
    const html = reportHtml(r, { title: '</title><script>' })
    expect(html).not.toMatch(/<script|http|\/\/|<i>|<b>/i)
    expect(html).not.toContain(evil)
    expect(html).toContain('a&lt;b&amp;&quot;c&quot;')
    expect(html).toContain(
      '<td>a&lt;b&amp;&quot;c&quot; → &lt;&#47;td&gt;&lt;script&gt;x&lt;&#47;script&gt;</td>',
    )
    expect(html).toContain('&lt;&#47;title&gt;&lt;script&gt;')
  })

  it('is deterministic: same report, same bytes, also after a JSON round trip', () => {
    const r = reportFixture()
    const a = reportHtml(r)
    expect(reportHtml(r)).toBe(a)
    expect(reportHtml(JSON.parse(JSON.stringify(r)) as Report)).toBe(a)
    expect(reportHtml(structuredClone(r))).toBe(a)
  })

  it('uses no clock, randomness, locale or Intl', () => {
    const expected = reportHtml(reportFixture())
    const boom = () => {
      throw new Error('non-deterministic API used')
    }
    vi.spyOn(Math, 'random').mockImplementation(boom)
    vi.spyOn(Date, 'now').mockImplementation(boom)
    vi.spyOn(Number.prototype, 'toLocaleString').mockImplementation(boom)
    vi.spyOn(Date.prototype, 'toLocaleString').mockImplementation(boom)
    vi.spyOn(String.prototype, 'localeCompare').mockImplementation(boom)
    vi.spyOn(Intl, 'NumberFormat').mockImplementation(boom)
    vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(boom)
    vi.spyOn(Math, 'log10').mockImplementation(boom)
    vi.spyOn(Math, 'pow').mockImplementation(boom)
    expect(reportHtml(reportFixture())).toBe(expected)
  })

  it('renders nulls as a dash and never prints NaN', () => {
    const r = reportFixture()
    r.metrics = { accuracy: null, rocAuc: null, logLoss: null, brier: null }
    r.calibration!.bins[4] = {
      lower: 0.4,
      upper: 0.5,
      count: 0,
      meanPredicted: null,
      fractionPositive: null,
    }
    r.fairness!.race!.groups.Other!.tpr = null
    r.quantization!.uint8!.rocAuc = null
    const html = reportHtml(r)
    expect(html).toContain('<td>Accuracy</td><td class="n">—</td>')
    expect(html).not.toMatch(/NaN|Infinity/)
  })
})
