import { describe, expect, it } from 'vitest'
import { calibrationRequestKey } from '../../src/state/calibrationStore.ts'
import { explainDefaultRow } from '../../src/state/explainStore.ts'
import { wireApp } from '../../src/state/wiring.ts'
import type { ExplainResult, GlobalShapResult, WhatIfResult } from '../../src/workers/protocol.ts'
import {
  type FakeRequest,
  harness,
  loadResult,
  parsed,
  probeResult,
  sampleBundle,
  sampleTable,
  settle,
  table,
} from './fakes.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A wired app with the sample loaded, its probe done, on the Overview tab. */
async function loaded() {
  const h = harness()
  wireApp(h.app)
  await h.app.load.loadBundle(sampleBundle)
  await settle()
  return h
}

function explainAnswer(req: FakeRequest): ExplainResult {
  const rows = req.rows as number[]
  const settings = req.settings as { counterfactuals: number }
  const explanations = Object.fromEntries(
    rows.map((r) => [
      String(r),
      settings.counterfactuals > 0
        ? { prediction: 0.5, counterfactuals: [], diversity: null, noneReason: 'none found' }
        : { prediction: 0.5, baseValue: 0.4, exact: true, shap: { age: r / 100, sex: 0 } },
    ]),
  )
  return { explanations, featureNames: ['age', 'sex'], treeShapUnavailable: null, ms: 1 }
}

describe('the stores that compute for a view', () => {
  it('compute nothing for a tab that is not shown', async () => {
    const { app, stats, model } = await loaded()
    expect(app.ui.store.getState().tab).toBe('Overview')
    for (const cmd of ['calibration', 'grouping', 'bootstrap', 'order'])
      expect(stats.count(cmd)).toBe(0)
    expect(model.count('explain')).toBe(0)
  })

  it('calibration: computed for the rows in view when its tab shows, again only when an input changes', async () => {
    const { app, stats } = await loaded()
    app.ui.setTab('Calibration')
    await settle()
    expect(stats.count('calibration')).toBe(1)
    const view = app.cohort.store.getState().view!
    const q = app.calibration.query.get()
    expect(q.status).toBe('done')
    expect(q.resultKey).toBe(calibrationRequestKey(view.version, 'width', 10, ['sex', 'race']))
    expect(q.result?.byAttr.map((a) => a.attr)).toEqual(['sex', 'race'])
    expect(q.result?.overall.bins).toHaveLength(10)
    app.ui.setTab('Overview')
    app.ui.setTab('Calibration')
    app.calibration.setBins(10.2)
    await settle()
    expect(stats.count('calibration')).toBe(1)
    app.calibration.setBins(20)
    app.calibration.setStrategy('mass')
    expect(app.calibration.query.get()).toMatchObject({ status: 'running', result: q.result })
    await settle()
    expect(stats.count('calibration')).toBe(3)
    expect(stats.calls.filter((c) => c.req.cmd === 'calibration')[1]!.aborted).toBe(true)
    expect(app.calibration.query.get().result?.overall.bins.length).toBeLessThanOrEqual(20)
  })

  it('fairness: groupings of every attribute, then a debounced bootstrap that follows the threshold', async () => {
    const { app, stats } = await loaded()
    app.ui.setTab('Fairness')
    await settle()
    const entries = app.fairnessQueries.groupings.store.getState()
    expect(Object.keys(entries).sort()).toEqual(['race', 'sex'])
    expect(entries.sex?.status).toBe('done')
    expect(entries.sex?.result?.index.names).toEqual(['F', 'M'])
    expect(app.fairnessQueries.bootstrap.get().status).toBe('waiting')
    await sleep(350)
    await settle()
    const boot = app.fairnessQueries.bootstrap.get()
    expect(boot.status).toBe('done')
    expect(Object.keys(boot.result!.results).sort()).toEqual(['race', 'sex'])

    app.metrics.setThreshold(0.6)
    expect(app.fairnessQueries.bootstrap.get()).toMatchObject({
      status: 'waiting',
      resultKey: boot.resultKey,
    })
    app.ui.setTab('Overview')
    expect(app.fairnessQueries.bootstrap.get()).toMatchObject({
      status: 'done',
      key: boot.resultKey,
    })
    await sleep(350)
    expect(stats.count('bootstrap')).toBe(1)

    app.ui.setTab('Fairness')
    app.fairness.toggleAttr('race', true, ['sex', 'race'])
    await settle()
    expect(app.fairnessQueries.groupings.store.getState()['sex × race']?.status).toBe('done')
    expect(stats.count('grouping')).toBe(3)
    app.fairness.setGroupThreshold('sex × race', 'F × A', 0.3)
    await sleep(350)
    await settle()
    const results = app.fairnessQueries.bootstrap.get().result!.results
    expect(Object.keys(results).sort()).toEqual([
      'race',
      'sex',
      'sex × race',
      'sex × race (per-group thresholds)',
    ])
    expect(results['sex × race (per-group thresholds)']?.thresholds).toEqual({ 'F × A': 0.3 })
  })

  it('explain: explains the default row and a global sample once per session', async () => {
    const { app, model, pool } = await loaded()
    model.handlers.explain = explainAnswer
    let globals = 0
    pool.globalShap = async () => {
      globals++
      const result = { featureNames: ['age', 'sex'], cached: false } as GlobalShapResult
      return { result, workers: 1, backend: 'wasm' }
    }
    app.ui.setTab('Explain')
    await settle()
    const row = explainDefaultRow(40, 1)
    expect(model.last('explain').req).toMatchObject({ rows: [row] })
    expect(model.last('explain').req.settings).toMatchObject({
      igSteps: 'auto',
      counterfactuals: 4,
    })
    expect(app.explain.store.getState()).toMatchObject({ autoDone: true, row })
    expect(app.explain.store.getState().rowResult?.row).toBe(row)
    expect(globals).toBe(1)
    app.ui.setTab('Overview')
    app.ui.setTab('Explain')
    await settle()
    expect(model.count('explain')).toBe(1)
    expect(globals).toBe(1)
  })

  it('explain: waits for the running job before starting', async () => {
    const { app, model } = await loaded()
    model.handlers.explain = explainAnswer
    const signal = app.jobs.startJob('Audit report')
    app.ui.setTab('Explain')
    await settle()
    expect(model.count('explain')).toBe(0)
    app.jobs.endJob(signal)
    await settle()
    expect(model.count('explain')).toBe(1)
  })

  it('data order: a large table is ordered by prediction in the stats worker while the tab shows', async () => {
    const n = 100_001
    const h = harness()
    const p = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000)
    const ids = Array.from({ length: n }, (_, i) => String(i % 5))
    h.data.handlers.parse = () =>
      parsed(
        'big.csv',
        table({ age: ids, sex: ids.map((v) => (v === '0' ? 'F' : 'M')), race: ids, y: ids }),
      )
    h.model.handlers.probe = () => probeResult(p, false)
    // Only the order is under test: the load's checks need not look at 100,001 rows.
    h.stats.handlers.loadChecks = () => ({ warnings: [] })
    h.model.handlers.load = () => loadResult(p, null)
    wireApp(h.app)
    await h.app.load.loadBundle(sampleBundle)
    await settle()
    h.app.dataOrder.setSort({ key: 'prediction', dir: 'desc' })
    expect(h.stats.count('order')).toBe(0)
    h.app.ui.setTab('Data')
    await settle()
    expect(h.stats.count('order')).toBe(1)
    const order = h.app.dataOrder.query.get().result!
    const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b)
    expect(order.length).toBe(n)
    expect(expected.findIndex((row, k) => order[k] !== row)).toBe(-1)
    h.app.dataOrder.setSort({ key: 'row', dir: 'asc' })
    h.app.dataOrder.setSort({ key: 'prediction', dir: 'desc' })
    await settle()
    expect(h.stats.count('order')).toBe(1)
  })
})

