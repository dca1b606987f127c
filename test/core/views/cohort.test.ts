import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseCsvText } from '../../../src/core/csv.ts'
import {
  type Cohort,
  CohortSyntaxError,
  cohortAll,
  cohortMask,
  cohortParse,
  cohortRows,
  cohortText,
} from '../../../src/core/views/cohort.ts'
import { columnTexts, table } from './goldenFixture.ts'

const cols = ['age', 'sex', 'race', 'native country', 'education_num', 'hours_per_week', 'income']
const num = (text: string) => ({ text, number: Number(text) })
const str = (text: string) => ({ text, number: null })

describe('cohortParse', () => {
  it('accepts the documented forms', () => {
    const ok: [string, Cohort][] = [
      ['', cohortAll],
      ['   ', cohortAll],
      ['age > 40', { kind: 'compare', column: 'age', op: '>', value: num('40') }],
      ['age>=40.5', { kind: 'compare', column: 'age', op: '>=', value: num('40.5') }],
      ['age == -1e1', { kind: 'compare', column: 'age', op: '=', value: num('-1e1') }],
      ['sex != Male', { kind: 'compare', column: 'sex', op: '!=', value: str('Male') }],
      [
        '"native country" = \'United States\'',
        { kind: 'compare', column: 'native country', op: '=', value: str('United States') },
      ],
      [
        '`native country` = ""',
        { kind: 'compare', column: 'native country', op: '=', value: str('') },
      ],
      ['income = ">50K"', { kind: 'compare', column: 'income', op: '=', value: str('>50K') }],
      ['sex = "say \\"hi\\""', { kind: 'compare', column: 'sex', op: '=', value: str('say "hi"') }],
      [
        'race in (White, "Asian-Pac-Islander", 3)',
        {
          kind: 'in',
          column: 'race',
          values: [str('White'), str('Asian-Pac-Islander'), num('3')],
          negated: false,
        },
      ],
      [
        'race NOT IN (Black)',
        { kind: 'in', column: 'race', values: [str('Black')], negated: true },
      ],
      [
        'age > 40 and sex = Female',
        {
          kind: 'and',
          left: { kind: 'compare', column: 'age', op: '>', value: num('40') },
          right: { kind: 'compare', column: 'sex', op: '=', value: str('Female') },
        },
      ],
      [
        'not (age < 30 OR sex = Male)',
        {
          kind: 'not',
          operand: {
            kind: 'or',
            left: { kind: 'compare', column: 'age', op: '<', value: num('30') },
            right: { kind: 'compare', column: 'sex', op: '=', value: str('Male') },
          },
        },
      ],
    ]
    for (const [text, want] of ok) expect(cohortParse(text, cols), text).toEqual(want)
  })

  it('binds not tighter than and, and and tighter than or', () => {
    const c = cohortParse('not sex = Male or age > 1 and age < 9', cols)
    expect(c.kind).toBe('or')
    expect(cohortText(c)).toBe('not sex = Male or (age > 1 and age < 9)')
    expect(cohortText(cohortParse('a = 1 or b = 2 or c = 3', ['a', 'b', 'c']))).toBe(
      '(a = 1 or b = 2) or c = 3',
    )
  })

  it('rejects bad filters with exact messages and positions', () => {
    const bad: [string, string, number][] = [
      ['agee > 40', 'unknown column "agee" — did you mean "age"?', 0],
      ['Age > 3', 'unknown column "Age" — did you mean "age"?', 0],
      ['hours = 40', 'unknown column "hours" — did you mean "hours_per_week"?', 0],
      ['xyz = 1', 'unknown column "xyz"', 0],
      [
        'native country = x',
        'unknown column "native" — did you mean "native country"? Quote names with spaces',
        0,
      ],
      ['age >', 'expected a value after ">"', 5],
      ['age > )', 'expected a value after ">", got ")"', 6],
      ['sex = and', 'expected a value after "=", got "and"', 6],
      ['age > Female', '">" needs a number, got "Female"', 6],
      ['age 40', 'expected an operator (= != < <= > >= in) after "age", got "40"', 4],
      ['age', 'expected an operator (= != < <= > >= in) after "age"', 3],
      ['age ! 3', 'unexpected "!" — did you mean "!="?', 4],
      ['(age > 40', 'unbalanced parenthesis: "(" is never closed', 0],
      ['age > 40)', 'unbalanced parenthesis: ")" has no matching "("', 8],
      [')', 'unbalanced parenthesis: ")" has no matching "("', 0],
      ['()', 'expected a column name, got ")"', 1],
      ['age > 40 and', 'expected a column name after "and"', 12],
      ['not', 'expected a column name after "not"', 3],
      ['and', 'expected a column name, got "and"', 0],
      ['age > 40 sex = Female', 'expected "and" or "or" before "sex"', 9],
      ['(age > 40 sex = Female)', 'expected "and", "or" or ")" before "sex"', 10],
      ['sex = "Female', 'unterminated quote: " is never closed', 6],
      ['sex in Female', 'expected "(" after "in"', 7],
      ['sex in (Female', 'unbalanced parenthesis: "(" is never closed', 7],
      ['sex in (Female Male)', 'expected "," or ")" in the list, got "Male"', 15],
      ['sex in ()', 'expected a value after "(", got ")"', 8],
      ['sex in (a,)', 'expected a value after ",", got ")"', 10],
    ]
    for (const [text, detail, position] of bad) {
      let err: unknown
      try {
        cohortParse(text, cols)
      } catch (e) {
        err = e
      }
      expect(err, text).toBeInstanceOf(CohortSyntaxError)
      const e = err as CohortSyntaxError
      expect(e.detail, text).toBe(detail)
      expect(e.position, text).toBe(position)
      expect(e.message, text).toBe(`character ${position + 1}: ${detail}`)
      expect(e.end).toBeGreaterThan(e.position)
    }
  })
})

