/**
 * Synthetic paired data for the comparison tests: labels, two correlated models' float32
 * probabilities (the challenger a little sharper), and two sensitive attributes — `sex` (two large
 * groups) and `race` (four groups, one of them small). Seeded; independent of the engine.
 */
import { rngFromSeed } from '../../../src/core/random.ts'

export type PairedData = {
  pA: Float32Array
  pB: Float32Array
  y: Uint8Array
  sex: string[]
  race: string[]
}

const RACES = ['Black', 'White', 'Asian', 'Other'] as const

export function pairedData(n: number, seed: number, gap = 0.3): PairedData {
  const rng = rngFromSeed(seed)
  const pA = new Float32Array(n)
  const pB = new Float32Array(n)
  const y = new Uint8Array(n)
  const sex: string[] = []
  const race: string[] = []
  for (let i = 0; i < n; i++) {
    const s = rng.uniform() < 0.45 ? 'Female' : 'Male'
    const u = rng.uniform()
    const r = u < 0.1 ? 0 : u < 0.8 ? 1 : u < 0.985 ? 2 : 3
    const label = rng.uniform() < (s === 'Male' ? 0.4 : 0.25) ? 1 : 0
    const latent = 1.4 * label + rng.normal() + (s === 'Male' ? 0.2 : 0)
    const shared = rng.normal()
    pA[i] = 1 / (1 + Math.exp(-(latent + 0.7 * shared - 0.6)))
    pB[i] = 1 / (1 + Math.exp(-((1 + gap) * latent + 0.7 * shared + 0.3 * rng.normal() - 0.7)))
    y[i] = label
    sex.push(s)
    race.push(RACES[r]!)
  }
  return { pA, pB, y, sex, race }
}

/** The values of `a` at `idx`, as a Float64Array. */
export const at = (a: ArrayLike<number>, idx: Int32Array): Float64Array =>
  Float64Array.from(idx, (i) => a[i]!)