describe('the open data row', () => {
  it('computes SHAP and counterfactuals once per row and settings, from the cache after', async () => {
    const { app, model } = await loaded()
    model.handlers.explain = explainAnswer
    app.dataRow.openRow(5)
    expect(app.dataRow.store.getState().shap).toMatchObject({ status: 'running', result: null })
    await settle()
    const s = app.dataRow.store.getState()
    expect(s.shap.status).toBe('done')
    expect(s.shap.result?.shap).toEqual({ age: 0.05, sex: 0 })
    expect(s.shap.input).toMatchObject({ shap: true, igSteps: 0, counterfactuals: 0 })
    expect(s.counterfactuals.input).toMatchObject({ shap: false, counterfactuals: 4 })
    expect(s.original).toEqual([55, 1])
    expect(model.count('explain')).toBe(2)
    app.dataRow.openRow(6)
    app.dataRow.openRow(5)
    expect(app.dataRow.store.getState().shap.status).toBe('done')
    await settle()
    expect(model.count('explain')).toBe(4)
    app.explain.setSettings({ seed: 2 })
    app.dataRow.refreshRow()
    await settle()
    expect(model.count('explain')).toBe(6)
  })

  it('asks what-if answers after the edits settle, only for the latest values', async () => {
    const { app, model } = await loaded()
    model.handlers.explain = explainAnswer
    model.handlers.whatIf = (req): WhatIfResult => ({
      prediction: (req.values as number[])[0]! / 100,
      shap: null,
      shapStdErr: null,
      baseValue: null,
      exact: null,
      treeShap: null,
      ms: 1,
    })
    app.dataRow.openRow(2)
    await settle()
    expect(app.whatIf.store.getState().whatIf?.status).toBe('original')
    app.whatIf.setInput(0, '50')
    app.whatIf.setInput(0, '5x')
    expect(app.whatIf.store.getState().whatIf).toMatchObject({
      status: 'waiting',
      texts: ['5x', '1'],
      invalid: [true, false],
      values: [50, 1],
    })
    app.whatIf.setInput(0, '60')
    await sleep(300)
    await settle()
    expect(model.count('whatIf')).toBe(1)
    expect(model.last('whatIf').req.values).toEqual([60, 1])
    const p2 = sampleTable().p[2]!
    const w = app.whatIf.store.getState().whatIf!
    expect(w).toMatchObject({ status: 'done', result: { prediction: 0.6 } })
    expect(w.delta).toBeCloseTo(0.6 - p2, 12)
    app.whatIf.reset()
    expect(app.whatIf.store.getState().whatIf).toMatchObject({ status: 'original', result: null })
    app.whatIf.applyCounterfactual({ age: 60 })
    expect(app.whatIf.store.getState().whatIf?.status).toBe('done')
    expect(model.count('whatIf')).toBe(1)
  })
})
