/**
 * Reader of XGBoost's JSON model (`Booster.save_model('model.json')`, XGBoost 1.x–3.x layouts)
 * into the core's {@link TreeEnsemble} (docs/contracts.md §7). No tfjs, no DOM: it runs wherever
 * the JSON text is.
 *
 * What decides numbers:
 * - objective `binary:logistic` (one score of class 1; margin offset = logit(base_score)) or
 *   `multi:softprob` (one margin per class; base_score is added to every class margin as is, as
 *   XGBoost's softmax objective does — 1.x writes one value, 3.x one per class); every other
 *   objective is refused by name;
 * - `base_score` is a string: `"5E-1"`, or `"[5E-1]"` / `"[a,b,c]"` from XGBoost ≥ 2;
 * - a node `i` with `left_children[i] = −1` is a leaf whose value is `split_conditions[i]` (the
 *   learning rate already applied; not `base_weights`); a branch sends `x < split_conditions[i]`
 *   left and NaN to the `default_left` side; thresholds and leaf values are float32 in XGBoost and
 *   are rounded with Math.fround here (the JSON text prints them to float32 precision);
 * - `sum_hessian` are the covers path-dependent TreeSHAP weighs branches by;
 * - `tree_info[t]` is the class of tree t; DART's `weight_drop[t]` scales tree t's leaves;
 * - categorical splits (`split_type` 1) and vector leaves (`size_leaf_vector` > 1) are refused.
 * All trees are used, as `Booster.predict` does (a `best_iteration` attribute is ignored).
 */
import { treeDepth, treeEnsembleCheck, treeLeaves } from '../../core/tree/check.ts'
import { SplitMode, type Tree, type TreeEnsemble } from '../../core/tree/types.ts'

/** A malformed or unsupported XGBoost JSON model; the message names the file and the field. */
export class XgboostModelError extends Error {
  override name = 'XgboostModelError'
}

/** The objectives Glassbox reads. */
export type XgboostObjective = 'binary:logistic' | 'multi:softprob'

/** An XGBoost model read by {@link xgboostRead}. */
export type XgboostModel = {
  readonly ensemble: TreeEnsemble
  readonly objective: XgboostObjective
  /** Number of classes: 2 for binary:logistic, num_class for multi:softprob. */
  readonly classes: number
  /** Number of trees (all classes together). */
  readonly trees: number
  /** Depth of the deepest leaf over all trees, the root at depth 0. */
  readonly maxDepth: number
  /** Number of leaves over all trees. */
  readonly leaves: number
  /** Input width (`num_feature`): XGBoost feature i = encoded input i. */
  readonly nInputs: number
  /** `feature_names` when the model has them (one per input), else null. */
  readonly featureNames: readonly string[] | null
  /** `base_score` as written: one value, or one per class (XGBoost ≥ 3, multi:softprob). */
  readonly baseScore: readonly number[]
  /** `gbtree` or `dart`. */
  readonly booster: 'gbtree' | 'dart'
  /** The XGBoost version that saved the file ([major, minor, patch]), when written. */
  readonly version: readonly number[] | null
}

type Json = unknown
type Obj = Record<string, Json>
type Kinds = { object: Obj; array: Json[]; string: string }

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * True when `json` (parsed) looks like an XGBoost JSON model: an object with a top-level
 * `"learner"` object (a TensorFlow.js model.json has `"modelTopology"` / `"format"` instead).
 */
export function xgboostIsModelJson(json: Json): boolean {
  return isObj(json) && isObj(json.learner)
}

/**
 * Reads an XGBoost JSON model (text or already-parsed JSON) named `source` in messages.
 * @throws XgboostModelError naming `source` and the field for malformed JSON, a missing or
 *   mistyped field, an unsupported objective or booster, a categorical split or a vector leaf.
 * @example xgboostRead(await file.text(), file.name).ensemble
 */
