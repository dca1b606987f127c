import { describe, expect, it } from 'vitest'
import { harness, probeResult, sampleBundle, sampleTable, settle } from './fakes.ts'
import { wireApp } from '../../src/state/wiring.ts'

/** Confusion counts at t, counted independently in float64. */
function bruteConfusion(p: Float32Array, y: Uint8Array, t: number) {
  let tp = 0
  let fp = 0
  let tn = 0
  let fn = 0
  for (let i = 0; i < p.length; i++) {
    const pos = p[i]! >= t
    if (pos && y[i]) tp++
    else if (pos) fp++
    else if (y[i]) fn++
    else tn++
  }
  return { tp, fp, tn, fn }
}

describe('setThreshold', () => {
  it('recounts the confusion at the new threshold and reuses the threshold-free numbers', async () => {
    const { app, stats } = harness()
    await app.load.loadBundle(sampleBundle)
    await settle()
    const { p, labels } = sampleTable()
    const before = app.metrics.store.getState().performance!
    const requests = stats.count('performance')
    for (const t of [0, 0.35, 0.5, 0.71, 1]) {
      app.metrics.setThreshold(t)
      const perf = app.metrics.store.getState().performance!
      const c = bruteConfusion(p, labels, t)
      expect(app.metrics.store.getState().threshold).toBe(t)
      expect(perf.metrics.threshold).toBe(t)
      expect(perf.metrics.confusion).toEqual(c)
      expect(perf.metrics.accuracy).toBeCloseTo((c.tp + c.tn) / p.length, 12)
      expect(perf.free).toBe(before.free)
      expect(perf.roc).toBe(before.roc)
      expect(perf.calibration).toBe(before.calibration)
    }
    expect(stats.count('performance')).toBe(requests)
  })

  it('ignores thresholds outside [0, 1] and NaN', async () => {
    const { app } = harness()
    await app.load.loadBundle(sampleBundle)
    app.metrics.setThreshold(0.4)
    const state = app.metrics.store.getState()
    for (const t of [-0.1, 1.01, Number.NaN]) app.metrics.setThreshold(t)
    expect(app.metrics.store.getState()).toBe(state)
  })

  it('is honoured when it moves while a load is measuring', async () => {
    const { app, stats } = harness()
    const real = stats.handlers.performance!
    stats.handlers.performance = async (req, opts) => {
      app.metrics.setThreshold(0.25)
      return real(req, opts)
    }
    await app.load.loadBundle(sampleBundle)
    const { p, labels } = sampleTable()
    const perf = app.metrics.store.getState().performance!
    expect(perf.metrics.threshold).toBe(0.25)
    expect(perf.metrics.confusion).toEqual(bruteConfusion(p, labels, 0.25))
  })
})

describe('metrics.deliver', () => {
  it('measures predictions that differ and keeps the threshold', async () => {
    const { app, model } = harness()
    await app.load.loadBundle(sampleBundle)
    await settle()
    app.metrics.setThreshold(0.3)
    const { labels } = sampleTable()
    const other = Float32Array.from(sampleTable().p, (v) => 1 - v)
    model.handlers.probe = () => probeResult(other, true)
    await app.backends.probeBackends(true)
    expect(app.session.store.getState().predictions).toBe(other)
    expect(app.metrics.store.getState().performance?.metrics.confusion).toEqual(
      bruteConfusion(other, labels, 0.3),
    )
  })

  it('drops predictions superseded by a load while they were measured', async () => {
    const { app, stats, model } = harness()
    await app.load.loadBundle(sampleBundle)
    await settle()
    const real = stats.handlers.performance!
    const gate: { open?: () => void } = {}
    stats.handlers.performance = (req, opts) =>
      new Promise((resolve) => {
        gate.open = () => resolve(real(req, opts))
      })
    const other = Float32Array.from(sampleTable().p, (v) => v / 2)
    model.handlers.setBackend = () => ({ backend: 'cpu', predictions: other, predictMs: 9 })
    const switching = app.backends.setBackend('cpu')
    await settle()
    stats.handlers.performance = real
    await app.load.loadBundle({ data: sampleBundle.data })
    gate.open!()
    await switching
    expect(app.session.store.getState().predictions).not.toBe(other)
    expect(app.backends.store.getState().activeBackend).toBe('wasm')
  })
})

describe('metrics of the rows in view', () => {
  it('are the cohort’s when the views are restricted to one, and all rows’ otherwise', async () => {
    const { app } = harness()
    wireApp(app)
    await app.load.loadBundle(sampleBundle)
    await settle()
    app.metrics.setThreshold(0.4)
    const { p, labels, table } = sampleTable()
    const ages = table.columns.find((c) => c.name === 'age')!
    const inCohort = (i: number) => Number(ages.values[ages.codes[i]!]) > 40
    const idx = Array.from(p, (_, i) => i).filter(inCohort)
    const cp = Float32Array.from(idx, (i) => p[i]!)
    const cy = Uint8Array.from(idx, (i) => labels[i]!)
    app.cohort.setText('age > 40')
    expect(app.metrics.store.getState().cohortRows).toBe(idx.length)
    await settle()
    const perf = app.metrics.store.getState().performance!
    expect(perf.metrics.confusion).toEqual(bruteConfusion(cp, cy, 0.4))
    app.metrics.setThreshold(0.6)
    expect(app.metrics.store.getState().performance!.metrics.confusion).toEqual(
      bruteConfusion(cp, cy, 0.6),
    )
    app.cohort.setRestrict(false)
    await settle()
    expect(app.metrics.store.getState()).toMatchObject({ cohortRows: null })
    expect(app.metrics.store.getState().performance!.metrics.confusion).toEqual(
      bruteConfusion(p, labels, 0.6),
    )
    app.cohort.setRestrict(true)
    app.cohort.setText('age > 1000')
    await settle()
    expect(app.metrics.store.getState()).toMatchObject({ cohortRows: 0, performance: null })
    app.cohort.setText('')
    await settle()
    expect(app.metrics.store.getState().performance!.metrics.confusion).toEqual(
      bruteConfusion(p, labels, 0.6),
    )
  })
})
