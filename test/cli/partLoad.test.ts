/**
 * The partial's load facts (src/cli/partLoad.ts): written and read back unchanged, maps in their
 * order (fast-check); combined, the first part's context and every part's rows (sides without rows
 * skipped); a part without facts among parts with facts refused by name, none with facts → null.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type PartLoad,
  type StreamLoadFacts,
  partLoadCombine,
  partLoadFromJSON,
  partLoadToJSON,
} from '../../src/cli/partLoad.ts'

const counts = fc
  .uniqueArray(fc.tuple(fc.string(), fc.nat(1000)), { selector: ([k]) => k, maxLength: 5 })
  .map((e) => new Map(e))

const facts: fc.Arbitrary<StreamLoadFacts> = fc.record({
  encode: fc.record({
    unknownCounts: fc.array(fc.nat(50), { minLength: 3, maxLength: 3 }),
    ignoredColumns: fc.array(fc.string(), { maxLength: 3 }),
    missingTarget: fc.boolean(),
    missingSensitive: fc.array(fc.string(), { maxLength: 2 }),
  }),
  tally: fc.oneof(
    fc.record({
      rows: fc.constant(5000),
      positives: fc.nat(5000),
      target: counts,
      sensitive: fc
        .uniqueArray(fc.tuple(fc.string(), counts), { selector: ([k]) => k, maxLength: 3 })
        .map((e) => new Map(e)),
    }),
    fc.record({
      rows: fc.nat(100),
      positives: fc.constant(null),
      target: fc.constant(null),
      sensitive: fc.constant(new Map<string, Map<string, number>>()),
    }),
  ),
})

const part: fc.Arbitrary<PartLoad> = fc
  .record({
    current: fc.option(fc.string()),
    reference: fc.option(fc.string()),
    load: fc.option(facts, { nil: undefined }),
    loadReference: fc.option(facts, { nil: undefined }),
  })
  .map(({ current, reference, load, loadReference }) => ({
    loadContext: {
      schema: {
        target: { column: 'y', positive: '1' },
        features: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
        sensitive: ['s'],
      },
      current,
      reference,
    },
    ...(load ? { load } : {}),
    ...(loadReference ? { loadReference } : {}),
  }))

describe('partial load facts', () => {
  it('read back equal to what was written, map orders included', () => {
    fc.assert(
      fc.property(part, (p) => {
        const back = partLoadFromJSON(JSON.parse(JSON.stringify(partLoadToJSON(p))), 'P.json')
        expect(back).toEqual(p)
        for (const side of ['load', 'loadReference'] as const) {
          const t = p[side]?.tally
          if (t?.target) expect([...back[side]!.tally.target!.keys()]).toEqual([...t.target.keys()])
          if (t) expect([...back[side]!.tally.sensitive.keys()]).toEqual([...t.sensitive.keys()])
        }
      }),
      { numRuns: 100 },
    )
  })

  it('merges the rows of every part; refuses a part without facts among parts with them', () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const named = parts.map((p, i) => ({ name: `p${i}`, part: p }))
        const rows = (side: 'load' | 'loadReference') =>
          parts.reduce((n, p) => n + (p[side]?.tally.rows ?? 0), 0)
        const out = partLoadCombine(named)!
        expect(out.loadContext).toEqual(parts[0]!.loadContext)
        expect(out.load?.tally.rows ?? 0).toBe(rows('load'))
        expect(out.loadReference?.tally.rows ?? 0).toBe(rows('loadReference'))
      }),
      { numRuns: 50 },
    )
    const p = {
      name: 'a.json',
      part: {
        loadContext: {
          schema: { target: { column: 'y', positive: '1' }, features: [], sensitive: [] },
          current: null,
          reference: null,
        },
      },
    }
    expect(partLoadCombine([{ name: 'old.json', part: {} }])).toBeNull()
    expect(() => partLoadCombine([p, { name: 'old.json', part: {} }])).toThrow(
      'old.json is foreign: it carries no load facts, a.json does',
    )
  })
})
