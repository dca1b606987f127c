import { describe, expect, it } from 'vitest'
import { type ClassRequest, classLabel, classRequest } from '../../src/model/card.ts'
import { classResolve } from '../../src/session/classes.ts'

const auto: ClassRequest = { kind: 'auto' }
const cls = (label: number): ClassRequest => ({ kind: 'class', label: classLabel(label) })
const page = { model: 'm.json' }
const cli = { model: 'm.json', option: '--class' }

describe('classResolve', () => {
  it('reads a sigmoid’s only column as class 1', () => {
    expect(classResolve(1, auto, cli)).toEqual({ column: 0, label: 1 })
    expect(classResolve(1, cls(1), cli)).toEqual({ column: 0, label: 1 })
  })

  it('refuses another class of a sigmoid on the CLI, and takes the page’s class 0 as class 1', () => {
    expect(() => classResolve(1, cls(0), cli)).toThrow(
      '--class 0: m.json has a single sigmoid output (class 1 = positive)',
    )
    expect(classResolve(1, cls(0), page)).toEqual({ column: 0, label: 1 })
  })

  it('defaults a 2-class softmax to class 1 and requires a class above 2', () => {
    expect(classResolve(2, auto, page)).toEqual({ column: 1, label: 1 })
    expect(classResolve(3, cls(2), page)).toEqual({ column: 2, label: 2 })
    expect(() => classResolve(3, auto, page)).toThrow(
      'm.json has a softmax over 3 classes: choose the class of interest',
    )
    expect(() => classResolve(3, auto, cli)).toThrow(
      'm.json has a softmax over 3 classes: choose one with --class',
    )
  })

  it('names a class the model lacks, as a ModelError', () => {
    expect(() => classResolve(2, cls(2), page)).toThrow(
      expect.objectContaining({
        name: 'ModelError',
        message: 'class 2 does not exist: m.json has 2 outputs',
      }),
    )
    expect(() => classResolve(2, cls(5), cli)).toThrow(
      '--class 5 does not exist: m.json has 2 outputs',
    )
  })
})

describe('classRequest', () => {
  it('is auto without a label and refuses a negative or fractional one', () => {
    expect(classRequest(null)).toEqual({ kind: 'auto' })
    expect(classRequest(undefined)).toEqual({ kind: 'auto' })
    expect(classRequest(2)).toEqual({ kind: 'class', label: 2 })
    expect(() => classRequest(-1)).toThrow(RangeError)
    expect(() => classRequest(1.5)).toThrow('a class label must be an integer ≥ 0, got 1.5')
  })
})
