import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseCsvText } from '../../src/core/csv.ts'
import {
  DataError,
  encodeFeatureMatrix,
  encodeFeatureValues,
  encodeTable,
  parseNumericCell,
} from '../../src/core/encode.ts'
import { type Feature, type Schema, schemaOffsets, schemaWidth } from '../../src/core/schema.ts'
import { type Table, TableBuilder, columnCell, tableColumn } from '../../src/core/table.ts'
import { matrix } from '../../src/core/types.ts'

const fixture = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

const schema = JSON.parse(fixture('test/fixtures/golden/adult/schema.json')) as Schema
const csvText = fixture('test/fixtures/golden/adult/data.csv')
const table = parseCsvText(csvText, 'data.csv')

/** A table from literal rows, header first (no CSV parsing involved). */
function tableOf(rows: string[][]): Table {
  const b = new TableBuilder(rows[0]!)
  for (const r of rows.slice(1)) b.push(r)
  return b.build()
}

/** Runs `fn` and returns the DataError it throws. */
function dataError(fn: () => unknown): DataError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(DataError)
    return e as DataError
  }
  throw new Error('expected a DataError, nothing was thrown')
}

const small: Schema = {
  schemaVersion: 1,
  name: 'small',
  target: { column: 'y', positive: 'yes' },
  features: [
    { name: 'n', type: 'numeric', mean: 10, std: 4 },
    { name: 'c', type: 'categorical', categories: ['red', 'green', 'blue'] },
  ],
  sensitive: ['g'],
  output: { kind: 'probability' },
}

