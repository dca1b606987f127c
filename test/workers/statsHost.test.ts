import { describe, expect, it } from 'vitest'
import { calibration } from '../../src/core/calibration.ts'
import { parseCsvText } from '../../src/core/csv.ts'
import { loadWarnings } from '../../src/core/loadChecks.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import {
  averagePrecision,
  prCurve,
  rocCurve,
  thresholdFreeMetrics,
} from '../../src/core/metrics.ts'
import { rngFromSeed } from '../../src/core/random.ts'
import {
  calibrationBins,
  calibrationByGroup,
  predictionHistogram,
} from '../../src/core/views/calibrationView.ts'
import { fairnessBootstrap } from '../../src/core/views/fairnessBootstrap.ts'
import { fairnessAtThresholds, fairnessIndex } from '../../src/core/views/fairnessThresholds.ts'
import { type CodedColumn, fairnessTable, groupKeys } from '../../src/core/views/fairnessView.ts'
import type { RequestOf } from '../../src/workers/client.ts'
import {
  type BootstrapTask,
  type Res,
  type StatsBootstrapResult,
  type StatsCalibrationResult,
  type StatsGroupingResult,
  type StatsLoadChecksResult,
  type StatsOrderResult,
  type StatsPerformanceResult,
  type StatsReq,
  StatsCmd,
} from '../../src/workers/protocol.ts'
import { statsHandle } from '../../src/workers/statsHost.ts'

/** A synthetic scored dataset: 1,500 rows, two attributes, one of them with a small group. */
function synthetic(n = 1500) {
  const rng = rngFromSeed(7)
  const p = new Float32Array(n)
  const y = new Uint8Array(n)
  const sex: string[] = []
  const race: string[] = []
  for (let i = 0; i < n; i++) {
    const s = rng.uniform() < 0.4 ? 'F' : 'M'
    const u = rng.uniform()
    const r = u < 0.015 ? 'Tiny' : u < 0.3 ? 'B' : 'A'
    const shift = (s === 'M' ? 0.08 : -0.05) + (r === 'B' ? -0.04 : 0)
    const score = Math.min(1, Math.max(0, rng.uniform() * 0.8 + 0.1 + shift))
    p[i] = score
    y[i] = rng.uniform() < score ? 1 : 0
    sex.push(s)
    race.push(r)
  }
  return { p, y, sex, race }
}

let nextId = 1

type BootstrapReq = Extract<StatsReq, { cmd: 'bootstrap' }>

/** Runs one request through the host; optionally cancels it after `cancelAfterPosts` posts. */
async function run(req: Omit<BootstrapReq, 'id' | 'cmd'>, cancelAfterPosts?: number) {
  const id = nextId++
  const posts: Res[] = []
  const job = statsHandle({ ...req, id, cmd: StatsCmd.Bootstrap }, (res) => {
    posts.push(res)
    if (cancelAfterPosts !== undefined && posts.length === cancelAfterPosts) {
      void statsHandle({ id: nextId++, cmd: StatsCmd.Cancel, target: id }, () => {})
    }
  })
  await job
  for (const p of posts) expect(p.id).toBe(id)
  const finals = posts.filter((p) => p.kind === 'result' || p.kind === 'error')
  expect(finals).toHaveLength(1)
  return { posts, final: finals[0]! }
}

