import { PSI_DRIFT, PSI_WATCH } from '../../../core/drift/psi.ts'
import type { DriftResult } from '../../../workers/protocol.ts'
import { fmt, fmtInt, fmtP, fmtPct } from '../../format.ts'
import { Tile } from '../../kit/Tile.tsx'

/** The headline numbers of a comparison, each a tile with its exact value in `data-value`. */
export function DriftSummary({
  result,
  referenceRows,
}: {
  result: DriftResult
  referenceRows: number
}) {
  const a = result.analysis
  const drifted = a.features.filter((f) => f.drifted)
  const watch = a.features.filter((f) => f.watch)
  const maxPsi = a.section.maxPsi
  const names = (fs: typeof drifted) => (fs.length ? fs.map((f) => f.feature).join(', ') : 'none')
  return (
    <div className="tiles" data-testid="drift-summary">
      <Tile
        id="drift-ref-rows"
        label="Reference rows"
        text={fmtInt(referenceRows)}
        value={referenceRows}
        hint="Rows of the session’s data (the reference)"
      />
      <Tile
        id="drift-cur-rows"
        label="Current rows"
        text={fmtInt(result.currentRows)}
        value={result.currentRows}
        hint="Rows of the current data"
        sub={a.performance.unlabelled ? 'no labels' : 'labelled'}
      />
      <Tile
        id="drift-maxpsi"
        label="Max feature PSI"
        text={fmt(maxPsi)}
        value={maxPsi}
        hint={`Largest population stability index over the features; > ${PSI_DRIFT} drifted, ${PSI_WATCH}–${PSI_DRIFT} watch`}
        tone={maxPsi > PSI_DRIFT ? 'alert' : maxPsi > PSI_WATCH ? 'warn' : 'ok'}
        sub={
          maxPsi > PSI_DRIFT
            ? `> ${PSI_DRIFT}: drifted`
            : maxPsi > PSI_WATCH
              ? `> ${PSI_WATCH}: watch`
              : 'stable'
        }
      />
      <Tile
        id="drift-ndrifted"
        label="Drifted features"
        text={`${drifted.length} of ${a.features.length}`}
        value={drifted.length}
        hint="PSI > 0.2 or a Holm-adjusted p-value < 0.05"
        tone={drifted.length ? 'alert' : 'ok'}
        sub={<span className="clip">{names(drifted)}</span>}
      />
      <Tile
        id="drift-nwatch"
        label="Watch"
        text={String(watch.length)}
        value={watch.length}
        hint={`PSI in (${PSI_WATCH}, ${PSI_DRIFT}] and not drifted`}
        tone={watch.length ? 'warn' : null}
        sub={<span className="clip">{names(watch)}</span>}
      />
      <Tile
        id="pred-psi"
        label="Prediction PSI"
        text={fmt(a.prediction.psi)}
        value={a.prediction.psi}
        hint="PSI of the predicted probabilities over the reference predictions’ deciles"
        tone={a.prediction.psi > PSI_DRIFT ? 'alert' : a.prediction.psi > PSI_WATCH ? 'warn' : null}
        sub={`KS ${fmt(a.prediction.ks, 3)} (p ${fmtP(a.prediction.pValue)})`}
      />
      <Tile
        id="ood-share95"
        label="OOD (> 95th pct)"
        text={fmtPct(a.ood?.share95)}
        value={a.ood?.share95 ?? null}
        hint="Share of current rows farther from the reference (Mahalanobis) than its 95th percentile; about 5% when nothing changed"
        sub="≈ 5% if nothing changed"
      />
      <Tile
        id="ood-share99"
        label="Far OOD (> 99th pct)"
        text={fmtPct(a.ood?.share99)}
        value={a.ood?.share99 ?? null}
        hint="Share of current rows above the reference’s 99th percentile of distances; about 1% when nothing changed"
        sub="≈ 1% if nothing changed"
      />
    </div>
  )
}
