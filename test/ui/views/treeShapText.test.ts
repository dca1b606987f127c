import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  marginLink,
  marginOf,
  probabilityOf,
  treeShapCompleteness,
  treeShapCompletenessText,
} from '../../../src/ui/views/explain/treeShapText.ts'

describe('marginLink', () => {
  it('reads the link from the card activation', () => {
    expect(marginLink({ activation: 'sigmoid', outputWidth: 1 })).toBe('logistic')
    expect(marginLink({ activation: 'LOGISTIC', outputWidth: 2 })).toBe('logistic')
    expect(marginLink({ activation: 'NONE', outputWidth: 2 })).toBe('identity')
    expect(marginLink({ activation: 'SOFTMAX', outputWidth: 3 })).toBeNull()
    expect(marginLink({ activation: 'LOGISTIC', outputWidth: 3 })).toBeNull()
  })
})

describe('margin and probability', () => {
  it('logit and sigmoid invert each other', () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), (m) => {
        const p = probabilityOf(m, 'logistic')!
        // written independently: σ(m) = e^m / (1 + e^m)
        expect(p).toBeCloseTo(Math.exp(m) / (1 + Math.exp(m)), 12)
        if (p > 1e-12 && p < 1 - 1e-12) expect(marginOf(p, 'logistic')!).toBeCloseTo(m, 6)
      }),
    )
  })
  it('has no margin for p at 0 or 1 under a logistic link, nor without a link', () => {
    expect(marginOf(0, 'logistic')).toBeNull()
    expect(marginOf(1, 'logistic')).toBeNull()
    expect(marginOf(0.3, null)).toBeNull()
    expect(marginOf(0.3, 'identity')).toBe(0.3)
  })
})

describe('treeShapCompleteness', () => {
  it('adds the base value and the values, and compares the link of the sum with f(x)', () => {
    const v = { baseValue: -1.25, shap: { a: 0.5, b: 1.0, c: -0.25 } }
    const c = treeShapCompleteness(v, 0.4, 'logistic')
    expect(c.sum).toBeCloseTo(1.25, 15)
    expect(c.total).toBeCloseTo(0, 15)
    expect(c.probability).toBeCloseTo(0.5, 15)
    expect(c.gap).toBeCloseTo(0.1, 15)
    expect(treeShapCompleteness(v, 0.4, null)).toMatchObject({ probability: null, gap: null })
    expect(
      treeShapCompleteness({ baseValue: 0.2, shap: { a: 0.1 } }, 0.3, 'identity').gap,
    ).toBeCloseTo(0, 15)
  })
})

describe('treeShapCompletenessText', () => {
  it('prints base + Σφ, and with a link the probability, f(x) and the gap', () => {
    const v = { baseValue: -1.25, shap: { a: 0.5, b: 1.0, c: -0.25 } }
    expect(treeShapCompletenessText(v, 0.4, 'logistic')).toBe(
      'base + Σφ = 0.00000 → σ(margin) 0.50000 vs f(x) 0.40000 (gap 1.0e-1)',
    )
    expect(treeShapCompletenessText({ baseValue: 0.25, shap: { a: 0.5 } }, 0.5, 'identity')).toBe(
      'base + Σφ = 0.75000 → probability 0.75000 vs f(x) 0.50000 (gap 2.5e-1)',
    )
    expect(treeShapCompletenessText(v, 0.4, null)).toBe('base + Σφ = 0.00000')
  })
})
