/**
 * Kernel SHAP (Lundberg & Lee 2017) for M players under a budget of coalition evaluations:
 * - coalition sizes are enumerated completely first, in pairs (s, M − s) from the smallest,
 *   while the budget share their Shapley-kernel mass earns covers them (shap's rule);
 * - the rest of the budget is drawn in true complement pairs (S and its complement, never the
 *   same S twice in one draw), sizes ∝ the remaining kernel mass, uniform within a size;
 *   repeats are evaluated once and count twice;
 * - weighted least squares with the efficiency constraint Σφ = f(x) − v(∅) imposed exactly by
 *   eliminating the last player's value;
 * - a per-player standard error from G independent sub-estimates (batch means): the sampled
 *   pairs are dealt round-robin into G groups, each sub-estimate uses the enumerated part plus
 *   one group (its weights scaled up), and se = sd(sub-estimates)/√G.
 * The design depends only on (M, budget, rng), so one design and one factorisation serve all
 * explained rows of a job.
 */
import type { Rng } from '../random.ts'
import { type LuFactors, luFactorRidge, luSolve } from '../linalg/lu.ts'

/** The coalitions to evaluate and how they enter the regression. */
export type KernelDesign = {
  readonly M: number
  /** Number of distinct coalitions to evaluate (≤ budget). */
  readonly nCoal: number
  /** Membership, nCoal × M (1 = the player takes the explained row's value). */
  readonly member: Uint8Array
  /** Regression weight of each coalition from the enumerated sizes (0 if sampled only). */
  readonly enumWeight: Float64Array
  /** Per group g: coalition indices and their weights in that group's sub-sample. */
  readonly groups: readonly {
    readonly coal: Int32Array
    readonly weight: Float64Array
    readonly scale: number
  }[]
  /** Sizes enumerated completely (both s and M − s). */
  readonly enumeratedSizes: readonly number[]
  /** Number of complement-pair draws. */
  readonly draws: number
}

function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0
  let b = 1
  for (let i = 1; i <= k; i++) b = (b * (n - k + i)) / i
  return Math.round(b)
}

/** Calls `visit(indices)` for every k-subset of 0 … n − 1 in lexicographic order. */
function forEachCombination(n: number, k: number, visit: (idx: Int32Array) => void): void {
  const idx = new Int32Array(k)
  for (let i = 0; i < k; i++) idx[i] = i
  for (;;) {
    visit(idx)
    let i = k - 1
    while (i >= 0 && idx[i] === n - k + i) i--
    if (i < 0) return
    idx[i]!++
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1
  }
}

/**
 * Builds the Kernel SHAP design for M ≥ 2 players within `budget` coalition evaluations
 * (excluding ∅ and the full set), sampling with `rng`, with `nGroups` sub-samples for the
 * standard error (reduced when there are few draws).
 */
