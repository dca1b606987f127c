/**
 * Node figures of the explainers on one backend: exact SHAP per row with and without
 * deduplicated hybrid rows (each against the predict floor of the same model rows), sampled SHAP
 * at budgets 512 / 2048, integrated gradients, and black-box global SHAP of 200 and 1,000 rows.
 */
import { igExplain } from '../src/core/attribution/ig.ts'
import type { IgRule } from '../src/core/attribution/quadrature.ts'
import { EXPLAIN_DEFAULTS } from '../src/core/explain.ts'
import { schemaOffsets } from '../src/core/schema.ts'
import { backgroundFirst } from '../src/core/shap/background.ts'
import type { BatchModel } from '../src/core/shap/coalitions.ts'
import { shapExplain } from '../src/core/shap/shap.ts'
import { tfGradFn } from '../src/model/tfModel.ts'
import { benchRows } from './demo.ts'
import { type Measurement, measure, measuredFigure } from './measure.ts'
import {
  type Ctx,
  type Units,
  floorMeasure,
  jobPoint,
  log3,
  meta,
  rowOf,
  rowsOf,
} from './nodeCtx.ts'
import { FLOOR_PEERS, IG_CAPTUM_GL50, TARGETS, overFloorCompare, shapComparisons } from './peers.ts'
import {
  GLOBAL_SIZES,
  SAMPLED_BUDGETS,
  SHAP_FLOOR_ROWS,
  policy,
  rateFor,
  shapModelRows,
} from './plan.ts'
import { type Figure, compareWith, figure } from './report.ts'
import { estimateFromRate, estimateScaled, mean, median, ratioSummary } from './stats.ts'

