/**
 * Exact integrated gradients for piecewise-linear ReLU networks (float64 {@link Mlp} with relu
 * or linear hidden layers and any output activation). Along the straight path
 * x(α) = x' + α(x − x') every hidden pre-activation is affine in α between the points where some
 * ReLU switches, so the path is split at those kinks, layer by layer. Within a piece the output
 * logits z(α) are affine and ∂z/∂x is a constant Jacobian J, hence
 *   ∫ ∂f/∂x dα = Σ_o J_oᵀ ∫ ∂f/∂z_o(z(α)) dα,
 * integrated in closed form for a single sigmoid / tanh / linear output
 * (∫ σ′(z(α)) dα = Δσ/ż) and by 32-point Gauss–Legendre (≈ machine precision on a short smooth
 * piece) for softmax. No step count, no discretisation error beyond rounding.
 */
import { type Mlp } from '../mlp.ts'
import { gaussLegendre } from './quadrature.ts'

/** Result for one row: IG per encoded input, the number of linear pieces, and the gap. */
export type IgExactResult = {
  igEncoded: Float64Array
  /** Linear pieces the path was split into. */
  pieces: number
  /** ΣIG − (f(x) − f(x')), rounding only. */
  completenessGap: number
}

/** Pre-activations of every layer at one input (no activation applied to the returned arrays). */
function preActivations(mlp: Mlp, x: Float64Array): Float64Array[] {
  const out: Float64Array[] = []
  let a = x
  for (const layer of mlp.layers) {
    const z = Float64Array.from(layer.bias)
    for (let i = 0; i < layer.inputs; i++) {
      const v = a[i]!
      if (v === 0) continue
      for (let u = 0; u < layer.units; u++) z[u] = z[u]! + v * layer.kernel[i * layer.units + u]!
    }
    out.push(z)
    const next = new Float64Array(layer.units)
    for (let u = 0; u < layer.units; u++)
      next[u] = layer.activation === 'relu' ? Math.max(0, z[u]!) : z[u]!
    a = next
  }
  return out
}

function pointAt(x0: Float64Array, d: Float64Array, alpha: number): Float64Array {
  const p = new Float64Array(x0.length)
  for (let j = 0; j < p.length; j++) p[j] = x0[j]! + alpha * d[j]!
  return p
}

/** Jacobian row ∂z_L[o]/∂x with the ReLU pattern of `pre` (pre-activations at the piece's midpoint). */
function logitGradient(mlp: Mlp, pre: Float64Array[], o: number): Float64Array {
  const L = mlp.layers.length
  let delta = new Float64Array(mlp.layers[L - 1]!.units)
  delta[o] = 1
  for (let l = L - 1; l >= 0; l--) {
    const layer = mlp.layers[l]!
    const back = new Float64Array(layer.inputs)
    for (let i = 0; i < layer.inputs; i++) {
      let s = 0
      for (let u = 0; u < layer.units; u++) s += layer.kernel[i * layer.units + u]! * delta[u]!
      back[i] = s
    }
    if (l > 0) {
      const prev = mlp.layers[l - 1]!
      const z = pre[l - 1]!
      if (prev.activation === 'relu')
        for (let i = 0; i < back.length; i++) if (!(z[i]! > 0)) back[i] = 0
    }
    delta = back
  }
  return delta
}

function outputValue(act: Mlp['layers'][number]['activation'], z: Float64Array, c: number): number {
  switch (act) {
    case 'sigmoid':
      return 1 / (1 + Math.exp(-z[c]!))
    case 'tanh':
      return Math.tanh(z[c]!)
    case 'linear':
    case 'relu':
      return act === 'relu' ? Math.max(0, z[c]!) : z[c]!
    case 'softmax': {
      let mx = -Infinity
      for (const v of z) mx = Math.max(mx, v)
      let s = 0
      for (const v of z) s += Math.exp(v - mx)
      return Math.exp(z[c]! - mx) / s
    }
  }
}

/**
 * Exact IG of `mlp` at `x` from baseline `baseline` (both encoded rows).
 * @throws RangeError when a hidden layer is not relu/linear (the path is then not piecewise
 *   linear) or sizes mismatch.
 * @example igExactPiecewiseLinear(mlp, xRow, backgroundMean(bg)).igEncoded
 */