export function shapKernelDesign(M: number, budget: number, rng: Rng, nGroups = 10): KernelDesign {
  if (M < 2) throw new RangeError('Kernel SHAP: needs M ≥ 2')
  const member: number[] = []
  const enumW: number[] = []
  const keyOf = new Map<number | string, number>()
  const row = new Uint8Array(M)
  const key = (m: Uint8Array): number | string => {
    if (M <= 52) {
      let k = 0
      for (let i = 0; i < M; i++) if (m[i]) k += 2 ** i
      return k
    }
    let s = ''
    for (let i = 0; i < M; i++) s += m[i] ? '1' : '0'
    return s
  }
  const add = (m: Uint8Array, w: number): number => {
    const k = key(m)
    const found = keyOf.get(k)
    if (found !== undefined) {
      enumW[found] = enumW[found]! + w
      return found
    }
    const idx = enumW.length
    keyOf.set(k, idx)
    for (let i = 0; i < M; i++) member.push(m[i]!)
    enumW.push(w)
    return idx
  }

  // Kernel mass per size pair: sizes s and M − s share (M − 1)/(s(M − s)) each.
  const nSizes = Math.ceil((M - 1) / 2)
  const nPaired = Math.floor((M - 1) / 2)
  const mass = new Float64Array(nSizes)
  for (let s = 1; s <= nSizes; s++) mass[s - 1] = ((M - 1) / (s * (M - s))) * (s <= nPaired ? 2 : 1)
  let total = 0
  for (const m of mass) total += m
  for (let i = 0; i < nSizes; i++) mass[i] = mass[i]! / total
  const remaining = Float64Array.from(mass)
  let left = budget
  const enumerated: number[] = []
  let nFull = 0
  for (let s = 1; s <= nSizes; s++) {
    const count = binomial(M, s) * (s <= nPaired ? 2 : 1)
    if (!(left * remaining[s - 1]! >= count * (1 - 1e-9))) break
    nFull++
    left -= count
    enumerated.push(s)
    if (s !== M - s) enumerated.push(M - s)
    const restMass = 1 - remaining[s - 1]!
    if (restMass > 0) for (let t = s; t < nSizes; t++) remaining[t] = remaining[t]! / restMass
    const w = mass[s - 1]! / count
    forEachCombination(M, s, (idx) => {
      row.fill(0)
      for (const i of idx) row[i] = 1
      add(row, w)
      if (s <= nPaired) {
        for (let i = 0; i < M; i++) row[i] = 1 - row[i]!
        add(row, w)
      }
    })
  }

  // Complement-pair sampling over the sizes left.
  let leftMass = 0
  for (let s = nFull + 1; s <= nSizes; s++) leftMass += mass[s - 1]!
  const cum = new Float64Array(nSizes)
  let acc = 0
  for (let s = nFull + 1; s <= nSizes; s++) {
    acc += mass[s - 1]!
    cum[s - 1] = acc
  }
  const drawPairs: number[] = []
  const maxDraws = 4 * budget
  if (nFull < nSizes && leftMass > 0) {
    while (enumW.length + 2 <= budget && drawPairs.length / 2 < maxDraws) {
      const u = rng.uniform() * acc
      let s = nFull + 1
      while (s < nSizes && cum[s - 1]! <= u) s++
      const pick = rng.sampleWithoutReplacement(M, s)
      row.fill(0)
      for (const i of pick) row[i] = 1
      const a = add(row, 0)
      for (let i = 0; i < M; i++) row[i] = 1 - row[i]!
      const b = add(row, 0)
      drawPairs.push(a, b)
    }
  }
  const draws = drawPairs.length / 2
  const G = draws >= 2 * nGroups ? nGroups : Math.max(draws >= 4 ? 2 : 0, Math.floor(draws / 2))
  const groups: { coal: Int32Array; weight: Float64Array; scale: number }[] = []
  if (draws > 0) {
    const wAppear = leftMass / (2 * draws)
    const nG = Math.max(G, 1)
    for (let g = 0; g < nG; g++) {
      const per = new Map<number, number>()
      let n = 0
      for (let d = g; d < draws; d += nG) {
        n++
        for (const c of [drawPairs[2 * d]!, drawPairs[2 * d + 1]!])
          per.set(c, (per.get(c) ?? 0) + wAppear)
      }
      const coal = Int32Array.from(per.keys())
      groups.push({ coal, weight: Float64Array.from(coal, (c) => per.get(c)!), scale: draws / n })
    }
  }
  return {
    M,
    nCoal: enumW.length,
    member: Uint8Array.from(member),
    enumWeight: Float64Array.from(enumW),
    groups,
    enumeratedSizes: enumerated.sort((a, b) => a - b),
    draws,
  }
}

/** Accumulates Σ ω d dᵀ into `A` ((M−1)², row-major) for the listed coalitions. */
function addGram(
  d: KernelDesign,
  coal: ArrayLike<number>,
  weight: ArrayLike<number>,
  A: Float64Array,
): void {
  const M = d.M
  const P = M - 1
  const dv = new Float64Array(P)
  for (let t = 0; t < coal.length; t++) {
    const c = coal[t]!
    const om = weight[t]!
    if (om === 0) continue
    const zl = d.member[c * M + P]!
    for (let i = 0; i < P; i++) dv[i] = d.member[c * M + i]! - zl
    for (let i = 0; i < P; i++) {
      const di = dv[i]!
      if (di === 0) continue
      for (let j = 0; j < P; j++) A[i * P + j] = A[i * P + j]! + om * di * dv[j]!
    }
  }
}

