/**
 * Whether a dotted report path (a `--fail-on` gate's PATH) can exist in a report v1, decided from
 * the published JSON Schema (public/schema/report.v1.json) before any work is done: fixed keys
 * must be ones the schema names at that level; keys of maps (groups, rows, features, schemes) and
 * array indices are free. A path that passes can still be absent from a given report (a section
 * that was not computed); that is reported when the gate is evaluated.
 */
import schema from '../../public/schema/report.v1.json' with { type: 'json' }

/** The part of a JSON Schema node this walk reads. */
type Node = {
  $ref?: string
  properties?: Record<string, Node>
  additionalProperties?: boolean | Node
  patternProperties?: Record<string, Node>
  items?: Node
  type?: string | string[]
  oneOf?: Node[]
  anyOf?: Node[]
  allOf?: Node[]
}

const root = schema as unknown as Node & { $defs?: Record<string, Node> }

/** `node` with its `$ref` (to `#/$defs/…`) followed. */
function deref(node: Node): Node {
  let n = node
  for (let hops = 0; n.$ref && hops < 16; hops++) {
    const name = /^#\/\$defs\/(.+)$/.exec(n.$ref)?.[1]
    const target = name === undefined ? undefined : root.$defs?.[name]
    if (!target) return {}
    n = target
  }
  return n
}

/** The nodes a value at `node` may match (its combinator branches, flattened). */
function branches(node: Node): Node[] {
  const n = deref(node)
  const more = [...(n.oneOf ?? []), ...(n.anyOf ?? []), ...(n.allOf ?? [])]
  return more.length === 0 ? [n] : [n, ...more.flatMap(branches)]
}

/** The schema nodes `key` leads to from `node`'s branches (empty: not allowed there). */
function step(node: Node, key: string): Node[] {
  const out: Node[] = []
  for (const b of branches(node)) {
    const prop = b.properties && Object.hasOwn(b.properties, key) ? b.properties[key] : undefined
    if (prop) out.push(prop)
    for (const [pattern, n] of Object.entries(b.patternProperties ?? {}))
      if (new RegExp(pattern, 'u').test(key)) out.push(n)
    if (!prop && typeof b.additionalProperties === 'object') out.push(b.additionalProperties)
    if (b.items && /^\d+$/.test(key)) out.push(b.items)
  }
  return out
}

/** The fixed keys the schema names at `nodes` (for the message). */
function known(nodes: Node[]): string[] {
  return [
    ...new Set(nodes.flatMap((n) => branches(n).flatMap((b) => Object.keys(b.properties ?? {})))),
  ]
}

/**
 * Why `path` cannot name a value in any report v1, or null when it can.
 * @example reportPathProblem(['calibration', 'ecee']) // 'unknown report path calibration.ecee (calibration has: ece, mce, bins, …)'
 */
export function reportPathProblem(path: readonly string[]): string | null {
  let at: Node[] = [root]
  for (let i = 0; i < path.length; i++) {
    const next = at.flatMap((n) => step(n, path[i]!))
    if (next.length === 0) {
      const where = i === 0 ? 'a report' : path.slice(0, i).join('.')
      const keys = known(at)
      return `unknown report path ${path.slice(0, i + 1).join('.')}${keys.length ? ` (${where} has: ${keys.join(', ')})` : ''}`
    }
    at = next
  }
  return null
}
