/**
 * Reading, validating and inferring dataset schemas v1 (docs/contracts.md §1).
 */
import { DataError, parseNumericCell } from './encode.ts'
import { isOutputKind } from './output.ts'
import type { Feature, Schema } from './schema.ts'
import { type Table, type Column, tableColumn } from './table.ts'

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Parses and validates schema JSON text.
 * @throws DataError naming `source` and the offending field (e.g. `features[3].std must be > 0`).
 */
export function schemaParse(text: string, source = 'the schema'): Schema {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new DataError(`${source}: not valid JSON (${(e as Error).message})`)
  }
  return schemaValidate(raw, source)
}

/** Validates a parsed schema object; returns a clean copy. */
export function schemaValidate(raw: unknown, source = 'the schema'): Schema {
  const bad = (msg: string): never => {
    throw new DataError(`${source}: ${msg}`)
  }
  if (!isObj(raw)) return bad('a schema must be a JSON object')
  if (raw.schemaVersion !== 1)
    return bad(`schemaVersion must be 1 (found ${JSON.stringify(raw.schemaVersion)})`)
  const target = raw.target
  if (!isObj(target) || typeof target.column !== 'string' || typeof target.positive !== 'string') {
    return bad('target must be {"column": string, "positive": string}')
  }
  if (!Array.isArray(raw.features) || raw.features.length === 0)
    return bad('features must be a non-empty array')
  const modelInput = raw.modelInput ?? 'encoded'
  if (modelInput !== 'encoded' && modelInput !== 'columns')
    return bad(`modelInput must be "encoded" or "columns" (found ${JSON.stringify(modelInput)})`)
  const columns = modelInput === 'columns'
  const names = new Set<string>()
  const inputs = new Map<string, string>()
  const features: Feature[] = raw.features.map((f: unknown, i: number): Feature => {
    if (!isObj(f) || typeof f.name !== 'string' || f.name === '')
      return bad(`features[${i}] needs a non-empty "name"`)
    if (names.has(f.name)) return bad(`feature "${f.name}" is listed twice`)
    names.add(f.name)
    if (f.name === target.column) return bad(`feature "${f.name}" is also the target column`)
    const input = featureInput(f, i, inputs, bad)
    if (f.type === 'numeric') {
      // columns mode: the model reads the raw value, so mean and std are optional (both or neither).
      if (columns && f.mean === undefined && f.std === undefined)
        return { name: f.name, type: 'numeric', ...input }
      if (typeof f.mean !== 'number' || !Number.isFinite(f.mean))
        return bad(`features[${i}] ("${f.name}"): mean must be a finite number`)
      if (typeof f.std !== 'number' || !(f.std > 0) || !Number.isFinite(f.std))
        return bad(`features[${i}] ("${f.name}"): std must be a finite number > 0`)
      return { name: f.name, type: 'numeric', mean: f.mean, std: f.std, ...input }
    }
    if (f.type === 'categorical') {
      const cats = f.categories
      if (!Array.isArray(cats) || cats.length === 0 || !cats.every((c) => typeof c === 'string')) {
        return bad(`features[${i}] ("${f.name}"): categories must be a non-empty array of strings`)
      }
      if (new Set(cats).size !== cats.length)
        return bad(`features[${i}] ("${f.name}"): categories contain duplicates`)
      return { name: f.name, type: 'categorical', categories: [...(cats as string[])], ...input }
    }
    return bad(`features[${i}] ("${f.name}"): type must be "numeric" or "categorical"`)
  })
  const sensitive = raw.sensitive ?? []
  if (!Array.isArray(sensitive) || !sensitive.every((s) => typeof s === 'string'))
    return bad('sensitive must be an array of column names')
  const output = raw.output ?? { kind: 'probability' }
  if (!isObj(output) || !isOutputKind(output.kind ?? 'probability'))
    return bad(
      `output.kind must be "probability" or "logit" (got ${JSON.stringify(isObj(output) ? output.kind : output)})`,
    )
  const kind = isOutputKind(output.kind) ? output.kind : 'probability'
  return {
    schemaVersion: 1,
    name: typeof raw.name === 'string' ? raw.name : 'dataset',
    target: { column: target.column, positive: target.positive },
    features,
    sensitive: [...(sensitive as string[])],
    output: { kind },
    ...(raw.modelInput === undefined ? {} : { modelInput }),
  }
}

/**
 * A feature's `input` property (the model input it fills in `columns` mode), checked: a
 * non-empty string naming no other feature's input.
 */
function featureInput(
  f: Record<string, unknown>,
  i: number,
  seen: Map<string, string>,
  bad: (msg: string) => never,
): { input?: string } {
  const name = String(f.name)
  if (f.input !== undefined && (typeof f.input !== 'string' || f.input === ''))
    return bad(`features[${i}] ("${name}"): input must be a non-empty string`)
  const input = typeof f.input === 'string' ? f.input : name
  const other = seen.get(input)
  if (other !== undefined)
    return bad(`features "${other}" and "${name}" both fill input "${input}"`)
  seen.set(input, name)
  return typeof f.input === 'string' ? { input: f.input } : {}
}

