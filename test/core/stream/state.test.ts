import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { calibration } from '../../../src/core/calibration.ts'
import { fairnessByGroup } from '../../../src/core/fairness.ts'
import {
  brier,
  confusionAt,
  logLoss,
  logLossRow,
  rankingMetrics,
  rocAuc,
} from '../../../src/core/metrics.ts'
import type { GroupColumn } from '../../../src/core/stream/fairness.ts'
import { AUDIT_DEFAULTS, auditRun } from '../../../src/report/audit.ts'
import { TableBuilder } from '../../../src/core/table.ts'
import { matrix } from '../../../src/core/types.ts'
import { ScoreState } from '../../../src/core/stream/scores.ts'
import {
  type AuditState,
  type AuditStateSettings,
  auditStateAdd,
  auditStateCreate,
  auditStateFromJSON,
  auditStateMerge,
  auditStateSections,
  auditStateToJSON,
} from '../../../src/core/stream/index.ts'
import { roundedUnits, unitsOf } from './exact.ts'
import { AWKWARD_GROUPS, type Row, permute, sharded, shardRanges } from './gen.ts'

const SETTINGS: AuditStateSettings = {
  threshold: 0.5,
  classIndex: 1,
  seed: 1,
  labelled: true,
  sensitive: ['sex', 'race'],
}
const IDENTITY = { model: 'm'.repeat(64), schema: 's1', data: 'd1', settings: 'h1' }

/** The state of rows [a, b) of `rows` as shard `index` of `count`, added in chunks of `chunk`. */
function shardState(
  rows: readonly Row[],
  [a, b]: [number, number],
  index: number,
  count: number,
  chunk: number,
  settings = SETTINGS,
): AuditState {
  const s = auditStateCreate(settings, IDENTITY, {
    index,
    count,
    coverage: { data: { unit: 'rows', ranges: [[a, b]], total: rows.length } },
  })
  for (let i = a; i < b; i += chunk) {
    const part = rows.slice(i, Math.min(b, i + chunk))
    auditStateAdd(s, {
      firstRow: i,
      p: Float32Array.from(part, (r) => r.p),
      y: settings.labelled ? Uint8Array.from(part, (r) => r.y) : null,
      groups: new Map<string, GroupColumn | readonly string[]>([
        ['sex', part.map((r) => r.sex)],
        // race as a dictionary-encoded column, like a Table's
        [
          'race',
          {
            codes: Int32Array.from(part, (r) => AWKWARD_GROUPS.indexOf(r.race)),
            values: AWKWARD_GROUPS,
          },
        ],
      ]),
    })
  }
  return s
}

