import { describe, expect, it } from 'vitest'
import { viewStateApply, viewStateCollect } from '../../src/state/share.ts'
import { harness, sampleBundle } from './fakes.ts'

describe('viewStateApply and the tab', () => {
  it('applies the saved tab unless the user picked another since the restore began', async () => {
    const { app } = harness()
    await app.load.loadBundle(sampleBundle)
    const saved = { ...viewStateCollect(app), tab: 'Calibration' as const }
    app.ui.setTab('Overview')
    viewStateApply(app, saved, 'Overview')
    expect(app.ui.store.getState().tab).toBe('Calibration')

    app.ui.setTab('Overview')
    const from = app.ui.store.getState().tab
    app.ui.setTab('Data') // a click while the session loads
    viewStateApply(app, { ...saved, threshold: 0.3 }, from)
    expect(app.ui.store.getState().tab).toBe('Data')
    // The rest of the view is restored all the same.
    expect(app.metrics.store.getState().threshold).toBe(0.3)
  })
})