describe('statsHandle', () => {
  const d = synthetic()
  const tasks: BootstrapTask[] = [
    { key: 'sex', groups: d.sex },
    { key: 'race', groups: d.race },
    { key: 'sex × race', groups: d.sex.map((_, i) => groupKeys([d.sex, d.race], i)) },
  ]

  it('returns exactly what fairnessBootstrap gives for each grouping', async () => {
    const { posts, final } = await run({ p: d.p, y: d.y, threshold: 0.45, tasks, B: 200, seed: 3 })
    expect(final.kind).toBe('result')
    const r = (final as Extract<Res, { kind: 'result' }>).result as StatsBootstrapResult
    expect(r.results.map((t) => t.key)).toEqual(['sex', 'race', 'sex × race'])
    tasks.forEach((task, k) => {
      const direct = fairnessBootstrap(d.p, d.y, task.groups!, 0.45, { B: 200, seed: 3 })
      expect(r.results[k]!.bootstrap).toEqual(direct)
      expect(r.results[k]!.threshold).toBe(0.45)
      expect(r.results[k]!.thresholds).toEqual({})
    })
    expect(r.ms).toBeGreaterThanOrEqual(0)
    // Progress: 0 of 3 first, then one post per grouping, all before the result.
    const progress = posts.filter((p) => p.kind === 'progress')
    expect(progress.map((p) => (p.kind === 'progress' ? [p.done, p.total] : null))).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ])
    expect(posts.at(-1)!.kind).toBe('result')
  })

  it('uses the defaults B = 1000 and seed 1 (the view’s settings)', async () => {
    const { final } = await run({ p: d.p, y: d.y, threshold: 0.5, tasks: tasks.slice(0, 1) })
    const r = (final as Extract<Res, { kind: 'result' }>).result as StatsBootstrapResult
    expect(r.results[0]!.bootstrap).toEqual(fairnessBootstrap(d.p, d.y, d.sex, 0.5))
    expect(r.results[0]!.bootstrap.B).toBe(1000)
    expect(r.results[0]!.bootstrap.seed).toBe(1)
  })

  it('bootstraps per-group thresholds through the decisions, matching fairnessAtThresholds', async () => {
    const thresholds = { F: 0.4, M: 0.6 }
    const { final } = await run({
      p: d.p,
      y: d.y,
      threshold: 0.5,
      tasks: [{ key: 'sex*', groups: d.sex, thresholds }],
      B: 100,
    })
    const r = (final as Extract<Res, { kind: 'result' }>).result as StatsBootstrapResult
    const t = r.results[0]!
    expect(t.thresholds).toEqual(thresholds)
    const exact = fairnessAtThresholds(d.p, d.y, d.sex, thresholds, 0.5)
    const iv = t.bootstrap.intervals
    expect(iv.demographicParityDifference.estimate).toBe(exact.demographicParityDifference)
    expect(iv.equalOpportunityDifference.estimate).toBe(exact.equalOpportunityDifference)
    expect(iv.equalizedOddsRatio.estimate).toBe(exact.equalizedOddsRatio)
    const decisions = Float32Array.from(d.p, (v, i) =>
      v >= thresholds[d.sex[i] as 'F' | 'M'] ? 1 : 0,
    )
    expect(t.bootstrap.intervals).toEqual(
      fairnessBootstrap(decisions, d.y, d.sex, 0.5, { B: 100 }).intervals,
    )
  })

  it('stops with an AbortError when cancelled between groupings', async () => {
    // Cancel as soon as the first progress message arrives: no grouping result is posted.
    const { posts, final } = await run({ p: d.p, y: d.y, threshold: 0.5, tasks, B: 50 }, 1)
    expect(final).toMatchObject({ kind: 'error', errorKind: 'AbortError' })
    expect(posts.filter((p) => p.kind === 'progress')).toHaveLength(1)
  })

  it('a cancelled request does not affect the next one', async () => {
    await run({ p: d.p, y: d.y, threshold: 0.5, tasks, B: 20 }, 2)
    const { final } = await run({ p: d.p, y: d.y, threshold: 0.5, tasks: tasks.slice(0, 1), B: 20 })
    expect(final.kind).toBe('result')
  })

  it('reports bad input as an error message', async () => {
    const { final } = await run({
      p: d.p,
      y: d.y,
      threshold: 0.5,
      tasks: [{ key: 'bad', groups: ['A'] }],
      B: 10,
    })
    expect(final).toMatchObject({ kind: 'error', errorKind: 'Error' })
    expect((final as Extract<Res, { kind: 'error' }>).message).toMatch(/group values|scores/)
  })
})

/** Runs any stats request through the host and returns its result (failing on an error). */
async function result<T>(req: RequestOf<StatsReq>): Promise<{ r: T; progress: number }> {
  const id = nextId++
  const posts: Res[] = []
  await statsHandle({ ...req, id } as StatsReq, (res) => void posts.push(res))
  const final = posts.at(-1)!
  if (final.kind !== 'result') throw new Error(JSON.stringify(final))
  return { r: final.result as T, progress: posts.filter((p) => p.kind === 'progress').length }
}

