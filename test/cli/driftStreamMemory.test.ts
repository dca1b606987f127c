/**
 * The streamed drift's memory does not grow with rows: with sources that generate their chunks on
 * demand (the 300 fixture rows over and over), pass 1 holds at most one chunk of each file at a
 * time and keeps a state — written as the partial — of the same size for N and 8N rows (it grows
 * with distinct values, not rows); pass 3 keeps three counts. (Pass 2 keeps the largest ~2.5% of
 * the reference's distances: docs/scale.md states that bound.)
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import type { OodCalibration } from '../../src/core/stream/index.ts'
import type { DataSource } from '../../src/cli/dataSource.ts'
import { driftOodPass, driftPass1 } from '../../src/cli/driftStream.ts'
import { modelOpenFromDisk } from '../../src/cli/load.ts'
import { auditPartToJSON } from '../../src/cli/partial.ts'
import { AUDIT_DEFAULTS } from '../../src/report/audit.ts'
import { root } from './run.ts'

const fixture = (name: string) =>
  parseCsvText(readFileSync(join(root, 'test/fixtures/parquet', name), 'utf8'), name)
const refTable = fixture('adult.csv')
const curTable = fixture('drifted.csv')
const schemaPath = join(root, 'public/demo/schema.json')
const schema = schemaParse(readFileSync(schemaPath, 'utf8'), schemaPath)

/** `repeats` copies of `table`, one chunk each, generated when asked; counts chunks alive. */
function repeatedSource(table: typeof refTable, repeats: number, name: string) {
  const live = { now: 0, max: 0 }
  const rows = repeats * table.nRows
  const source: DataSource = {
    name,
    format: 'csv',
    sha256: name.repeat(64).slice(0, 64),
    rows,
    coverage: { unit: 'rows', ranges: [[0, rows]], total: rows },
    async *chunks() {
      for (let k = 0; k < repeats; k++) {
        live.now++
        live.max = Math.max(live.max, live.now)
        yield { firstRow: k * table.nRows, table }
        live.now-- // resumed: the consumer is done with the chunk and asks for the next
      }
    },
    rowsTable: () => Promise.reject(new Error('not needed: every shard has rows')),
    close: async () => {},
  }
  return { source, live }
}

describe('streamed drift memory', () => {
  it('holds one chunk per file at a time and a pass 1 state whose size does not grow with rows', async () => {
    const { model } = await modelOpenFromDisk(join(root, 'public/demo/model.json'), 'cpu', schema)
    const base = {
      model,
      schema,
      schemaName: 'schema.json',
      schemaSha256: 'e'.repeat(64),
      classIndex: null,
      settings: { ...AUDIT_DEFAULTS, shap: false, igSteps: 0, counterfactuals: 0, quantize: [] },
    }
    const shard = { index: 0, count: 1 }
    const sizes: number[] = []
    const counts: number[] = []
    for (const repeats of [2, 16]) {
      const ref = repeatedSource(refTable, repeats, 'a')
      const cur = repeatedSource(curTable, repeats, 'b')
      const part = await driftPass1({ ...base, reference: ref.source, current: cur.source }, shard)
      expect(part.state.rows).toBe(repeats * 300)
      expect(part.state.drift!.reference.rows).toBe(repeats * 300)
      expect([ref.live.max, cur.live.max]).toEqual([1, 1])
      sizes.push(auditPartToJSON(part).length)
      const cal = await driftOodPass(base, ref.source, shard, part.state, null)
      const count = await driftOodPass(
        base,
        cur.source,
        shard,
        part.state,
        cal.state as OodCalibration,
      )
      counts.push(JSON.stringify(count.state.toJSON()).length)
    }
    model.dispose()
    // Only the counts' digits grow (a few bytes per distinct value), not a row's worth per row.
    expect(sizes[1]! / sizes[0]!).toBeLessThan(1.05)
    expect(counts[1]! - counts[0]!).toBeLessThanOrEqual(6)
  }, 120_000)
})
