import type { RowExplanation } from '../../../core/explain.ts'
import { fmt } from '../../format.ts'

/** Milliseconds for the status line (null = not timed). */
const msText = (v: number | null): string => (v === null ? 'not timed' : `${fmt(v, 0)} ms`)

/**
 * The explanation's status line (issue 16 "say what ran"): which SHAP path computed it — the
 * Dense fast path or the black box — with the per-row timings the choice was made on and why the
 * fast path was skipped; and, for automatic IG steps, whether the refinement stopped at its cap
 * or with a completeness gap above the tolerance. Renders nothing when neither ran.
 */
export function RunNote({ explanation: e }: { explanation: RowExplanation }) {
  const p = e.shapPath
  const ig = e.igRefinement
  if (!p && !ig) return null
  const timed = p && (p.msPerRow.fast !== null || p.msPerRow.blackBox !== null)
  return (
    <div className="runNote" data-testid="explain-run">
      {p && (
        <p className="muted" data-testid="shap-path" data-path={p.path}>
          SHAP computed on the {p.path === 'fast' ? 'Dense fast path' : 'black box (model calls)'}
          {timed &&
            ` — one row took ${msText(p.msPerRow.fast)} on the fast path and ${msText(p.msPerRow.blackBox)} on the black box`}
          {p.reason && ` — fast path skipped: ${p.reason}`}
        </p>
      )}
      {ig && (
        <p
          className={ig.warning ? 'note' : 'muted'}
          data-testid="ig-refinement"
          data-stop={ig.stop}
        >
          Integrated gradients: {e.igSteps} steps,{' '}
          {ig.stop === 'converged'
            ? `converged (successive results within ${ig.change.toExponential(1)} < ${ig.tolerance})`
            : 'stopped at the cap'}
          {ig.warning && ` — ${ig.warning}`}
        </p>
      )}
    </div>
  )
}
