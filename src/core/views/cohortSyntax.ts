/**
 * Syntax of the cohort filter language (semantics and evaluation: cohort.ts): the AST, the
 * tokenizer and recursive-descent parser with positioned, user-facing errors, and the canonical
 * text of an AST.
 *
 * ```
 * cohort     := '' | or
 * or         := and ('or' and)*
 * and        := not ('and' not)*
 * not        := 'not' not | '(' or ')' | comparison
 * comparison := column op value | column ['not'] 'in' '(' value (',' value)* ')'
 * op         := '=' | '==' | '!=' | '<' | '<=' | '>' | '>='
 * ```
 * Keywords (and, or, not, in) are case-insensitive. A column or value is a bare word (any run of
 * characters except space, `( ) , = ! < > " ' \``) or quoted with `"…"`, `'…'` or `` `…` ``
 * (backslash escapes the next character): `"native country" = 'United States'`. Column names
 * are matched exactly (case-sensitive); an unknown one gets a "did you mean" from the columns.
 * Ordering operators need a numeric value; a text value is a syntax error.
 */
import { parseNumericCell } from '../encode.ts'

/** Comparison operators (`==` parses as `=`). */
export type CohortOp = '=' | '!=' | '<' | '<=' | '>' | '>='

/** A literal: its text, and its number when the text parses as a finite number (else null). */
export type CohortValue = { readonly text: string; readonly number: number | null }

/** Parsed cohort predicate. */
export type Cohort =
  | { readonly kind: 'all' }
  | {
      readonly kind: 'compare'
      readonly column: string
      readonly op: CohortOp
      readonly value: CohortValue
    }
  | {
      readonly kind: 'in'
      readonly column: string
      readonly values: readonly CohortValue[]
      readonly negated: boolean
    }
  | { readonly kind: 'and' | 'or'; readonly left: Cohort; readonly right: Cohort }
  | { readonly kind: 'not'; readonly operand: Cohort }

/** The cohort of every row (what the empty text parses to). */
export const cohortAll: Cohort = { kind: 'all' }

/**
 * A filter the user must fix. `message` = "character N: detail" (N 1-based); `position` and
 * `end` are 0-based offsets into the text ([position, end) is the offending span).
 */
export class CohortSyntaxError extends Error {
  override name = 'CohortSyntaxError'
  readonly detail: string
  readonly position: number
  readonly end: number

  constructor(detail: string, position: number, end = position + 1) {
    super(`character ${position + 1}: ${detail}`)
    this.detail = detail
    this.position = position
    this.end = end
  }
}

type TokenKind = 'word' | 'quoted' | 'op' | '(' | ')' | ',' | 'end'
type Token = { kind: TokenKind; text: string; pos: number; end: number }

const KEYWORDS = new Set(['and', 'or', 'not', 'in'])
const STOP = new Set([' ', '\t', '\n', '\r', '(', ')', ',', '=', '!', '<', '>', '"', "'", '`'])

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (/\s/.test(ch)) {
      i++
      continue
    }
    const start = i
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, text: ch, pos: i, end: ++i })
    } else if (ch === '"' || ch === "'" || ch === '`') {
      let value = ''
      i++
      while (i < text.length && text[i] !== ch) {
        if (text[i] === '\\' && i + 1 < text.length) i++
        value += text[i]!
        i++
      }
      if (i >= text.length)
        throw new CohortSyntaxError(`unterminated quote: ${ch} is never closed`, start)
      tokens.push({ kind: 'quoted', text: value, pos: start, end: ++i })
    } else if ('=!<>'.includes(ch)) {
      const two = text.slice(i, i + 2)
      const op = ['<=', '>=', '!=', '=='].includes(two) ? two : ch
      if (op === '!') throw new CohortSyntaxError('unexpected "!" — did you mean "!="?', i)
      i += op.length
      tokens.push({ kind: 'op', text: op === '==' ? '=' : op, pos: start, end: i })
    } else {
      while (i < text.length && !STOP.has(text[i]!) && !/\s/.test(text[i]!)) i++
      tokens.push({ kind: 'word', text: text.slice(start, i), pos: start, end: i })
    }
  }
  tokens.push({ kind: 'end', text: '', pos: text.length, end: text.length })
  return tokens
}

function isKeyword(t: Token, word?: string): boolean {
  if (t.kind !== 'word') return false
  const w = t.text.toLowerCase()
  return word === undefined ? KEYWORDS.has(w) : w === word
}

