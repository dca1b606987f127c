import './viewStack.css'
import './CalibrationView.css'
import { useStore } from 'zustand'
import {
  CALIBRATION_BINS_MAX,
  CALIBRATION_BINS_MIN,
  calibrationRequestKey,
} from '../../state/calibrationStore.ts'
import { fmtInt } from '../format.ts'
import { TableScroll } from '../kit/TableScroll.tsx'
import { Tile } from '../kit/Tile.tsx'
import { app } from '../../state/app.ts'
import { NumberField } from '../kit/NumberField.tsx'
import {
  GroupReliabilityChart,
  HistogramChart,
  ReliabilityChart,
} from './calibration/CalibrationCharts.tsx'
import { BinsTable, GroupEceTable } from './calibration/CalibrationTables.tsx'

const NO_ATTRS: string[] = []

/**
 * The calibration view: reliability diagram with Wilson intervals over a histogram of the
 * predictions, ECE / MCE / Brier / log loss, equal-width or equal-mass bins, and the same per
 * group of every sensitive attribute. Respects the cohort restriction.
 */
export function CalibrationView() {
  const view = useStore(app.cohort.store, (s) => s.view)
  const cohortText = useStore(app.cohort.store, (s) => s.text)
  const schema = useStore(app.session.store, (s) => s.schema)
  const strategy = useStore(app.calibration.store, (s) => s.strategy)
  const nBins = useStore(app.calibration.store, (s) => s.nBins)
  const groupAttr = useStore(app.calibration.store, (s) => s.groupAttr)
  const sensitive = schema?.schema.sensitive ?? NO_ATTRS
  // Computed in the stats worker (the calibration store asks while this tab is shown); the
  // previous numbers stay until the new ones arrive.
  const result = useStore(app.calibration.query.store)
  const wantKey = view ? calibrationRequestKey(view.version, strategy, nBins, sensitive) : null
  const data = result.result
  if (!view) {
    return (
      <section className="card empty calibEmpty" data-testid="calib-empty">
        <p>
          Load a model and a CSV (or open the demo) to see how well its probabilities are
          calibrated.
        </p>
      </section>
    )
  }
  if (!view.y) {
    return (
      <section className="card empty calibEmpty" data-testid="calib-empty">
        <p>
          Calibration compares predictions with outcomes, and the data has no target column &quot;
          {schema?.schema.target.column}&quot;. Load a CSV that includes it.
        </p>
      </section>
    )
  }
  if (view.p.length === 0) {
    return (
      <section className="card empty calibEmpty" data-testid="calib-empty">
        <p>
          No rows are in view: the cohort filter &quot;{cohortText}&quot; matches none. Change it in
          the Data view.
        </p>
      </section>
    )
  }
  if (result.status === 'error' && result.key === wantKey) {
    return (
      <section className="card empty calibEmpty" data-testid="calib-empty">
        <p>Computing the calibration failed: {result.error}</p>
      </section>
    )
  }
  if (!data) {
    return (
      <section className="card empty calibEmpty" data-testid="calib-computing" aria-busy="true">
        <p role="status">Binning {fmtInt(view.p.length)} predictions in the stats worker…</p>
      </section>
    )
  }
  const stale = result.resultKey !== wantKey
  const o = data.overall
  const shownAttr = data.byAttr.find((a) => a.attr === groupAttr) ?? data.byAttr[0] ?? null
  return (
    <div
      className="viewStack calibView boxedCharts"
      data-testid="calibration-view"
      data-status={stale ? 'updating' : 'done'}
    >
      <section className="card full" aria-labelledby="calib-title">
        <div className="viewHead">
          <h2 id="calib-title">Calibration</h2>
          <span className="muted small">
            {fmtInt(o.count)} rows{view.index ? ` in the cohort “${cohortText}”` : ''} · predicted
            probability of the positive class
          </span>
          {stale && (
            <span className="muted small" role="status" data-testid="calib-updating">
              updating in the stats worker…
            </span>
          )}
        </div>
        <div className="viewControls">
          <fieldset className="segmented">
            <legend>Bins</legend>
            <label>
              <input
                type="radio"
                name="calib-strategy"
                value="width"
                checked={strategy === 'width'}
                onChange={() => app.calibration.setStrategy('width')}
                data-testid="calib-strategy-width"
              />
              Equal width
            </label>
            <label>
              <input
                type="radio"
                name="calib-strategy"
                value="mass"
                checked={strategy === 'mass'}
                onChange={() => app.calibration.setStrategy('mass')}
                data-testid="calib-strategy-mass"
              />
              Equal mass
            </label>
          </fieldset>
          <label className="inlineField">
            Bin count
            <NumberField
              value={nBins}
              rule={{
                name: 'Bin count',
                min: CALIBRATION_BINS_MIN,
                max: CALIBRATION_BINS_MAX,
                integer: true,
              }}
              step={1}
              size={4}
              testId="calib-nbins"
              onCommit={(v) => {
                if (typeof v === 'number') app.calibration.setBins(v)
              }}
            />
          </label>
          {strategy === 'mass' && o.bins.length < nBins && (
            <span className="muted small">
              {o.bins.length} bins: tied predictions never straddle a bin edge.
            </span>
          )}
        </div>
        <div className="metrics">
          <Tile
            id="calib-ece"
            label="ECE"
            value={o.ece}
            hint="Expected calibration error: Σ n_b/N · |mean predicted − fraction positive| over the bins"
          />
          <Tile
            id="calib-mce"
            label="MCE"
            value={o.mce}
            hint="Maximum calibration error: the largest bin gap"
          />
          <Tile
            id="calib-brier"
            label="Brier score"
            value={o.brier}
            hint="Mean squared error (p − y)²"
          />
          <Tile
            id="calib-logloss"
            label="Log loss"
            value={o.logLoss}
            hint="Mean binary cross-entropy, natural log (nats)"
          />
        </div>
        <div className="calibGrid">
          <div className="chartStack">
            <ReliabilityChart bins={o.bins} strategy={o.strategy} />
            <HistogramChart bins={data.histogram} total={o.count} />
          </div>
          <TableScroll label="Reliability bins">
            <BinsTable bins={o.bins} />
          </TableScroll>
        </div>
      </section>
      <section className="card full" aria-labelledby="calib-groups-title">
        <div className="viewHead">
          <h2 id="calib-groups-title">Calibration by group</h2>
          <span className="muted small">
            same bins as above, computed on each group&apos;s rows
          </span>
        </div>
        {data.missingAttrs.length > 0 && (
          <p className="muted">
            Not in the data, so not shown: {data.missingAttrs.join(', ')} (listed as sensitive in
            the schema).
          </p>
        )}
        {data.byAttr.length === 0 || !shownAttr ? (
          <p data-testid="calib-no-groups">
            The schema names no sensitive attribute that the data has. Add the columns to the
            schema&apos;s &quot;sensitive&quot; list (or tick them when inferring a schema) to
            compare groups.
          </p>
        ) : (
          <div className="calibGrid">
            <div>
              <label className="inlineField">
                Curves for
                <select
                  value={shownAttr.attr}
                  onChange={(e) => app.calibration.setGroupAttr(e.currentTarget.value)}
                  data-testid="calib-group-attr"
                >
                  {data.byAttr.map((a) => (
                    <option key={a.attr} value={a.attr}>
                      {a.attr}
                    </option>
                  ))}
                </select>
              </label>
              <GroupReliabilityChart attr={shownAttr} />
            </div>
            <TableScroll label="Calibration of every group">
              <GroupEceTable byAttr={data.byAttr} />
            </TableScroll>
          </div>
        )}
      </section>
    </div>
  )
}
