/**
 * Out-of-memory failures of model calls, whatever the runtime: the error every runtime turns its
 * allocation failures into, and the fault injection tests use instead of a real one (a real wasm
 * out-of-memory aborts the module, so the recovery path — worker restart, smaller chunks — is
 * tested with this).
 */

/** A model call ran out of memory: an allocation failure of the runtime, or injected. */
export class OutOfMemoryError extends Error {
  override name = 'OutOfMemoryError'
}

/**
 * Fault injection for tests: while `oomAboveRows` is set, every model call (predict or gradient)
 * on more rows throws OutOfMemoryError. null = off.
 */
export const modelFaults: { oomAboveRows: number | null } = { oomAboveRows: null }

const OOM_MESSAGE =
  /out of memory|allocation failed|cannot enlarge memory|failed to allocate|\bOOM\b/i

/**
 * Runs one model call on `rows` rows behind the fault hook, turning allocation failures into
 * OutOfMemoryError (other errors pass through unchanged).
 * @example const y = modelCallGuarded(x.rows, () => model.apply(x))
 */
export function modelCallGuarded<T>(rows: number, call: () => T): T {
  if (modelFaults.oomAboveRows !== null && rows > modelFaults.oomAboveRows)
    throw new OutOfMemoryError(`out of memory running the model on ${rows} rows (injected)`)
  try {
    return call()
  } catch (e) {
    const msg = (e as Error)?.message ?? String(e)
    if (OOM_MESSAGE.test(msg))
      throw new OutOfMemoryError(`out of memory running the model on ${rows} rows (${msg})`)
    throw e
  }
}
