import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { treeMargins, treeProbabilities } from '../../../src/core/tree/evaluate.ts'
import { treeShapInterventionalExplainer } from '../../../src/core/tree/interventional.ts'
import { treeShapPathDependent } from '../../../src/core/tree/pathDependent.ts'
import { matrix } from '../../../src/core/types.ts'
import { bruteInterventional } from '../../core/tree/reference.ts'
import { xgboostPredictFn } from '../../../src/model/xgboost/predict.ts'
import { xgboostIsModelJson, xgboostRead } from '../../../src/model/xgboost/read.ts'

/** Fixtures written by scripts/fixtures/trees_xgboost.py (XGBoost 1.7.4, float64 references). */
const DIR = join(import.meta.dirname, '../../fixtures/trees/xgboost')
const NAMES = ['binary-d1', 'binary-d3', 'binary-d6', 'multi-d4', 'dart-d3']

type Reference = {
  rows: (number | null)[][]
  probabilities: number[][]
  margins: number[][]
  contribs: number[][] | number[][][]
}

function fixture(name: string) {
  const text = readFileSync(join(DIR, `${name}.model.json`), 'utf8')
  const ref = JSON.parse(readFileSync(join(DIR, `${name}.reference.json`), 'utf8')) as Reference
  const cols = ref.rows[0]!.length
  const x = matrix(
    Float64Array.from(ref.rows.flat(), (v) => v ?? NaN),
    ref.rows.length,
    cols,
  )
  return { text, json: JSON.parse(text) as Record<string, unknown>, ref, x }
}

/**
 * JSON text of a copy of `json` with the field at dotted `path` (array indices as numbers) set to
 * `value`, or removed when `value` is undefined.
 */
function edited(json: unknown, path: string, value: unknown): string {
  const copy = structuredClone(json)
  const keys = path.split('.')
  let at = copy as Record<string, unknown>
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>
  const last = keys[keys.length - 1]!
  if (value !== undefined) at[last] = value
  else if (Array.isArray(at)) at.splice(Number(last), 1)
  else delete at[last]
  return JSON.stringify(copy)
}

/** The trees array of a parsed gbtree model. */
const TREES = 'learner.gradient_booster.model.trees'

