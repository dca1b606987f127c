/**
 * Shared numeric and data types of the pure core. Nothing here imports React, the DOM or tfjs.
 */

/** Row-major dense matrix. `data.length === rows * cols`. */
export type Matrix = {
  readonly data: Float32Array | Float64Array
  readonly rows: number
  readonly cols: number
}

/**
 * Builds a Matrix after checking its shape.
 * @example matrix(new Float32Array(6), 2, 3)
 */
export function matrix(data: Float32Array | Float64Array, rows: number, cols: number): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`a matrix shape needs whole numbers ≥ 0, got ${rows}x${cols}`)
  }
  if (data.length !== rows * cols) {
    throw new RangeError(
      `${data.length} values for a ${rows}x${cols} matrix, which needs ${rows * cols}`,
    )
  }
  return { data, rows, cols }
}

/** A view of row `r` of `m` (no copy). */
export function matrixRow(m: Matrix, r: number): Float32Array | Float64Array {
  return m.data.subarray(r * m.cols, (r + 1) * m.cols)
}

/**
 * The model as the core sees it: a batched, asynchronous map from encoded rows to the
 * probability of the class of interest, one value per row, in [0, 1].
 * Async because GPU backends have no synchronous read-back.
 */
export type PredictFn = (x: Matrix) => Promise<Float32Array>

/**
 * Batched gradient of the class-of-interest probability with respect to the encoded input:
 * returns a matrix of the same shape as `x` (row i = ∂f/∂x at x_i).
 */
export type GradFn = (x: Matrix) => Promise<Matrix>

/** Progress callback: `done` out of `total` units of work. */
export type ProgressFn = (done: number, total: number) => void

/** Cooperative cancellation: throws (an AbortError) when the job was cancelled. */
export type CheckCancel = () => void | Promise<void>
