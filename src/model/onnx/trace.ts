/**
 * Which schema feature (player) each column of a tensor comes from, traced forward from the model
 * inputs through structural and per-column ops (docs/contracts.md §7: in columns mode a tree's
 * feature ids index the preprocessed vector). A tensor's columns are its row's elements in
 * row-major order (everything but the leading batch dimension); −1 marks a constant column.
 *
 * Followed: Identity, Cast, element-wise unary ops, Scaler, Imputer, Binarizer, LabelEncoder,
 * element-wise binary ops with a constant operand, Reshape/Flatten/Squeeze/Unsqueeze that keep
 * the rows, Concat along the last axis, OneHotEncoder, Gather / ArrayFeatureExtractor / Slice of
 * constant columns, FeatureVectorizer, Normalizer of one column. Anything else (MatMul, Gemm,
 * a Normalizer over several columns, an op this file does not know) makes the tensors it writes
 * untraceable, with the reason.
 */
import type { OnnxNode } from './onnxTypes.ts'
import { onnxAttrInt, onnxAttrInts, onnxAttrStrings, onnxTensorNumbers } from './onnxValues.ts'
import { onnxNodeLabel, type OnnxModelRead } from './read.ts'

/** Player per column of the traced tensor, or why the columns cannot be traced. */
export type OnnxTraceResult = { ok: true; players: Int32Array } | { ok: false; reason: string }

/** A traced tensor: player per column and the row's shape when known. */
type Cols = { players: Int32Array; rowShape: number[] | null } | { unknown: string }

const SAME_COLUMNS = new Set([
  'Identity',
  'Cast',
  'CastLike',
  'Abs',
  'Neg',
  'Sqrt',
  'Exp',
  'Log',
  'Floor',
  'Ceil',
  'Round',
  'Clip',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Not',
  'IsNaN',
  'IsInf',
  'Erf',
  'Sign',
  'Reciprocal',
  'Scaler',
  'Imputer',
  'Binarizer',
  'LabelEncoder',
])
const ELEMENTWISE = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Min',
  'Max',
  'Mod',
  'And',
  'Or',
  'Xor',
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Where',
])
const MIXING: Record<string, string> = {
  MatMul: 'mixes the columns of a row',
  Gemm: 'mixes the columns of a row',
  Normalizer: 'divides each row by its norm, mixing its columns',
}

const product = (xs: number[]): number => xs.reduce((a, b) => a * b, 1)

/**
 * Traces players from `start` (input name → player per column) to the tensor `target`.
 * @example onnxTracePlayers(model, new Map([['age', Int32Array.of(0)], …]), 'transformed_column')
 */
export function onnxTracePlayers(
  model: OnnxModelRead,
  start: ReadonlyMap<string, Int32Array>,
  target: string,
): OnnxTraceResult {
  const consts = new Map(model.graph.initializers.map((t) => [t.name, t]))
  const cols = new Map<string, Cols>()
  for (const [name, players] of start) cols.set(name, { players, rowShape: null })
  const constant = (name: string): number[] | null => {
    const t = consts.get(name)
    return t ? Array.from(onnxTensorNumbers(t)) : null
  }
  const get = (name: string): Cols =>
    cols.get(name) ?? {
      unknown: consts.has(name)
        ? `"${name}" is a constant`
        : `tensor "${name}" does not come from the model inputs`,
    }

  for (const node of model.graph.nodes) {
    let out: Cols
    try {
      out = traceNode(node, get, constant, consts)
    } catch (e) {
      out = { unknown: `${onnxNodeLabel(node)}: ${(e as Error).message}` }
    }
    for (const o of node.outputs) if (o !== '') cols.set(o, out)
  }
  const result = get(target)
  return 'unknown' in result
    ? { ok: false, reason: result.unknown }
    : { ok: true, players: result.players }
}

