import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { numberFieldParse, numberFieldText } from '../../../src/ui/kit/numberField.ts'

const budget = { name: 'Budget', min: 16, integer: true }
const threshold = { name: 'Threshold for Female', min: 0, max: 1, optional: true }

describe('numberFieldParse', () => {
  it('accepts the number typed, whole: 512 is 512 (not 16, 161, 1612 on the way)', () => {
    expect(numberFieldParse('512', budget)).toEqual({ ok: true, value: 512 })
    expect(numberFieldParse('  4096 ', budget)).toEqual({ ok: true, value: 4096 })
    expect(numberFieldParse('1e3', budget)).toEqual({ ok: true, value: 1000 })
  })

  it('refuses what breaks the rule, naming the field, the text and the rule', () => {
    expect(numberFieldParse('5', budget)).toEqual({
      ok: false,
      message: 'Budget must be at least 16 (got 5)',
    })
    expect(numberFieldParse('100.5', budget)).toEqual({
      ok: false,
      message: 'Budget must be a whole number (got 100.5)',
    })
    expect(numberFieldParse('2', threshold)).toEqual({
      ok: false,
      message: 'Threshold for Female must be between 0 and 1 (got 2)',
    })
    expect(numberFieldParse('-0.1', threshold)).toMatchObject({ ok: false })
    const age = { name: 'age', min: 17, max: 90, rangeNote: 'the range in the data' }
    expect(numberFieldParse('abc', age)).toEqual({
      ok: false,
      message: 'age: “abc” is not a number',
    })
    expect(numberFieldParse('-5', age)).toEqual({
      ok: false,
      message: 'age must be between 17 and 90 (the range in the data) (got -5)',
    })
    expect(numberFieldParse('', age)).toEqual({ ok: false, message: 'age needs a number' })
    expect(numberFieldParse('5', { name: 'x', max: 1 })).toMatchObject({
      message: 'x must be at most 1 (got 5)',
    })
  })

  it('refuses hexadecimal, Infinity, NaN, separators and half-typed numbers', () => {
    for (const t of ['0x10', 'Infinity', 'NaN', '1,000', '1.2.3', '-', '.', 'e5', '1e'])
      expect(numberFieldParse(t, { name: 'n' }).ok).toBe(false)
    expect(numberFieldParse('1e400', { name: 'n' })).toEqual({
      ok: false,
      message: 'n: “1e400” is too large',
    })
  })

  it('commits null for an emptied optional field, and keywords as themselves', () => {
    expect(numberFieldParse(' ', threshold)).toEqual({ ok: true, value: null })
    const steps = { name: 'IG steps', min: 1, integer: true, keywords: ['auto'] }
    expect(numberFieldParse('AUTO', steps)).toEqual({ ok: true, value: 'auto' })
    expect(numberFieldParse('many', steps)).toEqual({
      ok: false,
      message: 'IG steps: “many” is not a number (or auto)',
    })
  })

  it('accepts every number inside the range and refuses every one outside', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (v) => {
        const r = numberFieldParse(String(v), { name: 'v', min: -10, max: 10 })
        expect(r.ok).toBe(v >= -10 && v <= 10)
        if (r.ok) expect(r.value).toBe(Number(String(v)))
      }),
    )
  })
})

describe('numberFieldText', () => {
  it('writes values back so that they parse to themselves (up to 6 significant digits)', () => {
    expect(numberFieldText(null)).toBe('')
    expect(numberFieldText('auto')).toBe('auto')
    expect(numberFieldText(4096)).toBe('4096')
    expect(numberFieldText(0.123456789)).toBe('0.123457')
    expect(numberFieldText(0.35, 3)).toBe('0.35')
    expect(numberFieldText(Number.NaN)).toBe('')
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (v) => {
        expect(numberFieldParse(numberFieldText(v), { name: 'v' })).toEqual({ ok: true, value: v })
      }),
    )
  })
})