describe('TableBuilder', () => {
  it('grows past its initial capacity, trims cells and dictionary-encodes them', () => {
    const b = new TableBuilder(['k', 'v'], 1)
    for (let i = 0; i < 40; i++) b.push([` ${i % 3} `, String(i)])
    expect(b.rows).toBe(40)
    const t = b.build()
    expect(t.nRows).toBe(40)
    const k = tableColumn(t, 'k')!
    expect(k.values).toEqual(['0', '1', '2'])
    expect(k.codes).toHaveLength(40)
    expect(columnCell(k, 38)).toBe('2')
    expect(columnCell(tableColumn(t, 'v')!, 39)).toBe('39')
  })

  it('reserves room once and keeps shared codes without a copy when the estimate fits', () => {
    const b = new TableBuilder(['k'], { shared: true, capacity: 16 })
    b.reserve(100)
    for (let i = 0; i < 90; i++) b.push([String(i % 4)])
    const k = b.build().columns[0]!
    expect(k.codes.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(k.codes.buffer.byteLength).toBe(100 * 4)
    expect(Array.from(k.codes.subarray(0, 6))).toEqual([0, 1, 2, 3, 0, 1])
    expect(k.codes).toHaveLength(90)
    // Far fewer rows than reserved: trimmed to an exact shared buffer.
    const c = new TableBuilder(['k'], { shared: true, capacity: 1000 })
    c.push(['x'])
    const codes = c.build().columns[0]!.codes
    expect(codes.buffer.byteLength).toBe(4)
    expect(codes.buffer).toBeInstanceOf(SharedArrayBuffer)
    // Unshared codes are exact copies, ready to transfer.
    const d = new TableBuilder(['k'], 64)
    d.push(['x'])
    expect(d.build().columns[0]!.codes.buffer.byteLength).toBe(4)
  })

  it('fills missing trailing cells with empty strings', () => {
    const b = new TableBuilder(['a', 'b'])
    b.push(['x'])
    expect(columnCell(tableColumn(b.build(), 'b')!, 0)).toBe('')
  })
})

describe('tableColumn', () => {
  it('finds a column by exact name and returns undefined otherwise', () => {
    expect(tableColumn(table, 'age')?.name).toBe('age')
    expect(tableColumn(table, 'Age')).toBeUndefined()
  })
})

describe('parseNumericCell', () => {
  it('parses finite numbers in any JavaScript number syntax', () => {
    expect(parseNumericCell('42')).toBe(42)
    expect(parseNumericCell('-1.5e3')).toBe(-1500)
    expect(parseNumericCell('0x10')).toBe(16)
  })

  it('returns null for empty, NaN, infinite and non-numeric text', () => {
    for (const t of ['', 'NaN', 'Infinity', '-Infinity', 'abc', '1,5']) {
      expect(parseNumericCell(t)).toBeNull()
    }
  })
})

describe('encodeTable', () => {
  const enc = encodeTable(schema, table, 'data.csv')
  const offsets = schemaOffsets(schema)

  it('encodes the golden data to 2000 rows of 88 float32 inputs', () => {
    expect(enc.x.rows).toBe(2000)
    expect(enc.x.cols).toBe(88)
    expect(enc.x.data).toBeInstanceOf(Float32Array)
    expect(enc.values.rows).toBe(2000)
    expect(enc.values.cols).toBe(12)
  })

  it('matches a hand-computed encoding of golden rows', () => {
    const lines = csvText.trim().split('\n')
    const header = lines[0]!.split(',')
    for (const i of [0, 1, 2, 500, 1999]) {
      const cells = lines[i + 1]!.split(',')
      const cell = (name: string) => cells[header.indexOf(name)]!
      const expected: number[] = []
      for (const f of schema.features) {
        if (f.type === 'numeric') expected.push((Number(cell(f.name)) - f.mean!) / f.std!)
        else for (const c of f.categories) expected.push(c === cell(f.name) ? 1 : 0)
      }
      expect(Array.from(enc.x.data.subarray(i * 88, (i + 1) * 88))).toEqual(
        expected.map(Math.fround),
      )
    }
  })

  it('puts row 0 (age 28, Local-gov, …, Male) where the schema says', () => {
    const age = schema.features[0]!
    if (age.type !== 'numeric') throw new Error('age should be numeric')
    expect(enc.x.data[0]).toBe(Math.fround((28 - age.mean!) / age.std!))
    // workclass block starts at 1; Local-gov is its category 1.
    expect(Array.from(enc.x.data.subarray(1, 9))).toEqual([0, 1, 0, 0, 0, 0, 0, 0])
    const sex = schema.features.findIndex((f) => f.name === 'sex')
    expect(Array.from(enc.x.data.subarray(offsets[sex]!, offsets[sex + 1]!))).toEqual([0, 1])
  })

  it('encodes empty categorical cells to all zeros and counts them per column', () => {
    const names = schema.features.map((f) => f.name)
    const counts = Object.fromEntries(names.map((n, j) => [n, enc.unknownCounts[j]]))
    const empties = (name: string) => {
      const col = tableColumn(table, name)!
      let k = 0
      for (let i = 0; i < table.nRows; i++) if (columnCell(col, i) === '') k++
      return k
    }
    expect(counts).toMatchObject({ workclass: 108, occupation: 108, native_country: 25, age: 0 })
    expect(counts.workclass).toBe(empties('workclass'))
    expect(enc.unknownValues[names.indexOf('workclass')]).toEqual([''])
    expect(enc.unknownValues[names.indexOf('sex')]).toEqual([])
    const j = names.indexOf('workclass')
    const col = tableColumn(table, 'workclass')!
    for (let i = 0; i < table.nRows; i++) {
      if (columnCell(col, i) !== '') continue
      expect(enc.values.data[i * 12 + j]).toBe(-1)
      for (let o = offsets[j]!; o < offsets[j + 1]!; o++) expect(enc.x.data[i * 88 + o]).toBe(0)
    }
  })

  it('encodes unknown categorical values to all zeros and lists them', () => {
    const t = tableOf([
      ['n', 'c', 'y', 'g'],
      ['10', 'green', 'yes', 'a'],
      ['14', 'purple', 'no', 'b'],
      ['6', '', 'no', 'a'],
      ['10', 'purple', 'no', 'a'],
    ])
    const e = encodeTable(small, t, 'small.csv')
    expect(Array.from(e.x.data)).toEqual([0, 0, 1, 0, 1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0])
    expect(e.unknownCounts).toEqual([0, 3])
    expect(e.unknownValues).toEqual([[], ['purple', '']])
    expect(Array.from(e.values.data)).toEqual([10, 1, 14, -1, 6, -1, 10, -1])
  })

  it('lists at most 20 distinct unknown values but counts every row', () => {
    const rows = [['n', 'c', 'y']]
    for (let k = 0; k < 30; k++) rows.push(['1', `odd${k}`, 'no'])
    const e = encodeTable(small, tableOf(rows))
    expect(e.unknownCounts[1]).toBe(30)
    expect(e.unknownValues[1]).toHaveLength(20)
  })

  it('rejects a missing feature column, naming the column and the source', () => {
    const t = tableOf([
      ['c', 'y'],
      ['red', 'yes'],
    ])
    expect(dataError(() => encodeTable(small, t, 'nocol.csv')).message).toBe(
      'nocol.csv: missing feature column "n" required by the schema',
    )
  })

  it('rejects the golden data without age', () => {
    const text = fixture('e2e/fixtures/bad/data-missing-column.csv')
    const e = dataError(() => encodeTable(schema, parseCsvText(text), 'missing.csv'))
    expect(e.message).toMatch(/^missing\.csv: missing feature column "age"/)
  })

  it('rejects empty, NaN, infinite and non-numeric numeric cells, naming column, row and value', () => {
    const cases: [string, string][] = [
      ['', 'empty cell'],
      ['NaN', 'value "NaN"'],
      ['Infinity', 'value "Infinity"'],
      ['-Infinity', 'value "-Infinity"'],
      ['abc', 'value "abc"'],
    ]
    for (const [bad, what] of cases) {
      const t = tableOf([
        ['n', 'c', 'y'],
        ['1', 'red', 'no'],
        ['2', 'red', 'no'],
        [bad, 'red', 'no'],
      ])
      expect(dataError(() => encodeTable(small, t, 'num.csv')).message).toBe(
        `num.csv: column "n", row 2: ${what} is not a finite number`,
      )
    }
  })

  it('names the row of the bad number in the golden data variant', () => {
    const text = fixture('e2e/fixtures/bad/data-bad-number.csv')
    const e = dataError(() => encodeTable(schema, parseCsvText(text), 'bad.csv'))
    expect(e.message).toBe(
      'bad.csv: column "hours_per_week", row 7: value "abc" is not a finite number',
    )
  })

  it('lists the columns the schema does not use', () => {
    expect(enc.ignoredColumns).toEqual(['fnlwgt', 'education'])
    const t = tableOf([
      ['extra', 'n', 'c', 'y', 'g', 'note'],
      ['1', '2', 'red', 'no', 'a', 'x'],
    ])
    expect(encodeTable(small, t).ignoredColumns).toEqual(['extra', 'note'])
  })

  it('gives null labels and missingTarget when the target column is absent', () => {
    const t = tableOf([
      ['n', 'c', 'g'],
      ['1', 'red', 'a'],
    ])
    const e = encodeTable(small, t)
    expect(e.labels).toBeNull()
    expect(e.missingTarget).toBe(true)
    expect(e.missingSensitive).toEqual([])
    expect(e.x.rows).toBe(1)
  })

  it('lists sensitive columns the table lacks', () => {
    const t = tableOf([
      ['n', 'c', 'y'],
      ['1', 'red', 'yes'],
    ])
    const e = encodeTable({ ...small, sensitive: ['g', 'c', 'h'] }, t)
    expect(e.missingSensitive).toEqual(['g', 'h'])
    expect(e.missingTarget).toBe(false)
  })

  it('labels a row 1 exactly when its target equals the positive value', () => {
    expect(enc.missingTarget).toBe(false)
    expect(enc.missingSensitive).toEqual([])
    const income = tableColumn(table, 'income')!
    const labels = enc.labels!
    expect(labels).toHaveLength(2000)
    for (let i = 0; i < 2000; i++) {
      expect(labels[i]).toBe(columnCell(income, i) === '>50K' ? 1 : 0)
    }
    expect(labels.reduce((a, b) => a + b, 0)).toBe(492)
    const t = tableOf([
      ['n', 'c', 'y'],
      ['1', 'red', 'yes'],
      ['1', 'red', 'Yes'],
      ['1', 'red', ''],
    ])
    expect(Array.from(encodeTable(small, t).labels!)).toEqual([1, 0, 0])
  })
})

describe('encodeFeatureValues', () => {
  it('writes one row of feature values at an offset, unknown categories as zeros', () => {
    const out = new Float64Array(10).fill(9)
    encodeFeatureValues(small, [14, 2], out, 1)
    expect(Array.from(out)).toEqual([9, 1, 0, 0, 1, 9, 9, 9, 9, 9])
    encodeFeatureValues(small, [6, -1], out, 5)
    expect(Array.from(out.subarray(5, 9))).toEqual([-1, 0, 0, 0])
  })

  it('re-encodes each golden row of feature values to exactly its encoded row', () => {
    const enc = encodeTable(schema, table)
    const out = new Float32Array(88)
    for (let i = 0; i < enc.x.rows; i += 97) {
      encodeFeatureValues(schema, enc.values.data.subarray(i * 12, (i + 1) * 12), out)
      expect(out).toEqual(enc.x.data.subarray(i * 88, (i + 1) * 88))
    }
  })
})

describe('encodeFeatureMatrix', () => {
  it('turns the golden feature values back into exactly the encoded matrix', () => {
    const enc = encodeTable(schema, table)
    const x = encodeFeatureMatrix(schema, enc.values)
    expect(x.rows).toBe(2000)
    expect(x.cols).toBe(88)
    expect(x.data).toEqual(enc.x.data)
  })

  it('returns an empty matrix for no rows', () => {
    const x = encodeFeatureMatrix(small, matrix(new Float32Array(0), 0, 2))
    expect(x.rows).toBe(0)
    expect(x.cols).toBe(4)
  })
})

describe('encodeTable', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/)
  const category = fc.stringMatching(/^[A-Za-z0-9<>=.+-]{1,5}$/)
  const feature = fc.oneof(
    fc.record({
      type: fc.constant('numeric' as const),
      mean: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
      std: fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
    }),
    fc.record({
      type: fc.constant('categorical' as const),
      categories: fc.uniqueArray(category, { minLength: 1, maxLength: 6 }),
    }),
  )
  const schemaArb = fc
    .uniqueArray(name, { minLength: 1, maxLength: 6 })
    .chain((names) =>
      fc.tuple(
        fc.constant(names),
        fc.array(feature, { minLength: names.length, maxLength: names.length }),
      ),
    )
    .map(([names, fs]): Schema => ({
      schemaVersion: 1,
      name: 'random',
      target: { column: 'TARGET', positive: 'P' },
      features: fs.map((f, j): Feature => ({ name: names[j]!, ...f })),
      sensitive: [],
      output: { kind: 'probability' },
    }))
  /** A cell for feature f: a number, a known category (index ≥ 0) or an unknown/empty one. */
  const cellFor = (f: Feature): fc.Arbitrary<string> =>
    f.type === 'numeric'
      ? fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => String(v))
      : fc.oneof(fc.constantFrom(...f.categories), fc.constantFrom('', '??', 'zz unknown'))
  const caseArb = schemaArb.chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.array(fc.tuple(...s.features.map(cellFor)), { minLength: 1, maxLength: 20 }),
    ),
  )

  it('gives one 1 per known categorical block, none per unknown one, and invertible numerics', () => {
    fc.assert(
      fc.property(caseArb, ([s, rows]) => {
        const t = tableOf([s.features.map((f) => f.name), ...rows.map((r) => r.map(String))])
        const enc = encodeTable(s, t)
        const w = schemaWidth(s)
        const off = schemaOffsets(s)
        const m = s.features.length
        expect(enc.x.cols).toBe(w)
        expect(enc.labels).toBeNull()
        const unknown = new Array<number>(m).fill(0)
        rows.forEach((row, i) => {
          s.features.forEach((f, j) => {
            const cell = String(row[j])
            const block = Array.from(enc.x.data.subarray(i * w + off[j]!, i * w + off[j + 1]!))
            if (f.type === 'numeric') {
              const v = Number(cell)
              expect(enc.values.data[i * m + j]).toBe(v)
              const back = block[0]! * f.std! + f.mean!
              expect(Math.abs(back - v)).toBeLessThanOrEqual(1e-6 * (Math.abs(v - f.mean!) + 1))
            } else {
              const k = f.categories.indexOf(cell)
              expect(block.filter((b) => b === 1)).toHaveLength(k >= 0 ? 1 : 0)
              expect(block.filter((b) => b !== 0 && b !== 1)).toHaveLength(0)
              if (k >= 0) expect(block[k]).toBe(1)
              else unknown[j]!++
              expect(enc.values.data[i * m + j]).toBe(k)
            }
          })
        })
        expect(enc.unknownCounts).toEqual(unknown)
        expect(encodeFeatureMatrix(s, enc.values).data).toEqual(enc.x.data)
      }),
      { numRuns: 200 },
    )
  })
})
