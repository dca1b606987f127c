import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import Papa from 'papaparse'
import {
  accuracyAt,
  averagePrecision,
  brier,
  confusionAt,
  logLoss,
  metricsAt,
  performanceMetrics,
  rankingMetrics,
  prCurve,
  rocAuc,
  rocCurve,
  thresholdFreeMetrics,
} from '../../src/core/metrics.ts'

const golden = (name: string) => new URL(`../fixtures/golden/adult/${name}`, import.meta.url)

type Reference = {
  predictions: number[]
  metrics: Record<
    'n' | 'threshold' | 'positiveRate' | 'accuracy' | 'rocAuc' | 'logLoss' | 'brier',
    number
  >
  fairness: { sex: { overall: { tp: number; fp: number; tn: number; fn: number } } }
  quantization: Record<string, { accuracy: number; predictions: number[] }>
}

const ref = JSON.parse(readFileSync(golden('reference.json'), 'utf8')) as Reference
const schema = JSON.parse(readFileSync(golden('schema.json'), 'utf8')) as {
  target: { column: string; positive: string }
}
const rows = Papa.parse<Record<string, string>>(readFileSync(golden('data.csv'), 'utf8'), {
  header: true,
  skipEmptyLines: true,
}).data
const labels = Uint8Array.from(rows, (r) =>
  r[schema.target.column] === schema.target.positive ? 1 : 0,
)
const predictions = Float32Array.from(ref.predictions)

/** Seeded PRNG (mulberry32): uniform in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** AUC by brute force over all (positive, negative) pairs, ties counting one half. */
function pairwiseAuc(p: ArrayLike<number>, y: Uint8Array): number | null {
  let wins = 0
  let pairs = 0
  for (let i = 0; i < p.length; i++) {
    if (!y[i]) continue
    for (let j = 0; j < p.length; j++) {
      if (y[j]) continue
      pairs++
      wins += p[i]! > p[j]! ? 1 : p[i]! === p[j]! ? 0.5 : 0
    }
  }
  return pairs === 0 ? null : wins / pairs
}

/** Every number reachable in `v` (objects, arrays, typed arrays). */
function numbersIn(v: unknown): number[] {
  if (typeof v === 'number') return [v]
  if (ArrayBuffer.isView(v)) return Array.from(v as Float64Array)
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(numbersIn)
  return []
}

/** Scores on a 1/64 grid, so that 1 − p and monotone transforms are exact, with labels. */
const gridSample = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 1 })), {
    minLength: 1,
    maxLength: 60,
  })
  .map((pairs) => ({
    p: Float64Array.from(pairs, ([k]) => k / 64),
    y: Uint8Array.from(pairs, ([, b]) => b),
  }))

const bothClasses = gridSample.filter(({ y }) => y.includes(0) && y.includes(1))

