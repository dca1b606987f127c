/**
 * Batched prediction and gradients of a tfjs model: the class-of-interest probability (or its
 * gradient) of every row, in large chunks, disposing every tensor it makes.
 */
import * as tf from '@tensorflow/tfjs'
import { type GradFn, type Matrix, type PredictFn, matrix } from '../../core/types.ts'
import { ModelError } from '../errors.ts'
import { modelCallGuarded } from '../faults.ts'
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
  const { model, info } = lm
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
      const y = tf.tidy(() => {
        const t = tf.tensor2d(src instanceof Float32Array ? src : Float32Array.from(src), [
          r1 - r0,
          x.cols,
        ])
        const o = runGuarded(model, t)
        return info.outputWidth === 1
          ? o.reshape([r1 - r0])
          : o.slice([0, col], [r1 - r0, 1]).reshape([r1 - r0])
      })
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
