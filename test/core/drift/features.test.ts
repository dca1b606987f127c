import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../../src/core/csv.ts'
import { featureDrift, driftHistogram } from '../../../src/core/drift/features.ts'
import { DataError } from '../../../src/core/encode.ts'
import { type Rng, rngFromSeed } from '../../../src/core/random.ts'
import type { Schema } from '../../../src/core/schema.ts'
import type { Table } from '../../../src/core/table.ts'

const schema: Schema = {
  schemaVersion: 1,
  name: 'synthetic',
  target: { column: 'y', positive: '1' },
  features: [
    { name: 'x', type: 'numeric', mean: 0, std: 1 },
    { name: 'c', type: 'categorical', categories: ['a', 'b', 'c'] },
    { name: 'z', type: 'numeric', mean: 10, std: 3 },
  ],
  sensitive: [],
  output: { kind: 'probability' },
}

type Gen = {
  shift?: number
  shares?: [number, number, number]
  extra?: string
  extraShare?: number
}

/** n synthetic rows: x ~ N(shift, 1), c with the given shares, z ~ round(N(10, 3)). */
function table(n: number, rng: Rng, g: Gen = {}): Table {
  const [pa, pb] = g.shares ?? [0.5, 0.3, 0.2]
  const lines = ['x,c,z,y']
  for (let i = 0; i < n; i++) {
    const u = rng.uniform()
    const c = g.extra && u < (g.extraShare ?? 0) ? g.extra : u < pa ? 'a' : u < pa + pb ? 'b' : 'c'
    lines.push(
      `${rng.normal() + (g.shift ?? 0)},${c},${Math.round(10 + 3 * rng.normal())},${rng.int(2)}`,
    )
  }
  return parseCsvText(lines.join('\n'), 'synthetic.csv')
}

describe('featureDrift', () => {
  it('flags nothing for two samples of one distribution', () => {
    let flagged = 0
    for (let seed = 1; seed <= 5; seed++) {
      const rng = rngFromSeed(seed)
      const res = featureDrift(schema, table(2000, rng), table(2000, rng))
      for (const f of res) {
        expect(f.psi).toBeLessThan(0.1)
        expect(f.watch).toBe(false)
        if (f.drifted) flagged++
      }
    }
    // The Holm-adjusted tests keep the family-wise error at 5% per comparison.
    expect(flagged).toBeLessThanOrEqual(1)
  })

  it('flags a shifted copy and a changed category share', () => {
    const rng = rngFromSeed(7)
    const ref = table(2000, rng)
    const cur = table(2000, rng, {
      shift: 1,
      shares: [0.3, 0.5, 0.2],
      extra: 'new!',
      extraShare: 0.02,
    })
    const [x, c, z] = featureDrift(schema, ref, cur)
    expect(x!.kind).toBe('numeric')
    expect(x!.drifted).toBe(true)
    expect(x!.reasons).toEqual(['psi', 'test'])
    expect(x!.psi).toBeGreaterThan(0.5)
    expect(x!.ks).toBeGreaterThan(0.3)
    expect(x!.wasserstein).toBeCloseTo(1, 1)
    expect(x!.curMean! - x!.refMean!).toBeCloseTo(1, 1)
    expect(x!.histogram!.refShares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(c!.kind).toBe('categorical')
    expect(c!.drifted).toBe(true)
    expect(c!.reasons).toContain('test')
    expect(c!.chi2).toBeGreaterThan(100)
    expect(c!.dof).toBe(3) // a, b, c, unseen
    expect(c!.newCategories).toEqual(['new!'])
    expect(c!.bins.labels).toEqual(['a', 'b', 'c', 'unseen'])
    expect(c!.ks).toBeNull()
    expect(z!.drifted).toBe(false)
    // Holm: the adjusted p-value is never below the raw one.
    for (const f of [x!, c!, z!]) expect(f.pAdjusted).toBeGreaterThanOrEqual(f.pValue)
  })

  it('marks a moderate PSI as watch', () => {
    const rng = rngFromSeed(11)
    const ref = table(4000, rng)
    const cur = table(4000, rng, { shift: 0.4 })
    const x = featureDrift(schema, ref, cur, { alpha: 0 })[0]!
    expect(x.psi).toBeGreaterThan(0.1)
    expect(x.psi).toBeLessThanOrEqual(0.2)
    expect(x.watch).toBe(true)
    expect(x.drifted).toBe(false)
  })

  it('names a missing column and a bad number', () => {
    const ref = parseCsvText('x,c,z\n1,a,2\n', 'ref.csv')
    expect(() =>
      featureDrift(schema, ref, parseCsvText('x,c\n1,a\n', 'cur.csv'), { curSource: 'cur.csv' }),
    ).toThrow(new DataError('cur.csv: missing feature column "z" required by the schema'))
    expect(() =>
      featureDrift(schema, ref, parseCsvText('x,c,z\n1,a,oops\n'), { curSource: 'cur.csv' }),
    ).toThrow(/cur\.csv: column "z", row 0: value "oops" is not a finite number/)
  })
})

describe('driftHistogram', () => {
  it('shares equal-width bins over the pooled range', () => {
    const h = driftHistogram([0, 1, 2, 3], [3, 4], 4)
    expect(h.edges).toEqual([0, 1, 2, 3, 4])
    expect(h.refShares).toEqual([0.25, 0.25, 0.25, 0.25])
    expect(h.curShares).toEqual([0, 0, 0, 1])
    expect(driftHistogram([2, 2], [2], 10)).toEqual({
      edges: [1.5, 2.5],
      refShares: [1],
      curShares: [1],
    })
  })
})
