// The bench's pure bookkeeping: summaries, the 60 s budget rule, the repeat policy, the workload
// estimates and the skipped-figure record. No clocks: every input is a given number.
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_POLICY,
  FIGURE_BUDGET_S,
  anotherRepeat,
  budgetDecide,
  estimateFromRate,
  estimateFromUnit,
  estimateScaled,
  estimateSum,
  median,
  rateSummary,
  ratioSummary,
  summarize,
} from '../../bench/stats.ts'
import {
  SHAP_FLOOR_ROWS,
  SHAP_ROW_MODEL_ROWS,
  auditEstimate,
  compressionEstimate,
  predictWarmupRows,
  rateFor,
  shapModelRows,
} from '../../bench/plan.ts'
import { BudgetExceeded, type Measurement, measure, measuredFigure } from '../../bench/measure.ts'
import { figure, markdownReport, skippedFigure, summaryTable } from '../../bench/report.ts'
import { descendants } from '../../bench/memory.ts'

describe('summaries', () => {
  it('gives min, median, max and n, divided per unit', () => {
    expect(summarize([3, 1, 2])).toEqual({ n: 3, min: 1, median: 2, max: 3, mean: 2 })
    expect(summarize([4, 1, 2, 3], 2)).toMatchObject({ n: 4, min: 0.5, median: 1.25, max: 2 })
    expect(median([])).toBeNaN()
  })

  it('refuses empty lists, non-finite values and a non-positive divisor', () => {
    expect(() => summarize([])).toThrow(RangeError)
    expect(() => summarize([1, NaN])).toThrow(RangeError)
    expect(() => summarize([1], 0)).toThrow(RangeError)
  })

  it('turns seconds into rows/s with the slowest repeat as the minimum', () => {
    const s = rateSummary(1000, [0.5, 0.25, 1])
    expect(s).toMatchObject({ n: 3, min: 1000, median: 2000, max: 4000 })
    expect(() => rateSummary(1000, [0])).toThrow(RangeError)
  })

  it('gives each measurement over a reference', () => {
    expect(ratioSummary([1, 0.5, 1.5], 0.5)).toMatchObject({ min: 1, median: 2, max: 3 })
    expect(() => ratioSummary([1], 0)).toThrow(RangeError)
    // Each item against the reference scaled to its own size: 2 s for twice the rows = 1×.
    expect(ratioSummary([2, 1], 1, [2, 0.5])).toMatchObject({ min: 1, median: 1.5, max: 2 })
    expect(() => ratioSummary([1, 1], 1, [1])).toThrow(RangeError)
    expect(() => ratioSummary([1], 1, [0])).toThrow(RangeError)
  })
})

describe('the 60 s budget rule', () => {
  it('is 60 s per figure', () => {
    expect(FIGURE_BUDGET_S).toBe(60)
  })

  it('skips a figure whose one-run estimate exceeds the budget, and runs the others', () => {
    expect(budgetDecide(61)).toEqual({ run: false, skipped: true, estimateS: 61 })
    expect(budgetDecide(60)).toEqual({ run: true, estimateS: 60 })
    expect(budgetDecide(0.5)).toEqual({ run: true, estimateS: 0.5 })
    expect(budgetDecide(5, 4)).toMatchObject({ run: false, estimateS: 5 })
  })

  it('runs when there is nothing to estimate from', () => {
    expect(budgetDecide(null)).toEqual({ run: true, estimateS: null })
    expect(budgetDecide(NaN)).toEqual({ run: true, estimateS: null })
    expect(() => budgetDecide(1, 0)).toThrow(RangeError)
  })

  it('estimates from a rate or from a measured unit', () => {
    expect(estimateFromRate(400_000, 5000)).toBe(80)
    expect(estimateFromRate(1000, 1000, 2)).toBe(3)
    expect(estimateFromRate(1000, null)).toBeNull()
    expect(estimateFromRate(1000, 0)).toBeNull()
    expect(estimateFromUnit(1000, 0.05)).toBe(50)
    expect(estimateFromUnit(1000, null)).toBeNull()
    expect(estimateSum([1, 2, 3])).toBe(6)
    expect(estimateSum([1, null])).toBeNull()
  })

  it('scales a measured job to another size by a power law, never better than linear', () => {
    expect(estimateScaled([], 10)).toBeNull()
    expect(estimateScaled([{ units: 1, seconds: 0.05 }], 1000)).toBeCloseTo(50, 12)
    // 200 rows in 20 s after 1 row in 0.05 s: exponent log(400)/log(200) ≈ 1.13.
    const e = estimateScaled(
      [
        { units: 1, seconds: 0.05 },
        { units: 200, seconds: 20 },
      ],
      1000,
    )!
    expect(e).toBeCloseTo(20 * 5 ** (Math.log(400) / Math.log(200)), 9)
    expect(e).toBeGreaterThan(100)
    // Sub-linear measurements are extrapolated linearly; super-quadratic ones quadratically.
    expect(
      estimateScaled(
        [
          { units: 1, seconds: 1 },
          { units: 100, seconds: 10 },
        ],
        1000,
      ),
    ).toBeCloseTo(100, 9)
    expect(
      estimateScaled(
        [
          { units: 1, seconds: 1 },
          { units: 10, seconds: 1000 },
        ],
        20,
      ),
    ).toBeCloseTo(4000, 9)
    // Smaller than the largest point: that point's seconds per unit.
    expect(estimateScaled([{ units: 200, seconds: 20 }], 50)).toBeCloseTo(5, 12)
  })

  it('makes a 400k-row predict at 5,000 rows/s a skipped figure with its estimate', () => {
    const d = budgetDecide(estimateFromRate(400_000, 5000))
    expect(d.run).toBe(false)
    const f = skippedFigure(
      { name: 'predict.400k', backend: 'webgpu', where: 'browser', unit: 'rows/s' },
      d.estimateS!,
    )
    expect(f).toMatchObject({ skipped: true, estimateS: 80, value: null, n: 0, pass: null })
    expect(JSON.parse(JSON.stringify(f))).toMatchObject({ skipped: true, estimateS: 80 })
  })
})

