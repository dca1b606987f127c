/**
 * The palette (src/ui/palette.css) as seen from components: each colour is a `var(--gb-…)`
 * reference, which React puts in `style` and recharts in SVG `fill` / `stroke` as is. Charts that
 * leave the page (SVG and PNG exports) have the references replaced by their values first
 * (`resolveCssVars`), and the continuous colour scale, which interpolates, reads its three stops'
 * values once from the stylesheet.
 */

/** Colours by role; every value is a `var(--gb-…)` of src/ui/palette.css. */
export const Color = {
  /** Body text, strong chart labels. */
  Text: 'var(--gb-text)',
  /** Labels of a hand-drawn chart's bands. */
  Label: 'var(--gb-label)',
  /** Page surface (white). */
  Surface: 'var(--gb-surface)',
  /** Text drawn on a saturated fill (white). */
  OnColor: 'var(--gb-on-color)',
  /** Lines between table rows, tooltip borders. */
  LineStrong: 'var(--gb-line-strong)',
  /** Muted labels ("other N features"). */
  Muted: 'var(--gb-muted)',
  /** Chart grid lines. */
  Grid: 'var(--gb-grid)',
  /** Axis ticks and axis labels. */
  Axis: 'var(--gb-axis)',
  /** Reference lines (zero, base value, perfect calibration). */
  Rule: 'var(--gb-rule)',
  /** Chance lines and dashed guides. */
  Chance: 'var(--gb-chance)',
  /** The hover band of a bar chart. */
  Cursor: 'var(--gb-cursor)',
  /** The hover band of the monitoring histograms. */
  CursorSlate: 'var(--gb-cursor-slate)',
  /** The main series (curves, group bars, variants). */
  Accent: 'var(--gb-accent)',
  /** The main series' outline. */
  AccentStrong: 'var(--gb-accent-strong)',
  /** Light fill of the main series (histogram bars, hatching). */
  AccentLight: 'var(--gb-blue-400)',
  /** Very light fill of the main series (hatched small-group bars). */
  AccentPale: 'var(--gb-blue-200)',
  /** Interval whiskers. */
  Whisker: 'var(--gb-blue-900)',
  /** A marked value (operating point, overall rate). */
  Marker: 'var(--gb-marker)',
  /** φ > 0: raises the prediction. */
  Up: 'var(--gb-up)',
  /** φ < 0: lowers the prediction. */
  Down: 'var(--gb-down)',
  /** Text of a positive contribution beside its bar. */
  UpText: 'var(--gb-up-text)',
  /** Text of a negative contribution beside its bar. */
  DownText: 'var(--gb-down-text)',
  /** Contribution labels of the Explain waterfall (one step darker). */
  UpLabel: 'var(--gb-up-label)',
  DownLabel: 'var(--gb-down-label)',
  /** SHAP values. */
  Shap: 'var(--gb-shap)',
  /** Integrated gradients. */
  Ig: 'var(--gb-ig)',
  /** A dot whose value is unknown (empty or unseen category), or "other". */
  Missing: 'var(--gb-missing)',
  /** Dependence dots when no feature colours them. */
  Dot: 'var(--gb-dot)',
  /** The reference data (monitoring). */
  Reference: 'var(--gb-reference)',
  /** The current data (monitoring). */
  Current: 'var(--gb-current)',
} as const

/** Number of group series colours (`--gb-series-1` … `--gb-series-10`). */
export const SERIES_COUNT = 10

/** Colour of the k-th group series (0-based), cycling over {@link SERIES_COUNT} colours. */
export function seriesColor(k: number): string {
  return `var(--gb-series-${(((k % SERIES_COUNT) + SERIES_COUNT) % SERIES_COUNT) + 1})`
}

/**
 * Colour of the k-th category (0-based) of a colouring feature, k < 10 (Tableau 10); the caller
 * folds further categories into "other" ({@link Color.Missing}).
 */
export function categoryColor(k: number): string {
  return `var(--gb-category-${Math.min(9, Math.max(0, k)) + 1})`
}

type Rgb = [number, number, number]

/** `#rgb`, `#rrggbb` or `rgb(r, g, b)` as numbers; null for anything else. */
export function parseColor(text: string): Rgb | null {
  const s = text.trim().toLowerCase()
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(s)
  if (short) return [short[1]!, short[2]!, short[3]!].map((h) => parseInt(h + h, 16)) as Rgb
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(s)
  if (long) return [long[1]!, long[2]!, long[3]!].map((h) => parseInt(h, 16)) as Rgb
  const rgb = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/.exec(s)
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])]
  return null
}

/** The value of a custom property of the document (e.g. "--gb-surface" → "#ffffff"); '' if none. */
export function cssVarValue(name: string, el?: Element): string {
  if (typeof document === 'undefined') return ''
  return getComputedStyle(el ?? document.documentElement)
    .getPropertyValue(name)
    .trim()
}

/**
 * Replaces every `var(--name)` (or `var(--name, fallback)`) in `text` by `lookup(name)`, else the
 * fallback; a name with neither stays as it was. Used on exported SVG, which leaves the page's
 * stylesheet behind.
 * @example resolveCssVars('fill="var(--gb-up)"', () => '#dc2626') // 'fill="#dc2626"'
 */
export function resolveCssVars(text: string, lookup: (name: string) => string): string {
  return text.replace(
    /var\(\s*(--[A-Za-z0-9_-]+)\s*(?:,\s*([^()]*?))?\s*\)/g,
    (all, name: string, fallback: string | undefined) => lookup(name) || fallback || all,
  )
}

let stops: [Rgb, Rgb, Rgb] | null = null

/** The low, mid and high colours of the feature-value scale, read once from the palette. */
function scaleStops(): [Rgb, Rgb, Rgb] | null {
  if (stops) return stops
  const [low, mid, high] = ['--gb-scale-low', '--gb-scale-mid', '--gb-scale-high'].map((n) =>
    parseColor(cssVarValue(n)),
  )
  if (!low || !mid || !high) return null
  stops = [low, mid, high]
  return stops
}

const hex = (c: number[]) =>
  `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`

/**
 * Colour of a position t in [0, 1] on the low (blue) → mid (violet) → high (red) scale, linear in
 * sRGB between the stops (t is clamped); null or NaN gives {@link Color.Missing}, as does a page
 * whose palette cannot be read.
 */
export function scaleColor(t: number | null): string {
  const s = scaleStops()
  if (t === null || !Number.isFinite(t) || !s) return Color.Missing
  const u = Math.min(1, Math.max(0, t))
  const [a, b, f] = u < 0.5 ? [s[0], s[1], u * 2] : [s[1], s[2], (u - 0.5) * 2]
  return hex(a.map((v, i) => v + (b[i]! - v) * f))
}
