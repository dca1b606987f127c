import type { SchemaElement, SchemaTree } from 'hyparquet'
import { describe, expect, it } from 'vitest'
import { parquetColumnPlans } from '../../../src/core/parquet/columns.ts'

/** A root with one leaf child per element (groups get their own children). */
function root(children: SchemaTree[]): SchemaTree {
  return {
    element: { name: 'schema', num_children: children.length },
    children,
    count: 1,
    path: [],
  }
}
const leaf = (e: SchemaElement): SchemaTree => ({
  element: e,
  children: [],
  count: 1,
  path: [e.name],
})

/** The plan of a single column `e`: kind, problem, and the text of `raw`. */
function plan(e: SchemaElement, raw?: unknown) {
  const p = parquetColumnPlans(root([leaf(e)])).columns[0]!
  return { kind: p.kind, problem: p.problem, text: raw === undefined ? undefined : p.toText?.(raw) }
}

describe('parquetColumnPlans', () => {
  it('reads legacy and logical timestamps with the right unit and zone', () => {
    expect(plan({ name: 't', type: 'INT96' }, 1500000000n)).toEqual({
      kind: 'timestamp',
      problem: null,
      text: '1970-01-01T00:00:01.5',
    })
    expect(plan({ name: 't', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' }, 1500n).text).toBe(
      '1970-01-01T00:00:01.5Z',
    )
    const local = { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' } as const
    expect(plan({ name: 't', type: 'INT64', logical_type: local }, 1n).text).toBe(
      '1970-01-01T00:00:00.000000001',
    )
    expect(plan({ name: 't', type: 'INT64', converted_type: 'TIME_MICROS' }, 1000001n)).toEqual({
      kind: 'time',
      problem: null,
      text: '00:00:01.000001',
    })
  })

  it('reads decimals exactly (unscaled storage) except BYTE_ARRAY ones, which hyparquet converts', () => {
    const dec = { type: 'DECIMAL', precision: 20, scale: 3 } as const
    const flba = parquetColumnPlans(
      root([leaf({ name: 'd', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 2, logical_type: dec })]),
    ).columns[0]!
    expect(flba.rawDecimal).toBe(true)
    expect(flba.toText!(Uint8Array.of(0xff, 0x38))).toBe('-0.200')
    const legacy = plan({ name: 'd', type: 'INT32', converted_type: 'DECIMAL', scale: 2 }, 5)
    expect(legacy.text).toBe('0.05')
    const bytes = parquetColumnPlans(
      root([leaf({ name: 'd', type: 'BYTE_ARRAY', logical_type: dec })]),
    ).columns[0]!
    expect(bytes.rawDecimal).toBe(false)
    expect(bytes.toText!(1.25)).toBe('1.25')
  })

  it('reads strings, JSON text, UUIDs, unannotated bytes (as UTF-8), booleans and half floats', () => {
    expect(plan({ name: 's', type: 'BYTE_ARRAY', converted_type: 'JSON' }, '{"a":1}').text).toBe(
      '{"a":1}',
    )
    expect(
      plan({ name: 's', type: 'BYTE_ARRAY' }, Uint8Array.of(0x63, 0x61, 0x66, 0xc3, 0xa9)),
    ).toMatchObject({
      kind: 'text',
      text: 'café',
    })
    expect(
      plan(
        {
          name: 'u',
          type: 'FIXED_LEN_BYTE_ARRAY',
          type_length: 16,
          logical_type: { type: 'UUID' },
        },
        'a-b',
      ).kind,
    ).toBe('text')
    expect(plan({ name: 'b', type: 'BOOLEAN' }, false).text).toBe('false')
    expect(
      plan(
        {
          name: 'h',
          type: 'FIXED_LEN_BYTE_ARRAY',
          type_length: 2,
          logical_type: { type: 'FLOAT16' },
        },
        0.5,
      ).text,
    ).toBe('0.5')
    expect(
      plan({ name: 'u', type: 'INT64', converted_type: 'UINT_64' }, 18446744073709551615n).text,
    ).toBe('18446744073709551615')
  })

  it('refuses what a dataset column cannot take, saying what it is', () => {
    expect(
      plan({ name: 'g', type: 'BYTE_ARRAY', logical_type: { type: 'GEOMETRY' } }).problem,
    ).toMatch(/^holds a geometry \(binary shapes\)/)
    expect(plan({ name: 'b', type: 'BYTE_ARRAY', converted_type: 'BSON' }).problem).toMatch(
      /^holds BSON/,
    )
    expect(
      plan({ name: 'i', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 12, converted_type: 'INTERVAL' })
        .problem,
    ).toMatch(/^holds an INTERVAL/)
    expect(plan({ name: 'r', type: 'INT32', repetition_type: 'REPEATED' }).problem).toMatch(
      /^is repeated/,
    )
    const map = parquetColumnPlans(
      root([
        {
          element: { name: 'm', num_children: 1, converted_type: 'MAP' },
          children: [leaf({ name: 'key_value', repetition_type: 'REPEATED', num_children: 0 })],
          count: 2,
          path: ['m'],
        },
      ]),
    ).columns[0]!
    expect(map).toMatchObject({
      kind: null,
      problem: expect.stringMatching(/^is a map \(a nested column\)/),
    })
  })

  it('names columns as a CSV header would: trimmed, blanks named, duplicates reported', () => {
    const r = parquetColumnPlans(
      root([
        leaf({ name: ' age ', type: 'INT32' }),
        leaf({ name: '', type: 'INT32' }),
        leaf({ name: 'age', type: 'INT32' }),
      ]),
    )
    expect(r.columns.map((c) => [c.name, c.path])).toEqual([
      ['age', ' age '],
      ['Unnamed: 1', ''],
      ['age', 'age'],
    ])
    expect(r.duplicate).toBe('age')
  })
})
