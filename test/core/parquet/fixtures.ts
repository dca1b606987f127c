/**
 * The Parquet fixtures (test/fixtures/parquet, made by scripts/fixtures/parquet.ts with
 * parquet-wasm) and their CSV twins, loaded for the tests.
 */
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { parseCsvText } from '../../../src/core/csv.ts'
import {
  byteSourceFromBytes,
  parquetOpen,
  type ParquetFile,
} from '../../../src/core/parquet/index.ts'
import { type Table, columnCell } from '../../../src/core/table.ts'

const dir = new URL('../../fixtures/parquet/', import.meta.url)

/** The bytes of fixture `name`. */
export function fixtureBytes(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(new URL(name, dir)))
}

/** Fixture `name` opened from memory. */
export function openFixture(name: string): Promise<ParquetFile> {
  return parquetOpen(byteSourceFromBytes(fixtureBytes(name)), name)
}

/** CSV twin `name` through the project's CSV parser. */
export function csvTwin(name: string): Table {
  return parseCsvText(readFileSync(new URL(name, dir), 'utf8'), name)
}

/** The good Adult files, all twins of adult.csv. */
export const ADULT_FILES = [
  'adult-snappy.parquet',
  'adult-zstd.parquet',
  'adult-plain.parquet',
  'adult-codecs.parquet',
] as const

/**
 * Asserts that `got` holds exactly `want`'s rows `[from, from + got.nRows)`: same column names in
 * the same order and the same text in every cell.
 */
export function expectSameCells(got: Table, want: Table, from = 0): void {
  expect(got.columns.map((c) => c.name)).toEqual(want.columns.map((c) => c.name))
  got.columns.forEach((c, j) => {
    const w = want.columns[j]!
    const bad: string[] = []
    for (let i = 0; i < got.nRows; i++) {
      const a = columnCell(c, i)
      const b = columnCell(w, from + i)
      if (a !== b && bad.length < 5)
        bad.push(`row ${from + i}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`)
    }
    expect(bad, `column ${c.name}`).toEqual([])
  })
}
