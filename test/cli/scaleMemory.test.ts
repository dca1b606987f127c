/**
 * The streamed audit's memory does not grow with rows: with a data source that generates its
 * chunks on demand (the 300 fixture rows over and over), the pipeline holds at most one chunk at a
 * time (a chunk is asked for only after the previous one was added) and the state it keeps —
 * written as the partial — is the same size for N and 8N rows (it grows with distinct scores,
 * not rows).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import type { DataSource } from '../../src/cli/dataSource.ts'
import { modelOpenFromDisk } from '../../src/cli/load.ts'
import { auditPartToJSON } from '../../src/cli/partial.ts'
import { auditStreamShard } from '../../src/cli/streamAudit.ts'
import { AUDIT_DEFAULTS } from '../../src/report/audit.ts'
import { G, root } from './run.ts'

const table = parseCsvText(readFileSync(join(root, 'test/fixtures/parquet/adult.csv'), 'utf8'), 'x')
const schemaPath = join(G, 'schema.json')
const schema = schemaParse(readFileSync(schemaPath, 'utf8'), schemaPath)

/** `repeats` copies of the 300 rows, one chunk each, generated when asked; counts chunks alive. */
function repeatedSource(repeats: number) {
  const live = { now: 0, max: 0 }
  const source: DataSource = {
    name: 'generated',
    format: 'csv',
    sha256: 'f'.repeat(64),
    rows: repeats * table.nRows,
    coverage: { unit: 'rows', ranges: [[0, repeats * table.nRows]], total: repeats * table.nRows },
    async *chunks() {
      for (let k = 0; k < repeats; k++) {
        live.now++
        live.max = Math.max(live.max, live.now)
        yield { firstRow: k * table.nRows, table }
        live.now-- // resumed: the consumer is done with the chunk and asks for the next
      }
    },
    rowsTable: () => Promise.reject(new Error('not needed: no explanations')),
    close: async () => {},
  }
  return { source, live }
}

describe('streamed audit memory', () => {
  it('holds one chunk at a time and a state whose size does not grow with rows', async () => {
    const { model } = await modelOpenFromDisk(join(G, 'model.json'), 'cpu', schema)
    const settings = {
      ...AUDIT_DEFAULTS,
      shap: false,
      igSteps: 0,
      counterfactuals: 0,
      quantize: [],
    }
    const sizes: number[] = []
    for (const repeats of [2, 16]) {
      const { source, live } = repeatedSource(repeats)
      const part = await auditStreamShard(
        {
          model,
          schema,
          schemaName: 'schema.json',
          schemaSha256: 'e'.repeat(64),
          source,
          classIndex: null,
          settings,
        },
        0,
        1,
      )
      expect(part.state.rows).toBe(repeats * 300)
      expect(live.max).toBe(1)
      sizes.push(auditPartToJSON(part).length)
    }
    model.dispose()
    // Only the counts' digits grow (a few bytes per distinct score), not a row's worth per row.
    expect(sizes[1]! / sizes[0]!).toBeLessThan(1.05)
  }, 60_000)
})