describe('cohortText', () => {
  const column = fc.constantFrom('age', 'native country', 'and', 'a"b\\c', 'x(y)')
  const value = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('40', '-1.5', 'Female', 'not', '>50K', "it's"),
  )
  const leaf: fc.Arbitrary<Cohort> = fc.oneof(
    fc.record({
      kind: fc.constant('compare' as const),
      column,
      op: fc.constantFrom('=' as const, '!=' as const),
      value: value.map((text) => ({ text, number: numberOf(text) })),
    }),
    fc.record({
      kind: fc.constant('compare' as const),
      column,
      op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const),
      value: fc.integer({ min: -50, max: 50 }).map((v) => num(String(v))),
    }),
    fc.record({
      kind: fc.constant('in' as const),
      column,
      values: fc.array(
        value.map((text) => ({ text, number: numberOf(text) })),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
      negated: fc.boolean(),
    }),
  )
  const tree = fc.letrec<{ node: Cohort }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({
        kind: fc.constantFrom('and' as const, 'or' as const),
        left: tie('node'),
        right: tie('node'),
      }),
      fc.record({ kind: fc.constant('not' as const), operand: tie('node') }),
    ),
  })).node

  function numberOf(text: string): number | null {
    if (text === '') return null
    const v = Number(text)
    return Number.isFinite(v) ? v : null
  }

  it('round-trips through cohortParse', () => {
    const names = ['age', 'native country', 'and', 'a"b\\c', 'x(y)']
    fc.assert(
      fc.property(tree, (c) => {
        expect(cohortParse(cohortText(c), names)).toEqual(c)
      }),
      { numRuns: 300 },
    )
  })

  it('writes the canonical form', () => {
    expect(cohortText(cohortParse("age>40 AND `native country`='x y'", cols))).toBe(
      'age > 40 and "native country" = "x y"',
    )
    expect(cohortText(cohortAll)).toBe('')
  })
})

describe('cohortMask', () => {
  const age = columnTexts('age').map(Number)
  const sex = columnTexts('sex')
  const race = columnTexts('race')
  const workclass = columnTexts('workclass')
  const gain = columnTexts('capital_gain').map(Number)
  const names = table.columns.map((c) => c.name)
  const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0)
  const direct = (f: (i: number) => boolean) => age.filter((_, i) => f(i)).length

  it('selects the same rows as a direct count on the golden data', () => {
    const cases: [string, (i: number) => boolean][] = [
      ['age > 40 and sex = Female', (i) => age[i]! > 40 && sex[i] === 'Female'],
      ['age <= 40 or sex = Female', (i) => age[i]! <= 40 || sex[i] === 'Female'],
      ['not (age >= 30)', (i) => !(age[i]! >= 30)],
      ['age = 40', (i) => age[i] === 40],
      ['age != 40', (i) => age[i] !== 40],
      [
        'race in (Black, "Asian-Pac-Islander")',
        (i) => ['Black', 'Asian-Pac-Islander'].includes(race[i]!),
      ],
      ['race not in (White)', (i) => race[i] !== 'White'],
      ['capital_gain > 0 and age < 30', (i) => gain[i]! > 0 && age[i]! < 30],
      ['workclass = ""', (i) => workclass[i] === ''],
      ['workclass != "" and sex = Male', (i) => workclass[i] !== '' && sex[i] === 'Male'],
    ]
    for (const [text, f] of cases) {
      const mask = cohortMask(cohortParse(text, names), table)
      expect(mask).toHaveLength(2000)
      const want = direct(f)
      expect(count(mask), text).toBe(want)
      expect(want, `${text} selects something`).toBeGreaterThan(0)
      mask.forEach((m, i) => expect(m, `${text} row ${i}`).toBe(f(i) ? 1 : 0))
    }
    expect(count(cohortMask(cohortParse('', names), table))).toBe(2000)
  })

  it('compares numerically when both sides are numbers and as text otherwise', () => {
    const t = parseCsvText('v,w\n40,a\n40.0,b\n,c\nabc,d\n007,e\n')
    const rows = (text: string) => [...cohortRows(cohortMask(cohortParse(text, ['v', 'w']), t))]
    expect(rows('v = 40')).toEqual([0, 1])
    expect(rows('v = "40.0"')).toEqual([0, 1])
    expect(rows('v = 7')).toEqual([4])
    expect(rows('v = abc')).toEqual([3])
    expect(rows('v = ""')).toEqual([2])
    // Empty and non-numeric cells satisfy no ordering comparison, either way.
    expect(rows('v > 0')).toEqual([0, 1, 4])
    expect(rows('v <= 0')).toEqual([])
    expect(rows('not v > 0')).toEqual([2, 3])
    expect(rows('v != 40')).toEqual([2, 3, 4])
    expect(rows('w in (a, e) or v = abc')).toEqual([0, 3, 4])
  })

  it('rejects a cohort naming a column the table lacks', () => {
    const t = parseCsvText('v\n1\n')
    expect(() => cohortMask(cohortParse('w = 1', ['w']), t)).toThrow(/no column "w"/)
  })
})

describe('cohortRows', () => {
  it('lists the selected row indices', () => {
    expect([...cohortRows(Uint8Array.of(0, 1, 1, 0, 1))]).toEqual([1, 2, 4])
    expect(cohortRows(new Uint8Array(0))).toHaveLength(0)
  })
})
