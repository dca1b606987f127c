/**
 * Issue 6's figure: time to evaluate every compression variant on the demo (float16, uint8, int8,
 * int4, prune50, prune80, int8act) against float32, SHAP stability on 50 seeded rows, on the
 * backend of a Node run (compressionRun, as the Compression tab's worker command).
 */
import { QUANT_SCHEME_IDS } from '../src/core/quantize/schemes.ts'
import { outputColumn } from '../src/model/card.ts'
import { COMPRESSION_DEFAULTS, compressionRun, sensitiveGroups } from '../src/model/compression.ts'
import type { Ctx, Units } from './nodeCtx.ts'
import { shapPerRowInJob } from './audit.ts'
import { TARGETS } from './peers.ts'
import { type Figure, compareWith } from './report.ts'
import { measure, measuredFigure } from './measure.ts'
import { COMPRESSION_SHAP_ROWS, compressionEstimate, policy, rateFor } from './plan.ts'
import { median } from './stats.ts'

/** The figure's name (shared with the browser part). */
export const COMPRESSION_NAME = `compression.allVariants`

/** What the compression figure measures. */
export const COMPRESSION_WHAT = `all ${QUANT_SCHEME_IDS.length} variants (${QUANT_SCHEME_IDS.join(', ')}) vs float32, SHAP stability on ${COMPRESSION_SHAP_ROWS} rows`

/** The compression figure's comparison with the issue's target. */
export const compressionCompare = (v: number | null) => [
  compareWith(v, 'target', 'issue', TARGETS.compressionS, 's', 'atMost'),
]

/** The comparison of every variant with float32 (compressionRun), in Node. */
export async function compressionFigure(c: Ctx, u: Units): Promise<Figure> {
  const { demo } = c
  const data = {
    schema: demo.schema,
    x: demo.enc.x,
    labels: demo.enc.labels,
    groups: sensitiveGroups(demo.schema, demo.table),
  }
  const opts = {
    ...COMPRESSION_DEFAULTS,
    ids: QUANT_SCHEME_IDS,
    column: outputColumn(0),
    shapRows: COMPRESSION_SHAP_ROWS,
  }
  let agreement: Record<string, number> = {}
  const m = await measure({
    estimateS: compressionEstimate({
      variants: QUANT_SCHEME_IDS.length,
      dataRows: demo.enc.x.rows,
      latencyRepeats: opts.latencyRepeats,
      rowsPerSec: rateFor(demo.enc.x.rows, u.rates, null),
      shapRows: COMPRESSION_SHAP_ROWS,
      shapS: shapPerRowInJob(u, COMPRESSION_SHAP_ROWS),
    }),
    policy: policy('compression'),
    // A reduced run warms up the same code: one variant, 8 SHAP rows.
    warmup: (checkCancel) =>
      compressionRun(c.model, data, { ...opts, ids: ['float16'], shapRows: 8 }, { checkCancel }),
    run: async (_, checkCancel) => {
      const r = await compressionRun(c.model, data, opts, { checkCancel })
      agreement = Object.fromEntries(
        r.variants.map((v) => [`${v.id}.agreement`, v.comparison.agreement]),
      )
      return r.ms / 1000
    },
  })
  c.log(`  compression: ${m.skipped ? 'skipped' : `${median(m.times).toFixed(2)} s`}`)
  return measuredFigure(
    { name: COMPRESSION_NAME, backend: c.backend, where: 'node', unit: 's' },
    m,
    {
      stats: agreement,
      compare: compressionCompare,
      note: `${COMPRESSION_WHAT}; compressionRun’s own ms; warm-up: float16 alone on 8 rows; n = repeats`,
    },
  )
}
