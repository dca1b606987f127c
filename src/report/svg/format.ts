/**
 * Text and numbers of the SVG charts and the HTML report: XML escaping and number formats that
 * print the same in every engine (toFixed only, never locale, Intl or Math.pow).
 */
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '/': '&#47;',
}

/** C0 controls other than tab, LF and CR (invalid in XML), and lone UTF-16 surrogates. */
const UNSAFE_CHARS =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * Escapes text for XML and HTML (text and attribute values alike): `& < > " '` become entities;
 * `/` and the `h` of `http` (any case) too, so no report string can put `//` or `http` into the
 * output (the self-containment check); C0 control characters other than tab/newline/CR and lone
 * surrogates become U+FFFD.
 * @example xmlEscape('a<b&"c"') // 'a&lt;b&amp;&quot;c&quot;'
 */
export function xmlEscape(s: string): string {
  return s
    .replace(UNSAFE_CHARS, '\ufffd')
    .replace(/[&<>"'/]|h(?=ttp)/gi, (ch) => ENTITIES[ch] ?? `&#${ch.charCodeAt(0)};`)
}

/** 10^digits for small non-negative integer `digits`, by repeated exact multiplication. */
function tenTo(digits: number): number {
  let p = 1
  for (let i = 0; i < digits; i++) p *= 10
  return p
}

/**
 * A number for display: `digits` decimals (default 4); magnitudes too small to show a non-zero
 * digit, or ≥ 1e9, in exponent form with 3 significant digits (`2.74e-5`); null, undefined and
 * non-finite values as an em dash. Locale-independent and identical in every engine.
 * @example numberFormat(0.123456) // '0.1235'
 */
export function numberFormat(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  if (v === 0) return (0).toFixed(digits)
  const a = Math.abs(v)
  if (a < 0.5 / tenTo(digits) || a >= 1e9) return v.toExponential(2)
  return v.toFixed(digits)
}

/** `numberFormat` with an explicit sign for positive values (`+0.1943`), for contributions. */
export function numberFormatSigned(v: number | null | undefined, digits = 4): string {
  const s = numberFormat(v, digits)
  return v !== null && v !== undefined && v > 0 ? `+${s}` : s
}

/**
 * An integer with thousands separators (`1,077`); other values fall back to `numberFormat`.
 * @example intFormat(1349) // '1,349'
 */
export function intFormat(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isSafeInteger(v)) return numberFormat(v)
  const digits = String(Math.abs(v))
  let out = ''
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ','
    out += digits[i]
  }
  return v < 0 ? `-${out}` : out
}
