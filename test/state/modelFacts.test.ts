import { describe, expect, it } from 'vitest'
import { demoNamed } from '../../src/state/load.ts'
import type { ExplainResult } from '../../src/workers/protocol.ts'
import {
  type FakeRequest,
  harness,
  loadResult,
  sampleBundle,
  sampleTable,
  settle,
} from './fakes.ts'

const NO_GRAD = 'integrated gradients need gradients; this XGBoost JSON model has none'
const TREE_SHAP = {
  output: 'margin' as const,
  interventional: { baseValue: -1.2, shap: { age: 0.7, sex: -0.1 } },
}

/** A harness whose model loads as a tree model without gradients. */
async function treeModelLoaded() {
  const h = harness()
  const s = sampleTable()
  h.model.handlers.load = () => ({
    ...loadResult(s.p.slice(), s.labels.slice()),
    treeShap: {
      status: 'available',
      kinds: ['interventional'],
      pathDependentUnavailable: 'no covers',
    },
    igUnavailable: NO_GRAD,
    compressionUnavailable:
      'Compression variants exist for TensorFlow.js LayersModels; this is an XGBoost JSON model',
  })
  h.model.handlers.explain = (req: FakeRequest): ExplainResult => {
    const rows = req.rows as number[]
    return {
      explanations: Object.fromEntries(
        rows.map((r) => [
          String(r),
          {
            prediction: 0.4,
            baseValue: 0.3,
            exact: true,
            shap: { age: 0.2, sex: -0.1 },
            treeShap: TREE_SHAP,
          },
        ]),
      ),
      featureNames: ['age', 'sex'],
      treeShapUnavailable: null,
      ms: 1,
    }
  }
  await h.app.load.loadBundle(sampleBundle)
  await settle()
  return h
}

describe('model capabilities in the session', () => {
  it('keeps the load result’s card, TreeSHAP status and unavailable reasons', async () => {
    const { app } = await treeModelLoaded()
    const facts = app.session.store.getState().modelFacts
    expect(facts?.card.format).toBe('layers-model')
    expect(facts?.treeShap).toEqual({
      status: 'available',
      kinds: ['interventional'],
      pathDependentUnavailable: 'no covers',
    })
    expect(facts?.igUnavailable).toBe(NO_GRAD)
    expect(facts?.compressionUnavailable).toMatch(/^Compression variants exist/)
  })

  it('asks no IG of a model without gradients and keeps the row’s TreeSHAP with its SHAP', async () => {
    const { app, model } = await treeModelLoaded()
    expect(await app.explain.runExplain({ shap: true, ig: true, counterfactuals: false })).toBe(
      true,
    )
    expect(model.last('explain').req.settings).toMatchObject({ shap: true, igSteps: 0 })
    const r = app.explain.store.getState().rowResult
    expect(r?.explanation.treeShap).toEqual(TREE_SHAP)
    expect(r?.treeShapUnavailable).toBeNull()
    expect(r?.used.ig).toBeNull()
    // IG alone: nothing to run; the notice says why, and no request is sent.
    const before = model.count('explain')
    expect(await app.explain.runExplain({ shap: false, ig: true, counterfactuals: false })).toBe(
      false,
    )
    expect(model.count('explain')).toBe(before)
    expect(app.jobs.store.getState().notices.at(-1)?.text).toBe(
      `Integrated gradients are unavailable: ${NO_GRAD}`,
    )
    // Counterfactuals alone keep the SHAP part and its TreeSHAP (same row).
    await app.explain.runExplain({ shap: false, ig: false, counterfactuals: true })
    expect(app.explain.store.getState().rowResult?.explanation.treeShap).toEqual(TREE_SHAP)
  })
})

describe('demoNamed', () => {
  it('names the built-in demos and nothing else', () => {
    expect(demoNamed('xgboost')).toBe('xgboost')
    expect(demoNamed('mlp')).toBe('mlp')
    expect(demoNamed('0')).toBeNull()
    expect(demoNamed(null)).toBeNull()
    expect(demoNamed('toString')).toBeNull()
  })
})
