/**
 * TensorFlow.js kernel errors said as the model's or the data's problem. A kernel throws
 * "GatherV2: the index value 7 is not in [0, 4]" — an op name and an index, no file, no row. At
 * the model seam we find the first row that fails (bisection over the chunk: a kernel error is a
 * property of a row, so halves that pass hold no culprit) and name the model, the 0-based data row and
 * the value, with what to do.
 */
import { ValueError } from '../../core/errors.ts'

/** A kernel error read apart: the op, the value it complained about, and advice in words. */
export type KernelErrorReading = {
  /** The TensorFlow.js op (e.g. "GatherV2"). */
  op: string
  /** The value the op named (the index), or the whole kernel text when none is found. */
  value: number | string
  /** The problem in the model's / data's words, with what to do. */
  problem: string
  /** What the value is, in words. */
  subject: string
}

const GATHER = /^(GatherV2|Gather|GatherNd):\s*the index value (-?\d+) is not in \[0, (-?\d+)\]/
const KERNEL = /^([A-Z][A-Za-z0-9]+):\s*(.*)$/s

/**
 * Reads a TensorFlow.js kernel error message; null when it is not one (no `OpName: …` prefix).
 * @example tfKernelErrorRead('GatherV2: the index value 7 is not in [0, 4]')?.value // 7
 */
export function tfKernelErrorRead(message: string): KernelErrorReading | null {
  const g = GATHER.exec(message)
  if (g) {
    const n = Number(g[3]) + 1
    return {
      op: g[1]!,
      value: Number(g[2]),
      subject: 'the index that an Embedding (lookup) layer of the model reads from the input',
      problem: `outside the layer's ${n} entries [0, ${n - 1}] — the input this row encodes to is not a valid category index for that layer; Glassbox feeds the schema's encoding (standardized numbers, one-hot categories), so a model that embeds integer codes needs them as its own input (re-export it to take the schema's encoding, or take the codes out of the network)`,
    }
  }
  const k = KERNEL.exec(message)
  if (!k) return null
  return {
    op: k[1]!,
    value: k[2]!.split('\n')[0]!,
    subject: `the TensorFlow.js operation ${k[1]!} of the model`,
    problem:
      'an error inside the network for this row — check that the model takes the schema’s encoded input as it is',
  }
}

/**
 * The first row of `x` (rows × cols, row-major) on which `run` throws, by bisection; `run` must
 * throw on a block of rows iff it throws on one of them. null when no single row fails.
 * @param run runs the model on rows [a, b) and disposes everything it made.
 */
export function firstFailingRow(rows: number, run: (a: number, b: number) => void): number | null {
  const fails = (a: number, b: number): boolean => {
    try {
      run(a, b)
      return false
    } catch {
      return true
    }
  }
  let a = 0
  let b = rows
  if (rows === 0 || !fails(a, b)) return null
  while (b - a > 1) {
    const mid = a + Math.floor((b - a) / 2)
    if (fails(a, mid)) b = mid
    else a = mid
  }
  return a
}

/**
 * `e` as the model's problem when it is a TensorFlow.js kernel error: a {@link ValueError} naming
 * `source` (the model file), the 0-based data row `row1` (null when unknown) and the kernel's value;
 * any other error unchanged.
 */
export function tfKernelErrorTranslate(e: unknown, source: string, row1: number | null): unknown {
  if (!(e instanceof Error) || e.name !== 'Error') return e
  const r = tfKernelErrorRead(e.message)
  if (!r) return e
  return new ValueError({
    subject: r.subject,
    row: row1,
    value: r.value,
    problem: r.problem,
    source,
    where: r.op,
  })
}
