import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { DataError, encodeTable } from '../../src/core/encode.ts'
import { schemaWidth } from '../../src/core/schema.ts'
import { columnCell, tableColumn, TableBuilder, type Table } from '../../src/core/table.ts'
import {
  columnProfile,
  schemaDefaultChoices,
  schemaInfer,
  schemaParse,
  schemaValidate,
} from '../../src/core/schemaIo.ts'

const fixture = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

const schemaText = fixture('test/fixtures/golden/adult/schema.json')
const table = parseCsvText(fixture('test/fixtures/golden/adult/data.csv'), 'data.csv')

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

function tableOf(rows: string[][]): Table {
  const b = new TableBuilder(rows[0]!)
  for (const r of rows.slice(1)) b.push(r)
  return b.build()
}

/** A valid schema object to break one field at a time. */
const base = () => ({
  schemaVersion: 1,
  name: 'tiny',
  target: { column: 'y', positive: '1' },
  features: [
    { name: 'n', type: 'numeric', mean: 0, std: 1 } as Record<string, unknown>,
    { name: 'c', type: 'categorical', categories: ['a', 'b'] } as Record<string, unknown>,
  ],
  sensitive: ['s'] as unknown,
  output: { kind: 'probability' },
})

/** Population mean and std (ddof = 0) of a column's cells read as numbers. */
function meanStd(name: string): { mean: number; std: number } {
  const col = tableColumn(table, name)!
  const xs = Array.from({ length: table.nRows }, (_, i) => Number(columnCell(col, i)))
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)
  return { mean, std }
}