export function igExactPiecewiseLinear(
  mlp: Mlp,
  x: ArrayLike<number>,
  baseline: ArrayLike<number>,
): IgExactResult {
  const w = mlp.inputs
  if (x.length !== w || baseline.length !== w)
    throw new RangeError(`exact integrated gradients: rows must have ${w} values`)
  const L = mlp.layers.length
  for (let l = 0; l < L - 1; l++) {
    const a = mlp.layers[l]!.activation
    if (a !== 'relu' && a !== 'linear')
      throw new RangeError(
        `exact integrated gradients: hidden layer ${l} is ${a}; only relu/linear are piecewise linear`,
      )
  }
  const x0 = Float64Array.from(baseline)
  const d = new Float64Array(w)
  for (let j = 0; j < w; j++) d[j] = x[j]! - x0[j]!

  // Split [0, 1] at the kinks of each hidden ReLU layer in turn.
  let cuts = [0, 1]
  for (let l = 0; l < L - 1; l++) {
    if (mlp.layers[l]!.activation !== 'relu') continue
    const next: number[] = [cuts[0]!]
    for (let s = 0; s + 1 < cuts.length; s++) {
      const a = cuts[s]!
      const b = cuts[s + 1]!
      const za = preActivations(mlp, pointAt(x0, d, a))[l]!
      const zb = preActivations(mlp, pointAt(x0, d, b))[l]!
      const roots: number[] = []
      for (let u = 0; u < za.length; u++) {
        const p = za[u]!
        const q = zb[u]!
        if ((p < 0 && q > 0) || (p > 0 && q < 0)) {
          const t = a + ((b - a) * p) / (p - q)
          if (t > a && t < b) roots.push(t)
        }
      }
      roots.sort((u, v) => u - v)
      for (const t of roots) if (t > next[next.length - 1]!) next.push(t)
      if (b > next[next.length - 1]!) next.push(b)
    }
    cuts = next
  }

  const last = mlp.layers[L - 1]!
  const c = mlp.classIndex
  const total = new Float64Array(w)
  const gl = gaussLegendre(32)
  for (let s = 0; s + 1 < cuts.length; s++) {
    const a = cuts[s]!
    const b = cuts[s + 1]!
    const len = b - a
    const mid = preActivations(mlp, pointAt(x0, d, (a + b) / 2))
    const zA = preActivations(mlp, pointAt(x0, d, a))[L - 1]!
    const zB = preActivations(mlp, pointAt(x0, d, b))[L - 1]!
    // Output weights: ∫_a^b ∂f/∂z_o dα for each logit o.
    const outs = last.units
    const integ = new Float64Array(outs)
    if (last.activation === 'softmax') {
      const z = new Float64Array(outs)
      for (let k = 0; k < gl.nodes.length; k++) {
        const t = gl.nodes[k]!
        for (let o = 0; o < outs; o++) z[o] = zA[o]! + t * (zB[o]! - zA[o]!)
        let mx = -Infinity
        for (const v of z) mx = Math.max(mx, v)
        let sum = 0
        for (let o = 0; o < outs; o++) sum += Math.exp(z[o]! - mx)
        const pc = Math.exp(z[c]! - mx) / sum
        for (let o = 0; o < outs; o++) {
          const po = Math.exp(z[o]! - mx) / sum
          integ[o] = integ[o]! + gl.weights[k]! * len * pc * ((o === c ? 1 : 0) - po)
        }
      }
    } else {
      const dz = zB[c]! - zA[c]!
      const act = last.activation
      if (act === 'linear') integ[c] = len
      else if (act === 'relu') {
        // Output ReLU: piecewise; integrate its indicator over the affine logit exactly.
        const p = zA[c]!
        const q = zB[c]!
        const frac = p > 0 && q > 0 ? 1 : p <= 0 && q <= 0 ? 0 : p > 0 ? p / (p - q) : q / (q - p)
        integ[c] = len * frac
      } else if (Math.abs(dz) > 1e-7) {
        const fa = outputValue(act, zA, c)
        const fb = outputValue(act, zB, c)
        integ[c] = ((fb - fa) / dz) * len
      } else {
        // Nearly constant logit: midpoint value of the derivative (error O(dz²)).
        const zm = (zA[c]! + zB[c]!) / 2
        const fm = act === 'sigmoid' ? 1 / (1 + Math.exp(-zm)) : Math.tanh(zm)
        integ[c] = (act === 'sigmoid' ? fm * (1 - fm) : 1 - fm * fm) * len
      }
    }
    for (let o = 0; o < outs; o++) {
      if (integ[o] === 0) continue
      const gz = logitGradient(mlp, mid, o)
      for (let j = 0; j < w; j++) total[j] = total[j]! + integ[o]! * gz[j]!
    }
  }
  const ig = new Float64Array(w)
  let sum = 0
  for (let j = 0; j < w; j++) {
    ig[j] = d[j]! * total[j]!
    sum += ig[j]!
  }
  const fX = outputValue(last.activation, preActivations(mlp, pointAt(x0, d, 1))[L - 1]!, c)
  const fB = outputValue(last.activation, preActivations(mlp, x0)[L - 1]!, c)
  return { igEncoded: ig, pieces: cuts.length - 1, completenessGap: sum - (fX - fB) }
}
