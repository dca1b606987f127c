import { describe, expect, it } from 'vitest'
import {
  ValueError,
  predictionsCheckNumbers,
  predictionsCheckProbabilities,
  valueErrorWithSource,
} from '../../src/core/errors.ts'
import { confusionAt } from '../../src/core/metrics.ts'

describe('ValueError', () => {
  it('says subject, 0-based data row, value and problem; the function stays out of the message', () => {
    const e = new ValueError({
      subject: "the model's prediction",
      row: 22,
      value: NaN,
      problem: 'not a number',
      where: 'confusionAt',
    })
    expect(e.message).toBe("the model's prediction on data row 22 is NaN: not a number")
    expect(e).toBeInstanceOf(RangeError)
    expect(e.name).toBe('ValueError')
    expect(e.where).toBe('confusionAt')
    expect(e.about).toBe('model')
  })

  it('gets the file named in front once, keeping its parts', () => {
    const e = new ValueError({ subject: 'weight "w"', row: null, value: 'x', problem: 'bad' })
    const named = valueErrorWithSource(e, 'model.json') as ValueError
    expect(named.message).toBe('model.json: weight "w" is "x": bad')
    expect(valueErrorWithSource(named, 'other.json')).toBe(named)
    const plain = new Error('other')
    expect(valueErrorWithSource(plain, 'model.json')).toBe(plain)
  })
})

describe('predictionsCheckProbabilities', () => {
  it('names the first bad row (0-based, offset by the chunk) and suggests logit outside [0, 1]', () => {
    expect(() => predictionsCheckNumbers('t', [0.1, NaN], 10)).toThrow(
      "the model's prediction on data row 11 is NaN: not a number",
    )
    expect(() => predictionsCheckProbabilities('t', [0.1, 0.2, -3])).toThrow(
      `the model's prediction on data row 2 is -3: not a probability in [0, 1] — if the model outputs raw scores (logits), set "output": {"kind": "logit"} in the schema (CLI: --output logit)`,
    )
  })

  it('the metrics say it in these words (confusionAt: p[21] is NaN before)', () => {
    const p = new Float64Array(30).fill(0.5)
    p[21] = NaN
    expect(() => confusionAt(p, new Uint8Array(30), 0.5)).toThrow(
      /^the model's prediction on data row 21 is NaN: not a number/,
    )
  })
})