describe('schemaParse', () => {
  it('accepts the golden schema and returns it unchanged', () => {
    const s = schemaParse(schemaText, 'schema.json')
    expect(s).toEqual(JSON.parse(schemaText))
    expect(schemaWidth(s)).toBe(88)
    expect(s.features).toHaveLength(12)
    expect(s.sensitive).toEqual(['sex', 'race'])
  })

  it('round-trips the golden schema through JSON', () => {
    const s = schemaParse(schemaText)
    expect(schemaParse(JSON.stringify(s))).toEqual(s)
  })

  it('rejects text that is not JSON, naming the source', () => {
    const e = dataError(() => schemaParse('{"schemaVersion": 1,', 'broken.json'))
    expect(e.message).toMatch(/^broken\.json: not valid JSON \(/)
  })

  it('parses the wide schema (89 inputs) of the bad fixtures', () => {
    const s = schemaParse(fixture('e2e/fixtures/bad/schema-wide.json'))
    expect(schemaWidth(s)).toBe(89)
  })
})

describe('schemaValidate', () => {
  const fails = (mutate: (s: ReturnType<typeof base>) => unknown, pattern: RegExp) => {
    const s = base()
    const raw = mutate(s) ?? s
    const e = dataError(() => schemaValidate(raw, 'bad.json'))
    expect(e.message.startsWith('bad.json: ')).toBe(true)
    expect(e.message).toMatch(pattern)
  }

  it('returns a clean copy with defaults for name, sensitive and output', () => {
    const raw = { ...base(), extra: 'ignored' } as Record<string, unknown>
    delete raw.name
    delete raw.sensitive
    delete raw.output
    const s = schemaValidate(raw)
    expect(s).toEqual({ ...base(), name: 'dataset', sensitive: [] })
    expect(s).not.toHaveProperty('extra')
  })

  it('rejects a value that is not an object', () => {
    for (const raw of [[1, 2], null, 'schema', 1]) {
      expect(dataError(() => schemaValidate(raw, 'bad.json')).message).toBe(
        'bad.json: a schema must be a JSON object',
      )
    }
  })

  it('rejects any schemaVersion other than 1', () => {
    fails((s) => ({ ...s, schemaVersion: 2 }), /schemaVersion must be 1 \(found 2\)/)
    fails((s) => ({ ...s, schemaVersion: undefined }), /schemaVersion must be 1/)
  })

  it('rejects a missing or malformed target', () => {
    fails((s) => ({ ...s, target: undefined }), /^bad\.json: target must be/)
    fails((s) => ({ ...s, target: { column: 'y' } }), /target must be/)
    fails((s) => ({ ...s, target: { column: 'y', positive: 1 } }), /target must be/)
  })

  it('rejects missing or empty features', () => {
    fails((s) => ({ ...s, features: [] }), /features must be a non-empty array/)
    fails((s) => ({ ...s, features: undefined }), /features must be a non-empty array/)
  })

  it('rejects a feature without a name', () => {
    fails(
      (s) => void (s.features[1] = { type: 'numeric', mean: 0, std: 1 }),
      /features\[1\] needs a non-empty "name"/,
    )
  })

  it('rejects a feature listed twice', () => {
    fails(
      (s) => void s.features.push({ name: 'n', type: 'numeric', mean: 0, std: 1 }),
      /feature "n" is listed twice/,
    )
  })

  it('rejects a feature that is the target column', () => {
    fails((s) => void (s.features[0]!.name = 'y'), /feature "y" is also the target column/)
  })

  it('rejects a numeric feature with std 0, a negative or infinite std, or no mean', () => {
    fails(
      (s) => void (s.features[0]!.std = 0),
      /features\[0\] \("n"\): std must be a finite number > 0/,
    )
    fails((s) => void (s.features[0]!.std = -1), /features\[0\] \("n"\): std must be/)
    fails((s) => void (s.features[0]!.std = Infinity), /features\[0\] \("n"\): std must be/)
    fails(
      (s) => void delete s.features[0]!.mean,
      /features\[0\] \("n"\): mean must be a finite number/,
    )
    fails((s) => void (s.features[0]!.mean = '3'), /features\[0\] \("n"\): mean must be/)
  })

  it('rejects categorical features with duplicate, non-string or no categories', () => {
    fails(
      (s) => void (s.features[1]!.categories = ['a', 'b', 'a']),
      /features\[1\] \("c"\): categories contain duplicates/,
    )
    fails(
      (s) => void (s.features[1]!.categories = ['a', 2]),
      /features\[1\] \("c"\): categories must be a non-empty array of strings/,
    )
    fails((s) => void (s.features[1]!.categories = []), /features\[1\] \("c"\): categories must be/)
  })

  it('rejects an unknown feature type', () => {
    fails(
      (s) => void (s.features[1]!.type = 'ordinal'),
      /features\[1\] \("c"\): type must be "numeric" or "categorical"/,
    )
  })

  it('rejects sensitive columns that are not an array of names', () => {
    fails((s) => void (s.sensitive = 'sex'), /sensitive must be an array of column names/)
    fails((s) => void (s.sensitive = ['sex', 3]), /sensitive must be an array/)
  })

  it('takes output.kind probability (the default) or logit, and rejects any other kind', () => {
    expect(schemaValidate({ ...base(), output: { kind: 'logit' } }).output).toEqual({
      kind: 'logit',
    })
    const { output: _, ...noOutput } = base() as ReturnType<typeof base> & { output?: unknown }
    expect(schemaValidate(noOutput).output).toEqual({ kind: 'probability' })
    fails(
      (s) => ({ ...s, output: { kind: 'margin' } }),
      /^bad\.json: output\.kind must be "probability" or "logit" \(got "margin"\)$/,
    )
    fails((s) => ({ ...s, output: 'logit' }), /output\.kind must be "probability" or "logit"/)
  })
})

describe('columnProfile', () => {
  it('counts a value named "__proto__" like any other value', () => {
    const t = parseCsvText('a\n__proto__\nx\nx\n', 'p.csv')
    expect(columnProfile(t.columns[0]!, 3).counts).toEqual(
      Object.fromEntries([
        ['__proto__', 1],
        ['x', 2],
      ]),
    )
    expect(Object.keys(columnProfile(t.columns[0]!, 3).counts!)).toEqual(['__proto__', 'x'])
  })

  it('profiles a numeric golden column with its population mean and std', () => {
    const p = columnProfile(tableColumn(table, 'age')!, table.nRows)
    const { mean, std } = meanStd('age')
    expect(p.kind).toBe('numeric')
    expect(p.missing).toBe(0)
    expect(p.categories).toEqual([])
    expect(p.mean).toBeCloseTo(mean, 9)
    expect(p.std).toBeCloseTo(std, 9)
    expect(p.distinct).toBe(67)
  })

  it('profiles a categorical column with sorted categories, empties counted apart', () => {
    const col = tableColumn(table, 'workclass')!
    const p = columnProfile(col, table.nRows)
    let empty = 0
    for (let i = 0; i < table.nRows; i++) if (columnCell(col, i) === '') empty++
    expect(p.kind).toBe('categorical')
    expect(p.missing).toBe(empty)
    expect(p.missing).toBe(108)
    expect(p.categories).not.toContain('')
    expect(p.categories).toEqual([...p.categories].sort())
    expect(p.distinct).toBe(p.categories.length)
    expect(p.mean).toBeNull()
    expect(p.std).toBeNull()
    expect(Object.values(p.counts!).reduce((a, b) => a + b, 0)).toBe(2000)
    expect(p.counts!['']).toBe(108)
  })

  it('leaves counts null for columns with more than 50 distinct values', () => {
    expect(columnProfile(tableColumn(table, 'fnlwgt')!, table.nRows).counts).toBeNull()
    expect(columnProfile(tableColumn(table, 'sex')!, table.nRows).counts).toEqual({
      Female: expect.any(Number),
      Male: expect.any(Number),
    })
  })

  it('treats a numeric column with empty cells as numeric over its non-empty cells', () => {
    const t = tableOf([['a'], ['1'], [''], ['3']])
    const p = columnProfile(t.columns[0]!, t.nRows)
    expect(p).toMatchObject({ kind: 'numeric', missing: 1, distinct: 2, mean: 2, std: 1 })
  })

  it('treats an all-empty column as categorical without categories', () => {
    const t = tableOf([
      ['a', 'b'],
      ['', '1'],
      ['', '2'],
    ])
    expect(columnProfile(t.columns[0]!, t.nRows)).toMatchObject({
      kind: 'categorical',
      missing: 2,
      distinct: 0,
      categories: [],
    })
  })
})

describe('schemaInfer', () => {
  const inferred = schemaInfer(table, { target: 'income', positive: '>50K', sensitive: ['sex'] })

  it('makes the all-numeric golden columns numeric with their population mean and std', () => {
    for (const name of [
      'age',
      'fnlwgt',
      'education_num',
      'capital_gain',
      'capital_loss',
      'hours_per_week',
    ]) {
      const f = inferred.features.find((x) => x.name === name)!
      const { mean, std } = meanStd(name)
      expect(f.type).toBe('numeric')
      if (f.type !== 'numeric') continue
      expect(f.mean).toBeCloseTo(mean, 9)
      expect(f.std).toBeCloseTo(std, 9)
    }
  })

  it('makes the text columns categorical with sorted non-empty categories', () => {
    const wc = inferred.features.find((x) => x.name === 'workclass')!
    expect(wc.type).toBe('categorical')
    if (wc.type !== 'categorical') return
    expect(wc.categories).not.toContain('')
    expect(wc.categories).toEqual([...wc.categories].sort())
    expect(wc.categories).toHaveLength(7)
    const sex = inferred.features.find((x) => x.name === 'sex')!
    expect(sex).toEqual({ name: 'sex', type: 'categorical', categories: ['Female', 'Male'] })
  })

  it('uses every column but the target, in table order, and yields a valid schema', () => {
    expect(inferred.features.map((f) => f.name)).toEqual(
      table.columns.map((c) => c.name).filter((n) => n !== 'income'),
    )
    expect(inferred.target).toEqual({ column: 'income', positive: '>50K' })
    expect(inferred.sensitive).toEqual(['sex'])
    expect(schemaValidate(JSON.parse(JSON.stringify(inferred)))).toEqual(inferred)
    const enc = encodeTable(inferred, table)
    expect(enc.x.cols).toBe(schemaWidth(inferred))
    expect(enc.ignoredColumns).toEqual([])
  })

  it('honours an explicit feature list and name', () => {
    const s = schemaInfer(table, {
      target: 'income',
      positive: '>50K',
      sensitive: [],
      features: ['sex', 'age'],
      name: 'two',
    })
    expect(s.name).toBe('two')
    expect(s.features.map((f) => f.name)).toEqual(['sex', 'age'])
  })

  it('gives a constant numeric column std 1 so it encodes to 0', () => {
    const t = tableOf([
      ['k', 'y'],
      ['5', 'a'],
      ['5', 'b'],
    ])
    const s = schemaInfer(t, { target: 'y', positive: 'a', sensitive: [] })
    expect(s.features[0]).toEqual({ name: 'k', type: 'numeric', mean: 5, std: 1 })
  })

  it('rejects a feature column the table lacks', () => {
    const e = dataError(() =>
      schemaInfer(table, { target: 'income', positive: '>50K', sensitive: [], features: ['nope'] }),
    )
    expect(e.message).toBe('schema inference: no column "nope"')
  })
})

describe('schemaDefaultChoices', () => {
  it('picks income with the rarer >50K as target and the sex and race columns as sensitive', () => {
    const c = schemaDefaultChoices(table)
    expect(c.target).toBe('income')
    expect(c.positive).toBe('>50K')
    expect([...c.sensitive].sort()).toEqual(['race', 'sex'])
  })

  it('falls back to the last column when no column has two values', () => {
    const t = tableOf([
      ['a', 'b'],
      ['1', 'x'],
      ['2', 'y'],
      ['3', 'z'],
    ])
    expect(schemaDefaultChoices(t).target).toBe('b')
  })

  it('matches sensitive names case-insensitively but never picks the target', () => {
    const t = tableOf([
      ['Gender', 'Ethnicity', 'sex'],
      ['f', 'a', 'm'],
      ['m', 'b', 'f'],
      ['m', 'c', 'm'],
    ])
    const c = schemaDefaultChoices(t)
    expect(c.target).toBe('sex')
    expect(c.positive).toBe('f')
    expect(c.sensitive).toEqual(['Gender', 'Ethnicity'])
  })
})