describe('xgboostRead on XGBoost fixtures', () => {
  for (const name of NAMES) {
    it(`${name}: probabilities within 1e-6, margins and pred_contribs within 1e-5 of XGBoost`, () => {
      const { text, ref, x } = fixture(name)
      const model = xgboostRead(text, `${name}.model.json`)
      const ens = model.ensemble
      const k = ens.nOutputs
      const margins = treeMargins(ens, x)
      const probs = treeProbabilities(ens, x)
      const c = model.classes
      ref.rows.forEach((_, r) => {
        ref.margins[r]!.forEach((m, o) =>
          expect(Math.abs(margins[r * k + o]! - m)).toBeLessThan(1e-5),
        )
        const p = ref.probabilities[r]!
        const full = p.length === 1 ? [1 - p[0]!, p[0]!] : p
        full.forEach((v, j) => expect(Math.abs(probs[r * c + j]! - v)).toBeLessThan(1e-6))
      })
      for (let o = 0; o < k; o++) {
        const res = treeShapPathDependent(ens, x, { output: o })
        ref.rows.forEach((_, r) => {
          const row = (k === 1 ? ref.contribs[r] : (ref.contribs[r] as number[][])[o]) as number[]
          for (let j = 0; j < model.nInputs; j++)
            expect(Math.abs(res.phi[r * model.nInputs + j]! - row[j]!)).toBeLessThan(1e-5)
          expect(Math.abs(res.baseValue - row[model.nInputs]!)).toBeLessThan(1e-5)
        })
      }
    })
  }

  it('gives interventional TreeSHAP equal to coalition enumeration on an XGBoost model (each class of multi)', () => {
    for (const name of ['binary-d6', 'multi-d4']) {
      const { text, ref, x } = fixture(name)
      const ens = xgboostRead(text).ensemble
      const rows = ref.rows.map((r) => r.map((v) => v ?? NaN))
      const bg = matrix(x.data.slice(0, 10 * 6), 10, 6)
      const explained = [12, 24, 30, 39] // random rows and rows on thresholds
      // Players: inputs {0, 1}, {2}, {3, 4}, {5}.
      const offsets = Int32Array.of(0, 2, 3, 5, 6)
      const map = Int32Array.of(0, 0, 1, 2, 2, 3)
      for (let o = 0; o < ens.nOutputs; o++) {
        const e = treeShapInterventionalExplainer(ens, bg, { output: o, players: { offsets } })
        const res = e.explain(matrix(Float64Array.from(explained.flatMap((r) => rows[r]!)), 4, 6))
        explained.forEach((r, i) => {
          const brute = bruteInterventional(ens, rows[r]!, rows.slice(0, 10), map, 4, o)
          expect(res.baseValue).toBeCloseTo(brute.base, 10)
          brute.phi.forEach((v, p) => expect(res.phi[i * 4 + p]).toBeCloseTo(v, 10))
        })
      }
    }
  })

  it('reads the metadata: objective, classes, trees, depth with the root at 0, leaves, names', () => {
    const bin = xgboostRead(fixture('binary-d3').text)
    expect(bin).toMatchObject({
      objective: 'binary:logistic',
      classes: 2,
      trees: 20,
      maxDepth: 3,
      nInputs: 6,
      booster: 'gbtree',
    })
    expect(bin.featureNames).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5'])
    expect(bin.baseScore).toEqual([0.3])
    expect(bin.ensemble.base[0]).toBeCloseTo(Math.log(0.3 / 0.7), 12)
    expect(bin.version?.[0]).toBe(1)
    const stumps = xgboostRead(fixture('binary-d1').text)
    expect(stumps).toMatchObject({ maxDepth: 1, leaves: 60, featureNames: null })
    const multi = xgboostRead(fixture('multi-d4').text)
    expect(multi).toMatchObject({ objective: 'multi:softprob', classes: 3, trees: 30 })
    expect(multi.ensemble.nOutputs).toBe(3)
    expect(xgboostRead(fixture('dart-d3').text).booster).toBe('dart')
  })

  it('needs float32 comparisons: the same trees compared in float64 miss XGBoost on the edge rows', () => {
    const { text, ref, x } = fixture('binary-d6')
    const ens = xgboostRead(text).ensemble
    const m64 = treeMargins({ ...ens, thresholdPrecision: 'float64' }, x)
    const worst = Math.max(...ref.margins.map((m, r) => Math.abs(m[0]! - m64[r]!)))
    expect(worst).toBeGreaterThan(1e-3)
  })

  it('reads XGBoost ≥ 2 base_score strings: "[5E-1]", and one value per class for multi:softprob', () => {
    const { json, x, ref } = fixture('multi-d4')
    const bracket = xgboostRead(edited(json, 'learner.learner_model_param.base_score', '[5E-1]'))
    expect(Array.from(treeMargins(bracket.ensemble, x))).toEqual(
      Array.from(treeMargins(xgboostRead(json).ensemble, x)),
    )
    const perClass = xgboostRead(
      edited(json, 'learner.learner_model_param.base_score', '[1E-1,-2E-1,3E-1]'),
    )
    const m = treeMargins(perClass.ensemble, x)
    const shift = [0.1 - 0.5, -0.2 - 0.5, 0.3 - 0.5]
    ref.margins.forEach((row, r) =>
      row.forEach((v, o) => expect(m[r * 3 + o]).toBeCloseTo(v + shift[o]!, 5)),
    )
  })
})

