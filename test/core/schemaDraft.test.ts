import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { schemaOffsets, schemaWidth } from '../../src/core/schema.ts'
import {
  type DraftFeature,
  draftLayout,
  draftOfProfiles,
  draftOfSchema,
  draftProblems,
  draftRetype,
  draftSchema,
  draftWidthNote,
  listMove,
  positiveGuess,
  schemaFitsModel,
  targetGuess,
} from '../../src/core/schemaDraft.ts'
import { type ColumnProfile, columnProfile } from '../../src/core/schemaIo.ts'
import type { Column } from '../../src/core/table.ts'

function col(name: string, cells: string[]): Column {
  const values = [...new Set(cells)]
  return { name, values, codes: Int32Array.from(cells, (c) => values.indexOf(c)) }
}
const profiles = (cols: Record<string, string[]>): ColumnProfile[] =>
  Object.entries(cols).map(([n, c]) => columnProfile(col(n, c), c.length))

const sample = profiles({
  age: ['20', '30', '40', '50'],
  sex: ['F', 'M', 'F', 'M'],
  city: ['a', 'b', 'c', 'a'],
  churn: ['no', 'yes', 'no', 'no'],
  flag: ['0', '1', '0', '1'],
})

describe('first guesses', () => {
  it('takes a two-valued column named like a label as the target, not the last two-valued one', () => {
    expect(targetGuess(sample)).toBe('churn')
    expect(
      targetGuess(profiles({ a: ['1', '2', '3'], b: ['x', 'y', 'x'], c: ['1', '2', '3'] })),
    ).toBe('b')
    expect(targetGuess(profiles({ a: ['1', '2', '3'], c: ['1', '2', '3'] }))).toBe('c')
    expect(targetGuess([])).toBeNull()
  })

  it('takes a value that reads as positive, else the rarer one', () => {
    expect(positiveGuess(sample.find((p) => p.name === 'churn'))).toBe('yes')
    const rare = profiles({ y: ['A', 'B', 'B', 'B'] })[0]
    expect(positiveGuess(rare)).toBe('A')
    expect(positiveGuess(undefined)).toBe('')
  })

  it('opens on every other column as a feature, statistics from the CSV, sex as sensitive', () => {
    const d = draftOfProfiles(sample)
    expect(d.target).toBe('churn')
    expect(d.positive).toBe('yes')
    expect(d.features.map((f) => f.name)).toEqual(['age', 'sex', 'city', 'flag'])
    // population mean/std of 20, 30, 40, 50, written independently
    expect(d.features[0]).toEqual({
      name: 'age',
      type: 'numeric',
      mean: '35',
      std: String(Math.sqrt(125)),
    })
    expect(d.features[2]).toEqual({
      name: 'city',
      type: 'categorical',
      categories: ['a', 'b', 'c'],
    })
    expect(d.sensitive).toEqual(['sex'])
  })
})

describe('layout while ordering', () => {
  const feats: DraftFeature[] = [
    { name: 'city', type: 'categorical', categories: ['a', 'b', 'c'] },
    { name: 'age', type: 'numeric', mean: '35', std: '10' },
    { name: 'sex', type: 'categorical', categories: ['F', 'M', ''] },
  ]

  it('gives each feature its input range and the total width; empty category lines do not count', () => {
    expect(draftLayout(feats)).toEqual({
      spans: [
        { name: 'city', start: 0, end: 3 },
        { name: 'age', start: 3, end: 4 },
        { name: 'sex', start: 4, end: 6 },
      ],
      width: 6,
    })
    expect(draftLayout(listMove(feats, 1, -1)).spans[0]).toEqual({ name: 'age', start: 0, end: 1 })
  })

  it('says how far the width is from the model', () => {
    expect(draftWidthNote(61, 61)).toBe("matches the model's 61 inputs")
    expect(draftWidthNote(63, 61)).toBe("2 inputs over the model's 61")
    expect(draftWidthNote(60, 61)).toBe("1 input short of the model's 61")
  })

  it('agrees with the assembled schema’s offsets in every order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 12 }), (moves) => {
        let list = feats
        moves.forEach((m, k) => (list = listMove(list, k % list.length, m - 1)))
        const d = { name: 'x', target: 'y', positive: '1', features: list, sensitive: [] }
        const s = draftSchema(d)
        const lay = draftLayout(list)
        expect(lay.width).toBe(schemaWidth(s))
        expect([...schemaOffsets(s)]).toEqual([0, ...lay.spans.map((sp) => sp.end)])
        expect(new Set(list.map((f) => f.name)).size).toBe(3)
      }),
    )
  })

  it('moves clamp at the ends and leave the input untouched', () => {
    expect(listMove([1, 2, 3], 0, -5)).toEqual([1, 2, 3])
    expect(listMove([1, 2, 3], 0, 9)).toEqual([2, 3, 1])
    const a = [1, 2, 3]
    listMove(a, 2, -2)
    expect(a).toEqual([1, 2, 3])
  })
})