/** Numbers within 1e-12 (absolute, or relative above 1), everything else equal. */
function close(a: unknown, b: unknown, path = ''): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(b))) throw new Error(`${path}: ${a} vs ${b}`)
    return
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(a), path).toEqual(Object.keys(b))
    for (const k of Object.keys(a))
      close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`)
    return
  }
  expect(a, path).toEqual(b)
}

/** Today's in-memory audit sections, built from the batch functions as src/report/audit.ts does. */
function batchSections(rows: readonly Row[]) {
  const p = Float32Array.from(rows, (r) => r.p)
  const y = Uint8Array.from(rows, (r) => r.y)
  const n = rows.length
  const c = confusionAt(p, y, 0.5)
  const rates = (g: {
    count: number
    selectionRate: number | null
    tpr: number | null
    fpr: number | null
    precision: number | null
    accuracy: number | null
  }) => ({
    count: g.count,
    selectionRate: g.selectionRate,
    tpr: g.tpr,
    fpr: g.fpr,
    precision: g.precision,
    accuracy: g.accuracy,
  })
  const fairness: Record<string, unknown> = {}
  for (const attr of ['sex', 'race'] as const) {
    const f = fairnessByGroup(
      p,
      y,
      rows.map((r) => r[attr]),
      0.5,
    )
    fairness[attr] = {
      groups: Object.fromEntries(
        Object.entries(f.groups).map(([k, g]) => [k, { ...rates(g), small: g.small }]),
      ),
      overall: rates(f.overall),
      demographicParityDifference: f.demographicParityDifference,
      demographicParityRatio: f.demographicParityRatio,
      equalizedOddsDifference: f.equalizedOddsDifference,
      equalizedOddsRatio: f.equalizedOddsRatio,
      equalOpportunityDifference: f.equalOpportunityDifference,
    }
  }
  return {
    rows: n,
    metrics: {
      accuracy: n ? (c.tp + c.tn) / n : null,
      rocAuc: rocAuc(p, y),
      logLoss: logLoss(p, y),
      brier: brier(p, y),
    },
    calibration: calibration(p, y),
    fairness,
  }
}

describe('auditStateMerge', () => {
  it('gives the single-process sections byte for byte for any shards and merge order, and today’s numbers', () => {
    fc.assert(
      fc.property(sharded, ({ rows, cuts, order, chunk }) => {
        const whole = auditStateSections(shardState(rows, [0, rows.length], 0, 1, 1000))
        const ranges = shardRanges(rows.length, cuts)
        const parts = ranges.map((r, i) => {
          const s = shardState(rows, r, i, ranges.length, chunk)
          // Every partial travels as JSON text, as between cluster tasks.
          return {
            name: `part-${i}.json`,
            state: auditStateFromJSON(auditStateToJSON(s), `part-${i}.json`),
          }
        })
        const merged = auditStateMerge(permute(parts, order))
        expect(JSON.stringify(auditStateSections(merged))).toBe(JSON.stringify(whole))
        const batch = batchSections(rows)
        close(whole, batch)
        expect(whole.metrics?.rocAuc).toBe(batch.metrics.rocAuc) // AUC exactly
      }),
      { numRuns: 150 },
    )
  })

  it('is associative: merging merged groups of shards gives the same state text', () => {
    fc.assert(
      fc.property(sharded, ({ rows, cuts, chunk }) => {
        const ranges = shardRanges(rows.length, cuts)
        const parts = ranges.map((r, i) => ({
          name: `p${i}`,
          state: shardState(rows, r, i, ranges.length, chunk),
        }))
        const flat = auditStateMerge(parts)
        const half = Math.ceil(parts.length / 2)
        const left = auditStateMerge(parts.slice(0, half), { complete: false })
        const right =
          parts.length > half ? [auditStateMerge(parts.slice(half), { complete: false })] : []
        const nested = auditStateMerge(
          [left, ...right].map((state, i) => ({ name: `g${i}`, state })),
        )
        expect(auditStateToJSON(nested)).toBe(auditStateToJSON(flat))
      }),
      { numRuns: 60 },
    )
  })
})

describe('ScoreState', () => {
  it('gives rankingMetrics bit for bit: AUC, both curves, average precision', () => {
    fc.assert(
      fc.property(sharded, ({ rows, chunk }) => {
        const s = new ScoreState()
        for (let i = 0; i < rows.length; i += chunk) {
          const part = rows.slice(i, i + chunk)
          s.add(
            Float32Array.from(part, (r) => r.p),
            Uint8Array.from(part, (r) => r.y),
          )
        }
        const p = Float32Array.from(rows, (r) => r.p)
        const y = Uint8Array.from(rows, (r) => r.y)
        expect(s.ranking(Infinity)).toEqual(rankingMetrics(p, y, Infinity))
        expect(s.rocAuc()).toBe(rocAuc(p, y))
        expect(s.ranking(5)).toEqual(rankingMetrics(p, y, 5))
        for (const t of [0, 0.3, 0.5, Math.fround(0.7), 1.5])
          expect(s.confusionAt(t)).toEqual(confusionAt(p, y, t))
      }),
      { numRuns: 100 },
    )
  })

  it('sums log loss and Brier exactly: the BigInt sum of the per-row terms, rounded once', () => {
    fc.assert(
      fc.property(sharded, ({ rows }) => {
        if (rows.length === 0) return
        const s = new ScoreState()
        s.add(
          Float32Array.from(rows, (r) => r.p),
          Uint8Array.from(rows, (r) => r.y),
        )
        let ll = 0n
        let br = 0n
        for (const r of rows) {
          ll += unitsOf(logLossRow(r.p, r.y))
          br += unitsOf((r.p - r.y) * (r.p - r.y))
        }
        expect(s.logLoss()).toBe(roundedUnits(ll) / rows.length)
        expect(s.brier()).toBe(roundedUnits(br) / rows.length)
      }),
      { numRuns: 100 },
    )
  })

  it('refuses a score outside [0, 1] or a bad label by row, adding nothing', () => {
    const s = new ScoreState()
    expect(() => s.add(Float32Array.of(0.2, 1.5), Uint8Array.of(0, 1), 1000)).toThrow(
      'the score counts: row 1001: 1.5 is not a probability in [0, 1]',
    )
    expect(() => s.add(Float32Array.of(0.2, NaN), Uint8Array.of(0, 1), 0)).toThrow(
      'row 1: NaN is not a probability',
    )
    expect(() => s.add(Float32Array.of(0.2), Uint8Array.of(3), 7)).toThrow(
      'the score counts: row 7: label 3 is not 0/1',
    )
    expect(s.rows).toBe(0)
    expect(s.logLoss()).toBeNull()
  })
})

describe('auditStateSections against today’s audit (src/report/audit.ts auditRun)', () => {
  it('gives the sections auditRun gives on the same rows, within 1e-12 and AUC exactly', async () => {
    const samples = fc.sample(sharded, { numRuns: 25, seed: 7 })
    for (const { rows } of samples) {
      const builder = new TableBuilder(['sex', 'race'])
      for (const r of rows) builder.push([r.sex, r.race])
      const table = builder.build()
      const p = Float32Array.from(rows, (r) => r.p)
      const report = await auditRun(
        {
          schema: {
            schemaVersion: 1,
            name: 't',
            target: { column: 'y', positive: '1' },
            features: [],
            sensitive: ['sex', 'race'],
            output: { kind: 'probability' },
          },
          table,
          x: matrix(new Float32Array(0), rows.length, 0),
          values: matrix(new Float32Array(0), rows.length, 0),
          labels: Uint8Array.from(rows, (r) => r.y),
          predict: () => Promise.resolve(p),
          grad: () => Promise.reject(new Error('unused')),
          model: { sha256: '', format: 'layers-model', inputs: 0, parameters: 0, bytes: 0 },
          dataSha256: '',
          classLabel: 1,
        },
        { ...AUDIT_DEFAULTS, rows: [], shap: false, igSteps: 0, counterfactuals: 0, quantize: [] },
      )
      const s = auditStateSections(shardState(rows, [0, rows.length], 0, 1, 97))
      close(
        { metrics: s.metrics, calibration: s.calibration, fairness: s.fairness },
        { metrics: report.metrics, calibration: report.calibration, fairness: report.fairness },
      )
      expect(s.metrics?.rocAuc).toBe(report.metrics?.rocAuc)
    }
  })
})

describe('the state’s size', () => {
  /** A state of n rows whose scores take d distinct float32 values. */
  function sized(n: number, d: number): string {
    const s = auditStateCreate(SETTINGS, IDENTITY, {
      index: 0,
      count: 1,
      coverage: { data: { unit: 'rows', ranges: [[0, n]], total: n } },
    })
    const p = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % d) / d)
    const y = Uint8Array.from({ length: n }, (_, i) => ((i * 31) % 3 === 0 ? 1 : 0))
    const sex = Array.from({ length: n }, (_, i) => (i % 2 ? 'F' : 'M'))
    auditStateAdd(s, {
      firstRow: 0,
      p,
      y,
      groups: new Map([
        ['sex', sex],
        ['race', sex],
      ]),
    })
    return auditStateToJSON(s)
  }

  it('is O(d) for d distinct scores, whatever the rows: 16 base64 characters per distinct score', () => {
    const small = sized(10_000, 500).length
    const large = sized(200_000, 500).length
    expect(Math.abs(large - small)).toBeLessThan(200) // only decimal counts grow (their digits)
    const wide = sized(200_000, 5000).length
    // float32 key (4 bytes) + two uint32 counts (8 bytes) = 12 bytes = 16 base64 characters
    expect((wide - large) / 4500).toBeCloseTo(16, 0)
  })
})
