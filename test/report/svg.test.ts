import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  intFormat,
  numberFormat,
  numberFormatSigned,
  svgBarChart,
  svgReliabilityDiagram,
  svgWaterfall,
  xmlEscape,
} from '../../src/report/svg.ts'
import { reference } from './reportFixture.ts'

/** Text content of every <text>, <title> and <desc> element (still escaped). */
const texts = (svg: string): string[] =>
  [...svg.matchAll(/<(text|title|desc)\b[^>]*>([^<]*)<\/\1>/g)].map((m) => m[2]!)

/** Structural sanity: balanced tags, no raw `<` or `>` inside text, no xmlns / URL. */
function expectWellFormed(svg: string): void {
  expect(svg.startsWith('<svg ')).toBe(true)
  expect(svg.endsWith('</svg>')).toBe(true)
  expect(svg).not.toMatch(/xmlns|http|\/\/|NaN|Infinity|undefined/i)
  const stack: string[] = []
  for (const m of svg.matchAll(/<(\/?)([a-z]+)\b[^<>]*?(\/?)>/g)) {
    if (m[3]) continue
    if (m[1]) expect(stack.pop()).toBe(m[2])
    else stack.push(m[2]!)
  }
  expect(stack).toEqual([])
  // Outside the tags themselves, no `<` or `>` is left: all text was escaped.
  expect(svg.replace(/<\/?[a-z]+\b[^<>]*>/g, '')).not.toMatch(/[<>]/)
}

describe('xmlEscape', () => {
  it('escapes markup characters, slashes and the h of http', () => {
    expect(xmlEscape('a<b&"c"')).toBe('a&lt;b&amp;&quot;c&quot;')
    expect(xmlEscape("it's > 1/2")).toBe('it&#39;s &gt; 1&#47;2')
    expect(xmlEscape('see HTTPS://x')).toBe('see &#72;TTPS:&#47;&#47;x')
    expect(xmlEscape('&amp;')).toBe('&amp;amp;')
  })

  it('replaces control characters and lone surrogates, keeps emoji and tabs', () => {
    expect(xmlEscape('a\u0000b\u001bc\td')).toBe('a\ufffdb\ufffdc\td')
    expect(xmlEscape('x\ud800y\udc00z')).toBe('x\ufffdy\ufffdz')
    expect(xmlEscape('🙂')).toBe('🙂')
  })

  it('never leaves a raw markup character, // or http (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite' }), fc.string(), (a, b) => {
        const s = xmlEscape(a + b)
        expect(s).not.toMatch(/[<>"']|\/\/|http/i)
        expect(s).not.toMatch(/&(?!(amp|lt|gt|quot|#\d+);)/)
      }),
    )
  })
})

describe('numberFormat', () => {
  it('prints fixed decimals, exponents for tiny and huge values, a dash for missing', () => {
    expect(numberFormat(0.123456)).toBe('0.1235')
    expect(numberFormat(0)).toBe('0.0000')
    expect(numberFormat(-0)).toBe('0.0000')
    expect(numberFormat(-2.7353976068678065e-5)).toBe('-2.74e-5')
    expect(numberFormat(0.00005)).toBe('0.0001')
    expect(numberFormat(123456.789, 2)).toBe('123456.79')
    expect(numberFormat(3.2e12)).toBe('3.20e+12')
    expect(numberFormat(null)).toBe('—')
    expect(numberFormat(undefined)).toBe('—')
    expect(numberFormat(NaN)).toBe('—')
    expect(numberFormat(Infinity)).toBe('—')
    expect(numberFormatSigned(0.1943)).toBe('+0.1943')
    expect(numberFormatSigned(-0.1943)).toBe('-0.1943')
    expect(numberFormatSigned(0)).toBe('0.0000')
  })

  it('groups integers by thousands', () => {
    expect(intFormat(0)).toBe('0')
    expect(intFormat(1077)).toBe('1,077')
    expect(intFormat(-1234567)).toBe('-1,234,567')
    expect(intFormat(999)).toBe('999')
    expect(intFormat(1.5)).toBe('1.5000')
    expect(intFormat(null)).toBe('—')
  })
})

describe('svgReliabilityDiagram', () => {
  const cal = reference.calibration

  it('draws the bins against the diagonal with axis labels, title and desc', () => {
    const svg = svgReliabilityDiagram(cal)
    expectWellFormed(svg)
    expect(svg).toContain('<title>Reliability diagram</title>')
    expect(svg).toMatch(/<desc>ECE 0\.0340, MCE 0\.1230; 10 of 10 bins non-empty/)
    expect(texts(svg)).toContain('Mean predicted probability')
    expect(texts(svg)).toContain('Fraction positive')
    expect(svg.match(/<circle /g)).toHaveLength(10)
    expect(texts(svg)).toContain('1,077')
    expect(svg).toContain('stroke-dasharray')
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 440 /)
  })

  it('skips empty bins and survives all-empty calibration', () => {
    const bins = cal.bins.map((b, i) =>
      i % 2 ? { ...b, count: 0, meanPredicted: null, fractionPositive: null } : b,
    )
    expect(svgReliabilityDiagram({ ece: 0.03, mce: null, bins }).match(/<circle /g)).toHaveLength(5)
    const none = svgReliabilityDiagram({ ece: null, mce: null, bins: [] })
    expectWellFormed(none)
    expect(none).not.toContain('<circle')
  })
})