/** Summary of one CSV column used for schema inference and the dataset card. */
export type ColumnProfile = {
  name: string
  kind: 'numeric' | 'categorical'
  /** Distinct non-empty values (categorical: sorted; numeric: count only). */
  distinct: number
  categories: string[]
  /** Empty cells. */
  missing: number
  mean: number | null
  std: number | null
  /** Value counts for columns with ≤ 50 distinct values (target / sensitive pickers). */
  counts: Record<string, number> | null
}

/**
 * Profiles a column: numeric when every non-empty cell is a finite number, else categorical.
 * Mean and std (population, ddof = 0) over non-empty cells.
 */
export function columnProfile(col: Column, nRows: number): ColumnProfile {
  const freq = new Float64Array(col.values.length)
  for (let i = 0; i < nRows; i++) freq[col.codes[i]!]!++
  const nums = col.values.map(parseNumericCell)
  let missing = 0
  let numeric = true
  let distinct = 0
  col.values.forEach((v, k) => {
    if (freq[k] === 0) return
    if (v === '') missing += freq[k]!
    else {
      distinct++
      if (nums[k] === null) numeric = false
    }
  })
  if (distinct === 0) numeric = false
  let mean: number | null = null
  let std: number | null = null
  if (numeric) {
    let n = 0
    let s = 0
    col.values.forEach((v, k) => {
      if (v !== '') {
        n += freq[k]!
        s += freq[k]! * nums[k]!
      }
    })
    mean = s / n
    let ss = 0
    col.values.forEach((v, k) => {
      if (v !== '') ss += freq[k]! * (nums[k]! - mean!) ** 2
    })
    std = Math.sqrt(ss / n)
  }
  const categories = numeric ? [] : col.values.filter((v, k) => v !== '' && freq[k]! > 0).sort()
  let counts: Record<string, number> | null = null
  if (col.values.length <= 50) {
    const order = col.values
      .map((_, k) => k)
      .sort((a, b) => (col.values[a]! < col.values[b]! ? -1 : 1))
    // fromEntries defines own keys: a value such as "__proto__" stays a count, not a prototype.
    counts = Object.fromEntries(
      order.filter((k) => freq[k]! > 0).map((k) => [col.values[k]!, freq[k]!]),
    )
  }
  return {
    name: col.name,
    kind: numeric ? 'numeric' : 'categorical',
    distinct,
    categories,
    missing,
    mean,
    std,
    counts,
  }
}

export type InferChoices = {
  target: string
  positive: string
  sensitive: string[]
  /** Feature columns in order; default = every column except the target (sensitive columns included, as in the demo). */
  features?: string[]
  name?: string
}

/**
 * Builds a schema from a table and the user's choices. Numeric features get the data's mean and
 * population std (std 0 → 1, so a constant column encodes to 0); categorical ones their sorted
 * distinct non-empty values.
 */
export function schemaInfer(table: Table, choices: InferChoices): Schema {
  const featureNames =
    choices.features ?? table.columns.map((c) => c.name).filter((n) => n !== choices.target)
  const features: Feature[] = featureNames.map((name) => {
    const col = tableColumn(table, name)
    if (!col) throw new DataError(`schema inference: no column "${name}"`)
    const p = columnProfile(col, table.nRows)
    if (p.kind === 'numeric' && p.missing === 0) {
      return { name, type: 'numeric', mean: p.mean!, std: p.std! > 0 ? p.std! : 1 }
    }
    // The profile lists categories only for text columns; a numeric column with empty cells
    // becomes categorical over its distinct non-empty values (the numeric rule forbids empties).
    let categories = p.categories
    if (p.kind === 'numeric') {
      const used = new Uint8Array(col.values.length)
      for (let i = 0; i < table.nRows; i++) used[col.codes[i]!] = 1
      categories = col.values.filter((v, k) => v !== '' && used[k] === 1).sort()
    }
    if (categories.length === 0)
      throw new DataError(`schema inference: column "${name}" has no non-empty values`)
    return { name, type: 'categorical', categories }
  })
  return {
    schemaVersion: 1,
    name: choices.name ?? 'dataset',
    target: { column: choices.target, positive: choices.positive },
    features,
    sensitive: [...choices.sensitive],
    output: { kind: 'probability' },
  }
}

/**
 * Default choices for a table without a schema: target = the last column with exactly two
 * distinct values (else the last column), positive = its less frequent value, sensitive = the
 * columns named sex, gender, race or ethnicity (any case) that exist.
 */
export function schemaDefaultChoices(table: Table): InferChoices {
  const profiles = table.columns.map((c) => columnProfile(c, table.nRows))
  const binary = profiles.filter((p) => p.distinct === 2)
  const target = (binary[binary.length - 1] ?? profiles[profiles.length - 1])!
  const counts = Object.entries(target.counts ?? {}).filter(([v]) => v !== '')
  counts.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? 1 : -1))
  const positive = counts[0]?.[0] ?? ''
  const sensitive = profiles
    .map((p) => p.name)
    .filter((n) => n !== target.name && /^(sex|gender|race|ethnicity)$/i.test(n))
  return { target: target.name, positive, sensitive }
}