describe('the repeat policy', () => {
  const p = { minRepeats: 3, maxRepeats: 5, capS: 10, budgetS: 60 }

  it('always runs the first repeat', () => {
    expect(anotherRepeat([], 0, 100, p)).toBe(true)
  })

  it('repeats while the next one fits into the cap, up to the maximum', () => {
    expect(anotherRepeat([1, 1], 2, 3, p)).toBe(true)
    expect(anotherRepeat([1, 1, 1, 1, 1], 5, 6, p)).toBe(false)
    expect(anotherRepeat([4, 4, 4], 12, 16, p)).toBe(false)
  })

  it('goes past the cap for the minimum repeats while within the budget', () => {
    expect(anotherRepeat([8, 8], 16, 24, p)).toBe(true)
    expect(anotherRepeat([25, 25], 50, 50, p)).toBe(false)
    expect(anotherRepeat([20], 20, 40, p)).toBe(true)
  })

  it('has defaults with a minimum of three repeats', () => {
    expect(DEFAULT_POLICY.minRepeats).toBe(3)
    expect(DEFAULT_POLICY.budgetS).toBe(FIGURE_BUDGET_S)
  })
})

describe('workload estimates', () => {
  it('counts the model rows of exact and sampled SHAP on 12 players and 50 background rows', () => {
    expect(SHAP_FLOOR_ROWS).toBe(4094 * 50)
    expect(SHAP_ROW_MODEL_ROWS).toBe(4094 * 50 + 51)
    expect(shapModelRows(4096)).toBe(SHAP_ROW_MODEL_ROWS)
    expect(shapModelRows(512)).toBe(512 * 50 + 51)
  })

  it('warms a big predict up with one full chunk and the remainder', () => {
    expect(predictWarmupRows(1000, 32768)).toBe(1000)
    expect(predictWarmupRows(65536, 32768)).toBe(65536)
    expect(predictWarmupRows(400_000, 32768)).toBe(32768 + (400_000 % 32768))
    expect(predictWarmupRows(204_700, 32768)).toBe(32768 + (204_700 % 32768))
  })

  it('picks the rate of the largest measured batch not above the rows, else the smallest', () => {
    const m = new Map([
      [1000, 100],
      [16000, 400],
      [64000, 500],
    ])
    expect(rateFor(20000, m, 7)).toBe(400)
    expect(rateFor(400_000, m, 7)).toBe(500)
    expect(rateFor(10, m, 7)).toBe(100)
    expect(rateFor(10, new Map(), 7)).toBe(7)
    expect(rateFor(10, new Map(), null)).toBeNull()
  })

  it('sums the parts of compression and audit, unknown when a part is', () => {
    const c = compressionEstimate({
      variants: 7,
      dataRows: 2000,
      latencyRepeats: 3,
      rowsPerSec: 64000,
      shapRows: 50,
      shapS: 0.01,
    })
    expect(c).toBeCloseTo((8 * 4 * 2000) / 64000 + 8 * 50 * 0.01, 12)
    expect(
      compressionEstimate({
        variants: 7,
        dataRows: 1,
        latencyRepeats: 1,
        rowsPerSec: null,
        shapRows: 1,
        shapS: 1,
      }),
    ).toBeNull()
    const a = auditEstimate({
      dataRows: 2000,
      rowsPerSec: 4000,
      rows: 8,
      shapS: 0.5,
      igS: 0.25,
      cfS: 0.25,
      compressionS: 3,
    })
    expect(a).toBeCloseTo(1 + 8 + 3, 12)
    expect(
      auditEstimate({
        dataRows: 1,
        rowsPerSec: 1,
        rows: 8,
        shapS: null,
        igS: 0,
        cfS: 0,
        compressionS: 0,
      }),
    ).toBeNull()
  })
})

