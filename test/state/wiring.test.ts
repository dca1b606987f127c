import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/report/types.ts'
import { wireApp } from '../../src/state/wiring.ts'
import type { DriftResult, ExplainResult } from '../../src/workers/protocol.ts'
import {
  type FakeRequest,
  harness,
  loadResult,
  parsed,
  sampleBundle,
  sampleTable,
  settle,
  table,
} from './fakes.ts'

/** The model worker's explain answer for the rows asked, with SHAP and counterfactuals. */
function explainAnswer(req: FakeRequest): ExplainResult {
  const rows = req.rows as number[]
  const explanations = Object.fromEntries(
    rows.map((r) => [
      String(r),
      { prediction: 0.5, baseValue: 0.4, exact: true, shap: { age: 0.1 } },
    ]),
  )
  return { explanations, featureNames: ['age', 'sex'], ms: 1 }
}

/** A second dataset for a new load: 10 rows of the same columns. */
function otherData() {
  const s = sampleTable(10)
  return { ...s, parsed: parsed('other.csv', s.table) }
}

describe('wireApp', () => {
  it('a new load resets what depended on the old session', async () => {
    const h = harness()
    const { app, model, data } = h
    model.handlers.explain = (req) => explainAnswer(req)
    wireApp(app)
    await app.load.loadBundle(sampleBundle)
    await settle()

    app.fairness.setAttrs(['sex'])
    app.fairness.setGroupThreshold('sex', 'F', 0.4)
    app.cohort.setText('sex = F')
    app.dataRow.openRow(3)
    await app.explain.runExplain({ shap: true, ig: false, counterfactuals: false })
    app.compression.store.setState({ resultThreshold: 0.5 })
    app.report.store.setState({ audit: { reportVersion: 1 } as Report })
    app.monitoring.store.setState({ result: { currentRows: 3 } as DriftResult })
    await settle()
    expect(app.dataRow.store.getState().shap.status).toBe('done')
    expect(app.explain.store.getState().rowResult?.row).toBe(app.explain.rowResolved())
    const cohortRows = app.cohort.store.getState().rows
    expect(cohortRows?.length).toBe(14)

    const other = otherData()
    data.handlers.parse = () => other.parsed
    model.handlers.load = () => loadResult(other.p, other.labels)
    expect(await app.load.loadBundle({ data: sampleBundle.data })).toBe(true)

    expect(app.fairness.store.getState().groupThresholds).toEqual({})
    expect(app.fairness.store.getState().attrs).toEqual(['sex'])
    expect(app.dataRow.store.getState()).toMatchObject({ row: null, original: null })
    expect(app.dataRow.store.getState().shap.status).toBe('idle')
    expect(app.whatIf.store.getState().whatIf).toBeNull()
    expect(app.explain.store.getState()).toMatchObject({
      rowResult: null,
      row: -1,
      autoDone: false,
    })
    expect(app.compression.store.getState().resultThreshold).toBeNull()
    expect(app.report.store.getState().audit).toBeNull()
    expect(app.monitoring.store.getState().result).toBeNull()
    // The cohort filter is applied again to the new rows, and the rows in view follow.
    const c = app.cohort.store.getState()
    expect(c.text).toBe('sex = F')
    expect(c.rows).not.toBe(cohortRows)
    expect(Array.from(c.rows!)).toEqual([0, 3, 6, 9])
    expect(Array.from(c.view!.p)).toEqual([0, 3, 6, 9].map((i) => other.p[i]!))
    expect(h.pool.resets).toBe(1)

    // A new model also releases the pool's helpers.
    const model2 = { kind: 'url', url: 'https://example.test/model2.json' } as const
    expect(await app.load.loadBundle({ model: model2 })).toBe(true)
    expect(h.pool.resets).toBe(2)
  })

  it('a filter that does not parse for the new data keeps its text and says why', async () => {
    const { app, data, model } = harness()
    wireApp(app)
    await app.load.loadBundle(sampleBundle)
    app.cohort.setText('race = C')
    const t = table({ age: ['30', '40'], sex: ['F', 'M'], y: ['1', '0'] })
    data.handlers.parse = () => parsed('norace.csv', t)
    model.handlers.load = () => loadResult(Float32Array.of(0.3, 0.6), Uint8Array.of(1, 0))
    expect(await app.load.loadBundle({ data: sampleBundle.data })).toBe(true)
    const c = app.cohort.store.getState()
    expect(c).toMatchObject({ text: 'race = C', rows: null })
    expect(c.error).toMatch(/race/)
    expect(Array.from(c.view!.p)).toEqual([Math.fround(0.3), Math.fround(0.6)])
  })

  it('routes the model worker events to the backends and restarts to a reload', async () => {
    const { app, model } = harness()
    wireApp(app)
    await app.load.loadBundle(sampleBundle)
    await settle()
    const other = Float32Array.from(sampleTable().p, (v) => v * 0.9)
    model.onEvent({
      type: 'backendLost',
      from: 'wasm',
      to: 'cpu',
      message: 'GPU device lost',
      predictions: other,
    })
    await settle()
    expect(app.backends.store.getState().activeBackend).toBe('cpu')
    expect(app.backends.store.getState().backends.find((b) => b.name === 'wasm')).toMatchObject({
      available: false,
      error: 'GPU device lost',
    })
    expect(app.session.store.getState().predictions).toBe(other)
    const loads = model.count('load')
    model.chunkCap = 512
    model.onRestart('out of memory')
    await settle()
    expect(model.count('load')).toBe(loads + 1)
    expect(model.last('load').req).toMatchObject({
      maxChunkRows: 512,
      cls: app.session.store.getState().cls,
    })
    expect(app.jobs.store.getState().notices.map((n) => n.level)).toContain('error')
  })

  it('the returned function removes every reaction', async () => {
    const { app, model, stats } = harness()
    const unwire = wireApp(app)
    unwire()
    await app.load.loadBundle(sampleBundle)
    app.ui.setTab('Calibration')
    await settle()
    expect(stats.count('calibration')).toBe(0)
    expect(app.cohort.store.getState().view).toBeNull()
    model.onRestart('crash')
    expect(model.count('load')).toBe(1)
  })
})