/** Exact SHAP per row (black box and deduplicated), floors, ratios and sampled SHAP. */
export async function shapFigures(c: Ctx, u: Units): Promise<Figure[]> {
  const { x } = c.demo.enc
  const offsets = schemaOffsets(c.demo.schema)
  const bg = backgroundFirst(x, EXPLAIN_DEFAULTS.background.k)
  let counted = 0
  const counting: BatchModel = (m) => {
    counted += m.rows
    return c.predict(m)
  }
  const out: Figure[] = []
  const rate = (rows: number) => rateFor(rows, u.rates, null)

  /** One shapExplain call per bench row; row 0 warms up. */
  const perRow = async (budget: number, dedupe: boolean, exact: boolean) => {
    const hybrid: number[] = []
    let gap = 0
    const explain = async (r: number) => {
      counted = 0
      const [res] = await shapExplain(counting, rowOf(x, r), bg, { offsets, budget, dedupe })
      if (res?.exact !== exact)
        throw new Error(
          `SHAP at budget ${budget} on the demo should be ${exact ? '' : 'not '}exact`,
        )
      gap = Math.max(
        gap,
        Math.abs(res.phi.reduce((a, b) => a + b, 0) - (res.prediction - res.baseValue)),
      )
      return counted - bg.x.rows - 1
    }
    const rows = shapModelRows(budget)
    const m = await measure({
      estimateS: estimateFromRate(rows, rate(rows)),
      policy: { ...policy('perRow'), maxRepeats: c.rows.length },
      warmup: () => explain(0),
      run: async (i) => void hybrid.push(await explain(c.rows[i]!)),
    })
    return { m, hybrid, gap }
  }
  const ratioFig = (
    name: string,
    shap: Measurement,
    floor: Measurement,
    rows: number,
    rowsPerItem: readonly number[] | null,
  ) =>
    shap.skipped || floor.skipped
      ? figure({
          ...meta(c, name, '×'),
          value: null,
          n: 0,
          note: 'not measured: SHAP or its floor was skipped',
        })
      : figure({
          ...meta(c, name, '×'),
          summary: ratioSummary(
            shap.times,
            median(floor.times),
            rowsPerItem?.map((r) => r / rows),
          ),
          stats: { floorRows: rows, floorSeconds: median(floor.times) },
          compare: overFloorCompare,
          note: rowsPerItem
            ? 'each row’s SHAP seconds over the median floor scaled to that row’s own distinct-row count'
            : 'each row’s SHAP seconds over the median predict of the same model rows',
        })

  // Exact, deduplicated hybrid rows (the default black-box path).
  const on = await perRow(EXPLAIN_DEFAULTS.budget, true, true)
  c.log(`  shap exact (dedupe): ${log3(on.m)}/row`)
  u.shapS = on.m.skipped ? null : median(on.m.times)
  u.shapJobs.push(jobPoint(1, on.m))
  u.dedupRows = on.hybrid
  out.push(
    measuredFigure(meta(c, 'shap.exact', 's/row'), on.m, {
      stats: {
        modelRowsPerRow: on.hybrid.length ? mean(on.hybrid) : null,
        maxEfficiencyGap: on.gap,
      },
      compare: shapComparisons,
      note: 'black box, dedupe on (default): one shapExplain call per seeded row, n = rows',
    }),
  )
  const dedupRows = Math.round(mean(on.hybrid))
  if (Number.isFinite(dedupRows) && dedupRows > 0) {
    const f = await floorMeasure(c, u, dedupRows)
    c.log(`  floor (${dedupRows} rows): ${log3(f)}`)
    out.push(
      measuredFigure(meta(c, 'shap.floor.predictDedupeRows', 's'), f, {
        stats: { rows: dedupRows, rowsPerSec: f.skipped ? null : dedupRows / median(f.times) },
        note: 'one predict of the mean distinct hybrid-row count of a deduplicated exact SHAP row',
      }),
      ratioFig('shap.exact.overFloor', on.m, f, dedupRows, on.hybrid),
    )
  }

  // Exact, every hybrid row (4,094 × 50): the like-for-like of black-box tools.
  const off = await perRow(EXPLAIN_DEFAULTS.budget, false, true)
  c.log(`  shap exact (no dedupe): ${log3(off.m)}/row`)
  out.push(
    measuredFigure(meta(c, 'shap.exact.noDedupe', 's/row'), off.m, {
      stats: { modelRowsPerRow: off.hybrid.length ? mean(off.hybrid) : null },
      compare: shapComparisons,
      note: 'black box, all 4,094 × 50 hybrid rows; n = rows',
    }),
  )
  const full = await floorMeasure(c, u, SHAP_FLOOR_ROWS)
  c.log(`  floor (${SHAP_FLOOR_ROWS} rows): ${log3(full)}`)
  out.push(
    measuredFigure(meta(c, `shap.floor.predict${SHAP_FLOOR_ROWS}`, 's'), full, {
      stats: { rows: SHAP_FLOOR_ROWS },
      compare: (v) => [
        compareWith(v, 'peer', 'numpy forward pass (~204,800 rows)', FLOOR_PEERS.numpy, 's'),
        compareWith(v, 'peer', 'tfjs wasm, bigger MLP (WebSHAP study)', FLOOR_PEERS.tfjsWasm, 's'),
      ],
    }),
    ratioFig('shap.exact.noDedupe.overFloor', off.m, full, SHAP_FLOOR_ROWS, null),
    // The ratio: the shipped SHAP (deduplicated) over a predict of all the rows an exact
    // row stands for (12 players × 50 background rows); below 1 = below the black-box floor.
    ratioFig('shap.exact.overCoalitionFloor', on.m, full, SHAP_FLOOR_ROWS, null),
  )

  // Sampled (Kernel SHAP) at the two budgets.
  for (const budget of SAMPLED_BUDGETS) {
    const s = await perRow(budget, true, false)
    c.log(`  shap sampled ${budget}: ${log3(s.m)}/row`)
    out.push(
      measuredFigure(meta(c, `shap.sampled${budget}`, 's/row'), s.m, {
        stats: { budget, modelRowsPerRow: s.hybrid.length ? mean(s.hybrid) : null },
        note: `black box Kernel SHAP, ${budget} coalitions, dedupe on; n = rows`,
      }),
    )
  }
  return out
}