describe('statsHandle: the views’ computations', () => {
  const d = synthetic(3000)
  /** The synthetic attributes as dictionary-encoded columns, as the page sends them. */
  const coded = (texts: string[]): CodedColumn => {
    const values = [...new Set(texts)]
    return { codes: Int32Array.from(texts, (t) => values.indexOf(t)), values }
  }
  const sex = coded(d.sex)
  const race = coded(d.race)
  const rows = Int32Array.from({ length: 1200 }, (_, k) => k * 2 + 1)
  const pIn = Float32Array.from(rows, (r) => d.p[r]!)
  const yIn = Uint8Array.from(rows, (r) => d.y[r]!)
  const at = <T>(xs: T[]) => Array.from(rows, (r) => xs[r]!)

  it('performance: the threshold-free metrics, curves, AP and calibration of the core', async () => {
    const { r, progress } = await result<StatsPerformanceResult>({
      cmd: 'performance',
      p: d.p,
      y: d.y,
    })
    expect(r.free).toEqual(thresholdFreeMetrics(d.p, d.y))
    expect(r.roc).toEqual(rocCurve(d.p, d.y))
    expect(r.pr).toEqual(prCurve(d.p, d.y))
    expect(r.averagePrecision).toBe(averagePrecision(d.p, d.y))
    expect(r.calibration).toEqual(calibration(d.p, d.y))
    expect(progress).toBeGreaterThan(0)
  })

  it('grouping: fairnessIndex and fairnessTable of the rows in view, by columns', async () => {
    const { r } = await result<StatsGroupingResult>({
      cmd: 'grouping',
      p: pIn,
      y: yIn,
      rows,
      columns: [sex, race],
    })
    const groups = at(d.sex.map((s, i) => `${s} × ${d.race[i]}`))
    expect(r.index).toEqual(fairnessIndex(pIn, yIn, groups))
    expect(r.table).toEqual(fairnessTable(pIn, yIn, groups, 0.5))
  })

  it('calibration: the reliability bins, histogram and per-group curves of the core', async () => {
    const { r } = await result<StatsCalibrationResult>({
      cmd: 'calibration',
      p: pIn,
      y: yIn,
      rows,
      strategy: 'mass',
      nBins: 7,
      histogramBins: 20,
      attrs: [{ attr: 'race', column: race }],
    })
    const opts = { strategy: 'mass' as const, nBins: 7 }
    expect(r.overall).toEqual(calibrationBins(pIn, yIn, opts))
    expect(r.histogram).toEqual(predictionHistogram(pIn, 20))
    expect(r.byAttr).toEqual([
      { attr: 'race', groups: calibrationByGroup(pIn, yIn, at(d.race), opts) },
    ])
  })

  it('bootstrap by columns and rows in view equals the bootstrap of the per-row groups', async () => {
    const byColumns = await result<StatsBootstrapResult>({
      cmd: 'bootstrap',
      p: pIn,
      y: yIn,
      rows,
      threshold: 0.5,
      tasks: [{ key: 'race', columns: [race] }],
      B: 50,
    })
    expect(byColumns.r.results[0]!.bootstrap).toEqual(
      fairnessBootstrap(pIn, yIn, at(d.race), 0.5, { B: 50 }),
    )
  })

  it('order: rows by prediction, ties by row (the data table of a large table)', async () => {
    const { r } = await result<StatsOrderResult>({ cmd: 'order', p: d.p, rows, dir: 'desc' })
    const want = Array.from(rows).sort((a, b) => d.p[b]! - d.p[a]! || a - b)
    expect(Array.from(r.order)).toEqual(want)
  })

  it('loadChecks: the sentences of loadWarnings', async () => {
    const table = parseCsvText('g,t\na,no\nb,no\nb,no\n')
    const schema = schemaParse(
      JSON.stringify({
        schemaVersion: 1,
        target: { column: 't', positive: 'yes' },
        features: [{ name: 'g', type: 'categorical', categories: ['a', 'b'] }],
        sensitive: ['g'],
        output: { kind: 'probability' },
      }),
    )
    const input = { schema, table, labels: Uint8Array.of(0, 0, 0) }
    const { r } = await result<StatsLoadChecksResult>({ cmd: 'loadChecks', ...input })
    expect(r.warnings).toEqual(loadWarnings(input))
    expect(r.warnings.join(' ')).toMatch(/never has the positive value "yes"/)
    expect(r.warnings.join(' ')).toMatch(/groups of one row: "a"/)
  })

  it('rejects rows in view that do not match the predictions', async () => {
    const id = nextId++
    const posts: Res[] = []
    await statsHandle(
      { id, cmd: 'grouping', p: d.p, y: d.y, rows, columns: [sex] },
      (res) => void posts.push(res),
    )
    expect(posts.at(-1)).toMatchObject({ kind: 'error', errorKind: 'Error' })
  })
})
