/**
 * Counterfactual figures: per-query answers summarised into share valid, share of queries
 * answered, mean features changed, mean proximity and seconds per query, with the issue's
 * targets (guided search) and DiCE's numbers as peers.
 */
import { CF_TARGETS, DICE, type DiceFigures } from './peers.ts'
import {
  type Comparison,
  type Figure,
  type Where,
  compareWith,
  figure,
  mean,
  median,
} from './report.ts'
import { type Summary, summarize } from './stats.ts'

/** One returned answer, as re-checked by the bench. */
export type CfAnswer = { valid: boolean; nChanged: number; proximity: number }

/** What one query gave. */
export type CfQuery = { seconds: number; answers: CfAnswer[]; sensitiveChanged: number }

/** Summary numbers of a run of queries. */
export type CfSummary = {
  queries: number
  answers: number
  validShare: number | null
  answeredShare: number | null
  meanChanged: number | null
  meanProximity: number | null
  medianSeconds: number | null
  meanSeconds: number | null
  /** Seconds per query summarised (null when no query ran). */
  seconds: Summary | null
  sensitiveChanged: number
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null)

/** Summarises queries (answers pooled over queries for the per-answer means). */
export function cfSummarise(qs: readonly CfQuery[]): CfSummary {
  const all = qs.flatMap((q) => q.answers)
  return {
    queries: qs.length,
    answers: all.length,
    validShare: all.length ? all.filter((a) => a.valid).length / all.length : null,
    answeredShare: qs.length ? qs.filter((q) => q.answers.length > 0).length / qs.length : null,
    meanChanged: orNull(mean(all.map((a) => a.nChanged))),
    meanProximity: orNull(mean(all.map((a) => a.proximity))),
    medianSeconds: orNull(median(qs.map((q) => q.seconds))),
    meanSeconds: orNull(mean(qs.map((q) => q.seconds))),
    seconds: qs.length ? summarize(qs.map((q) => q.seconds)) : null,
    sensitiveChanged: qs.reduce((a, q) => a + q.sensitiveChanged, 0),
  }
}

/**
 * Figures of one method. `guided` gets the targets; `randomProximity` (the random
 * baseline's mean proximity on the same queries) is the guided search's proximity target.
 * Seconds per query: min / median / max over the queries (after a warm-up query).
 */
export function cfFigures(
  method: 'guided' | 'random',
  s: CfSummary,
  common: { backend: string; where: Where; estimateS?: number | null },
  randomProximity: number | null = null,
): Figure[] {
  const guided = method === 'guided'
  const meta = (n: string, unit: string) => ({ ...common, name: `cf.${method}.${n}`, unit })
  const dice = (v: number | null, pick: (d: DiceFigures) => number, unit: string): Comparison[] => [
    compareWith(v, 'peer', 'DiCE random', pick(DICE.random), unit),
    compareWith(v, 'peer', 'DiCE genetic', pick(DICE.genetic), unit),
  ]
  return [
    figure({
      ...meta('secondsPerQuery', 's/query'),
      summary: s.seconds,
      stats: { queries: s.queries, answers: s.answers, sensitiveChanged: s.sensitiveChanged },
      compare: (v) => [
        ...(guided
          ? [compareWith(v, 'target', 'issue', CF_TARGETS.secondsPerQuery, 's/query')]
          : []),
        ...dice(v, (d) => d.secondsPerQuery, 's/query'),
      ],
      note: 'one query per call, k = 4; n = queries',
    }),
    figure({
      ...meta('validShare', 'share of answers'),
      value: s.validShare,
      n: s.answers,
      compare: (v) =>
        guided ? [compareWith(v, 'target', 'issue', CF_TARGETS.validShare, 'share', 'equal')] : [],
    }),
    figure({ ...meta('answeredShare', 'share of queries'), value: s.answeredShare, n: s.queries }),
    figure({
      ...meta('meanChanged', 'features'),
      value: s.meanChanged,
      n: s.answers,
      compare: (v) => [
        ...(guided ? [compareWith(v, 'target', 'issue', CF_TARGETS.meanChanged, 'features')] : []),
        ...dice(v, (d) => d.meanChanged, 'features'),
      ],
    }),
    figure({
      ...meta('meanProximity', 'L1/MAD'),
      value: s.meanProximity,
      n: s.answers,
      compare: (v) => [
        ...(guided && randomProximity !== null
          ? [compareWith(v, 'target', 'random baseline, same queries', randomProximity, 'L1/MAD')]
          : []),
        ...dice(v, (d) => d.proximity, 'L1/MAD'),
      ],
      note: 'DiCE proximity is its own normalised L1; compare with it loosely',
    }),
  ]
}
