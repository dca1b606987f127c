/**
 * The bounded lz-string decoder against lz-string itself (the reference: the library that writes
 * links), and the link bomb: a payload whose codes each repeat the longest dictionary entry.
 */
import fc from 'fast-check'
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string'
import { describe, expect, it } from 'vitest'
import { UnpackError, UnpackLimits } from '../../src/core/unpack/limits.ts'
import { lzDecompressBounded } from '../../src/core/unpack/lz.ts'
import { lzBomb } from '../robustness/bombs.ts'

describe('lzDecompressBounded', () => {
  it('decodes what lz-string encodes (arbitrary text, unicode included)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), (s) => {
        if (s === '') return
        const c = compressToEncodedURIComponent(s)
        expect(lzDecompressBounded(c, 1e9, 1e9)).toBe(s)
      }),
      { numRuns: 300 },
    )
    const long = JSON.stringify({ a: 'x'.repeat(50_000), b: [...Array(500).keys()] })
    expect(lzDecompressBounded(compressToEncodedURIComponent(long), 1e9, 1e9)).toBe(long)
  })

  it('the bomb helper writes a valid lz-string payload (lz-string itself reads it)', () => {
    const out = decompressFromEncodedURIComponent(lzBomb(100))
    expect(out).toBe('a'.repeat(1 + (100 * 101) / 2 + 100))
  })

  it('refuses a 76 KB link (expanding to gigabytes) by its size before decoding, naming the cap', () => {
    const bomb = lzBomb(32_700) // 32 700²/2 ≈ 535 M characters: ≈ 1 GB as UTF-16
    expect(bomb.length).toBeGreaterThan(76_000)
    expect(() => lzDecompressBounded(bomb)).toThrow(
      new UnpackError(
        `the link's state is ${bomb.length} characters long, above the cap of ${UnpackLimits.linkChars}`,
      ),
    )
  })

  it('stops a link under the size cap as soon as its expansion passes the cap', () => {
    const bomb = lzBomb(13_000) // ≈ 30 k characters, ≈ 84 M characters expanded
    expect(bomb.length).toBeLessThan(UnpackLimits.linkChars)
    expect(() => lzDecompressBounded(bomb)).toThrow(
      `expands beyond the cap of ${UnpackLimits.linkExpandedChars} characters (stopped there)`,
    )
  })

  it('refuses characters outside the alphabet and a cut payload', () => {
    const c = compressToEncodedURIComponent('{"v":1,"threshold":0.5}')
    expect(() => lzDecompressBounded(`${c.slice(0, 5)}!${c.slice(6)}`)).toThrow('"!"')
    expect(() => lzDecompressBounded(c.slice(0, 4))).toThrow(UnpackError)
  })
})
