/**
 * Decompression bombs made at test time (nothing big is committed), shared by the unit tests and
 * the e2e spec of links and bundles.
 */

/**
 * An lz-string payload of `codes` back-references that each repeat the previous output plus one
 * character (w → w + w[0]): output grows as codes²/2 characters. Written here bit by bit from the
 * format (URI-safe alphabet, 6 bits per character, lowest bit first).
 */
export function lzBomb(codes: number): string {
  const bits: number[] = []
  const put = (v: number, n: number) => {
    for (let i = 0; i < n; i++) bits.push((v >> i) & 1)
  }
  let width = 3
  let enlargeIn = 4
  let size = 4
  const grow = () => {
    if (--enlargeIn === 0) enlargeIn = 2 ** width++
  }
  put(0, 2) // the first character, 8 bits
  put(97, 8) // 'a'
  for (let i = 0; i < codes; i++) {
    put(size, width) // the entry about to be made: w + w[0]
    size++
    grow()
  }
  put(2, width) // end of stream
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$'
  let s = ''
  for (let i = 0; i < bits.length; i += 6) {
    let v = 0
    for (let b = 0; b < 6; b++) v |= (bits[i + b] ?? 0) << (5 - b)
    s += alphabet[v]
  }
  return s
}

const u32 = (b: Uint8Array, o: number) =>
  (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0

/**
 * `zip` with the uncompressed size its central directory declares for entry `name` replaced by
 * `size` (the local header is left alone): how a zip bomb lies, or tells the truth up front.
 */
export function zipDeclare(zip: Uint8Array, name: string, size: number): Uint8Array {
  const z = zip.slice()
  const want = new TextEncoder().encode(name)
  for (let o = 0; o + 46 < z.length; o++) {
    if (u32(z, o) !== 0x02014b50) continue
    const n = z[o + 28]! | (z[o + 29]! << 8)
    if (n === want.length && want.every((c, i) => z[o + 46 + i] === c)) {
      new DataView(z.buffer, z.byteOffset).setUint32(o + 24, size, true)
      return z
    }
  }
  throw new Error(`no central directory entry ${name}`)
}

/** A manifest.json naming model/model.json, model/w.bin, data/d.csv and schema.json. */
export function bombManifest(): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      bundleVersion: 1,
      tool: 'glassbox',
      model: { json: 'model/model.json', shards: ['model/w.bin'] },
      data: 'data/d.csv',
      schema: { file: 'schema.json', name: 'schema.json', inferred: false },
    }),
  )
}