export function xgboostRead(input: string | Json, source = 'model.json'): XgboostModel {
  const fail: (what: string) => never = (what) => {
    throw new XgboostModelError(`${source}: ${what}`)
  }
  let root: Json = input
  if (typeof input === 'string') {
    try {
      root = JSON.parse(input)
    } catch (e) {
      fail(`not valid JSON (${e instanceof Error ? e.message : String(e)})`)
    }
  }
  const at = <K extends keyof Kinds>(v: Json, path: string, what: K): Kinds[K] => {
    const ok =
      what === 'object' ? isObj(v) : what === 'array' ? Array.isArray(v) : typeof v === 'string'
    if (!ok)
      fail(v === undefined ? `missing field ${path}` : `field ${path} is not ${article(what)}`)
    return v as Kinds[K]
  }
  const learner = at(isObj(root) ? root.learner : undefined, 'learner', 'object')
  const version = Array.isArray(isObj(root) ? root.version : null)
    ? ((root as Obj).version as Json[]).map(Number)
    : null

  const objName = at(
    at(learner.objective, 'learner.objective', 'object').name,
    'learner.objective.name',
    'string',
  )
  if (objName !== 'binary:logistic' && objName !== 'multi:softprob') fail(objectiveRefusal(objName))
  const objective: XgboostObjective = objName

  const lmp = at(learner.learner_model_param, 'learner.learner_model_param', 'object')
  const count = (v: Json, path: string, min: number): number => {
    const n = Number(typeof v === 'string' ? v : at(v, path, 'string'))
    if (!Number.isInteger(n) || n < min)
      fail(`field ${path} = ${JSON.stringify(v)} is not an integer ≥ ${min}`)
    return n
  }
  const nInputs = count(lmp.num_feature, 'learner.learner_model_param.num_feature', 1)
  const classes =
    objective === 'binary:logistic'
      ? 2
      : count(lmp.num_class, 'learner.learner_model_param.num_class', 2)
  const nOutputs = objective === 'binary:logistic' ? 1 : classes
  const baseScore = parseBaseScore(
    at(lmp.base_score, 'learner.learner_model_param.base_score', 'string'),
    fail,
  )
  if (baseScore.length !== 1 && baseScore.length !== nOutputs)
    fail(
      `learner.learner_model_param.base_score has ${baseScore.length} values for ${nOutputs} outputs`,
    )
  const base = new Float64Array(nOutputs)
  for (let o = 0; o < nOutputs; o++) {
    const b = baseScore.length === 1 ? baseScore[0]! : baseScore[o]!
    if (objective === 'binary:logistic' && !(b > 0 && b < 1))
      fail(`base_score ${b} is not a probability strictly between 0 and 1`)
    base[o] = objective === 'binary:logistic' ? Math.log(b / (1 - b)) : b
  }

  const gb = at(learner.gradient_booster, 'learner.gradient_booster', 'object')
  const boosterName = at(gb.name, 'learner.gradient_booster.name', 'string')
  if (boosterName !== 'gbtree' && boosterName !== 'dart')
    fail(`booster ${boosterName} has no trees; Glassbox reads the tree boosters gbtree and dart`)
  const gbtree =
    boosterName === 'dart' ? at(gb.gbtree, 'learner.gradient_booster.gbtree', 'object') : gb
  const prefix =
    boosterName === 'dart'
      ? 'learner.gradient_booster.gbtree.model'
      : 'learner.gradient_booster.model'
  const model = at(gbtree.model, prefix, 'object')
  const jsonTrees = at(model.trees, `${prefix}.trees`, 'array')
  const treeInfo = at(model.tree_info, `${prefix}.tree_info`, 'array')
  if (treeInfo.length !== jsonTrees.length)
    fail(`${prefix}.tree_info has ${treeInfo.length} entries for ${jsonTrees.length} trees`)
  const weights =
    boosterName === 'dart'
      ? at(gb.weight_drop, 'learner.gradient_booster.weight_drop', 'array')
      : null
  if (weights && weights.length !== jsonTrees.length)
    fail(
      `learner.gradient_booster.weight_drop has ${weights.length} entries for ${jsonTrees.length} trees`,
    )

  const trees = jsonTrees.map((jt, t): Tree => {
    const path = `${prefix}.trees[${t}]`
    const cls = treeInfo[t]
    if (!(Number.isInteger(cls) && (cls as number) >= 0 && (cls as number) < nOutputs))
      fail(
        `${prefix}.tree_info[${t}] = ${JSON.stringify(cls)} is not a class of the ${nOutputs}-output model`,
      )
    const w = weights ? Number(weights[t]) : 1
    if (!Number.isFinite(w)) fail(`learner.gradient_booster.weight_drop[${t}] is not a number`)
    return readTree(
      at(jt, path, 'object'),
      path,
      { nInputs, nOutputs, cls: cls as number, w },
      fail,
    )
  })
  const ensemble = treeEnsembleCheck(
    {
      trees,
      nInputs,
      nOutputs,
      base,
      aggregate: 'SUM',
      postTransform: objective === 'binary:logistic' ? 'LOGISTIC' : 'SOFTMAX',
      binary: objective === 'binary:logistic',
      thresholdPrecision: 'float32',
    },
    source,
  )
  const names = learner.feature_names
  let featureNames: string[] | null = null
  if (Array.isArray(names) && names.length > 0) {
    if (names.length !== nInputs || !names.every((n) => typeof n === 'string'))
      fail(`learner.feature_names has ${names.length} entries for ${nInputs} features`)
    featureNames = names as string[]
  }
  return {
    ensemble,
    objective,
    classes,
    trees: trees.length,
    maxDepth: trees.reduce((m, t) => Math.max(m, treeDepth(t)), 0),
    leaves: trees.reduce((m, t) => m + treeLeaves(t), 0),
    nInputs,
    featureNames,
    baseScore,
    booster: boosterName,
    version,
  }
}

function article(what: string): string {
  return what === 'object' ? 'an object' : what === 'array' ? 'an array' : 'a string'
}

function objectiveRefusal(name: string): string {
  const reads = 'Glassbox reads binary:logistic and multi:softprob'
  if (name.startsWith('binary:') || name === 'multi:softmax')
    return `objective ${name} does not output class probabilities; ${reads}`
  return `${name} is not a classifier objective; ${reads}`
}

