/**
 * A Parquet file's top-level columns → how each becomes Table cells (the type mapping of
 * docs/contracts.md §1, "Parquet"), or why it cannot. Only flat columns are read: a group (list,
 * map, struct, variant) or a repeated field is refused by name, as are binary values with no
 * textual meaning (fixed-length bytes, BSON, geometries, intervals).
 */
import type { SchemaElement, SchemaTree } from 'hyparquet'
import {
  bytesToBigInt,
  dateText,
  decimalText,
  float32Text,
  float64Text,
  timeText,
  timestampText,
  type TimeUnit,
} from './cells.ts'

/** What a column's cells hold once read: the text of a number, a string, a date, … */
export type ParquetCellKind = 'number' | 'text' | 'boolean' | 'date' | 'time' | 'timestamp'

/** One top-level column of a Parquet file, as the reader sees it. */
export type ParquetColumnInfo = {
  /** The Table column name: the Parquet name trimmed; a blank one becomes "Unnamed: j". */
  readonly name: string
  /** The name in the Parquet schema (what selects the column). */
  readonly path: string
  /** Physical and logical type, e.g. "INT64 TIMESTAMP(MICROS, UTC)", "BYTE_ARRAY STRING". */
  readonly type: string
  /** The cells it gives; null when it cannot be read (see `problem`). */
  readonly kind: ParquetCellKind | null
  /** Why the column cannot be read (nested, binary, …); null when it can. */
  readonly problem: string | null
}

/**
 * A readable column's conversion: raw value (as hyparquet decodes it with the reader's parsers:
 * timestamps and dates as raw counts, JSON as text, DECIMAL on INT32/INT64/FIXED_LEN_BYTE_ARRAY
 * as its unscaled integer) → cell text, or null for a value the text form cannot show.
 */
export type CellText = (raw: unknown) => string | null

/** A column with its conversion (internal to the reader). */
export type ParquetColumnPlan = ParquetColumnInfo & {
  readonly toText: CellText | null
  /**
   * The column is a DECIMAL the reader takes unscaled (its schema element is passed to hyparquet
   * without the DECIMAL annotation, so no float rounding happens before `decimalText`).
   */
  readonly rawDecimal: boolean
}

const integerText: CellText = (v) => (typeof v === 'bigint' ? v.toString() : String(v))
const textText: CellText = (v) => (typeof v === 'string' ? v : String(v))
const decoder = new TextDecoder()

/** Unscaled DECIMAL storage → BigInt (INT32 as number, INT64 as bigint, bytes big-endian). */
function unscaled(v: unknown): bigint {
  if (typeof v === 'bigint') return v
  if (v instanceof Uint8Array) return bytesToBigInt(v)
  return BigInt(v as number)
}

/** "TIMESTAMP(MICROS, UTC)"-style description of an element's logical or converted type. */
function logicalName(e: SchemaElement): string {
  const l = e.logical_type
  if (!l) return e.converted_type ?? ''
  if (l.type === 'TIMESTAMP' || l.type === 'TIME')
    return `${l.type}(${l.unit}${l.isAdjustedToUTC ? ', UTC' : ''})`
  if (l.type === 'DECIMAL') return `DECIMAL(${l.precision}, ${l.scale})`
  if (l.type === 'INTEGER') return `${l.isSigned ? 'INT' : 'UINT'}${l.bitWidth}`
  return l.type
}

/** The unit and UTC flag of a TIME/TIMESTAMP element (logical type first, then converted). */
function timeUnit(e: SchemaElement): { unit: TimeUnit; utc: boolean } | null {
  const l = e.logical_type
  if (l && (l.type === 'TIMESTAMP' || l.type === 'TIME'))
    return { unit: l.unit, utc: l.isAdjustedToUTC }
  const c = e.converted_type
  // Legacy converted timestamps are instants (UTC) by the Parquet spec; TIME has no zone.
  if (c === 'TIMESTAMP_MILLIS' || c === 'TIME_MILLIS') return { unit: 'MILLIS', utc: true }
  if (c === 'TIMESTAMP_MICROS' || c === 'TIME_MICROS') return { unit: 'MICROS', utc: true }
  return null
}

type Mapping = { kind: ParquetCellKind; toText: CellText; rawDecimal?: boolean } | string