function traceNode(
  node: OnnxNode,
  get: (name: string) => Cols,
  constant: (name: string) => number[] | null,
  consts: ReadonlyMap<string, unknown>,
): Cols {
  const op = node.opType
  const first = get(node.inputs[0] ?? '')
  const label = onnxNodeLabel(node)
  if (op in MIXING && !(op === 'Normalizer' && 'players' in first && first.players.length === 1))
    return { unknown: `${label} ${MIXING[op]}` }
  if (SAME_COLUMNS.has(op) || op === 'Normalizer') return first
  if (ELEMENTWISE.has(op)) {
    const live = node.inputs.filter((n) => n !== '' && !consts.has(n)).map(get)
    if (live.length === 0) return { unknown: `${label} has only constant inputs` }
    const bad = live.find((c) => 'unknown' in c)
    if (bad) return bad
    return live.reduce((a, b) => combine(a, b, label))
  }
  if ('unknown' in first) return first
  const { players, rowShape } = first
  const w = players.length
  switch (op) {
    case 'OneHotEncoder': {
      const k = Math.max(
        onnxAttrStrings(node, 'cats_strings').length,
        onnxAttrInts(node, 'cats_int64s').length,
      )
      const out = new Int32Array(w * k)
      for (let i = 0; i < w; i++) out.fill(players[i]!, i * k, (i + 1) * k)
      return { players: out, rowShape: rowShape ? [...rowShape, k] : null }
    }
    case 'Concat': {
      const parts = node.inputs.map(get)
      const bad = parts.find((c) => 'unknown' in c)
      if (bad) return bad
      const ps = parts as { players: Int32Array; rowShape: number[] | null }[]
      const axis = onnxAttrInt(node, 'axis', 1)
      for (const p of ps) {
        const rank = p.rowShape ? p.rowShape.length + 1 : 2
        const a = axis < 0 ? axis + rank : axis
        if (a !== rank - 1 || (p.rowShape && product(p.rowShape.slice(0, -1)) !== 1))
          return { unknown: `${label} joins along axis ${axis}, not the row's last axis` }
      }
      const out = Int32Array.from(ps.flatMap((p) => Array.from(p.players)))
      const lead = ps[0]!.rowShape
      return { players: out, rowShape: lead ? [...lead.slice(0, -1), out.length] : null }
    }
    case 'Reshape': {
      const shape = constant(node.inputs[1] ?? '')
      if (!shape) return { unknown: `${label} takes its shape from a computed tensor` }
      const rest = shape.slice(1)
      if (rest.includes(-1)) {
        if (shape[0] !== 0)
          return { unknown: `${label} to [${shape.join(', ')}] may move values between rows` }
        const known = product(rest.filter((d) => d !== -1))
        return { players, rowShape: rest.map((d) => (d === -1 ? w / known : d)) }
      }
      if (product(rest) !== w)
        return { unknown: `${label} to [${shape.join(', ')}] changes the row size ${w}` }
      return { players, rowShape: rest }
    }
    case 'Flatten':
      return onnxAttrInt(node, 'axis', 1) === 1
        ? { players, rowShape: [w] }
        : { unknown: `${label} flattens across rows` }
    case 'Squeeze':
    case 'Unsqueeze':
      return { players, rowShape: null }
    case 'Gather':
    case 'ArrayFeatureExtractor': {
      const idx = constant(node.inputs[1] ?? '')
      if (!idx) return { unknown: `${label} picks columns given by a computed tensor` }
      const rank = rowShape ? rowShape.length + 1 : 2
      const axis = op === 'Gather' ? onnxAttrInt(node, 'axis', 0) : -1
      if ((axis < 0 ? axis + rank : axis) !== 1 || rank !== 2)
        return { unknown: `${label} does not pick columns of a [N, C] tensor` }
      return {
        players: Int32Array.from(idx, (i) => players[i < 0 ? i + w : i] ?? -1),
        rowShape: [idx.length],
      }
    }
    case 'Slice': {
      const [starts, ends, axes, steps] = [1, 2, 3, 4].map((k) =>
        node.inputs[k] ? constant(node.inputs[k]) : null,
      )
      const rank = rowShape ? rowShape.length + 1 : 2
      if (!starts || !ends || starts.length !== 1 || rank !== 2)
        return { unknown: `${label} is not a constant column slice` }
      const axis = axes ? axes[0]! : 0
      if ((axis < 0 ? axis + rank : axis) !== 1) return { unknown: `${label} slices rows` }
      const step = steps ? steps[0]! : 1
      const clamp = (v: number, lo: number, hi: number) =>
        Math.min(Math.max(v < 0 ? v + w : v, lo), hi)
      const out: number[] = []
      if (step > 0)
        for (let i = clamp(starts[0]!, 0, w); i < clamp(ends[0]!, 0, w); i += step)
          out.push(players[i]!)
      else
        for (let i = clamp(starts[0]!, -1, w - 1); i > clamp(ends[0]!, -1, w - 1); i += step)
          out.push(players[i]!)
      return { players: Int32Array.from(out), rowShape: [out.length] }
    }
    case 'FeatureVectorizer': {
      const dims = onnxAttrInts(node, 'inputdimensions')
      const out: number[] = []
      for (let k = 0; k < node.inputs.length; k++) {
        const c = get(node.inputs[k]!)
        if ('unknown' in c) return c
        for (let i = 0; i < (dims[k] ?? c.players.length); i++) out.push(c.players[i] ?? -1)
      }
      return { players: Int32Array.from(out), rowShape: [out.length] }
    }
    default:
      return { unknown: `${label} is not an operator Glassbox traces columns through` }
  }
}

/** Element-wise combination of two traced tensors (broadcasting a single column). */
function combine(a: Cols, b: Cols, label: string): Cols {
  if ('unknown' in a) return a
  if ('unknown' in b) return b
  const [x, y] = a.players.length >= b.players.length ? [a, b] : [b, a]
  if (y.players.length !== 1 && y.players.length !== x.players.length)
    return {
      unknown: `${label} combines tensors of ${x.players.length} and ${y.players.length} columns`,
    }
  const out = new Int32Array(x.players.length)
  for (let i = 0; i < out.length; i++) {
    const p = x.players[i]!
    const q = y.players[y.players.length === 1 ? 0 : i]!
    if (p !== q && p !== -1 && q !== -1)
      return { unknown: `${label} combines columns of different features` }
    out[i] = p === -1 ? q : p
  }
  return { players: out, rowShape: x.rowShape }
}
