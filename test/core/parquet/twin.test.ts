import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { encodeTable } from '../../../src/core/encode.ts'
import { mlpFromLayersModel, mlpProbability } from '../../../src/core/mlp.ts'
import { parquetTable } from '../../../src/core/parquet/index.ts'
import type { Schema } from '../../../src/core/schema.ts'
import { columnProfile, schemaDefaultChoices, schemaInfer } from '../../../src/core/schemaIo.ts'
import { ADULT_FILES, csvTwin, expectSameCells, openFixture } from './fixtures.ts'

const golden = (name: string): URL =>
  new URL(`../../fixtures/golden/adult/${name}`, import.meta.url)
const schema = JSON.parse(readFileSync(golden('schema.json'), 'utf8')) as Schema

describe('parquetTable', () => {
  const adult = csvTwin('adult.csv')

  it.each(ADULT_FILES)('reads %s into the Table of its CSV twin, cell by cell', async (name) => {
    const file = await openFixture(name)
    expect(file.nRows).toBe(300)
    const table = await parquetTable(file)
    expect(table.nRows).toBe(adult.nRows)
    expectSameCells(table, adult)
    // Same first-seen order of the same texts: the dictionaries and codes are identical too.
    table.columns.forEach((c, j) => {
      expect(c.values).toEqual(adult.columns[j]!.values)
      expect(Array.from(c.codes)).toEqual(Array.from(adult.columns[j]!.codes))
    })
  })

  it('gives the CSV twin’s column profiles and inferred schema', async () => {
    const table = await parquetTable(await openFixture('adult-zstd.parquet'))
    const profiles = (t: typeof table) => t.columns.map((c) => columnProfile(c, t.nRows))
    expect(profiles(table)).toEqual(profiles(adult))
    expect(schemaInfer(table, schemaDefaultChoices(table))).toEqual(
      schemaInfer(adult, schemaDefaultChoices(adult)),
    )
  })

  it('encodes to the same model input and the golden model predicts the same', async () => {
    const model = JSON.parse(readFileSync(golden('model.json'), 'utf8')) as unknown
    const bin = readFileSync(golden('group1-shard1of1.bin'))
    const mlp = mlpFromLayersModel(
      model,
      bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
    )
    const want = encodeTable(schema, adult, 'adult.csv')
    const wantP = mlpProbability(mlp, want.x)
    for (const name of ADULT_FILES) {
      const got = encodeTable(schema, await parquetTable(await openFixture(name)), name)
      expect(Array.from(got.x.data)).toEqual(Array.from(want.x.data))
      expect(Array.from(got.values.data)).toEqual(Array.from(want.values.data))
      expect(got.labels).toEqual(want.labels)
      expect(got.unknownCounts).toEqual(want.unknownCounts)
      expect(Array.from(mlpProbability(mlp, got.x))).toEqual(Array.from(wantP))
    }
  })

  it('reads nulls as empty cells: an empty category counts as unknown, an empty number is the CSV error', async () => {
    const twin = csvTwin('adult-nulls.csv')
    const table = await parquetTable(await openFixture('adult-nulls.parquet'))
    expectSameCells(table, twin)
    const workclass = schema.features.findIndex((f) => f.name === 'workclass')
    const noAge = { ...schema, features: schema.features.filter((f) => f.name !== 'age') }
    const got = encodeTable(noAge, table, 'n')
    expect(got.unknownCounts).toEqual(encodeTable(noAge, twin, 'n').unknownCounts)
    // 43 nulls (every 7th row from row 3) plus the rows whose workclass is unknown in the data.
    expect(got.unknownCounts[workclass - 1]).toBeGreaterThanOrEqual(43)
    const message = (t: typeof table) => {
      try {
        encodeTable(schema, t, 'adult-nulls')
      } catch (e) {
        return (e as Error).message
      }
      return 'no error'
    }
    expect(message(table)).toBe(
      'adult-nulls: column "age", row 5: empty cell is not a finite number',
    )
    expect(message(twin)).toBe(message(table))
  })

  it('maps every supported type to the text its CSV twin holds (types.csv, written by hand)', async () => {
    const file = await openFixture('types.parquet')
    expect(file.rowGroups.map((g) => g.rows)).toEqual([4, 2])
    const kinds = Object.fromEntries(file.columns.map((c) => [c.name, c.kind]))
    expect(kinds).toMatchObject({
      i64: 'number',
      f32: 'number',
      bool: 'boolean',
      date: 'date',
      ts_utc_ms: 'timestamp',
      time_ms: 'time',
      dec_38_4: 'number',
      text: 'text',
    })
    expectSameCells(await parquetTable(file), csvTwin('types.csv'))
  })

  it('reads only the columns asked for, in file order, skipping names the file lacks', async () => {
    const file = await openFixture('adult-snappy.parquet')
    const table = await parquetTable(file, { columns: ['sex', 'age', 'no-such-column'] })
    expect(table.columns.map((c) => c.name)).toEqual(['age', 'sex'])
    const adultPart = {
      nRows: adult.nRows,
      columns: adult.columns.filter((c) => c.name === 'age' || c.name === 'sex'),
    }
    expectSameCells(table, adultPart)
  })
})
