/** fast-check generators shared by the view tests. */
import fc from 'fast-check'

/**
 * Small data sets with ties: scores k/20, 0/1 labels, and a group per row drawn from `names`.
 * @example fc.assert(fc.property(groupedRows(['a', 'b']), ({ p, y, g }) => …))
 */
export function groupedRows(names: readonly string[], minLength = 1, maxLength = 60) {
  return fc
    .array(
      fc.tuple(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 1 }),
        fc.constantFrom(...names),
      ),
      { minLength, maxLength },
    )
    .map((r) => ({
      p: Float64Array.from(r, ([k]) => k / 20),
      y: Uint8Array.from(r, ([, b]) => b),
      g: r.map(([, , name]) => name),
    }))
}