describe('assembly and messages', () => {
  const base = draftOfProfiles(sample)

  it('round-trips a schema through the draft', () => {
    const s = draftSchema(base)
    expect(draftSchema(draftOfSchema(s))).toEqual(s)
    expect(s.features[0]).toEqual({ name: 'age', type: 'numeric', mean: 35, std: Math.sqrt(125) })
  })

  it('keeps the output kind: probability by default, logit when chosen, through the round trip', () => {
    expect(draftSchema(base).output).toEqual({ kind: 'probability' })
    expect(draftOfSchema(draftSchema(base))).not.toHaveProperty('output')
    const logit = draftSchema({ ...base, output: 'logit' })
    expect(logit.output).toEqual({ kind: 'logit' })
    expect(draftOfSchema(logit).output).toBe('logit')
    expect(draftSchema(draftOfSchema(logit))).toEqual(logit)
  })

  it('names the feature and field of a bad number or an empty category list', () => {
    const bad = {
      ...base,
      features: [{ name: 'age', type: 'numeric' as const, mean: 'x', std: '1' }],
    }
    expect(() => draftSchema(bad)).toThrow(
      'the edited schema: features[0] ("age"): mean "x" is not a number',
    )
    const zero = {
      ...base,
      features: [{ name: 'age', type: 'numeric' as const, mean: '1', std: '0' }],
    }
    expect(() => draftSchema(zero)).toThrow('features[0] ("age"): std must be a finite number > 0')
    const empty = {
      ...base,
      features: [{ name: 'city', type: 'categorical' as const, categories: [''] }],
    }
    expect(() => draftSchema(empty)).toThrow('features[0] ("city"): categories must be a non-empty')
  })

  it('lists what keeps a draft from fitting: target as a feature, width, no positive', () => {
    const withTarget = {
      ...base,
      features: [...base.features, draftRetype(sample[3]!, 'categorical')],
    }
    expect(draftProblems(withTarget, 7)).toEqual([
      'The target column "churn" is also a feature: the model would see the answer.',
      "The features encode to 9 inputs: 2 inputs over the model's 7.",
    ])
    expect(draftProblems(base, 7)).toEqual([])
    expect(draftProblems({ ...base, positive: '' }, null)).toEqual([
      'Choose the value of "churn" that counts as positive.',
    ])
  })

  it('retypes a numeric column as categories in numeric order, and back with its statistics', () => {
    const flag = sample.find((p) => p.name === 'flag')!
    expect(draftRetype(flag, 'categorical')).toEqual({
      name: 'flag',
      type: 'categorical',
      categories: ['0', '1'],
    })
    expect(draftRetype(sample[1]!, 'numeric')).toEqual({
      name: 'sex',
      type: 'numeric',
      mean: '',
      std: '',
    })
  })

  it('fits a model by encoded width or by feature count for column models', () => {
    const s = draftSchema(base)
    expect(schemaFitsModel(s, 7, ['encoded'])).toBe(true)
    expect(schemaFitsModel(s, 4, ['encoded'])).toBe(false)
    expect(schemaFitsModel(s, 4, ['columns'])).toBe(true)
  })
})