function shown(t: Token): string {
  return t.kind === 'quoted' ? JSON.stringify(t.text) : `"${t.text}"`
}

/** Levenshtein distance (case-insensitive), for "did you mean". */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j)
  for (let i = 1; i <= s.length; i++) {
    const cur = [i]
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost))
    }
    prev = cur
  }
  return prev[t.length]!
}

/**
 * The name (column or value) the user probably meant among `names`: a case-insensitive exact or
 * unique prefix match, else the nearest by edit distance when within a third of the name's length
 * (at least 1); null when none is that close.
 * @example cohortSuggestion('female', ['Male', 'Female']) // 'Female'
 */
export function cohortSuggestion(name: string, names: readonly string[]): string | null {
  return suggestion(name, names)
}

function suggestion(name: string, columns: readonly string[]): string | null {
  const lower = name.toLowerCase()
  const exact = columns.find((c) => c.toLowerCase() === lower)
  if (exact !== undefined) return exact
  const prefixed = columns.filter((c) => c.toLowerCase().startsWith(lower))
  if (lower.length >= 3 && prefixed.length === 1) return prefixed[0]!
  let best: string | null = null
  let bestD = Math.max(1, Math.floor(name.length / 3))
  for (const c of columns) {
    const d = editDistance(name, c)
    if (d < bestD || (d === bestD && best === null)) {
      best = c
      bestD = d
    }
  }
  return best
}

class Parser {
  private k = 0
  private depth = 0
  private readonly tokens: Token[]
  private readonly columns: readonly string[]
  private readonly text: string

  constructor(text: string, tokens: Token[], columns: readonly string[]) {
    this.text = text
    this.tokens = tokens
    this.columns = columns
  }

  private get t(): Token {
    return this.tokens[this.k]!
  }

  private prev(): Token {
    return this.tokens[this.k - 1]!
  }

  private fail(detail: string, t: Token = this.t): never {
    throw new CohortSyntaxError(detail, t.pos, Math.max(t.end, t.pos + 1))
  }

  parseAll(): Cohort {
    const c = this.parseOr()
    if (this.t.kind === ')') this.fail('unbalanced parenthesis: ")" has no matching "("')
    if (this.t.kind !== 'end') this.fail(`expected "and" or "or" before ${shown(this.t)}`)
    return c
  }

  private parseOr(): Cohort {
    let left = this.parseAnd()
    while (isKeyword(this.t, 'or')) {
      this.k++
      left = { kind: 'or', left, right: this.parseAnd() }
    }
    return left
  }

  private parseAnd(): Cohort {
    let left = this.parseNot()
    while (isKeyword(this.t, 'and')) {
      this.k++
      left = { kind: 'and', left, right: this.parseNot() }
    }
    return left
  }

  private parseNot(): Cohort {
    if (isKeyword(this.t, 'not')) {
      this.k++
      return { kind: 'not', operand: this.parseNot() }
    }
    if (this.t.kind === '(') {
      const open = this.t
      this.k++
      this.depth++
      const inner = this.parseOr()
      const close = this.t
      if (close.kind === 'end') this.fail('unbalanced parenthesis: "(" is never closed', open)
      if (close.kind !== ')') this.fail(`expected "and", "or" or ")" before ${shown(close)}`)
      this.k++
      this.depth--
      return inner
    }
    return this.parseComparison()
  }

  private expectColumn(): string {
    const t = this.t
    if (t.kind === ')' && this.depth === 0) {
      this.fail('unbalanced parenthesis: ")" has no matching "("')
    }
    if ((t.kind !== 'word' && t.kind !== 'quoted') || isKeyword(t)) {
      if (t.kind === 'end') {
        this.fail(
          this.k === 0
            ? 'expected a column name'
            : `expected a column name after ${shown(this.prev())}`,
        )
      }
      this.fail(`expected a column name, got ${shown(t)}`)
    }
    if (!this.columns.includes(t.text)) this.unknownColumn(t)
    this.k++
    return t.text
  }

