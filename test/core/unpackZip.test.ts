/**
 * Bounded bundle reading: zips are made here with fflate (the library that writes bundles) and
 * their central directories patched by hand to make the bombs: no big file is committed.
 */
import { strToU8, unzipSync, zipSync } from 'fflate'
import { bombManifest, zipDeclare } from '../robustness/bombs.ts'
import { describe, expect, it } from 'vitest'
import { UnpackError, UnpackLimits } from '../../src/core/unpack/limits.ts'
import { unpackRun } from '../../src/core/unpack/run.ts'
import { bundleUnpack, zipIndex } from '../../src/core/unpack/zip.ts'

/** A bundle whose data entry is `mb` MiB of zeros (≈ 1000× compressible). */
function bundle(mb: number, more: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync(
    {
      'manifest.json': bombManifest(),
      'model/model.json': strToU8('{}'),
      'model/w.bin': new Uint8Array([1, 2, 3, 4]),
      'data/d.csv': new Uint8Array(mb * 1024 * 1024),
      'schema.json': strToU8('{}'),
      ...more,
    },
    { level: 1 },
  )
}

describe('bundleUnpack', () => {
  it('reads the entries the manifest names, equal to fflate’s unzip', () => {
    const z = bundle(1)
    const { manifest: m, entries } = bundleUnpack(z)
    const ref = unzipSync(z)
    expect(JSON.parse(m)).toMatchObject({ data: 'data/d.csv' })
    expect([...entries.keys()].sort()).toEqual(
      ['data/d.csv', 'model/model.json', 'model/w.bin', 'schema.json'].sort(),
    )
    for (const [k, v] of entries) expect(Buffer.from(v).equals(Buffer.from(ref[k]!)), k).toBe(true)
  })

  it('never inflates an entry the manifest does not name (a bomb beside the bundle)', () => {
    const z = zipDeclare(
      bundle(0, { 'extra/bomb.bin': new Uint8Array(8 << 20) }),
      'extra/bomb.bin',
      10,
    )
    const { entries } = bundleUnpack(z)
    expect(entries.has('extra/bomb.bin')).toBe(false)
    expect(entries.size).toBe(4)
  })

  it('refuses a 4 MB zip declaring 4 GB before inflating a byte (honest bomb), memory flat', () => {
    const pad = new Uint8Array(4 * 1024 * 1024)
    for (let o = 0; o < pad.length; o += 65536) crypto.getRandomValues(pad.subarray(o, o + 65536))
    const z = zipDeclare(bundle(4, { 'pad.bin': pad }), 'data/d.csv', 0xfffffffe)
    expect(z.length).toBeGreaterThan(4_000_000)
    const before = process.memoryUsage().arrayBuffers
    const r = unpackRun({ kind: 'bundle', bytes: z })
    expect(r.ok).toBe(false)
    expect(!r.ok && r.message).toMatch(
      /^data\/d\.csv declares 4 GiB from [\d.]+ KiB, more than the cap of 256× expansion \(a zip bomb\?\)$/,
    )
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024)
  })

  it('stops inflating at the declared size when the header lies (bomb declaring 1 KiB)', () => {
    const z = zipDeclare(bundle(16), 'data/d.csv', 1024) // 16 MiB of zeros in ≈ 16 KB
    expect(z.length).toBeLessThan(200_000)
    const before = process.memoryUsage().arrayBuffers
    expect(() => bundleUnpack(z)).toThrow(
      new UnpackError(
        'data/d.csv inflates beyond its declared 1 KiB (stopped there: a zip bomb or a damaged file)',
      ),
    )
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024)
  })

  it('refuses declared sizes that add up past the expanded cap', () => {
    let z = bundle(0, { a: new Uint8Array(4096).fill(7), b: new Uint8Array(4096).fill(7) })
    z = zipDeclare(zipDeclare(z, 'a', 600 * 1024 * 1024), 'b', 600 * 1024 * 1024)
    expect(() => zipIndex(z)).toThrow(/declares|more than the cap of 1 GiB expanded/)
  })

  it('refuses more entries than the cap, before reading any', () => {
    const files: Record<string, Uint8Array> = { 'manifest.json': bombManifest() }
    for (let i = 0; i <= UnpackLimits.bundleEntries; i++) files[`x/${i}`] = new Uint8Array(0)
    expect(() => zipIndex(zipSync(files, { level: 0 }))).toThrow(
      `${UnpackLimits.bundleEntries + 2} entries is above the cap of ${UnpackLimits.bundleEntries} entries`,
    )
  })

  it('names a missing manifest, a non-zip and a manifest over its cap', () => {
    expect(() => bundleUnpack(zipSync({ 'a.txt': strToU8('x') }))).toThrow(
      'manifest.json is missing',
    )
    expect(() => bundleUnpack(strToU8('not a zip at all, just text'))).toThrow('not a readable zip')
    const big = zipSync(
      { 'manifest.json': new Uint8Array(UnpackLimits.manifestBytes + 1) },
      { level: 0 },
    )
    expect(() => bundleUnpack(big)).toThrow('manifest.json declares 16 MiB, above the cap')
  })
})
