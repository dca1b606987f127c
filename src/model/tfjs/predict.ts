/**
 * Batched prediction and gradients of a tfjs model: the class-of-interest probability (or its
 * gradient) of every row, in large chunks, disposing every tensor it makes.
 */
import * as tf from '@tensorflow/tfjs'
import { type GradFn, type Matrix, type PredictFn, matrix } from '../../core/types.ts'
import { ModelError } from '../errors.ts'
import { modelCallGuarded } from '../faults.ts'
import { firstFailingRow, tfKernelErrorTranslate } from './kernelErrors.ts'
import type { TfModel } from './load.ts'

/** runModel behind the fault hook, with allocation failures turned into OutOfMemoryError. */
function runGuarded(model: tf.LayersModel | tf.GraphModel, x: tf.Tensor2D): tf.Tensor {
  return modelCallGuarded(x.shape[0], () => runModel(model, x))
}

/** One forward pass of a [n, width] tensor; the caller disposes the result. */
export function runModel(model: tf.LayersModel | tf.GraphModel, x: tf.Tensor2D): tf.Tensor {
  if (model instanceof tf.GraphModel) {
    const out = model.execute(x)
    if (Array.isArray(out)) throw new ModelError('graph model returned several outputs')
    return out
  }
  return model.apply(x) as tf.Tensor
}

/** Row-major Float32 view of a block of rows. */
const f32 = (src: Float32Array | Float64Array): Float32Array =>
  src instanceof Float32Array ? src : Float32Array.from(src)

/**
 * The class-of-interest column of one chunk of `n` rows (the caller disposes it). A TensorFlow.js
 * kernel error (an Embedding index out of range, …) becomes the model's problem, naming the first
 * failing row (0-based, counted from `firstRow`) — see kernelErrors.ts.
 */
function predictChunk(
  lm: TfModel,
  src: Float32Array | Float64Array,
  n: number,
  cols: number,
  col: number,
  firstRow: number,
): tf.Tensor {
  const { model, info } = lm
  const run = (data: Float32Array, rows: number): tf.Tensor =>
    tf.tidy(() => {
      const o = runGuarded(model, tf.tensor2d(data, [rows, cols]))
      return info.outputWidth === 1
        ? o.reshape([rows])
        : o.slice([0, col], [rows, 1]).reshape([rows])
    })
  const data = f32(src)
  try {
    return run(data, n)
  } catch (e) {
    if (!(e instanceof Error) || e.name !== 'Error') throw e
    const at = firstFailingRow(n, (a, b) => run(data.subarray(a * cols, b * cols), b - a).dispose())
    throw tfKernelErrorTranslate(e, info.name, at === null ? null : firstRow + at)
  }
}

/** Rows per forward pass: big enough to amortise dispatch, small enough for GPU memory. */
export const PREDICT_CHUNK_ROWS = 32768

/** Rows per gradient pass (a backward pass holds the activations: smaller than a forward one). */
export const GRAD_CHUNK_ROWS = 8192

/**
 * A PredictFn over a loaded model: probability of class `classIndex` (ignored for a sigmoid
 * output). Predicts in chunks of `chunkRows` and disposes every tensor it makes.
 */
export function tfPredictFn(
  lm: TfModel,
  classIndex: number,
  chunkRows = PREDICT_CHUNK_ROWS,
): PredictFn {
  const { info } = lm
  const col = info.outputWidth === 1 ? 0 : classIndex
  if (col < 0 || col >= info.outputWidth)
    throw new ModelError(
      `class ${classIndex} does not exist: the model has ${info.outputWidth} outputs`,
    )
  return async (x: Matrix) => {
    if (x.cols !== info.inputWidth)
      throw new ModelError(`input has ${x.cols} columns, the model expects ${info.inputWidth}`)
    const out = new Float32Array(x.rows)
    for (let r0 = 0; r0 < x.rows; r0 += chunkRows) {
      const r1 = Math.min(x.rows, r0 + chunkRows)
      const src = x.data.subarray(r0 * x.cols, r1 * x.cols)
      const y = predictChunk(lm, src, r1 - r0, x.cols, col, r0)
      const d = (await y.data()) as Float32Array
      y.dispose()
      out.set(d, r0)
    }
    return out
  }
}

/** A GradFn: ∂p_class/∂x for each row, batched like tfPredictFn. */
export function tfGradFn(lm: TfModel, classIndex: number, chunkRows = GRAD_CHUNK_ROWS): GradFn {
  const { model, info } = lm
  const col = info.outputWidth === 1 ? 0 : classIndex
  const f = (t: tf.Tensor): tf.Tensor => {
    const o = runGuarded(model, t as tf.Tensor2D)
    return info.outputWidth === 1 ? o.sum() : o.slice([0, col], [-1, 1]).sum()
  }
  const g = tf.grad(f)
  return async (x: Matrix) => {
    const out = new Float32Array(x.rows * x.cols)
    for (let r0 = 0; r0 < x.rows; r0 += chunkRows) {
      const r1 = Math.min(x.rows, r0 + chunkRows)
      const src = x.data.subarray(r0 * x.cols, r1 * x.cols)
      const gr = tf.tidy(() =>
        g(
          tf.tensor2d(src instanceof Float32Array ? src : Float32Array.from(src), [
            r1 - r0,
            x.cols,
          ]),
        ),
      )
      out.set((await gr.data()) as Float32Array, r0 * x.cols)
      gr.dispose()
    }
    return matrix(out, x.rows, x.cols)
  }
}