describe('svgWaterfall', () => {
  const row = {
    baseValue: reference.baseValue['489']!,
    prediction: reference.prediction['489']!,
    shap: reference.shap['489']!,
  }

  it('orders features by |φ|, keeps the top 10 and sums the rest as "other"', () => {
    const svg = svgWaterfall(row)
    expectWellFormed(svg)
    const labels = texts(svg)
    const order = ['education_num', 'age', 'marital_status', 'occupation', 'workclass']
    const pos = order.map((f) => labels.indexOf(f))
    expect(pos.every((p) => p >= 0)).toBe(true)
    expect([...pos].sort((a, b) => a - b)).toEqual(pos)
    expect(labels).toContain('other (2 features)')
    // The two smallest |φ| (race, relationship) are folded into "other".
    expect(labels).not.toContain('race')
    expect(labels).toContain('other: relationship, race: -0.0017')
    expect(labels).toContain('+0.1943')
    expect(labels).toContain('0.2741')
    expect(labels).toContain('0.8544')
    expect(labels).toContain('Model output f(x)')
    expect(svg).toMatch(
      /<desc>Base value 0\.2741 plus 12 SHAP contributions gives f\(x\) = 0\.8544\. Largest: education_num \+0\.1943\.<\/desc>/,
    )
  })

  it('has no "other" bar when all features fit and honours opts.top', () => {
    expect(texts(svgWaterfall(row, { top: 12 })).some((t) => t.startsWith('other'))).toBe(false)
    expect(texts(svgWaterfall(row, { top: 3 }))).toContain('other (9 features)')
  })

  it('escapes feature names and truncates long ones with the full name in a tooltip', () => {
    const long = 'x'.repeat(60)
    const svg = svgWaterfall({ baseValue: 0, prediction: 1, shap: { 'a<b&"c"': 0.6, [long]: 0.4 } })
    expectWellFormed(svg)
    expect(svg).toContain('a&lt;b&amp;&quot;c&quot;')
    expect(texts(svg)).toContain(`${'x'.repeat(29)}…`)
    expect(texts(svg)).toContain(`${long}: +0.4000`)
  })
})

describe('svgBarChart', () => {
  const race = Object.entries(reference.fairness.race!.groups)
  const data = {
    categories: race.map(([label, g]) => ({ label, flagged: g.count < 30 })),
    series: [
      { name: 'selection rate', values: race.map(([, g]) => g.selectionRate) },
      { name: 'TPR', values: race.map(([, g]) => g.tpr) },
      { name: 'FPR', values: race.map(([, g]) => g.fpr) },
    ],
  }

  it('hatches and stars flagged categories with a caller-given pattern id', () => {
    const svg = svgBarChart(data, { title: 'race', max: 1, flagLabel: 'small group', id: 'fair 0' })
    expectWellFormed(svg)
    expect(svg).toContain('<pattern id="gb-fair_0"')
    expect(svg.match(/fill="url\(#gb-fair_0\)"/g)).toHaveLength(2 * 3 + 1)
    expect(texts(svg)).toContain('Amer-Indian-Eskimo *')
    expect(texts(svg)).toContain('Other *')
    expect(texts(svg)).toContain('White')
    expect(texts(svg)).toContain('* small group')
    expect(texts(svg)).toContain('0.7333')
  })

  it('draws no pattern without flags and a dash for null values', () => {
    const svg = svgBarChart({
      categories: [{ label: 'a' }, { label: 'b' }],
      series: [{ name: 'v', values: [0.3, null] }],
    })
    expectWellFormed(svg)
    expect(svg).not.toContain('<pattern')
    expect(texts(svg)).toContain('—')
  })
})

describe('svg builders (properties)', () => {
  const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null))
  const name = fc.string({ maxLength: 40 }).filter((s) => !/nan|infinity|undefined/i.test(s))

  it('never print NaN, Infinity or raw markup for arbitrary finite or null inputs', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.dictionary(name, fc.double({ noNaN: true, noDefaultInfinity: true }), { maxKeys: 14 }),
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        (baseValue, prediction, shap, top) => {
          const svg = svgWaterfall(
            { baseValue, prediction, shap },
            top === undefined ? {} : { top },
          )
          expectWellFormed(svg)
          for (const k of Object.keys(shap).slice(0, 3))
            if (Array.from(k).length <= 29) expect(svg).toContain(xmlEscape(k))
        },
      ),
      { numRuns: 200 },
    )
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            lower: fc.double({ noNaN: true, noDefaultInfinity: true }),
            upper: fc.double({ noNaN: true, noDefaultInfinity: true }),
            count: fc.nat(),
            meanPredicted: value,
            fractionPositive: value,
          }),
          { maxLength: 12 },
        ),
        value,
        value,
        (bins, ece, mce) => expectWellFormed(svgReliabilityDiagram({ ece, mce, bins })),
      ),
      { numRuns: 200 },
    )
    fc.assert(
      fc.property(
        fc.array(fc.record({ label: name, flagged: fc.boolean() }), { maxLength: 8 }),
        fc.array(fc.record({ name, values: fc.array(value, { maxLength: 8 }) }), { maxLength: 4 }),
        fc.option(value, { nil: undefined }),
        name,
        (categories, series, max, id) => {
          const svg = svgBarChart(
            { categories, series },
            { ...(max === undefined || max === null ? {} : { max }), id, title: id },
          )
          expectWellFormed(svg)
          if (categories[0] && Array.from(categories[0].label).length <= 24)
            expect(svg).toContain(xmlEscape(categories[0].label))
        },
      ),
      { numRuns: 200 },
    )
  })
})
