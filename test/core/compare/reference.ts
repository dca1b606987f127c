/** test/fixtures/compare/reference.json, written by scripts/fixtures/compare_reference.py. */
import { readFileSync } from 'node:fs'

export type McnemarCase = { b: number; c: number; pValue: number; pValueScipy: number }
export type DelongCase = {
  name: string
  /** One character per row, '1' = positive. */
  labels: string
  champion: number[]
  challenger: number[]
  aucChampion: number
  aucChallenger: number
  delta: number
  variance: number
  se: number
  pValue: number | null
  ci: [number, number]
}

export const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/compare/reference.json', import.meta.url), 'utf8'),
) as { z95: number; mcnemar: McnemarCase[]; delong: DelongCase[] }

/** The labels of a case as a Uint8Array. */
export const caseLabels = (c: DelongCase): Uint8Array => Uint8Array.from(c.labels, (ch) => +ch)

/** |a − b| ≤ rel · max(|a|, |b|), or both exactly 0. */
export function relClose(a: number, b: number, rel: number): boolean {
  return a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b))
}
