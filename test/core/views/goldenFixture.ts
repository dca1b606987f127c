/** The golden Adult fixture as the views see it: a Table, float32 predictions and labels. */
import { readFileSync } from 'node:fs'
import { parseCsvText } from '../../../src/core/csv.ts'
import { type Table, columnCell, tableColumn } from '../../../src/core/table.ts'

const golden = (name: string) => new URL(`../../fixtures/golden/adult/${name}`, import.meta.url)

type Bin = {
  lower: number
  upper: number
  count: number
  meanPredicted: number | null
  fractionPositive: number | null
}
export type RefGroup = Record<
  'count' | 'selectionRate' | 'tpr' | 'fpr' | 'precision' | 'accuracy' | 'tp' | 'fp' | 'tn' | 'fn',
  number
>
export type RefAttribute = Record<string, number> & {
  groups: Record<string, RefGroup>
  overall: RefGroup
}
export type Reference = {
  predictions: number[]
  metrics: { brier: number; logLoss: number; rocAuc: number }
  calibration: { nBins: number; ece: number; mce: number; bins: Bin[] }
  fairness: Record<string, RefAttribute>
}

export const ref = JSON.parse(readFileSync(golden('reference.json'), 'utf8')) as Reference
export const table: Table = parseCsvText(readFileSync(golden('data.csv'), 'utf8'), 'data.csv')
export const predictions = Float32Array.from(ref.predictions)

/** The cell texts of a column, row by row. */
export function columnTexts(name: string): string[] {
  const c = tableColumn(table, name)
  if (!c) throw new Error(`no column ${name}`)
  return Array.from({ length: table.nRows }, (_, i) => columnCell(c, i))
}

export const labels = Uint8Array.from(columnTexts('income'), (v) => (v === '>50K' ? 1 : 0))
