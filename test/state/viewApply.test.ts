/**
 * Untrusted view state reaching the stores: a link's (or bundle's, or the saved view's) fields
 * out of bounds, ill-typed or naming what the schema lacks are not applied, one notice names them,
 * and what persistence writes back (viewStateCollect) never contains them.
 */
import { compressToEncodedURIComponent } from 'lz-string'
import { describe, expect, it } from 'vitest'
import { viewStateApply, viewStateCollect, viewStateDecode } from '../../src/state/share.ts'
import { harness, sampleBundle } from './fakes.ts'

async function loaded() {
  const h = harness()
  await h.app.load.loadBundle(sampleBundle)
  return h
}

describe('viewStateApply with hostile fields', () => {
  it('applies the valid fields, drops the others with one notice, and persists none of them', async () => {
    const { app } = await loaded()
    const before = viewStateCollect(app)
    const hostile = {
      ...before,
      threshold: 0.25,
      tab: 'Calibration',
      explain: {
        ...before.explain,
        settings: {
          ...before.explain.settings,
          budget: 1e12,
          igSteps: 1e9,
          counterfactuals: 500,
          background: { kind: 'kmeans', k: -4 },
          seed: 'seven',
        },
        globalN: 5e9,
      },
      calibration: { ...before.calibration, nBins: 2 ** 31 },
      fairness: { attrs: ['sex', 'nope'] },
      extra: { cmd: 'rm' },
    }
    const dropped = viewStateApply(app, hostile, undefined, 'This link')
    expect(dropped.map((d) => d.field)).toEqual([
      'explain.settings.background.k',
      'explain.settings.budget',
      'explain.settings.seed',
      'explain.settings.igSteps',
      'explain.settings.counterfactuals',
      'explain.globalN',
      'calibration.nBins',
      'fairness.attrs',
      'extra',
    ])
    const notices = app.jobs.store.getState().notices.filter((n) => n.text.startsWith('This link'))
    expect(notices).toHaveLength(1)
    expect(notices[0]!.level).toBe('warning')
    expect(notices[0]!.text).toContain(
      'explain.settings.budget (1000000000000 is above the maximum',
    )
    expect(notices[0]!.text).toContain('fairness.attrs (item 1: "nope" is not a sensitive column')

    const after = viewStateCollect(app)
    expect(after.threshold).toBe(0.25)
    expect(after.tab).toBe('Calibration')
    expect(after.explain.settings.background).toEqual({
      kind: 'kmeans',
      k: before.explain.settings.background.k,
    })
    for (const k of ['budget', 'seed', 'igSteps', 'counterfactuals'] as const)
      expect(after.explain.settings[k]).toEqual(before.explain.settings[k])
    expect(after.explain.globalN).toBe(before.explain.globalN)
    expect(after.calibration.nBins).toBe(before.calibration.nBins)
    expect(after.fairness.attrs).toEqual(before.fairness.attrs)
    expect(JSON.stringify(after)).not.toContain('rm')
  })

  it('applies a valid state without a notice', async () => {
    const { app } = await loaded()
    const s = viewStateCollect(app)
    expect(viewStateApply(app, { ...s, threshold: 0.7 })).toEqual([])
    expect(app.metrics.store.getState().threshold).toBe(0.7)
    expect(app.jobs.store.getState().notices.some((n) => n.text.includes('ignored'))).toBe(false)
  })
})

describe('viewStateApply with a partial state', () => {
  it('changes only what the state names (the explain settings object stays the same)', async () => {
    const { app } = await loaded()
    const settings = app.explain.store.getState().settings
    const tab = app.ui.store.getState().tab
    expect(viewStateApply(app, { v: 1, threshold: 0.2 })).toEqual([])
    expect(app.metrics.store.getState().threshold).toBe(0.2)
    expect(app.explain.store.getState().settings).toBe(settings)
    expect(app.ui.store.getState().tab).toBe(tab)
  })
})

describe('viewStateDecode', () => {
  const link = (o: unknown) => compressToEncodedURIComponent(JSON.stringify(o))

  it('keeps only http(s) sources and a class index in bounds; names what it refused', () => {
    const s = viewStateDecode(
      link({
        v: 1,
        src: { model: 'javascript:alert(1)', data: 'https://x.example/d.csv', schema: 7 },
        classIndex: -3,
        localFiles: false,
      }),
    )
    expect(s?.src).toEqual({ data: 'https://x.example/d.csv' })
    expect(s?.classIndex).toBeNull()
    expect(s?.dropped.map((d) => d.field)).toEqual(['src.model', 'src.schema', 'classIndex'])
  })

  it('returns null for what is not a v1 state', () => {
    for (const o of [null, [], { v: 2, src: {} }, 'x']) expect(viewStateDecode(link(o))).toBeNull()
    expect(viewStateDecode('%%%not-lz')).toBeNull()
  })
})
