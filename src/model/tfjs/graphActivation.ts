/**
 * The final activation of a tfjs GraphModel read from its graph: the op that produces the output,
 * found by walking back from the output tensor through pass-through ops (Identity and its kin,
 * which converters put between the last layer and the named output).
 */

/** A node of a GraphModel's topology (the fields this reads). */
export type GraphNode = { name: string; op: string; input?: readonly string[] }

/** Ops that pass their input through unchanged. IdentityN passes input k to output k. */
const PASS_THROUGH = new Set(['Identity', 'IdentityN', 'StopGradient', 'Snapshot', 'EnsureShape'])

/** Activations the card names, by op (others stay 'unknown': the output check decides). */
const ACTIVATION_OF: Readonly<Record<string, string>> = { Sigmoid: 'sigmoid', Softmax: 'softmax' }

/** Splits a tensor reference ("node:1", "node", "^node" control input) into node and output. */
function tensorRef(ref: string): { node: string; output: number } {
  const s = ref.startsWith('^') ? ref.slice(1) : ref
  const m = /^(.*):(\d+)$/.exec(s)
  return m ? { node: m[1]!, output: Number(m[2]) } : { node: s, output: 0 }
}

/**
 * The op producing output tensor `output` ("probabilities:0", "Identity", …) after walking back
 * through pass-through ops, or null when a node is missing from `nodes` or the walk loops.
 * @example graphOutputOp(nodes, 'Identity:0') // 'Softmax' for Softmax → Identity
 */
export function graphOutputOp(nodes: readonly GraphNode[], output: string): string | null {
  const byName = new Map(nodes.map((n) => [n.name, n]))
  let ref = tensorRef(output)
  for (let steps = 0; steps <= nodes.length; steps++) {
    const n = byName.get(ref.node)
    if (!n) return null
    if (!PASS_THROUGH.has(n.op)) return n.op
    const data = (n.input ?? []).filter((i) => !i.startsWith('^'))
    const next = data[n.op === 'IdentityN' ? ref.output : 0]
    if (next === undefined) return null
    ref = tensorRef(next)
  }
  return null
}

/**
 * The card's activation of a GraphModel: 'sigmoid' or 'softmax' for the op behind the output
 * (through Identity nodes), 'unknown' for any other op or an output not found in the graph.
 */
export function graphActivation(nodes: readonly GraphNode[], output: string): string {
  const op = graphOutputOp(nodes, output)
  return (op !== null && Object.hasOwn(ACTIVATION_OF, op) && ACTIVATION_OF[op]) || 'unknown'
}

/**
 * The output tensor's name in the graph: the signature's tensor name for `outputNode` when the
 * model has a signature keyed by it (converters key outputs by "output_0" while the node is
 * "Identity"), else `outputNode` itself.
 */
export function graphOutputTensor(signature: unknown, outputNode: string): string {
  const outputs = (signature as { outputs?: Record<string, { name?: unknown }> } | undefined)
    ?.outputs
  const key = outputNode.split(':')[0]!
  const name = outputs && Object.hasOwn(outputs, key) ? outputs[key]?.name : undefined
  return typeof name === 'string' ? name : outputNode
}