  private unknownColumn(t: Token): never {
    let near = suggestion(t.text, this.columns)
    // A bare name followed by more words may be a column with spaces left unquoted.
    for (let j = this.k + 1; t.kind === 'word' && this.tokens[j]!.kind === 'word'; j++) {
      const spaced = this.text.slice(t.pos, this.tokens[j]!.end).replace(/\s+/g, ' ')
      const wide = suggestion(spaced, this.columns)
      if (wide !== null && /\s/.test(wide)) {
        near = wide
        break
      }
    }
    const quoteHint = near !== null && /\s/.test(near) ? ' Quote names with spaces' : ''
    const hint = near === null ? '' : ` — did you mean "${near}"?${quoteHint}`
    this.fail(`unknown column ${JSON.stringify(t.text)}${hint}`)
  }

  private expectValue(after: Token): CohortValue {
    const t = this.t
    if ((t.kind !== 'word' && t.kind !== 'quoted') || (t.kind === 'word' && isKeyword(t))) {
      const got = t.kind === 'end' ? '' : `, got ${shown(t)}`
      this.fail(`expected a value after ${shown(after)}${got}`)
    }
    this.k++
    return { text: t.text, number: parseNumericCell(t.text) }
  }

  private parseComparison(): Cohort {
    const colToken = this.t
    const column = this.expectColumn()
    let negated = false
    if (isKeyword(this.t, 'not') && isKeyword(this.tokens[this.k + 1]!, 'in')) {
      negated = true
      this.k++
    }
    if (isKeyword(this.t, 'in')) return this.parseIn(column, negated)
    const opToken = this.t
    if (opToken.kind !== 'op') {
      const got = opToken.kind === 'end' ? '' : `, got ${shown(opToken)}`
      this.fail(`expected an operator (= != < <= > >= in) after ${shown(colToken)}${got}`)
    }
    this.k++
    const value = this.expectValue(opToken)
    const op = opToken.text as CohortOp
    if (op !== '=' && op !== '!=' && value.number === null) {
      this.fail(`"${op}" needs a number, got ${JSON.stringify(value.text)}`, this.prev())
    }
    return { kind: 'compare', column, op, value }
  }

  private parseIn(column: string, negated: boolean): Cohort {
    const inToken = this.t
    this.k++
    const open = this.t
    if (open.kind !== '(') this.fail(`expected "(" after "${inToken.text}"`)
    this.k++
    const values = [this.expectValue(open)]
    while (this.t.kind === ',') {
      const comma = this.t
      this.k++
      values.push(this.expectValue(comma))
    }
    if (this.t.kind === 'end') this.fail('unbalanced parenthesis: "(" is never closed', open)
    if (this.t.kind !== ')') this.fail(`expected "," or ")" in the list, got ${shown(this.t)}`)
    this.k++
    return { kind: 'in', column, values, negated }
  }
}

/**
 * Parses a cohort filter against the table's column names. Blank text gives `cohortAll`.
 * @throws CohortSyntaxError with the position and a message such as
 *   `character 1: unknown column "agee" — did you mean "age"?`,
 *   `character 5: expected a value after ">"`,
 *   `character 1: unbalanced parenthesis: "(" is never closed`.
 * @example cohortParse('age > 40 and sex = Female', ['age', 'sex'])
 */
export function cohortParse(text: string, columns: readonly string[]): Cohort {
  const tokens = tokenize(text)
  if (tokens.length === 1) return cohortAll
  return new Parser(text, tokens, columns).parseAll()
}

function quote(text: string): string {
  const bare = text !== '' && ![...text].some((c) => STOP.has(c) || /\s/.test(c))
  if (bare && !KEYWORDS.has(text.toLowerCase())) return text
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/**
 * Canonical text of a cohort: names and values quoted only where needed, every nested `and`/`or`
 * parenthesised. `cohortParse(cohortText(c), columns)` gives back `c`.
 * @example cohortText(cohortParse('age>40 AND sex=Female', cols)) // 'age > 40 and sex = Female'
 */
export function cohortText(cohort: Cohort): string {
  const inner = (c: Cohort): string =>
    c.kind === 'and' || c.kind === 'or' ? `(${cohortText(c)})` : cohortText(c)
  switch (cohort.kind) {
    case 'all':
      return ''
    case 'compare':
      return `${quote(cohort.column)} ${cohort.op} ${quote(cohort.value.text)}`
    case 'in':
      return `${quote(cohort.column)} ${cohort.negated ? 'not in' : 'in'} (${cohort.values
        .map((v) => quote(v.text))
        .join(', ')})`
    case 'not':
      return `not ${inner(cohort.operand)}`
    case 'and':
    case 'or':
      return `${inner(cohort.left)} ${cohort.kind} ${inner(cohort.right)}`
  }
}
