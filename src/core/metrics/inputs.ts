/**
 * The input types every metric of the core shares (scores, labels, confusion counts) and the one
 * check they all run first, so that a bad input fails loudly instead of turning into a silent NaN.
 */

import { ValueError, predictionsCheckNumbers } from '../errors.ts'

/** Scores per row: probabilities in [0, 1] for log loss, Brier and calibration; else any real. */
export type Scores = ArrayLike<number>

/** Labels per row: 1 = positive (the schema's `target.positive`), 0 = negative. */
export type Labels = Uint8Array

/** Counts of the 2×2 confusion matrix at one threshold; they sum to n. */
export type Confusion = { tp: number; fp: number; tn: number; fn: number }

/**
 * Checks that `p` and `y` have the same length, that no score is NaN and every label is 0 or 1.
 * Shared by the metric modules of the core so that a bad input fails loudly instead of turning
 * into a silent NaN.
 * @param fn the calling function, kept in the error's `where` for debugging (never shown).
 * @throws ValueError naming the 0-based data row and the value (the model's prediction or the
 *   label); RangeError when the lengths differ (a bug of the caller, not of the user's input).
 */
export function metricsCheckInputs(fn: string, p: Scores, y: Labels): void {
  if (p.length !== y.length) {
    throw new RangeError(`${p.length} predictions but ${y.length} labels`)
  }
  predictionsCheckNumbers(fn, p)
  for (let i = 0; i < p.length; i++) {
    if (y[i]! > 1) {
      throw new ValueError({
        subject: 'the label',
        row: i,
        value: y[i]!,
        problem: 'not 0 or 1',
        where: fn,
        about: 'data',
      })
    }
  }
}
