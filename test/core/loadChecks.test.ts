/**
 * The load notices of data read in chunks (src/core/loadChecks.ts LoadTally, encodeFactsMerge):
 * tallying the chunks in order and merging gives the very notices of the whole table, for any
 * split (fast-check over random small tables: unseen positive values, one-class labels, single
 * groups and groups of one row, unknown categories, a missing sensitive column, names such as
 * `__proto__`). The reference is the whole-table `loadNotices`, which the page shows; the exact
 * sentences of each warning are asserted in test/robustness/corpus.test.ts and
 * test/cli/warnings.test.ts.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { encodeTable } from '../../src/core/encode.ts'
import {
  type EncodeFacts,
  type LoadTally,
  encodeFactsMerge,
  loadNotices,
  loadTally,
  loadTallyMerge,
  loadTallyNotices,
  loadWarnings,
} from '../../src/core/loadChecks.ts'
import type { Schema } from '../../src/core/schema.ts'
import { schemaValidate } from '../../src/core/schemaIo.ts'

const schemaFor = (positive: string): Schema =>
  schemaValidate(
    {
      schemaVersion: 1,
      name: 't',
      target: { column: 'y', positive },
      features: [
        { name: 'n', type: 'numeric', mean: 0, std: 1 },
        { name: 'c', type: 'categorical', categories: ['u', 'v'] },
      ],
      sensitive: ['s', '__proto__', 'absent'],
    },
    'schema.json',
  )

type Row = { y: string; s: string; p: string; c: string; n: number }
const csvOf = (rows: readonly Row[]) =>
  ['n,c,y,s,__proto__,extra', ...rows.map((r) => `${r.n},${r.c},${r.y},${r.s},${r.p},e`)].join(
    '\n',
  ) + '\n'

/** The tally and encoding facts of one table, as a streamed run takes them from each chunk. */
function factsOf(schema: Schema, rows: readonly Row[]): { tally: LoadTally; encode: EncodeFacts } {
  const table = parseCsvText(csvOf(rows), 'd.csv')
  const enc = encodeTable(schema, table, 'd.csv')
  return { tally: loadTally({ schema, table, labels: enc.labels }), encode: enc }
}

const row = fc.record({
  y: fc.constantFrom('a', 'b', 'c'),
  s: fc.constantFrom('x', 'y', 'z', 'w'),
  p: fc.constantFrom('__proto__', 'constructor', 'q'),
  c: fc.constantFrom('u', 'v', 'unknown', ''),
  n: fc.integer({ min: -5, max: 5 }),
})

describe('loadTally over chunks', () => {
  it('merged in order gives the notices of the whole table, for any split', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 2, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.constantFrom('a', 'b', 'never'),
        (rows, cutsRaw, positive) => {
          const schema = schemaFor(positive)
          const cuts = [...new Set(cutsRaw.map((c) => 1 + (c % (rows.length - 1))))].sort(
            (a, b) => a - b,
          )
          const bounds = [0, ...cuts, rows.length]
          let acc: { tally: LoadTally; encode: EncodeFacts } | null = null
          for (let i = 0; i + 1 < bounds.length; i++) {
            const f = factsOf(schema, rows.slice(bounds[i], bounds[i + 1]))
            acc = acc
              ? {
                  tally: loadTallyMerge(acc.tally, f.tally),
                  encode: encodeFactsMerge(acc.encode, f.encode),
                }
              : f
          }
          const table = parseCsvText(csvOf(rows), 'd.csv')
          const enc = encodeTable(schema, table, 'd.csv')
          const whole = loadNotices({ schema, table, labels: enc.labels, encode: enc })
          expect(loadTallyNotices(schema, acc!.encode, acc!.tally)).toEqual(whole)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('decides one-class labels and groups of one row only from all the rows', () => {
    const schema = schemaFor('a')
    const rows: Row[] = [
      { y: 'b', s: 'x', p: 'q', c: 'u', n: 0 },
      { y: 'b', s: 'x', p: 'q', c: 'u', n: 1 },
      { y: 'a', s: 'z', p: 'q', c: 'u', n: 2 },
      { y: 'b', s: 'x', p: 'q', c: 'u', n: 3 },
    ]
    // The first chunk alone: every label negative, a single group "x" in s and "q" in __proto__.
    const first = factsOf(schema, rows.slice(0, 2)).tally
    expect(loadWarnings({ schema, ...tableOf(schema, rows.slice(0, 2)) })).toHaveLength(4)
    const all = loadTallyMerge(first, factsOf(schema, rows.slice(2)).tally)
    const table = parseCsvText(csvOf(rows), 'd.csv')
    const labels = encodeTable(schema, table, 'd.csv').labels
    // All four rows: one positive, "z" a group of one row; __proto__ still a single group.
    expect(loadTallyNotices(schema, factsOf(schema, rows).encode, all).map((n) => n.text)).toEqual(
      loadNotices({
        schema,
        table,
        labels,
        encode: encodeTable(schema, table, 'd.csv'),
      }).map((n) => n.text),
    )
    expect(loadWarnings({ schema, table, labels })).toEqual([
      'Sensitive column "s" has groups of one row: "z"; their rates are 0, 1 or undefined by construction.',
      'Sensitive column "__proto__" has a single group ("q"): there is nothing to compare (every difference is 0, every ratio 1).',
    ])
  })
})

function tableOf(schema: Schema, rows: readonly Row[]) {
  const table = parseCsvText(csvOf(rows), 'd.csv')
  return { table, labels: encodeTable(schema, table, 'd.csv').labels }
}
