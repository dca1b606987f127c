/**
 * The analytic input gradient ∂f/∂x of a dense network, by backpropagation in float64.
 */
import { type GradFn, type Matrix, matrix } from '../types.ts'
import { type Activation, type Mlp, mlpCheckInput, mlpForwardRow } from './network.ts'

/**
 * ∂f/∂x for every row (rows × inputs, float64), by backpropagation. relu′(0) = 0 (the
 * convention of tfjs and of the golden fixture).
 */
export function mlpGradient(mlp: Mlp, x: Matrix): Matrix {
  mlpCheckInput(mlp, x)
  const L = mlp.layers.length
  const acts = mlp.layers.map((l) => new Float64Array(l.units))
  const deltas = mlp.layers.map((l) => new Float64Array(l.units))
  const out = new Float64Array(x.rows * x.cols)
  const gIn = new Float64Array(x.cols)
  for (let r = 0; r < x.rows; r++) {
    mlpForwardRow(mlp, x, r, acts)
    // δ_L = ∂f/∂z_L
    const lastLayer = mlp.layers[L - 1]!
    const a = acts[L - 1]!
    const d = deltas[L - 1]!
    d.fill(0)
    const c = mlp.classIndex
    if (lastLayer.activation === 'softmax') {
      for (let j = 0; j < lastLayer.units; j++) d[j] = a[c]! * ((j === c ? 1 : 0) - a[j]!)
    } else d[c] = activationDerivative(lastLayer.activation, a[c]!)
    for (let l = L - 1; l > 0; l--) {
      const layer = mlp.layers[l]!
      const prev = mlp.layers[l - 1]!
      const dl = deltas[l]!
      const dp = deltas[l - 1]!
      const ap = acts[l - 1]!
      for (let i = 0; i < layer.inputs; i++) {
        let s = 0
        const k = i * layer.units
        for (let u = 0; u < layer.units; u++) s += layer.kernel[k + u]! * dl[u]!
        dp[i] = s * activationDerivative(prev.activation, ap[i]!)
      }
    }
    const first = mlp.layers[0]!
    const d0 = deltas[0]!
    for (let i = 0; i < first.inputs; i++) {
      let s = 0
      const k = i * first.units
      for (let u = 0; u < first.units; u++) s += first.kernel[k + u]! * d0[u]!
      gIn[i] = s
    }
    out.set(gIn, r * x.cols)
  }
  return matrix(out, x.rows, x.cols)
}

/** Derivative of an elementwise activation expressed through its output a = act(z). */
function activationDerivative(act: Activation, a: number): number {
  switch (act) {
    case 'linear':
      return 1
    case 'relu':
      return a > 0 ? 1 : 0
    case 'sigmoid':
      return a * (1 - a)
    case 'tanh':
      return 1 - a * a
    case 'softmax':
      throw new RangeError(
        'the model applies softmax before its last layer: softmax only on the output layer is supported',
      )
  }
}

/** The network's input gradient as a core `GradFn` (float64 matrix). */
export function mlpGradFn(mlp: Mlp): GradFn {
  return (x) => Promise.resolve(mlpGradient(mlp, x))
}
