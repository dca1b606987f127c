import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type LabelPoint, type PlacedLabel, placeLabels } from '../../../src/ui/kit/labelLayout.ts'

const OPTS = { charWidth: 6.4, lineHeight: 14, pointRadius: 5 }

/** A label's box, recomputed here from its centre and baseline (0.3 line below the centre). */
function box(l: PlacedLabel, o = OPTS) {
  const w = l.text.length * o.charWidth
  const cy = l.y - o.lineHeight * 0.3
  return { x0: l.x - w / 2, x1: l.x + w / 2, y0: cy - o.lineHeight / 2, y1: cy + o.lineHeight / 2 }
}
type B = ReturnType<typeof box>
const hit = (a: B, b: B) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
const pointBox = (p: LabelPoint, r = OPTS.pointRadius): B => ({
  x0: p.x - r,
  x1: p.x + r,
  y0: p.y - r,
  y1: p.y + r,
})

function assertClear(points: LabelPoint[], labels: PlacedLabel[]) {
  const boxes = labels.map((l) => box(l))
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) expect(hit(boxes[i]!, boxes[j]!)).toBe(false)
    for (const p of points) expect(hit(boxes[i]!, pointBox(p))).toBe(false)
  }
}

describe('placeLabels', () => {
  it('puts a lone point’s label right above it, without a leader', () => {
    const [l] = placeLabels([{ x: 100, y: 80, text: 'float32' }], OPTS)
    expect(l!.x).toBe(100)
    expect(box(l!).y1).toBeLessThanOrEqual(80 - OPTS.pointRadius)
    expect(l!.leader).toBe(false)
  })

  it('separates the labels of three nearly coincident points (uint8, int8, int8act)', () => {
    const points = [
      { x: 300, y: 100, text: 'uint8' },
      { x: 302, y: 101, text: 'int8' },
      { x: 305, y: 99, text: 'int8act' },
    ]
    const labels = placeLabels(points, OPTS)
    expect(labels.map((l) => l.text)).toEqual(['uint8', 'int8', 'int8act'])
    assertClear(points, labels)
    // At most two can sit right above/below; the third is moved away with a leader.
    expect(labels.some((l) => l.leader)).toBe(true)
  })

  it('keeps labels inside the bounds when a free slot exists there', () => {
    const bounds = { x: 0, y: 0, width: 400, height: 200 }
    const points = [
      { x: 200, y: 3, text: 'top' },
      { x: 398, y: 100, text: 'right' },
    ]
    for (const l of placeLabels(points, { ...OPTS, bounds })) {
      const b = box(l)
      expect(b.y0).toBeGreaterThanOrEqual(0)
      expect(b.x1).toBeLessThanOrEqual(400)
    }
  })

  it('never overlaps labels of up to 6 points spread over a plot (property)', () => {
    const pt = fc.record({
      x: fc.integer({ min: 60, max: 540 }),
      y: fc.integer({ min: 60, max: 240 }),
      text: fc.constantFrom('float32', 'fp16', 'uint8', 'int8', 'int8act', 'int4'),
    })
    fc.assert(
      fc.property(
        fc.uniqueArray(pt, { minLength: 1, maxLength: 6, selector: (p) => p.text }),
        (points) => {
          const labels = placeLabels(points, OPTS)
          const boxes = labels.map((l) => box(l))
          for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++) if (hit(boxes[i]!, boxes[j]!)) return false
          return true
        },
      ),
    )
  })

  it('gives nothing for no points', () => {
    expect(placeLabels([], OPTS)).toEqual([])
  })
})
