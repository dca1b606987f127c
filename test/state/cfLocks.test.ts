/**
 * The features locked in the Explain tab travel in the settings of every counterfactual request:
 * the Explain tab's own and the Data tab's open row (one path, one setting), and a new schema
 * that lacks a locked feature falls back to the default locks.
 */
import { describe, expect, it } from 'vitest'
import { withLockedFeatures } from '../../src/core/views/cfLocks.ts'
import { viewStateApply, viewStateCollect } from '../../src/state/share.ts'
import type { ExplainResult } from '../../src/workers/protocol.ts'
import { type FakeRequest, harness, sampleBundle, sampleSchema, settle } from './fakes.ts'

async function loaded() {
  const h = harness()
  h.model.handlers.explain = (req: FakeRequest): ExplainResult => ({
    explanations: Object.fromEntries(
      (req.rows as number[]).map((r) => [String(r), { prediction: 0.4, counterfactuals: [] }]),
    ),
    featureNames: ['age', 'sex'],
    treeShapUnavailable: null,
    ms: 1,
  })
  await h.app.load.loadBundle(sampleBundle)
  await settle()
  return h
}

describe('counterfactual locks in the explain requests', () => {
  it('sends no explicit locks by default (the search keeps sensitive attributes fixed)', async () => {
    const { app, model } = await loaded()
    await app.explain.runExplain({ shap: false, ig: false, counterfactuals: true })
    const s = model.last('explain').req.settings as { counterfactualConstraints?: unknown }
    expect(s.counterfactualConstraints).toBeUndefined()
  })

  it('sends the locked features from the Explain tab and from the Data tab’s open row', async () => {
    const { app, model } = await loaded()
    app.explain.setSettings(withLockedFeatures(app.explain.store.getState().settings, ['age']))
    await app.explain.runExplain({ shap: false, ig: false, counterfactuals: true })
    expect(model.last('explain').req.settings).toMatchObject({
      counterfactuals: 4,
      counterfactualConstraints: { immutable: ['age'] },
    })
    app.dataRow.openRow(3)
    await settle()
    const cf = model.calls.filter(
      (c) =>
        c.req.cmd === 'explain' &&
        (c.req.settings as { counterfactuals: number }).counterfactuals > 0,
    )
    expect(cf.at(-1)?.req.rows).toEqual([3])
    expect(cf.at(-1)?.req.settings).toMatchObject({
      counterfactualConstraints: { immutable: ['age'] },
    })
  })

  it('drops locks naming a feature the newly loaded schema lacks', async () => {
    const { app } = await loaded()
    app.explain.setSettings(withLockedFeatures(app.explain.store.getState().settings, ['hours']))
    app.explain.sessionChanged(true)
    expect(app.explain.store.getState().settings.counterfactualConstraints).toBeUndefined()
    app.explain.setSettings(withLockedFeatures(app.explain.store.getState().settings, ['age']))
    app.explain.sessionChanged(false)
    expect(app.explain.store.getState().settings.counterfactualConstraints).toEqual({
      immutable: ['age'],
    })
    expect(sampleSchema.features.map((f) => f.name)).toContain('age')
  })

  it('travels in a shared link; a link locking a feature this schema lacks is ignored, named', async () => {
    const { app } = await loaded()
    app.explain.setSettings(withLockedFeatures(app.explain.store.getState().settings, ['age']))
    const state = viewStateCollect(app)
    app.explain.setSettings(withLockedFeatures(app.explain.store.getState().settings, []))
    viewStateApply(app, state)
    expect(app.explain.store.getState().settings.counterfactualConstraints).toEqual({
      immutable: ['age'],
    })
    const foreign = structuredClone(state)
    const settings = foreign.explain.settings as { counterfactualConstraints?: unknown }
    settings.counterfactualConstraints = { immutable: ['income'] }
    viewStateApply(app, foreign, undefined, 'This link')
    expect(app.explain.store.getState().settings.counterfactualConstraints).toEqual({
      immutable: ['age'],
    })
    expect(app.jobs.store.getState().notices.at(-1)?.text).toBe(
      'This link: a view setting was ignored — explain.settings.counterfactualConstraints (immutable: item 0: "income" is not a feature of the loaded schema).',
    )
  })
})
