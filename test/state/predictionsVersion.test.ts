import { classLabel, outputColumn } from '../../src/model/card.ts'
import { describe, expect, it } from 'vitest'
import { createSession, float32Identical } from '../../src/state/session.ts'
import { wireApp } from '../../src/state/wiring.ts'
import { harness, probeResult, sampleBundle, sampleTable, settle } from './fakes.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('float32Identical', () => {
  it('compares bits: equal values in other arrays are identical, -0 and +0 are not', () => {
    expect(float32Identical(Float32Array.of(0.1, NaN), Float32Array.of(0.1, NaN))).toBe(true)
    expect(float32Identical(Float32Array.of(0), Float32Array.of(-0))).toBe(false)
    expect(float32Identical(Float32Array.of(0.1), Float32Array.of(0.1, 0.2))).toBe(false)
    expect(float32Identical(Float32Array.of(0.1), Float32Array.of(Math.fround(0.1) + 1e-8))).toBe(
      false,
    )
  })
})

describe('session predictions version', () => {
  it('bumps on every load, and on a delivery only when the predictions differ', () => {
    const session = createSession()
    const { table, labels, p } = sampleTable()
    const commit = {
      model: null,
      data: null,
      schema: null,
      inferChoices: null,
      cls: { kind: 'auto' } as const,
      classLabel: classLabel(1),
      column: outputColumn(0),
      encode: null,
      labels,
      predictions: p,
    }
    session.commit(commit)
    expect(session.store.getState().predictionsVersion).toBe(1)
    session.commit(commit)
    expect(session.store.getState().predictionsVersion).toBe(2)
    expect(session.deliver(p.slice())).toBe(false)
    expect(session.store.getState().predictions).toBe(p)
    expect(session.store.getState().predictionsVersion).toBe(2)
    const other = p.map((v) => v / 2)
    expect(session.deliver(other)).toBe(true)
    expect(session.store.getState()).toMatchObject({ predictions: other, predictionsVersion: 3 })
    expect(table.nRows).toBe(p.length)
  })
})

describe('a cached probe', () => {
  it('starts no second round of cohort, grouping, bootstrap, calibration or metrics work', async () => {
    const { app, model, stats } = harness()
    wireApp(app)
    await app.load.loadBundle(sampleBundle)
    app.cohort.setText('age > 40')
    app.ui.setTab('Fairness')
    await settle()
    await sleep(400)
    await settle()
    expect(model.count('probe')).toBe(1)
    expect(stats.count('grouping')).toBe(2)
    expect(stats.count('bootstrap')).toBe(1)
    expect(app.fairnessQueries.bootstrap.get().status).toBe('done')
    app.ui.setTab('Calibration')
    await settle()
    expect(stats.count('calibration')).toBe(1)
    const counts = () =>
      ['grouping', 'bootstrap', 'calibration', 'performance'].map((c) => stats.count(c))
    const before = counts()
    const session = app.session.store.getState()
    const view = app.cohort.store.getState().view
    const groupings = app.fairnessQueries.groupings.store.getState()
    const calibration = app.calibration.query.get()

    // The probe cache answers with the same numbers, predicted again into a new array.
    model.handlers.probe = () => probeResult(sampleTable().p, false)
    await app.backends.probeBackends()
    app.ui.setTab('Fairness')
    await settle()
    await sleep(400)

    expect(model.count('probe')).toBe(2)
    expect(app.backends.store.getState().probe).toMatchObject({ cached: true })
    expect(app.session.store.getState().predictionsVersion).toBe(session.predictionsVersion)
    expect(app.session.store.getState().predictions).toBe(session.predictions)
    expect(app.cohort.store.getState().view).toBe(view)
    expect(app.fairnessQueries.groupings.store.getState()).toBe(groupings)
    expect(app.calibration.query.get()).toBe(calibration)
    expect(counts()).toEqual(before)
  })

  it('that predicts different numbers (another backend) recomputes what depends on them', async () => {
    const { app, model, stats } = harness()
    wireApp(app)
    await app.load.loadBundle(sampleBundle)
    app.ui.setTab('Calibration')
    await settle()
    const version = app.session.store.getState().predictionsVersion
    const view = app.cohort.store.getState().view!
    const other = Float32Array.from(sampleTable().p, (v) => Math.min(1, v + 0.01))
    model.handlers.probe = () => probeResult(other, true)
    await app.backends.probeBackends(true)
    await settle()
    expect(app.session.store.getState().predictionsVersion).toBe(version + 1)
    expect(app.cohort.store.getState().view?.p).toBe(other)
    expect(app.cohort.store.getState().view?.version).not.toBe(view.version)
    expect(stats.count('performance')).toBe(2)
    expect(stats.count('calibration')).toBe(2)
    expect(app.calibration.query.get().status).toBe('done')
  })
})