/** Accumulates Σ ω d y into `b` where y = v(S) − base − z_last·Δ. */
function addRhs(
  d: KernelDesign,
  coal: ArrayLike<number>,
  weight: ArrayLike<number>,
  v: Float64Array,
  vOff: number,
  base: number,
  delta: number,
  b: Float64Array,
): void {
  const M = d.M
  const P = M - 1
  for (let t = 0; t < coal.length; t++) {
    const c = coal[t]!
    const om = weight[t]!
    if (om === 0) continue
    const zl = d.member[c * M + P]!
    const y = v[vOff + c]! - base - zl * delta
    for (let i = 0; i < P; i++) {
      const di = d.member[c * M + i]! - zl
      if (di !== 0) b[i] = b[i]! + om * di * y
    }
  }
}

/** Factorisations of the design's normal equations, reusable across explained rows. */
export type KernelSolver = {
  readonly design: KernelDesign
  readonly full: LuFactors
  readonly subs: readonly LuFactors[]
}

const allCoalitions = (n: number): Int32Array => {
  const a = new Int32Array(n)
  for (let i = 0; i < n; i++) a[i] = i
  return a
}

/** Factors the full and the per-group normal equations once. */
export function shapKernelSolver(d: KernelDesign): KernelSolver {
  const P = d.M - 1
  const AE = new Float64Array(P * P)
  addGram(d, allCoalitions(d.nCoal), d.enumWeight, AE)
  const groupA = d.groups.map((g) => {
    const A = new Float64Array(P * P)
    addGram(d, g.coal, g.weight, A)
    return A
  })
  const full = Float64Array.from(AE)
  for (const A of groupA) for (let i = 0; i < P * P; i++) full[i] = full[i]! + A[i]!
  const subs =
    d.groups.length >= 2
      ? groupA.map((A, g) => {
          const s = Float64Array.from(AE)
          const k = d.groups[g]!.scale
          for (let i = 0; i < P * P; i++) s[i] = s[i]! + k * A[i]!
          return luFactorRidge(s, P).f
        })
      : []
  return { design: d, full: luFactorRidge(full, P).f, subs }
}

/**
 * Kernel SHAP values of one explained row from its coalition values (`v` at offset `vOff`,
 * indexed like the design's coalitions), with v(∅) = `base` and f(x) = `fx`.
 * @returns φ (Σφ = fx − base exactly up to rounding) and the standard errors (NaN when the
 *   design has fewer than 2 groups of draws).
 */
export function shapKernelRow(
  solver: KernelSolver,
  v: Float64Array,
  vOff: number,
  base: number,
  fx: number,
): { phi: Float64Array; stdErr: Float64Array } {
  const d = solver.design
  const M = d.M
  const P = M - 1
  const delta = fx - base
  const all = allCoalitions(d.nCoal)
  const bE = new Float64Array(P)
  addRhs(d, all, d.enumWeight, v, vOff, base, delta, bE)
  const bG = d.groups.map((g) => {
    const b = new Float64Array(P)
    addRhs(d, g.coal, g.weight, v, vOff, base, delta, b)
    return b
  })
  const complete = (x: Float64Array): Float64Array => {
    const phi = new Float64Array(M)
    let s = 0
    for (let i = 0; i < P; i++) {
      phi[i] = x[i]!
      s += x[i]!
    }
    phi[P] = delta - s
    return phi
  }
  const bFull = Float64Array.from(bE)
  for (const b of bG) for (let i = 0; i < P; i++) bFull[i] = bFull[i]! + b[i]!
  const phi = complete(luSolve(solver.full, bFull))
  const stdErr = new Float64Array(M).fill(NaN)
  const G = solver.subs.length
  if (G >= 2) {
    const subs = solver.subs.map((f, g) => {
      const b = Float64Array.from(bE)
      const k = d.groups[g]!.scale
      for (let i = 0; i < P; i++) b[i] = b[i]! + k * bG[g]![i]!
      return complete(luSolve(f, b))
    })
    for (let i = 0; i < M; i++) {
      let mean = 0
      for (const s of subs) mean += s[i]!
      mean /= G
      let ss = 0
      for (const s of subs) ss += (s[i]! - mean) ** 2
      stdErr[i] = Math.sqrt(ss / (G * (G - 1)))
    }
  }
  return { phi, stdErr }
}
