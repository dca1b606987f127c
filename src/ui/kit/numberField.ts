/**
 * The rules of the kit's number field (NumberField.tsx), pure so they are tested in Node: what
 * text a field accepts, the message it shows next to itself when the text is refused, and how a
 * number is written back into the field.
 */

/** What a number field accepts. */
export type NumberRule = {
  /** What the number is, as the message names it ("Budget", "age"). */
  name: string
  /** Smallest accepted value (inclusive). */
  min?: number
  /** Largest accepted value (inclusive). */
  max?: number
  /** Only whole numbers. */
  integer?: boolean
  /** Empty text is accepted and commits null (e.g. "no threshold of its own"). */
  optional?: boolean
  /** Words accepted besides numbers (e.g. `auto`), committed as themselves (case-insensitive). */
  keywords?: readonly string[]
  /** Why the range is what it is, appended to a range message ("the range in the data"). */
  rangeNote?: string
}

/** The committed value: a number, null (empty, when optional) or one of the rule's keywords. */
export type NumberFieldValue = number | null | string

/** The outcome of reading a field's text: the value to commit, or why it is refused. */
export type NumberParse = { ok: true; value: NumberFieldValue } | { ok: false; message: string }

/** A decimal number: optional sign, digits with an optional point (or a point and digits), exponent. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

/** `v` written as a field shows it: integers plainly, others with up to 6 significant digits. */
function numText(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)))
}

/** The range part of a message: "between a and b", "at least a" or "at most b". */
function rangeText(rule: NumberRule): string {
  const { min, max } = rule
  const note = rule.rangeNote ? ` (${rule.rangeNote})` : ''
  if (min !== undefined && max !== undefined)
    return `between ${numText(min)} and ${numText(max)}${note}`
  if (min !== undefined) return `at least ${numText(min)}${note}`
  return `at most ${numText(max!)}${note}`
}

/**
 * Reads `text` under `rule`: the value to commit, or a message that names the field, the text
 * and the rule it breaks. Accepts plain decimals with an optional exponent (`1e3`), surrounding
 * spaces, and the rule's keywords; refuses hexadecimal, `Infinity`, `NaN`, thousands separators
 * and empty text (unless `optional`).
 * @example numberFieldParse('5', { name: 'Budget', min: 16, integer: true })
 * // { ok: false, message: 'Budget must be at least 16 (got 5)' }
 */
export function numberFieldParse(text: string, rule: NumberRule): NumberParse {
  const t = text.trim()
  if (t === '') {
    if (rule.optional) return { ok: true, value: null }
    return { ok: false, message: `${rule.name} needs a number` }
  }
  const word = rule.keywords?.find((k) => k.toLowerCase() === t.toLowerCase())
  if (word !== undefined) return { ok: true, value: word }
  if (!DECIMAL.test(t)) {
    const or = rule.keywords?.length ? ` (or ${rule.keywords.join(', ')})` : ''
    return { ok: false, message: `${rule.name}: “${t}” is not a number${or}` }
  }
  const v = Number(t)
  if (!Number.isFinite(v)) return { ok: false, message: `${rule.name}: “${t}” is too large` }
  if (rule.integer && !Number.isInteger(v))
    return { ok: false, message: `${rule.name} must be a whole number (got ${t})` }
  if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max))
    return { ok: false, message: `${rule.name} must be ${rangeText(rule)} (got ${t})` }
  return { ok: true, value: v }
}

/**
 * The text a field shows for a committed value: '' for null, a keyword as is, a number with up to
 * 6 significant digits unless `digits` asks for fixed decimals.
 * @example numberFieldText(0.123456789) // '0.123457'
 */
export function numberFieldText(v: NumberFieldValue, digits?: number): string {
  if (v === null) return ''
  if (typeof v === 'string') return v
  if (!Number.isFinite(v)) return ''
  return digits === undefined ? numText(v) : String(Number(v.toFixed(digits)))
}