describe('performanceMetrics', () => {
  it('matches every golden metric with float32 predictions', () => {
    expect(labels.length).toBe(ref.metrics.n)
    const m = performanceMetrics(predictions, labels, ref.metrics.threshold)
    expect(m.n).toBe(ref.metrics.n)
    expect(m.threshold).toBe(0.5)
    expect(m.positiveRate).toBeCloseTo(ref.metrics.positiveRate, 6)
    expect(Math.abs(m.accuracy! - ref.metrics.accuracy)).toBeLessThan(1e-6)
    expect(Math.abs(m.rocAuc! - ref.metrics.rocAuc)).toBeLessThan(1e-5)
    expect(Math.abs(m.logLoss! - ref.metrics.logLoss)).toBeLessThan(1e-6)
    expect(Math.abs(m.brier! - ref.metrics.brier)).toBeLessThan(1e-6)
    const { tp: tp0, fp: fp0, tn: tn0, fn: fn0 } = ref.fairness.sex.overall
    expect(m.confusion).toEqual({ tp: tp0, fp: fp0, tn: tn0, fn: fn0 })
    const { tp, fp, fn } = m.confusion
    expect(m.precision).toBeCloseTo(tp / (tp + fp), 12)
    expect(m.recall).toBeCloseTo(tp / (tp + fn), 12)
    expect(m.f1).toBeCloseTo((2 * m.precision! * m.recall!) / (m.precision! + m.recall!), 12)
  })

  it('matches the golden accuracy of every quantized variant', () => {
    for (const [id, q] of Object.entries(ref.quantization)) {
      const acc = accuracyAt(Float32Array.from(q.predictions), labels, 0.5)
      expect(Math.abs(acc! - q.accuracy), id).toBeLessThan(1e-6)
    }
  })

  it('gives null rates and zero counts for empty input', () => {
    const m = performanceMetrics(new Float32Array(0), new Uint8Array(0))
    expect(m.confusion).toEqual({ tp: 0, fp: 0, tn: 0, fn: 0 })
    for (const k of ['positiveRate', 'accuracy', 'rocAuc', 'logLoss', 'brier', 'f1'] as const) {
      expect(m[k]).toBeNull()
    }
    expect(m.precision).toBeNull()
    expect(m.recall).toBeNull()
    expect(m.fpr).toBeNull()
  })

  it('never returns NaN on degenerate inputs', () => {
    const cases: [number[], number[]][] = [
      [[], []],
      [
        [0.3, 0.3, 0.3],
        [1, 1, 1],
      ],
      [
        [0.3, 0.3, 0.3],
        [0, 0, 0],
      ],
      [
        [0, 1],
        [0, 1],
      ],
      [
        [0.5, 0.5],
        [0, 1],
      ],
    ]
    for (const [p, y] of cases) {
      const m = performanceMetrics(Float64Array.from(p), Uint8Array.from(y))
      expect(numbersIn(m).some(Number.isNaN)).toBe(false)
    }
    const single = performanceMetrics(Float64Array.of(0.2, 0.9), Uint8Array.of(1, 1))
    expect(single.rocAuc).toBeNull()
    expect(single.fpr).toBeNull()
    expect(single.recall).toBe(0.5)
  })

  it('rejects mismatched lengths, NaN scores or thresholds and labels other than 0/1', () => {
    expect(() => performanceMetrics(Float64Array.of(0.1), new Uint8Array(2))).toThrow(RangeError)
    expect(() => performanceMetrics(Float64Array.of(NaN), new Uint8Array(1))).toThrow(/NaN/)
    expect(() => confusionAt(Float64Array.of(0.1), new Uint8Array(1), NaN)).toThrow(/threshold/)
    expect(() => rocAuc(Float64Array.of(0.1), Uint8Array.of(2))).toThrow(/0 or 1/)
  })

  // Its time is a bench figure (bench/responsiveness.ts, core.metrics.1M).
  it('handles a million rows', () => {
    const n = 1_000_000
    const next = rng(42)
    const p = new Float32Array(n)
    const y = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      p[i] = next()
      y[i] = next() < p[i]! ? 1 : 0
    }
    const m = performanceMetrics(p, y)
    const roc = rocCurve(p, y)
    const pr = prCurve(p, y)
    const ap = averagePrecision(p, y)
    expect(m.rocAuc).toBeGreaterThan(0.8)
    expect(roc!.fpr.length).toBe(201)
    expect(pr!.recall.length).toBe(201)
    expect(ap).toBeGreaterThan(0.5)
  })
})

describe('rankingMetrics', () => {
  it('equals rocAuc, rocCurve, prCurve and averagePrecision from one sort', () => {
    for (const maxPoints of [201, 7, Infinity]) {
      expect(rankingMetrics(predictions, labels, maxPoints)).toEqual({
        rocAuc: rocAuc(predictions, labels),
        roc: rocCurve(predictions, labels, maxPoints),
        pr: prCurve(predictions, labels, maxPoints),
        averagePrecision: averagePrecision(predictions, labels),
      })
    }
    const none = rankingMetrics(Float64Array.of(0.2, 0.4), Uint8Array.of(0, 0))
    expect(none).toEqual({ rocAuc: null, roc: null, pr: null, averagePrecision: null })
    expect(() => rankingMetrics(predictions, labels, 1)).toThrow(RangeError)
  })
})

describe('thresholdFreeMetrics and metricsAt', () => {
  it('compose to performanceMetrics at every threshold', () => {
    const free = thresholdFreeMetrics(predictions, labels)
    expect(free).toEqual({
      n: predictions.length,
      rocAuc: rocAuc(predictions, labels),
      logLoss: logLoss(predictions, labels),
      brier: brier(predictions, labels),
    })
    for (const t of [0, 0.2, 0.5, 0.77, 1, Infinity]) {
      expect(metricsAt(free, confusionAt(predictions, labels, t), t)).toEqual(
        performanceMetrics(predictions, labels, t),
      )
    }
  })

  it('rejects counts that do not sum to n and a NaN threshold', () => {
    const free = thresholdFreeMetrics(Float64Array.of(0.2, 0.8), Uint8Array.of(0, 1))
    expect(() => metricsAt(free, { tp: 1, fp: 0, tn: 0, fn: 0 }, 0.5)).toThrow(
      /sum to 1, not n = 2/,
    )
    expect(() => metricsAt(free, { tp: 1, fp: 0, tn: 1, fn: 0 }, NaN)).toThrow(RangeError)
  })
})

