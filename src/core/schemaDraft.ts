/**
 * The schema editor's pure half: a draft schema built by hand for a model that came without one
 * (target and positive value, features in the model's input order with their statistics or
 * categories, sensitive columns), its encoded layout against the model's input width, the first
 * guesses from the CSV, and its assembly into a validated schema v1 (docs/contracts.md §1).
 */
import { DataError } from './encode.ts'
import { type Feature, type Schema, schemaWidth } from './schema.ts'
import type { OutputKind } from './output.ts'
import { type ColumnProfile, schemaValidate } from './schemaIo.ts'

/** One feature of a draft: a numeric one's mean/std are text as typed (parsed on assembly). */
export type DraftFeature =
  | { name: string; type: 'numeric'; mean: string; std: string }
  | { name: string; type: 'categorical'; categories: string[] }

/** A schema being edited. */
export type SchemaDraft = {
  name: string
  target: string
  positive: string
  /** In the model's input order. */
  features: DraftFeature[]
  sensitive: string[]
  /** What the model outputs (absent = `probability`; `logit`: Glassbox applies the link). */
  output?: OutputKind
}

/** Where one feature lands in the model's input: `[start, end)`, end − start = its width. */
export type DraftSpan = { name: string; start: number; end: number }

/** The draft's encoded layout: each feature's input span and the total width. */
export type DraftLayout = { spans: DraftSpan[]; width: number }

/** Input width of a draft feature: 1 for numeric, its non-empty categories for categorical. */
export function draftFeatureWidth(f: DraftFeature): number {
  return f.type === 'numeric' ? 1 : f.categories.filter((c) => c !== '').length
}

/** Each feature's input index range, in order, and the total encoded width (0 for none). */
export function draftLayout(features: readonly DraftFeature[]): DraftLayout {
  let at = 0
  const spans = features.map((f) => {
    const start = at
    at += draftFeatureWidth(f)
    return { name: f.name, start, end: at }
  })
  return { spans, width: at }
}

/**
 * How the draft's width compares with the model's, in words: "matches the model's 61 inputs",
 * "3 inputs short of the model's 61", "2 inputs over the model's 61".
 */
export function draftWidthNote(width: number, modelWidth: number): string {
  const d = width - modelWidth
  const s = (n: number) => `${n} input${n === 1 ? '' : 's'}`
  if (d === 0) return `matches the model's ${s(modelWidth)}`
  return d < 0
    ? `${s(-d)} short of the model's ${modelWidth}`
    : `${s(d)} over the model's ${modelWidth}`
}

/** The list with item `i` moved by `delta` places (clamped to the ends); a copy. */
export function listMove<T>(list: readonly T[], i: number, delta: number): T[] {
  const out = [...list]
  if (i < 0 || i >= out.length) return out
  const j = Math.min(out.length - 1, Math.max(0, i + delta))
  const [item] = out.splice(i, 1)
  out.splice(j, 0, item!)
  return out
}

const TARGET_NAME =
  /^(label|target|class|outcome|y|income|default|churn|churned|response|result|approved|fraud|survived|diagnosis)$/i

/**
 * First guess of the target: a column with exactly two distinct values whose name reads like a
 * label (label, target, class, outcome, y, income, default, churn, …; any case); else the last
 * two-valued column; else the last column. Null for no columns.
 */
export function targetGuess(profiles: readonly ColumnProfile[]): string | null {
  const binary = profiles.filter((p) => p.distinct === 2)
  const named = binary.filter((p) => TARGET_NAME.test(p.name.trim()))
  const pick = named[named.length - 1] ?? binary[binary.length - 1] ?? profiles[profiles.length - 1]
  return pick?.name ?? null
}

const POSITIVE_VALUE = /^(1|yes|y|true|good|positive|>50k\.?|approved|churn|default)$/i

/**
 * First guess of the positive value: one that reads like a positive (1, yes, true, good, >50K, …),
 * else the less frequent value (ties: the later in sort order). '' when the column has no counts.
 */
export function positiveGuess(profile: ColumnProfile | undefined): string {
  const counts = Object.entries(profile?.counts ?? {}).filter(([v]) => v !== '')
  const named = counts.find(([v]) => POSITIVE_VALUE.test(v.trim()))
  if (named) return named[0]
  counts.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? 1 : -1))
  return counts[0]?.[0] ?? ''
}

/** Shortest text that reads back as the same double (so a typed-in default round-trips). */
const numText = (x: number): string => String(x)

/**
 * A draft feature for a column from its CSV profile: numeric with this CSV's mean and population
 * std (std 0 → 1) when every cell is a number, else categorical over its sorted distinct values.
 */
export function draftFeatureOf(p: ColumnProfile): DraftFeature {
  if (p.kind === 'numeric' && p.missing === 0 && p.mean !== null && p.std !== null)
    return { name: p.name, type: 'numeric', mean: numText(p.mean), std: numText(p.std || 1) }
  return { name: p.name, type: 'categorical', categories: [...p.categories] }
}

