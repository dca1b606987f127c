/**
 * Named weight tensors and the helpers every quantization scheme shares: shape arithmetic (a
 * tensor of rank ≥ 2 is a kernel whose last axis is the output channel), validation, and numpy's
 * round half to even.
 */

import { ValueError } from '../errors.ts'

/** A named weight tensor: row-major float32 values of shape `shape` (tfjs/Keras order). */
export type WeightTensor = {
  readonly name: string
  readonly shape: readonly number[]
  readonly data: Float32Array
}

/**
 * `v` rounded to the nearest integer, ties to the even one (numpy's `round`).
 * @example roundHalfEven(2.5) // 2; roundHalfEven(-3.5) // -4
 */
export function roundHalfEven(v: number): number {
  const r = Math.round(v) // ties toward +Infinity
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** True for a kernel (rank ≥ 2), which the int and prune schemes quantize. */
export function tensorIsKernel(t: Pick<WeightTensor, 'shape'>): boolean {
  return t.shape.length >= 2
}

/** Number of values of a tensor: the product of its shape (1 for a scalar). */
export function tensorSize(t: Pick<WeightTensor, 'shape'>): number {
  return t.shape.reduce((a, b) => a * b, 1)
}

/** Output channels (last axis) of a kernel; 1 for a tensor of rank < 2 (one channel). */
export function tensorChannels(t: Pick<WeightTensor, 'shape'>): number {
  return t.shape.length >= 2 ? t.shape[t.shape.length - 1]! : 1
}

/**
 * Checks a weight tensor before quantizing it.
 * @param fn the scheme's function, kept in the error's `where` for debugging (never shown).
 * @throws ValueError naming the weight, its flat index and value when a value is NaN or ±Infinity
 *   (the model file holds it); RangeError naming the weight when its value count does not match
 *   its shape.
 */
export function tensorCheck(fn: string, t: WeightTensor): void {
  if (t.data.length !== tensorSize(t))
    throw new RangeError(`weight "${t.name}" has ${t.data.length} values, its shape [${t.shape}]`)
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i]!
    if (!Number.isFinite(v)) {
      throw new ValueError({
        subject: `weight "${t.name}" (value ${i} of ${t.data.length})`,
        row: null,
        value: v,
        problem:
          'not a finite number — the model file holds a NaN or infinite weight, so it cannot be quantized (retrain or re-export the model)',
        where: fn,
      })
    }
  }
}

/** A copy of `t`'s name and shape with new values `data` (same length, not checked). */
export const tensorWithData = (t: WeightTensor, data: Float32Array): WeightTensor => ({
  name: t.name,
  shape: [...t.shape],
  data,
})