describe('confusionAt', () => {
  it('counts p >= threshold as positive', () => {
    const c = confusionAt(Float32Array.of(0.5, 0.49, 0.5, 0.2), Uint8Array.of(1, 1, 0, 0), 0.5)
    expect(c).toEqual({ tp: 1, fp: 1, tn: 1, fn: 1 })
  })

  it('has counts summing to n at any threshold', () => {
    fc.assert(
      fc.property(gridSample, fc.double({ min: -0.5, max: 1.5, noNaN: true }), ({ p, y }, t) => {
        const c = confusionAt(p, y, t)
        expect(c.tp + c.fp + c.tn + c.fn).toBe(p.length)
        expect(c.tp + c.fn).toBe(y.reduce((s, v) => s + v, 0))
      }),
    )
  })
})

describe('logLoss and brier', () => {
  it('clip p to [1e-15, 1 − 1e-15] and use the natural log', () => {
    const clipped = (-Math.log(1e-15) - Math.log(1 - (1 - 1e-15))) / 2
    expect(logLoss(Float64Array.of(0, 1), Uint8Array.of(1, 0))).toBe(clipped)
    expect(logLoss(Float64Array.of(0.5), Uint8Array.of(1))).toBeCloseTo(Math.LN2, 12)
    expect(brier(Float64Array.of(0.25, 1), Uint8Array.of(1, 1))).toBeCloseTo(0.28125, 12)
  })
})

describe('rocAuc', () => {
  it('is 0.5 when all predictions are equal and null with one class or no rows', () => {
    expect(rocAuc(Float64Array.of(0.3, 0.3, 0.3), Uint8Array.of(0, 1, 1))).toBe(0.5)
    expect(rocAuc(Float64Array.of(0.1, 0.3), Uint8Array.of(0, 0))).toBeNull()
    expect(rocAuc(new Float64Array(0), new Uint8Array(0))).toBeNull()
  })

  it('equals the brute-force pairwise count', () => {
    fc.assert(
      fc.property(gridSample, ({ p, y }) => {
        const auc = rocAuc(p, y)
        const brute = pairwiseAuc(p, y)
        if (brute === null) expect(auc).toBeNull()
        else expect(auc).toBeCloseTo(brute, 12)
      }),
    )
  })

  it('is invariant to strictly increasing transforms of p', () => {
    fc.assert(
      fc.property(bothClasses, ({ p, y }) => {
        const auc = rocAuc(p, y)!
        const cubed = p.map((v) => v * v * v * 0.5 + 0.1)
        const logit = p.map((v) => Math.log((v + 1e-3) / (1 + 1e-3 - v)))
        expect(rocAuc(cubed, y)).toBeCloseTo(auc, 12)
        expect(rocAuc(logit, y)).toBeCloseTo(auc, 12)
      }),
    )
  })

  it('equals 1 − AUC(1 − p), ties included', () => {
    fc.assert(
      fc.property(bothClasses, ({ p, y }) => {
        expect(
          rocAuc(p, y)! +
            rocAuc(
              p.map((v) => 1 - v),
              y,
            )!,
        ).toBeCloseTo(1, 12)
      }),
    )
  })
})

