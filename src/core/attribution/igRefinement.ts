/**
 * The per-row record of automatic IG refinement for the report and the explain views: whether
 * the doubling rule (contracts §2, ig.ts) converged or stopped at its cap, and a warning in words
 * when the row's attributions are less certain than the rule promises.
 */

/**
 * How automatic IG refinement (contracts §2) ended on one row: `converged` = the largest
 * per-feature change between n and 2n steps fell below `tolerance`; `cap` = it stopped at the
 * largest step count still above it. `warning` says, in words, when the row's result is less
 * certain than the rule promises: stopped at the cap, or converged with |completeness gap| above
 * the tolerance; null otherwise.
 */
export type IgRefinement = {
  stop: 'converged' | 'cap'
  /** Max per-feature |IG(2n) − IG(n)| of the last comparison. */
  change: number
  /** The rule's tolerance (1e-3). */
  tolerance: number
  warning: string | null
}

/** The refinement record of one row's IG result (see {@link IgRefinement}). */
export function igRefinementOf(
  r: { steps: number; converged: boolean; change: number; completenessGap: number },
  tolerance: number,
): IgRefinement {
  const g = Math.abs(r.completenessGap)
  const warning = !r.converged
    ? `stopped at the cap of ${r.steps} steps: successive results still differ by ${r.change.toPrecision(2)} (the rule asks for < ${tolerance})`
    : g > tolerance
      ? `the completeness gap ${r.completenessGap.toPrecision(2)} is above the tolerance ${tolerance}: the attributions do not add up to f(x) − f(baseline) as closely as the step refinement suggests`
      : null
  return { stop: r.converged ? 'converged' : 'cap', change: r.change, tolerance, warning }
}
