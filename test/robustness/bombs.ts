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