describe('rocCurve', () => {
  it("matches sklearn's roc_curve example", () => {
    const roc = rocCurve(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1))!
    expect(Array.from(roc.fpr)).toEqual([0, 0, 0.5, 0.5, 1])
    expect(Array.from(roc.tpr)).toEqual([0, 0.5, 0.5, 1, 1])
    expect(Array.from(roc.threshold)).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1])
  })

  it('has one point per distinct score and a trapezoid area equal to rocAuc', () => {
    const roc = rocCurve(predictions, labels, Infinity)!
    expect(roc.fpr.length).toBe(new Set(predictions).size + 1)
    let area = 0
    for (let k = 1; k < roc.fpr.length; k++) {
      area += ((roc.fpr[k]! - roc.fpr[k - 1]!) * (roc.tpr[k]! + roc.tpr[k - 1]!)) / 2
    }
    expect(area).toBeCloseTo(rocAuc(predictions, labels)!, 12)
  })

  it('downsamples to maxPoints keeping the endpoints and monotonicity', () => {
    const full = rocCurve(predictions, labels, Infinity)!
    const roc = rocCurve(predictions, labels)!
    expect(roc.fpr.length).toBe(201)
    expect([roc.fpr[0], roc.tpr[0], roc.threshold[0]]).toEqual([0, 0, Infinity])
    expect([roc.fpr[200], roc.tpr[200]]).toEqual([1, 1])
    expect(roc.threshold[200]).toBe(full.threshold[full.threshold.length - 1])
    for (let k = 1; k < 201; k++) {
      expect(roc.fpr[k]!).toBeGreaterThanOrEqual(roc.fpr[k - 1]!)
      expect(roc.tpr[k]!).toBeGreaterThanOrEqual(roc.tpr[k - 1]!)
      expect(roc.threshold[k]!).toBeLessThan(roc.threshold[k - 1]!)
    }
    expect(rocCurve(predictions, labels, 2)!.fpr.length).toBe(2)
    expect(() => rocCurve(predictions, labels, 1)).toThrow(RangeError)
  })

  it('is (0,0)→(1,1) when all predictions are equal and null with one class', () => {
    const roc = rocCurve(Float64Array.of(0.3, 0.3), Uint8Array.of(0, 1))!
    expect(Array.from(roc.fpr)).toEqual([0, 1])
    expect(Array.from(roc.tpr)).toEqual([0, 1])
    expect(rocCurve(Float64Array.of(0.3, 0.3), Uint8Array.of(1, 1))).toBeNull()
    expect(rocCurve(new Float64Array(0), new Uint8Array(0))).toBeNull()
  })
})

describe('prCurve', () => {
  it("matches sklearn's precision_recall_curve example", () => {
    const pr = prCurve(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1))!
    expect(Array.from(pr.precision)).toEqual([0.5, 2 / 3, 0.5, 1, 1])
    expect(Array.from(pr.recall)).toEqual([1, 1, 0.5, 0.5, 0])
    expect(Array.from(pr.threshold)).toEqual([0.1, 0.35, 0.4, 0.8, Infinity])
  })

  it('agrees with confusionAt at every threshold', () => {
    fc.assert(
      fc.property(gridSample, ({ p, y }) => {
        const pr = prCurve(p, y, Infinity)
        if (!y.includes(1)) {
          expect(pr).toBeNull()
          return
        }
        for (let k = 0; k < pr!.threshold.length - 1; k++) {
          const c = confusionAt(p, y, pr!.threshold[k]!)
          expect(pr!.recall[k]).toBe(c.tp / (c.tp + c.fn))
          expect(pr!.precision[k]).toBe(c.tp / (c.tp + c.fp))
        }
      }),
    )
  })

  it('downsamples to maxPoints keeping the endpoints', () => {
    const pr = prCurve(predictions, labels)!
    expect(pr.recall.length).toBe(201)
    expect([pr.recall[0], pr.recall[200], pr.precision[200]]).toEqual([1, 0, 1])
    expect(pr.threshold[200]).toBe(Infinity)
  })
})

describe('averagePrecision', () => {
  it("matches sklearn's average_precision_score example", () => {
    const ap = averagePrecision(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1))
    expect(ap).toBeCloseTo(0.8333333333333333, 12)
  })

  it('equals Σ (R_k − R_{k−1}) P_k over the full PR curve', () => {
    fc.assert(
      fc.property(gridSample, ({ p, y }) => {
        const pr = prCurve(p, y, Infinity)
        const ap = averagePrecision(p, y)
        if (pr === null) {
          expect(ap).toBeNull()
          return
        }
        let sum = 0
        for (let k = 0; k < pr.recall.length - 1; k++) {
          sum += (pr.recall[k]! - pr.recall[k + 1]!) * pr.precision[k]!
        }
        expect(ap).toBeCloseTo(sum, 12)
      }),
    )
  })

  it('is 1 for a perfect ranking and null without positives', () => {
    expect(averagePrecision(Float64Array.of(0.1, 0.9, 0.8), Uint8Array.of(0, 1, 1))).toBe(1)
    expect(averagePrecision(Float64Array.of(0.1, 0.9), Uint8Array.of(0, 0))).toBeNull()
  })
})
