/**
 * Named weight tensors and the helpers every quantization scheme shares: shape arithmetic (a
 * tensor of rank ≥ 2 is a kernel whose last axis is the output channel), validation, and numpy's
 * round half to even.
 */

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
 * @throws RangeError naming `fn` and the tensor when its value count does not match its shape or
 *   a value is not finite.
 */
export function tensorCheck(fn: string, t: WeightTensor): void {
  if (t.data.length !== tensorSize(t))
    throw new RangeError(`${fn}: ${t.name} has ${t.data.length} values, shape [${t.shape}]`)
  for (let i = 0; i < t.data.length; i++)
    if (!Number.isFinite(t.data[i]!)) throw new RangeError(`${fn}: ${t.name}[${i}] is not finite`)
}

/** A copy of `t`'s name and shape with new values `data` (same length, not checked). */
export const tensorWithData = (t: WeightTensor, data: Float32Array): WeightTensor => ({
  name: t.name,
  shape: [...t.shape],
  data,
})
