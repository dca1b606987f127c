import { useMemo } from 'react'
import type { FeatureDrift } from '../../../core/drift/features.ts'
import { PSI_DRIFT, PSI_EPS } from '../../../core/drift/psi.ts'
import type { DriftHistMode } from '../../../state/monitoringStore.ts'
import { ChartFrame, type ChartData } from '../../kit/ChartFrame.tsx'
import { fmt, fmtEdge, fmtInt, fmtP } from '../../format.ts'
import { flagText } from './FeatureDriftTable.tsx'
import { OverlaidBars, type OverlaidBin } from './OverlaidBars.tsx'

type Props = {
  feature: FeatureDrift
  features: readonly FeatureDrift[]
  mode: DriftHistMode
  onMode: (m: DriftHistMode) => void
  onSelect: (feature: string) => void
}

/** Chart bins and export rows of the selected feature in the chosen mode. */
function binsOf(
  f: FeatureDrift,
  mode: DriftHistMode,
): { bins: OverlaidBin[]; data: ChartData; usesHistogram: boolean } {
  const h = f.histogram
  if (h && mode === 'histogram') {
    const bins = h.refShares.map((r, k) => ({
      bin: `${fmtEdge(h.edges[k]!)}–${fmtEdge(h.edges[k + 1]!)}`,
      reference: r,
      current: h.curShares[k]!,
    }))
    return {
      bins,
      usesHistogram: true,
      data: {
        header: ['bin', 'low', 'high', 'reference_share', 'current_share'],
        rows: h.refShares.map((r, k) => [
          bins[k]!.bin,
          h.edges[k]!,
          h.edges[k + 1]!,
          r,
          h.curShares[k]!,
        ]),
      },
    }
  }
  const b = f.bins
  const bins = b.labels.map((label, k) => ({
    bin: label,
    reference: b.refShares[k]!,
    current: b.curShares[k]!,
    extra: [
      ['rows (ref / cur)', `${fmtInt(b.refCounts[k]!)} / ${fmtInt(b.curCounts[k]!)}`],
      ['PSI term', fmt(b.terms[k]!)],
    ] as [string, string][],
  }))
  return {
    bins,
    usesHistogram: false,
    data: {
      header: [
        'bin',
        'reference_count',
        'current_count',
        'reference_share',
        'current_share',
        'psi_term',
      ],
      rows: b.labels.map((label, k) => [
        label,
        b.refCounts[k]!,
        b.curCounts[k]!,
        b.refShares[k]!,
        b.curShares[k]!,
        b.terms[k]!,
      ]),
    },
  }
}

/** The selected feature's reference and current distributions, overlaid, with its test results. */
export function FeatureDistribution({ feature: f, features, mode, onMode, onSelect }: Props) {
  const { bins, data, usesHistogram } = useMemo(() => binsOf(f, mode), [f, mode])
  const angled = f.kind === 'categorical' ? bins.length > 6 : !usesHistogram && bins.length > 12
  const caption = usesHistogram
    ? `20 equal-width bins over the pooled range ${fmtEdge(f.histogram!.edges[0]!)}–${fmtEdge(f.histogram!.edges.at(-1)!)}; bar height = share of each side’s rows (reference ${fmtInt(f.nRef)}, current ${fmtInt(f.nCur)}). The PSI uses the reference’s deciles instead: switch to “PSI bins” to see them.`
    : f.kind === 'numeric'
      ? `The bins behind the PSI: the reference’s deciles (duplicate edges merged); a value on an edge falls in the bin below. PSI = Σ (c − r)·ln(c / r) with ε = ${PSI_EPS} added to each share; the tooltip shows each bin’s term.`
      : `The reference’s categories${f.bins.labels.includes('unseen') ? ', plus “unseen” for current values the reference does not have' : ''}; share of each side’s rows. PSI = Σ (c − r)·ln(c / r) with ε = ${PSI_EPS}; the tooltip shows each category’s term.`
  return (
    <div className="distGrid">
      <div className="distChart">
        <div className="distControls">
          <label>
            Feature{' '}
            <select
              value={f.feature}
              onChange={(e) => onSelect(e.currentTarget.value)}
              data-testid="drift-feature-select"
            >
              {features.map((x) => (
                <option key={x.feature} value={x.feature}>
                  {x.feature}
                  {x.drifted ? ' (drifted)' : x.watch ? ' (watch)' : ''}
                </option>
              ))}
            </select>
          </label>
          {f.kind === 'numeric' && (
            <div className="segmented" role="group" aria-label="Bins">
              <button
                type="button"
                aria-pressed={mode === 'histogram'}
                onClick={() => onMode('histogram')}
                data-testid="drift-mode-histogram"
              >
                Histogram
              </button>
              <button
                type="button"
                aria-pressed={mode === 'psi'}
                onClick={() => onMode('psi')}
                data-testid="drift-mode-psi"
              >
                PSI bins
              </button>
            </div>
          )}
        </div>
        <ChartFrame
          title={`${f.feature}: reference vs current`}
          fileName={`drift-histogram-${f.feature.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}
          data={data}
          caption={caption}
        >
          <div
            data-testid="drift-histogram"
            data-feature={f.feature}
            data-mode={usesHistogram ? 'histogram' : 'psi'}
          >
            <OverlaidBars
              data={bins}
              xLabel={
                usesHistogram
                  ? f.feature
                  : f.kind === 'numeric'
                    ? `${f.feature} (reference deciles)`
                    : f.feature
              }
              angled={angled}
              height={angled ? 300 : 260}
            />
          </div>
        </ChartFrame>
      </div>
      <dl className="facts" data-testid="drift-facts">
        <div>
          <dt>Flag</dt>
          <dd>
            <span className={`flagChip ${f.drifted ? 'drifted' : f.watch ? 'watch' : 'none'}`}>
              {flagText(f)}
            </span>
            {f.drifted && (
              <span className="muted small">
                {' '}
                {f.reasons
                  .map((r) => (r === 'psi' ? `PSI > ${PSI_DRIFT}` : 'p (Holm) < 0.05'))
                  .join(', ')}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>PSI</dt>
          <dd>{fmt(f.psi)}</dd>
        </div>
        {f.kind === 'numeric' ? (
          <>
            <div>
              <dt>KS statistic</dt>
              <dd>{fmt(f.ks, 4)}</dd>
            </div>
            <div>
              <dt>Wasserstein-1</dt>
              <dd>{f.wasserstein === null ? '—' : fmtEdge(f.wasserstein)}</dd>
            </div>
            <div>
              <dt>Mean</dt>
              <dd>
                {f.refMean === null ? '—' : fmtEdge(f.refMean)} →{' '}
                {f.curMean === null ? '—' : fmtEdge(f.curMean)}
              </dd>
            </div>
          </>
        ) : (
          <>
            <div>
              <dt>χ² (df)</dt>
              <dd>
                {f.chi2 === null ? '—' : f.chi2.toFixed(1)} ({f.dof ?? '—'})
              </dd>
            </div>
            <div>
              <dt>New categories</dt>
              <dd className="wrapText">
                {f.newCategories.length ? f.newCategories.join(', ') : 'none'}
              </dd>
            </div>
          </>
        )}
        <div>
          <dt>p-value (raw / Holm)</dt>
          <dd>
            {fmtP(f.pValue)} / {fmtP(f.pAdjusted)}
          </dd>
        </div>
      </dl>
    </div>
  )
}