/** How one primitive element maps to cells, or the reason it cannot. */
function primitiveMapping(e: SchemaElement): Mapping {
  const l = e.logical_type?.type
  const c = e.converted_type
  const t = e.type
  if (l === 'DECIMAL' || c === 'DECIMAL') {
    const scale = e.logical_type?.type === 'DECIMAL' ? e.logical_type.scale : (e.scale ?? 0)
    // hyparquet turns a BYTE_ARRAY DECIMAL into a double itself (exact below 2^53).
    if (t === 'BYTE_ARRAY') return { kind: 'number', toText: (v) => float64Text(v as number) }
    return { kind: 'number', toText: (v) => decimalText(unscaled(v), scale), rawDecimal: true }
  }
  if (l === 'DATE' || c === 'DATE') return { kind: 'date', toText: (v) => dateText(v as number) }
  if (l === 'INTERVAL' || c === 'INTERVAL') return 'an INTERVAL (months, days, milliseconds)'
  if (l === 'BSON' || c === 'BSON') return 'BSON documents (binary)'
  if (l === 'GEOMETRY' || l === 'GEOGRAPHY') return `a ${l.toLowerCase()} (binary shapes)`
  const tu = timeUnit(e)
  if (tu && (l === 'TIME' || c === 'TIME_MILLIS' || c === 'TIME_MICROS'))
    return { kind: 'time', toText: (v) => timeText(BigInt(v as number | bigint), tu.unit) }
  if (tu) {
    return {
      kind: 'timestamp',
      toText: (v) => timestampText(BigInt(v as number | bigint), tu.unit, tu.utc),
    }
  }
  switch (t) {
    case 'BOOLEAN':
      return { kind: 'boolean', toText: (v) => (v ? 'true' : 'false') }
    case 'INT32':
    case 'INT64':
      return { kind: 'number', toText: integerText }
    case 'INT96': // legacy Impala/Spark timestamps: nanoseconds, read as local time like pyarrow
      return { kind: 'timestamp', toText: (v) => timestampText(v as bigint, 'NANOS', false) }
    case 'FLOAT':
      return { kind: 'number', toText: (v) => float32Text(v as number) }
    case 'DOUBLE':
      return { kind: 'number', toText: (v) => float64Text(v as number) }
    case 'BYTE_ARRAY': // strings, enums, JSON text; unannotated bytes are read as UTF-8 text
      return {
        kind: 'text',
        toText: (v) => (v instanceof Uint8Array ? decoder.decode(v) : textText(v)),
      }
    case 'FIXED_LEN_BYTE_ARRAY':
      if (l === 'UUID') return { kind: 'text', toText: textText }
      if (l === 'FLOAT16') return { kind: 'number', toText: (v) => float64Text(v as number) }
      return `fixed-length binary values (${e.type_length ?? '?'} bytes)`
    default:
      return `an unknown physical type (${String(t)})`
  }
}

/** The kind of group a nested element is, for the message. */
function groupKind(e: SchemaElement): string {
  const l = e.logical_type?.type
  const c = e.converted_type
  if (l === 'LIST' || c === 'LIST') return 'a list'
  if (l === 'MAP' || c === 'MAP' || c === 'MAP_KEY_VALUE') return 'a map'
  if (l === 'VARIANT') return 'a variant'
  return 'a struct'
}

/**
 * The top-level columns of a Parquet schema tree with their cell conversions. Names follow the
 * CSV header rules (trimmed, blank → "Unnamed: j"); a duplicate name is returned in `duplicate`.
 */
export function parquetColumnPlans(root: SchemaTree): {
  columns: ParquetColumnPlan[]
  duplicate: string | null
} {
  const seen = new Set<string>()
  let duplicate: string | null = null
  const columns = root.children.map((child, j): ParquetColumnPlan => {
    const e = child.element
    const trimmed = e.name.trim()
    const name = trimmed === '' ? `Unnamed: ${j}` : trimmed
    if (seen.has(name)) duplicate ??= name
    seen.add(name)
    const logical = logicalName(e)
    const base = { name, path: e.name }
    if (child.children.length > 0 || e.num_children) {
      const problem = `is ${groupKind(e)} (a nested column); only flat columns can be read — flatten it or leave it out`
      return {
        ...base,
        type: logical || 'group',
        kind: null,
        problem,
        toText: null,
        rawDecimal: false,
      }
    }
    const type = `${e.type ?? '?'}${logical ? ` ${logical}` : ''}`
    if (e.repetition_type === 'REPEATED') {
      const problem =
        'is repeated (a list of values in each row); only flat columns can be read — flatten it or leave it out'
      return { ...base, type, kind: null, problem, toText: null, rawDecimal: false }
    }
    const m = primitiveMapping(e)
    if (typeof m === 'string') {
      const problem = `holds ${m}, which a dataset column cannot take — convert it to text or numbers, or leave it out`
      return { ...base, type, kind: null, problem, toText: null, rawDecimal: false }
    }
    return {
      ...base,
      type,
      kind: m.kind,
      problem: null,
      toText: m.toText,
      rawDecimal: m.rawDecimal === true,
    }
  })
  return { columns, duplicate }
}

/**
 * The schema elements with each listed DECIMAL's annotation removed, so hyparquet hands the
 * unscaled integers over (a copy; `elements` is not changed).
 */
export function schemaWithoutDecimals(
  elements: readonly SchemaElement[],
  decimalNames: ReadonlySet<string>,
  rootChildren: readonly SchemaTree[],
): SchemaElement[] {
  const strip = new Set(
    rootChildren.filter((c) => decimalNames.has(c.element.name)).map((c) => c.element),
  )
  return elements.map((e) => {
    if (!strip.has(e)) return e
    const copy: SchemaElement = { ...e }
    delete copy.converted_type
    delete copy.logical_type
    return copy
  })
}
