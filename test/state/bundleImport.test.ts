/**
 * Session bundle import through the app: a zip bomb is refused with a notice naming the cap, and
 * what was loaded stays loaded (the bomb's bytes are made here, not committed).
 */
import { zipSync } from 'fflate'
import { bombManifest, zipDeclare } from '../robustness/bombs.ts'
import { describe, expect, it } from 'vitest'
import { sessionImport } from '../../src/state/bundle.ts'
import { harness, sampleBundle } from './fakes.ts'

/** A bundle whose data entry is 16 MiB of zeros while the directory declares `declared` bytes. */
function bomb(declared: number): File {
  const z = zipSync(
    { 'manifest.json': bombManifest(), 'data/d.csv': new Uint8Array(16 << 20) },
    { level: 1 },
  )
  return new File(
    [zipDeclare(z, 'data/d.csv', declared) as Uint8Array<ArrayBuffer>],
    'bomb.glassbox.zip',
  )
}

describe('sessionImport', () => {
  it('refuses a zip bomb by its cap and keeps the loaded session', async () => {
    const { app } = harness()
    await app.load.loadBundle(sampleBundle)
    const before = app.session.store.getState().data
    expect(await sessionImport(app, bomb(1024))).toBe(false)
    expect(await sessionImport(app, bomb(0xfffffff0))).toBe(false)
    const texts = app.jobs.store.getState().notices.map((n) => n.text)
    expect(texts).toContain(
      'Session bundle bomb.glassbox.zip: data/d.csv inflates beyond its declared 1 KiB (stopped there: a zip bomb or a damaged file) — the previously loaded model and data are still loaded.',
    )
    expect(
      texts.some((t) => /declares 4 GiB from .* more than the cap of 256× expansion/.test(t)),
    ).toBe(true)
    expect(app.session.store.getState().data).toBe(before)
  })
})