/** `"5E-1"`, `"[5E-1]"` or `"[a,b,c]"` → the numbers. */
function parseBaseScore(text: string, fail: (what: string) => never): number[] {
  const s = text.trim().replace(/^\(/, '[').replace(/\)$/, ']')
  let values: unknown
  try {
    values = s.startsWith('[') ? JSON.parse(s) : [Number(s === '' ? NaN : s)]
  } catch {
    values = null
  }
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => Number.isFinite(v)))
    fail(`learner.learner_model_param.base_score "${text}" is not a number or a list of numbers`)
  return values as number[]
}

type TreeContext = { nInputs: number; nOutputs: number; cls: number; w: number }

/** One tree's arrays → a {@link Tree}, keeping the nodes reachable from the root, in preorder. */
function readTree(jt: Obj, path: string, ctx: TreeContext, fail: (what: string) => never): Tree {
  const param = jt.tree_param
  if (isObj(param) && Number(param.size_leaf_vector ?? 0) > 1)
    fail(
      `${path} has vector leaves (size_leaf_vector ${String(param.size_leaf_vector)}, multi_output_tree); Glassbox reads one output per tree`,
    )
  const arr = (name: string, optional = false): number[] | null => {
    const v = jt[name]
    if (v === undefined && optional) return null
    if (!Array.isArray(v))
      fail(
        v === undefined ? `missing field ${path}.${name}` : `field ${path}.${name} is not an array`,
      )
    const a = (v as Json[]).map((x) => (typeof x === 'boolean' ? Number(x) : x))
    if (!a.every((x) => typeof x === 'number'))
      fail(`field ${path}.${name} holds a value that is not a number`)
    return a as number[]
  }
  const left = arr('left_children')!
  const right = arr('right_children')!
  const splitIndex = arr('split_indices')!
  const cond = arr('split_conditions')!
  const defaultLeft = arr('default_left')!
  const hess = arr('sum_hessian')!
  const splitType = arr('split_type', true)
  const n = left.length
  if (n === 0) fail(`${path} has no nodes`)
  for (const [name, a] of [
    ['right_children', right],
    ['split_indices', splitIndex],
    ['split_conditions', cond],
    ['default_left', defaultLeft],
    ['sum_hessian', hess],
    ['split_type', splitType],
  ] as const)
    if (a && a.length !== n) fail(`${path}.${name} has ${a.length} entries, left_children ${n}`)

  // Preorder over the nodes reachable from the root (XGBoost may keep pruned nodes in the arrays).
  const id = new Int32Array(n).fill(-1)
  const order: number[] = []
  const stack = [0]
  while (stack.length > 0) {
    const v = stack.pop()!
    if (!(Number.isInteger(v) && v >= 0 && v < n))
      fail(`${path}: child ${v} is not a node of the tree`)
    if (id[v] !== -1) fail(`${path}: node ${v} is reached twice`)
    id[v] = order.length
    order.push(v)
    if (left[v] !== -1) stack.push(right[v]!, left[v]!)
  }
  const m = order.length
  const k = ctx.nOutputs
  const tree = {
    nodes: m,
    mode: new Uint8Array(m),
    feature: new Int32Array(m).fill(-1),
    threshold: new Float64Array(m),
    yes: new Int32Array(m).fill(-1),
    no: new Int32Array(m).fill(-1),
    missingYes: new Uint8Array(m),
    value: new Float64Array(m * k),
    cover: new Float64Array(m),
  }
  order.forEach((v, i) => {
    if (!(hess[v]! >= 0 && Number.isFinite(hess[v]!)))
      fail(`${path}, node ${v}: sum_hessian ${hess[v]} is not a finite number ≥ 0`)
    // JSON has no NaN or ∞, but a huge literal overflows float32 once rounded.
    if (!Number.isFinite(Math.fround(cond[v]!)))
      fail(`${path}, node ${v}: split_conditions ${cond[v]} is not a finite float32`)
    tree.cover[i] = hess[v]!
    if (left[v] === -1) {
      tree.mode[i] = SplitMode.Leaf
      tree.value[i * k + ctx.cls] = Math.fround(cond[v]!) * ctx.w
      return
    }
    if (splitType && splitType[v] === 1)
      fail(
        `${path}, node ${v}: a categorical split (split_type 1) on feature ${splitIndex[v]}; Glassbox reads numeric splits only (one-hot encode the feature instead of enable_categorical)`,
      )
    const f = splitIndex[v]!
    if (!(Number.isInteger(f) && f >= 0 && f < ctx.nInputs))
      fail(
        `${path}, node ${v}: split_indices ${f} is outside the ${ctx.nInputs} features (num_feature)`,
      )
    tree.mode[i] = SplitMode.Lt
    tree.feature[i] = f
    tree.threshold[i] = Math.fround(cond[v]!)
    tree.yes[i] = id[left[v]!]!
    tree.no[i] = id[right[v]!]!
    tree.missingYes[i] = defaultLeft[v] ? 1 : 0
  })
  return tree
}