/**
 * The editor's opening draft for a CSV: the guessed target and positive value, every other column
 * a feature in the CSV's order (statistics from this CSV), sensitive columns named like sex,
 * gender, race, ethnicity or age group.
 */
export function draftOfProfiles(profiles: readonly ColumnProfile[], name = 'dataset'): SchemaDraft {
  const target = targetGuess(profiles) ?? ''
  return {
    name,
    target,
    positive: positiveGuess(profiles.find((p) => p.name === target)),
    features: profiles.filter((p) => p.name !== target).map(draftFeatureOf),
    sensitive: profiles
      .map((p) => p.name)
      .filter((n) => n !== target && /^(sex|gender|race|ethnicity|age_?group)$/i.test(n)),
  }
}

/** Problems the editor shows before applying (empty: the draft can be assembled). */
export function draftProblems(d: SchemaDraft, modelWidth: number | null): string[] {
  const out: string[] = []
  if (!d.target) out.push('Choose the target column.')
  else if (!d.positive) out.push(`Choose the value of "${d.target}" that counts as positive.`)
  if (d.features.length === 0) out.push('Choose at least one feature.')
  if (d.features.some((f) => f.name === d.target))
    out.push(`The target column "${d.target}" is also a feature: the model would see the answer.`)
  if (modelWidth !== null) {
    const w = draftLayout(d.features).width
    if (w !== modelWidth)
      out.push(`The features encode to ${w} inputs: ${draftWidthNote(w, modelWidth)}.`)
  }
  return out
}

/**
 * The draft as a schema v1, validated like a loaded file (a bad field throws a DataError naming
 * it, e.g. `features[2] ("age"): std must be a finite number > 0`). Means and stds are parsed from
 * their text; empty categories lines are dropped.
 */
export function draftSchema(d: SchemaDraft): Schema {
  const features = d.features.map((f, i): Feature | Record<string, unknown> => {
    if (f.type === 'categorical')
      return { name: f.name, type: 'categorical', categories: f.categories.filter((c) => c !== '') }
    const num = (text: string, field: string): number => {
      const x = text.trim() === '' ? NaN : Number(text)
      if (!Number.isFinite(x))
        throw new DataError(
          `the edited schema: features[${i}] ("${f.name}"): ${field} "${text}" is not a number`,
        )
      return x
    }
    return { name: f.name, type: 'numeric', mean: num(f.mean, 'mean'), std: num(f.std, 'std') }
  })
  return schemaValidate(
    {
      schemaVersion: 1,
      name: d.name,
      target: { column: d.target, positive: d.positive },
      features,
      sensitive: d.sensitive,
      output: { kind: d.output ?? 'probability' },
    },
    'the edited schema',
  )
}

/** A schema as an editable draft (numbers as their shortest round-trip text). */
export function draftOfSchema(s: Schema): SchemaDraft {
  return {
    name: s.name,
    target: s.target.column,
    positive: s.target.positive,
    features: s.features.map((f) =>
      f.type === 'numeric'
        ? {
            name: f.name,
            type: 'numeric',
            mean: f.mean === undefined ? '' : numText(f.mean),
            std: f.std === undefined ? '' : numText(f.std),
          }
        : { name: f.name, type: 'categorical', categories: [...f.categories] },
    ),
    sensitive: [...s.sensitive],
    ...(s.output.kind === 'probability' ? {} : { output: s.output.kind }),
  }
}

/**
 * Whether a schema fits a model of `inputWidth` inputs taking `modes`: its encoded width (one-hot
 * and standardised, `encoded`) or its feature count (`columns`) equals the model's width.
 */
export function schemaFitsModel(
  s: Schema,
  inputWidth: number,
  modes: readonly ('encoded' | 'columns')[],
): boolean {
  return (
    (modes.includes('encoded') && schemaWidth(s) === inputWidth) ||
    (modes.includes('columns') && s.features.length === inputWidth)
  )
}

/**
 * The column's feature as `type`: numeric with this CSV's mean/std (empty text when the column is
 * not all numbers: the user must type the training values), categorical over its distinct values
 * (a numeric column's in numeric order; empty when it has over 50 and no listing).
 */
export function draftRetype(p: ColumnProfile, type: DraftFeature['type']): DraftFeature {
  if (type === 'numeric') {
    const stats = p.kind === 'numeric' && p.mean !== null && p.std !== null
    return {
      name: p.name,
      type,
      mean: stats ? numText(p.mean!) : '',
      std: stats ? numText(p.std! || 1) : '',
    }
  }
  if (p.kind === 'categorical') return { name: p.name, type, categories: [...p.categories] }
  const values = Object.keys(p.counts ?? {}).filter((v) => v !== '')
  return { name: p.name, type, categories: values.sort((a, b) => Number(a) - Number(b)) }
}