describe('xgboostRead refusals', () => {
  const { json } = fixture('binary-d3')
  const read = (path: string, value: unknown) => () =>
    xgboostRead(edited(json, path, value), 'm.json')

  it('refuses every objective but binary:logistic and multi:softprob, by name', () => {
    expect(read('learner.objective.name', 'reg:squarederror')).toThrow(
      'm.json: reg:squarederror is not a classifier objective; Glassbox reads binary:logistic and multi:softprob',
    )
    expect(read('learner.objective.name', 'binary:logitraw')).toThrow(
      'm.json: objective binary:logitraw does not output class probabilities; Glassbox reads binary:logistic and multi:softprob',
    )
    expect(read('learner.objective.name', 'multi:softmax')).toThrow(
      'objective multi:softmax does not output class probabilities',
    )
  })

  it('refuses linear boosters, categorical splits and vector leaves by name', () => {
    expect(read('learner.gradient_booster', { name: 'gblinear', model: { weights: [] } })).toThrow(
      'm.json: booster gblinear has no trees; Glassbox reads the tree boosters gbtree and dart',
    )
    expect(read(`${TREES}.2.split_type.0`, 1)).toThrow(
      /trees\[2\], node 0: a categorical split \(split_type 1\) on feature \d+; Glassbox reads numeric splits only/,
    )
    expect(read(`${TREES}.0.tree_param.size_leaf_vector`, '3')).toThrow('has vector leaves')
  })

  it('names the file and the field for malformed JSON and missing or bad fields', () => {
    expect(() => xgboostRead('{"learner": ', 'm.json')).toThrow(/^m\.json: not valid JSON/)
    expect(() => xgboostRead('{"modelTopology": {}}', 'm.json')).toThrow(
      'm.json: missing field learner',
    )
    expect(read(`${TREES}.1.split_conditions`, undefined)).toThrow(
      'm.json: missing field learner.gradient_booster.model.trees[1].split_conditions',
    )
    expect(read(`${TREES}.1.left_children`, 'x')).toThrow(
      'field learner.gradient_booster.model.trees[1].left_children is not an array',
    )
    expect(read('learner.gradient_booster.model.tree_info.19', undefined)).toThrow(
      'tree_info has 19 entries for 20 trees',
    )
    expect(read('learner.learner_model_param.base_score', 'abc')).toThrow(
      'base_score "abc" is not a number',
    )
    expect(read('learner.learner_model_param.base_score', '1')).toThrow(
      'base_score 1 is not a probability',
    )
    expect(read('learner.learner_model_param.num_feature', '2')).toThrow(
      /split_indices \d is outside the 2 features/,
    )
    expect(read(`${TREES}.0.left_children.0`, 0)).toThrow('node 0 is reached twice')
    expect(read(`${TREES}.0.sum_hessian`, [1])).toThrow('sum_hessian has 1 entries')
    expect(read(`${TREES}.4.sum_hessian.0`, -2)).toThrow(
      'm.json: learner.gradient_booster.model.trees[4], node 0: sum_hessian -2 is not a finite number ≥ 0',
    )
    expect(read(`${TREES}.4.split_conditions.0`, 1e39)).toThrow(
      'trees[4], node 0: split_conditions 1e+39 is not a finite float32',
    )
  })

  it('recognises an XGBoost model by its top-level learner', () => {
    expect(xgboostIsModelJson(json)).toBe(true)
    expect(xgboostIsModelJson({ modelTopology: {}, format: 'layers-model' })).toBe(false)
    expect(xgboostIsModelJson([])).toBe(false)
  })
})

describe('xgboostPredictFn', () => {
  it("gives XGBoost's probability of the class asked for, and needs a class above 2 classes", async () => {
    const { text, ref, x } = fixture('multi-d4')
    const model = xgboostRead(text)
    const p = await xgboostPredictFn(model, 2)(x)
    ref.probabilities.forEach((row, r) => expect(Math.abs(p[r]! - row[2]!)).toBeLessThan(1e-6))
    expect(() => xgboostPredictFn(model)).toThrow('the model has 3 classes')
    expect(() => xgboostPredictFn(model, 3)).toThrow("class 3 is not one of the model's 3 classes")
    const bin = fixture('binary-d6')
    const pb = await xgboostPredictFn(xgboostRead(bin.text))(bin.x)
    bin.ref.probabilities.forEach((row, r) => expect(Math.abs(pb[r]! - row[0]!)).toBeLessThan(1e-6))
  })
})
