import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { TreeEnsemble } from '../../../src/core/tree/types.ts'
import type { Matrix } from '../../../src/core/types.ts'
import {
  onnxPlanColumns,
  onnxPlanEncoded,
  type OnnxInputPlan,
} from '../../../src/model/onnx/columns.ts'
import { onnxOutputChoose } from '../../../src/model/onnx/output.ts'
import { onnxModelRead, type OnnxModelRead } from '../../../src/model/onnx/read.ts'
import { onnxTreeSetup } from '../../../src/model/onnx/trees.ts'
import {
  MODELS_DIR,
  encodeFixture,
  featureValues,
  fixture,
  fixtureBytes,
  fixtureOffsets,
  readJson,
  type FixtureSchema,
  type Reference,
} from './fixtures.ts'
import { testMargins, testProbability } from './treeEval.ts'

const TREE_FIXTURES = ['xgboost-binary', 'xgboost-multiclass', 'rf-pipeline', 'gbdt'] as const

function plan(model: OnnxModelRead, schema: FixtureSchema, source: string): OnnxInputPlan {
  if (schema.modelInput === 'columns') return onnxPlanColumns(model, schema.features, source)
  return onnxPlanEncoded(model, fixtureOffsets(schema).at(-1)!, source)
}

/**
 * The vector the trees read, built from the reference's layout (Python's ColumnTransformer
 * column → feature map): numeric columns carry the raw value, a categorical feature's block its
 * one-hot in `categories` order. Encoded fixtures read the §1 encoding itself.
 */
function treeInput(ref: Reference, schema: FixtureSchema): Matrix {
  if (schema.modelInput !== 'columns') return encodeFixture(schema)
  const v = featureValues(schema)
  const players = ref.treeInputPlayers!.map((name) =>
    schema.features.findIndex((f) => f.name === name),
  )
  const w = players.length
  const data = new Float32Array(v.rows * w)
  const seen = new Map<number, number>()
  const slot = players.map((p) => {
    const k = seen.get(p) ?? 0
    seen.set(p, k + 1)
    return k
  })
  for (let i = 0; i < v.rows; i++)
    for (let c = 0; c < w; c++) {
      const j = players[c]!
      const x = v.data[i * v.cols + j]!
      data[i * w + c] = schema.features[j]!.type === 'numeric' ? x : x === slot[c] ? 1 : 0
    }
  return { data, rows: v.rows, cols: w }
}

function setupFor(name: string): {
  ref: Reference
  schema: FixtureSchema
  ensemble: TreeEnsemble
  inputPlayers: Int32Array
} {
  const { ref, schema, onnx } = fixture(name)
  const model = onnxModelRead(fixtureBytes(onnx), onnx)
  const s = onnxTreeSetup(
    model,
    plan(model, schema, onnx),
    onnxOutputChoose(model, onnx),
    fixtureOffsets(schema),
  )
  if (!s.available) throw new Error(s.reason)
  return { ref, schema, ensemble: s.ensemble, inputPlayers: s.inputPlayers }
}

/** XGBoost save_model JSON read here in a few lines (split_conditions at leaves = leaf values). */
function xgboostJsonMargins(path: string, x: Matrix, k: number): Float64Array {
  type XTree = {
    left_children: number[]
    right_children: number[]
    split_indices: number[]
    split_conditions: number[]
    default_left: number[]
  }
  const learner = readJson<{
    learner: {
      learner_model_param: { base_score: string; num_class: string }
      gradient_booster: { model: { trees: XTree[]; tree_info: number[] } }
    }
  }>(path).learner
  const base = Number(learner.learner_model_param.base_score)
  const multi = Number(learner.learner_model_param.num_class) > 1
  const { trees, tree_info: info } = learner.gradient_booster.model
  const out = new Float64Array(x.rows).fill(multi ? base : Math.log(base / (1 - base)))
  for (let i = 0; i < x.rows; i++)
    trees.forEach((t, ti) => {
      if (info[ti] !== k) return
      let n = 0
      while (t.left_children[n] !== -1) {
        const v = Math.fround(x.data[i * x.cols + t.split_indices[n]!]!)
        n = Number.isNaN(v)
          ? t.default_left[n]
            ? t.left_children[n]!
            : t.right_children[n]!
          : v < Math.fround(t.split_conditions[n]!)
            ? t.left_children[n]!
            : t.right_children[n]!
      }
      out[i]! += Math.fround(t.split_conditions[n]!)
    })
  return out
}

describe('onnxTreeSetup on the fixtures', () => {
  it.each(TREE_FIXTURES)(
    '%s: the ensemble read from ONNX gives the reference margins (1e-6) and probabilities (1e-6)',
    (name) => {
      const { ref, schema, ensemble } = setupFor(name)
      const x = treeInput(ref, schema)
      const k = ensemble.binary ? 0 : ref.classIndex
      let worstMargin = 0
      let worstProba = 0
      for (let i = 0; i < x.rows; i++) {
        const m = testMargins(ensemble, x.data.subarray(i * x.cols, (i + 1) * x.cols))
        worstMargin = Math.max(worstMargin, Math.abs(m[k]! - ref.margin![i]!))
        worstProba = Math.max(
          worstProba,
          Math.abs(testProbability(ensemble, m, ref.classIndex) - ref.proba[i]!),
        )
      }
      expect(worstMargin).toBeLessThan(1e-6)
      expect(worstProba).toBeLessThan(1e-6)
    },
  )

  it.each(TREE_FIXTURES)(
    '%s: trees, depth, leaves, outputs, base and post-transform as Python read them',
    (name) => {
      const { ref, ensemble } = setupFor(name)
      const t = ref.trees!
      expect(ensemble.trees.length).toBe(t.count)
      expect(ensemble.trees.reduce((a, tr) => a + tr.mode.filter((m) => m === 6).length, 0)).toBe(
        t.leaves,
      )
      expect(ensemble).toMatchObject({
        nOutputs: t.nOutputs,
        postTransform: t.postTransform,
        binary: t.binary,
        thresholdPrecision: 'float32',
      })
      expect(Array.from(ensemble.base)).toEqual(
        t.base.map((b) => (name.startsWith('xgboost-binary') ? Math.fround(b) : b)),
      )
      expect(ensemble.trees.every((tr) => tr.cover === null)).toBe(true)
    },
  )

  it.each(TREE_FIXTURES)(
    '%s: every tree input maps to the schema feature Python says it comes from',
    (name) => {
      const { ref, schema, inputPlayers } = setupFor(name)
      expect(Array.from(inputPlayers, (p) => schema.features[p]?.name ?? '(constant)')).toEqual(
        ref.treeInputPlayers,
      )
    },
  )

  it.each(['xgboost-binary', 'xgboost-multiclass'] as const)(
    '%s: the ONNX ensemble equals the XGBoost JSON margins within 1e-6',
    (name) => {
      const { ref, schema, ensemble } = setupFor(name)
      const x = encodeFixture(schema)
      const k = ensemble.binary ? 0 : ref.classIndex
      const json = xgboostJsonMargins(join(MODELS_DIR, `${name}.json`), x, ensemble.binary ? 0 : k)
      let worst = 0
      for (let i = 0; i < x.rows; i++)
        worst = Math.max(
          worst,
          Math.abs(
            testMargins(ensemble, x.data.subarray(i * x.cols, (i + 1) * x.cols))[k]! - json[i]!,
          ),
        )
      expect(worst).toBeLessThan(1e-6)
    },
  )
})
