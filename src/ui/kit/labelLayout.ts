/**
 * Placement of point labels in a scatter chart so that labels of close points neither overlap
 * each other nor cover a point: each label takes the first free slot of a fixed list (above,
 * below, then further above / below, then right and left), and a label placed away from its point
 * gets a leader line to it. Pure pixel geometry: the chart converts data to pixels first.
 */

/** A point to label, in pixels (SVG coordinates: y grows downwards). */
export type LabelPoint = { x: number; y: number; text: string }

/** Where a label goes: its text's centre (`x`) and baseline (`y`), and whether it needs a leader. */
export type PlacedLabel = {
  x: number
  y: number
  text: string
  /** True when the label sits away from its point (not directly above or below it). */
  leader: boolean
}

/** Sizes of the layout, in pixels. */
export type LabelLayoutOptions = {
  /** Average character width of the label font (11 px font ≈ 6.2). */
  charWidth: number
  /** Height of a label line (font size plus leading). */
  lineHeight: number
  /** Radius of a drawn point (labels keep clear of every point). */
  pointRadius: number
  /** The plot area labels must stay inside; omitted = unbounded. */
  bounds?: { x: number; y: number; width: number; height: number }
}

type Box = { x0: number; y0: number; x1: number; y1: number }

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1

/**
 * Label positions for `points`, in their order. Labels are placed left to right (then top to
 * bottom); each takes the first slot whose box overlaps no placed label, no point and stays in
 * the bounds, or the first in-bounds slot when none is free. An empty list gives [].
 * @example placeLabels([{ x: 100, y: 50, text: 'int8' }, { x: 104, y: 52, text: 'uint8' }], o)
 */
export function placeLabels(
  points: readonly LabelPoint[],
  { charWidth, lineHeight, pointRadius, bounds }: LabelLayoutOptions,
): PlacedLabel[] {
  const gap = pointRadius + 3
  const pointBoxes: Box[] = points.map((p) => ({
    x0: p.x - pointRadius,
    y0: p.y - pointRadius,
    x1: p.x + pointRadius,
    y1: p.y + pointRadius,
  }))
  const order = points
    .map((_, i) => i)
    .sort((a, b) => points[a]!.x - points[b]!.x || points[a]!.y - points[b]!.y)
  const placed: Box[] = []
  const out: PlacedLabel[] = new Array<PlacedLabel>(points.length)
  for (const i of order) {
    const p = points[i]!
    const w = p.text.length * charWidth
    const h = lineHeight
    // Candidate boxes by their centre: [dx, dy, leader].
    const slots: [number, number, boolean][] = [
      [0, -(gap + h / 2), false],
      [0, gap + h / 2, false],
      [0, -(gap + 1.5 * h), true],
      [0, gap + 1.5 * h, true],
      [gap + w / 2, 0, false],
      [-(gap + w / 2), 0, false],
      [0, -(gap + 2.5 * h), true],
      [0, gap + 2.5 * h, true],
      [gap + w / 2, -(gap + h), true],
      [-(gap + w / 2), -(gap + h), true],
      [gap + w / 2, gap + h, true],
      [-(gap + w / 2), gap + h, true],
    ]
    const boxOf = ([dx, dy]: [number, number, boolean]): Box => ({
      x0: p.x + dx - w / 2,
      y0: p.y + dy - h / 2,
      x1: p.x + dx + w / 2,
      y1: p.y + dy + h / 2,
    })
    const inside = (b: Box) =>
      !bounds ||
      (b.x0 >= bounds.x &&
        b.y0 >= bounds.y &&
        b.x1 <= bounds.x + bounds.width &&
        b.y1 <= bounds.y + bounds.height)
    const free = (b: Box) =>
      inside(b) && !placed.some((q) => overlaps(b, q)) && !pointBoxes.some((q) => overlaps(b, q))
    const slot =
      slots.find((s) => free(boxOf(s))) ?? slots.find((s) => inside(boxOf(s))) ?? slots[0]!
    const box = boxOf(slot)
    placed.push(box)
    // Text baseline: about a quarter of the line below the box's centre.
    out[i] = {
      x: (box.x0 + box.x1) / 2,
      y: (box.y0 + box.y1) / 2 + h * 0.3,
      text: p.text,
      leader: slot[2],
    }
  }
  return out
}