describe('measure', () => {
  it('skips without running when the estimate exceeds the budget', async () => {
    let calls = 0
    const m = await measure({ estimateS: 120, run: async () => void calls++ })
    expect(m).toEqual({ skipped: true, estimateS: 120, reason: 'estimate' })
    expect(calls).toBe(0)
  })

  it('warms up once and reports the repeats’ own seconds', async () => {
    const seen: number[] = []
    const m = await measure({
      estimateS: 0.001,
      policy: { minRepeats: 3, maxRepeats: 4, capS: 1000 },
      warmup: async () => void seen.push(-1),
      run: async (i) => {
        seen.push(i)
        return 0.5
      },
    })
    expect(seen).toEqual([-1, 0, 1, 2, 3])
    expect(m).toMatchObject({ skipped: false, estimateS: 0.001, times: [0.5, 0.5, 0.5, 0.5] })
  })

  it('skips a figure whose first run is stopped for passing the budget', async () => {
    const m = await measure({
      estimateS: 10,
      warmup: async () => {},
      run: async () => {
        throw new BudgetExceeded(61)
      },
    })
    expect(m).toMatchObject({ skipped: true, estimateS: 61 })
    expect(
      measuredFigure({ name: 'x', backend: 'cpu', where: 'node', unit: 's' }, m),
    ).toMatchObject({ skipped: true, estimateS: 61, value: null })
  })

  it('keeps the repeats done before a later one is stopped', async () => {
    const m = await measure({
      estimateS: 1,
      policy: { minRepeats: 3, maxRepeats: 3, capS: 1000 },
      warmup: async () => {},
      run: async (i) => {
        if (i === 2) throw new BudgetExceeded(70)
        return 2
      },
    })
    expect(m).toMatchObject({ skipped: false, times: [2, 2], aborted: true })
    const f = measuredFigure({ name: 'x', backend: 'cpu', where: 'node', unit: 's' }, m)
    expect(f).toMatchObject({ n: 2, value: 2 })
    expect(f.note).toMatch(/stopped/)
  })

  it('passes other errors through', async () => {
    await expect(
      measure({
        estimateS: 1,
        run: async () => {
          throw new TypeError('bug')
        },
      }),
    ).rejects.toThrow(TypeError)
  })

  it('builds the figure in its unit from the repeats', () => {
    const m: Measurement = { skipped: false, estimateS: 1, warmupS: 2, times: [2, 1, 4] }
    const f = measuredFigure(
      { name: 'predict.4k', backend: 'cpu', where: 'node', unit: 'rows/s' },
      m,
      {
        scale: { kind: 'rate', rows: 4000 },
      },
    )
    expect(f).toMatchObject({
      value: 2000,
      median: 2000,
      min: 1000,
      max: 4000,
      n: 3,
      skipped: false,
    })
    const s = measuredFigure(
      { name: 'shap.global1000', backend: 'webgpu', where: 'browser', unit: 's' },
      { skipped: true, estimateS: 90, reason: 'estimate' },
    )
    expect(s).toMatchObject({ skipped: true, estimateS: 90, value: null, budgetS: 60 })
  })
})

describe('figures and tables', () => {
  it('derives pass from targets and lists skipped figures with their estimate', () => {
    const ok = figure({
      name: 'x',
      backend: 'wasm',
      where: 'node',
      unit: 's',
      summary: summarize([1, 2, 3]),
      compare: (v) => [
        { kind: 'target', label: 't', value: 2, unit: 's', better: 'atMost', pass: v! <= 2 },
      ],
    })
    expect(ok.pass).toBe(true)
    const sk = skippedFigure({ name: 'y', backend: 'webgl', where: 'browser', unit: 's' }, 75)
    const text = summaryTable([ok, sk])
    expect(text).toMatch(/skipped \(est\. 75\.0 s\)/)
    expect(text).toMatch(/1\.00 s … 3\.00 s/)
    const md = markdownReport({
      machine: { cpus: 2 },
      totalSeconds: 1,
      browser: { skipped: true, note: null },
      figures: [ok, sk],
    })
    expect(md).toMatch(/\| cpus \| 2 \|/)
    expect(
      md.split('\n').filter((l) => l.startsWith('| node') || l.startsWith('| browser')),
    ).toHaveLength(2)
  })
})

describe('process tree', () => {
  it('lists descendants and leaves excluded subtrees out', () => {
    const ppid = new Map([
      [10, 1],
      [11, 10],
      [12, 11],
      [13, 10],
      [14, 13],
      [20, 1],
    ])
    expect(descendants(10, new Set(), ppid).sort()).toEqual([11, 12, 13, 14])
    expect(descendants(10, new Set([13]), ppid).sort()).toEqual([11, 12])
    expect(descendants(99, new Set(), ppid)).toEqual([])
  })
})