/** Integrated gradients per row (auto steps and fixed rules) against Captum's figure. */
export async function igFigures(c: Ctx, u: Units): Promise<Figure[]> {
  const { x } = c.demo.enc
  const grad = tfGradFn(c.lm, 0)
  const bg = backgroundFirst(x, EXPLAIN_DEFAULTS.background.k)
  const base = {
    offsets: schemaOffsets(c.demo.schema),
    background: bg,
    baseline: { kind: 'mean' } as const,
  }
  // A gradient row costs about three predict rows; auto stops at 4,096 steps at most.
  const estimate = (steps: number, rows = 1) =>
    estimateFromRate(3 * steps * rows, rateFor(steps * rows, u.rates, null))
  const variant = async (name: string, rule: IgRule, steps: number | null): Promise<Figure> => {
    const stepsSeen: number[] = []
    let gap = 0
    const one = async (r: number) => {
      const [res] = await igExplain(grad, c.predict, rowOf(x, r), {
        ...base,
        rule,
        ...(steps === null ? {} : { steps }),
      })
      gap = Math.max(gap, Math.abs(res!.completenessGap))
      return res!.steps
    }
    const m = await measure({
      estimateS: estimate(steps ?? 4096),
      policy: { ...policy('perRow'), maxRepeats: c.rows.length },
      warmup: () => one(0),
      run: async (i) => void stepsSeen.push(await one(c.rows[i]!)),
    })
    if (name === 'ig.auto' && !m.skipped) u.igS = median(m.times)
    return measuredFigure(meta(c, name, 's/row'), m, {
      stats: { meanSteps: mean(stepsSeen), maxCompletenessGap: gap },
      ...(rule === 'gausslegendre'
        ? {
            compare: (v: number | null) => [
              compareWith(v, 'peer', 'Captum IG, GL 50 steps', IG_CAPTUM_GL50, 's/row'),
            ],
          }
        : {}),
      note: 'one igExplain call per row; n = rows',
    })
  }
  const out = [
    await variant('ig.auto', 'midpoint', null),
    await variant('ig.midpoint2048', 'midpoint', 2048),
    await variant('ig.gaussLegendre50', 'gausslegendre', 50),
  ]
  // Captum's figure is for 8 rows per call: the like-for-like batched figure.
  const xs = rowsOf(x, c.rows)
  const k = c.rows.length
  const m = await measure({
    estimateS: estimate(50, k),
    policy: policy('predict'),
    run: async () =>
      void (await igExplain(grad, c.predict, xs, { ...base, rule: 'gausslegendre', steps: 50 })),
  })
  out.push(
    measuredFigure(meta(c, `ig.gaussLegendre50.batch${k}`, 's/row'), m, {
      scale: { kind: 'seconds', per: k },
      stats: { rowsPerCall: k },
      compare: (v) => [compareWith(v, 'peer', 'Captum IG, GL 50 steps', IG_CAPTUM_GL50, 's/row')],
      note: `${k} rows per igExplain call, call seconds / ${k}; n = calls`,
    }),
  )
  c.log(`  ig auto ${out[0]!.value?.toPrecision(3)} s/row`)
  return out
}

/** Black-box global SHAP: `n` seeded rows in one shapExplain call through the backend. */
export async function globalFigures(c: Ctx, u: Units): Promise<Figure[]> {
  const { x } = c.demo.enc
  const offsets = schemaOffsets(c.demo.schema)
  const bg = backgroundFirst(x, EXPLAIN_DEFAULTS.background.k)
  const opts = { offsets, budget: EXPLAIN_DEFAULTS.budget }
  const out: Figure[] = []
  for (const n of GLOBAL_SIZES) {
    const xs = rowsOf(x, benchRows(x.rows, n))
    const m = await measure({
      estimateS: estimateScaled(u.shapJobs, n),
      policy: policy(n === 200 ? 'global200' : 'global1000'),
      warmup: (checkCancel) =>
        shapExplain(c.predict, rowsOf(x, c.rows), bg, { ...opts, checkCancel }),
      run: async (_, checkCancel) =>
        void (await shapExplain(c.predict, xs, bg, { ...opts, checkCancel })),
    })
    c.log(`  global SHAP ${n} rows (black box): ${log3(m)}`)
    u.shapJobs.push(jobPoint(n, m))
    out.push(
      measuredFigure(meta(c, `shap.global${n}`, 's'), m, {
        stats: { rows: n },
        ...(n === 1000
          ? {
              compare: (v: number | null) => [
                compareWith(v, 'target', 'issue', TARGETS.global1000S, 's', 'atMost'),
              ],
            }
          : {}),
        note: `black box: exact SHAP of ${n} seeded rows in one shapExplain call (dedupe on); warm-up: the 8 bench rows; n = repeats`,
      }),
    )
  }
  return out
}
