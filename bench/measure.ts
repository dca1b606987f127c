/**
 * The measuring loop of every timed figure: the budget decision (bench/stats.ts), one warm-up
 * run, then repeats while they fit. Times are wall seconds unless a run returns its own (e.g. a
 * time taken inside the page or the worker).
 */
import {
  type BudgetDecision,
  DEFAULT_POLICY,
  type RepeatPolicy,
  type Summary,
  anotherRepeat,
  budgetDecide,
  mean,
  summarize,
} from './stats.ts'
import { type Comparison, type Figure, type FigureMeta, figure, skippedFigure } from './report.ts'

/** Thrown by a run's budget check once the run has taken longer than the figure's budget. */
export class BudgetExceeded extends Error {
  override name = 'BudgetExceeded'
  constructor(readonly seconds: number) {
    super(`a run passed the budget after ${seconds.toFixed(1)} s`)
  }
}

/** A check that throws {@link BudgetExceeded} once `budgetS` seconds have passed since now. */
export function deadline(budgetS: number): () => void {
  const t0 = now()
  return () => {
    const s = now() - t0
    if (s > budgetS) throw new BudgetExceeded(s)
  }
}

/** What {@link measure} gives: the repeats' seconds, or the skip with its estimate. */
export type Measurement =
  | {
      skipped: false
      estimateS: number | null
      warmupS: number
      times: number[]
      /** A later repeat passed the budget and was stopped (not counted). */
      aborted?: boolean
    }
  | { skipped: true; estimateS: number; reason: string }

/** What to measure and how often (estimate, repeat policy, warm-up, run). */
export type MeasureSpec = {
  /** One run's seconds estimated before running (null: unknown, runs). */
  estimateS: number | null
  policy?: Partial<RepeatPolicy>
  /** The warm-up; default: one run(0) whose time is discarded. */
  warmup?: (check: () => void) => Promise<unknown>
  /**
   * Repeat i; returns its own seconds, or nothing to be timed by the wall clock. `check` throws
   * {@link BudgetExceeded} once this run has taken longer than the budget: poll it where the work
   * can stop (e.g. as a core job's checkCancel).
   */
  run: (i: number, check: () => void) => Promise<number | void>
}

const now = (): number => performance.now() / 1000

/**
 * Applies the budget rule, warms up and repeats. A warm-up or first repeat that passes the budget
 * (stopped through its check, or finishing late) ends the figure as skipped, with its seconds as
 * the estimate (a measured first unit).
 */
export async function measure(spec: MeasureSpec): Promise<Measurement> {
  const policy: RepeatPolicy = { ...DEFAULT_POLICY, ...spec.policy }
  const d: BudgetDecision = budgetDecide(spec.estimateS, policy.budgetS)
  if (!d.run) return { skipped: true, estimateS: d.estimateS, reason: 'estimate' }
  const over = (s: number, stopped: boolean): Measurement => ({
    skipped: true,
    estimateS: s,
    reason: `${stopped ? 'stopped: ' : ''}one run took ${s.toFixed(1)} s (estimate ${
      d.estimateS === null ? 'unknown' : `${d.estimateS.toPrecision(3)} s`
    })`,
  })
  const t0 = now()
  try {
    const check = deadline(policy.budgetS)
    if (spec.warmup) await spec.warmup(check)
    else await spec.run(0, check)
  } catch (e) {
    if (e instanceof BudgetExceeded) return over(e.seconds, true)
    throw e
  }
  const warmupS = now() - t0
  if (warmupS > policy.budgetS) return over(warmupS, false)
  const times: number[] = []
  let repeatS = 0
  let aborted = false
  while (anotherRepeat(times, repeatS, now() - t0, policy)) {
    const t = now()
    let own: number | void
    try {
      own = await spec.run(times.length, deadline(policy.budgetS))
    } catch (e) {
      if (!(e instanceof BudgetExceeded)) throw e
      if (times.length === 0) return over(e.seconds, true)
      aborted = true
      break
    }
    const wall = now() - t
    repeatS += wall
    times.push(typeof own === 'number' ? own : wall)
  }
  if (times.length === 1 && times[0]! > policy.budgetS) return over(times[0]!, false)
  return { skipped: false, estimateS: d.estimateS, warmupS, times, ...(aborted ? { aborted } : {}) }
}

/** How the repeats' seconds become the figure's unit. */
export type Scale =
  /** Seconds per repeat divided by `per` (s, s/row, s/query). */
  | { kind: 'seconds'; per?: number }
  /** Throughput: `rows` rows per repeat → rows/s. */
  | { kind: 'rate'; rows: number }

/** Summary of a measurement in the figure's unit. */
export function scaled(times: readonly number[], scale: Scale): Summary {
  return scale.kind === 'rate'
    ? summarize(
        times.map((s) => scale.rows / s),
        1,
      )
    : summarize(times, scale.per ?? 1)
}

/** The figure of a measurement: skipped, or min/median/max in the figure's unit. */
export function measuredFigure(
  meta: FigureMeta,
  m: Measurement,
  opts: {
    scale?: Scale
    stats?: Figure['stats']
    compare?: (median: number | null) => Comparison[]
    note?: string
    budgetS?: number
  } = {},
): Figure {
  if (m.skipped)
    return skippedFigure(meta, m.estimateS, {
      ...(opts.budgetS !== undefined ? { budgetS: opts.budgetS } : {}),
      ...(m.reason === 'estimate' ? {} : { reason: m.reason }),
      ...(opts.note ? { note: opts.note } : {}),
    })
  const summary = scaled(m.times, opts.scale ?? { kind: 'seconds' })
  return figure({
    ...meta,
    summary,
    estimateS: m.estimateS,
    stats: { meanRepeatSeconds: mean(m.times), warmupSeconds: m.warmupS, ...opts.stats },
    ...(opts.budgetS !== undefined ? { budgetS: opts.budgetS } : {}),
    ...(opts.compare ? { compare: opts.compare } : {}),
    ...(opts.note || m.aborted
      ? {
          note: [opts.note, m.aborted ? 'a further repeat passed the budget and was stopped' : '']
            .filter(Boolean)
            .join('; '),
        }
      : {}),
  })
}

/**
 * Runs `item(i)` for i = 0 … n − 1 while `capS` lasts (the first always runs; a later one when the
 * time spent plus the median so far fits) and returns each item's seconds: the number `item`
 * returns, else its wall time. For figures over a list of items (queries), after their warm-up.
 */
export async function timeItems(
  n: number,
  capS: number,
  item: (i: number) => Promise<number | void>,
): Promise<number[]> {
  const out: number[] = []
  const t0 = now()
  const policy: RepeatPolicy = { minRepeats: 1, maxRepeats: n, capS, budgetS: capS }
  while (out.length < n && anotherRepeat(out, now() - t0, now() - t0, policy)) {
    const t = now()
    const own = await item(out.length)
    out.push(typeof own === 'number' ? own : now() - t)
  }
  return out
}
