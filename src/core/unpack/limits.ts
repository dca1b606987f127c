/**
 * The caps on what a shared link or a session bundle may make the page decompress, in one place
 * (docs/robustness.md states them). Each is checked before inflation where the size is known up
 * front, and again while inflating, with a running count, so a lying header or a bomb stops at
 * the cap instead of after it.
 */
export const UnpackLimits = {
  /** Characters of a link's compressed state (the `#s=` payload). A real view is 1–3 k. */
  linkChars: 32_768,
  /** Characters the link's state may expand to (its JSON). */
  linkExpandedChars: 262_144,
  /** Bytes of a session bundle file (compressed). */
  bundleBytes: 1024 * 1024 * 1024,
  /** Entries in a bundle's central directory. */
  bundleEntries: 10_000,
  /** Bytes all the inflated entries of a bundle may take together. */
  bundleExpandedBytes: 1024 * 1024 * 1024,
  /** Bytes of the bundle's manifest.json (the view state and the audit report). */
  manifestBytes: 16 * 1024 * 1024,
  /**
   * Largest expansion ratio of an entry above {@link UnpackLimits.ratioFrom} bytes. CSVs and
   * weights compress 3–30×; deflate's own limit is ≈ 1032×, which only a bomb approaches.
   */
  maxRatio: 256,
  /** Entries expanding to fewer bytes than this are not held to the ratio. */
  ratioFrom: 16 * 1024 * 1024,
  /** Compressed bytes fed to the inflater at a time (deflate expands ≤ 1032×: ≤ 1 MiB out). */
  inflateChunk: 1024,
} as const

/** A decompression refused: the message names the input and the cap. */
export class UnpackError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnpackError'
  }
}

/** A byte count for a message: `1.5 GiB`, `4 MiB`, `900 bytes`. */
export function bytesText(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${n} bytes` : `${Number(v.toFixed(v < 10 ? 1 : 0))} ${units[u]}`
}
