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
    sensitiveChanged: qs.reduce((a, q) => a + q.sensitiveChanged, 0),
  }
}

/**
 * Figures of one method. `guided` gets the targets; `randomProximity` (the random
 * baseline's mean proximity on the same queries) is the guided search's proximity target.
 */
export function cfFigures(
  method: 'guided' | 'random',
  s: CfSummary,
  common: { backend: string; where: Where; budgetS: number },
  randomProximity: number | null = null,
): Figure[] {
  const guided = method === 'guided'
  const name = (n: string): string => `cf.${method}.${n}`
  const dice = (pick: (d: DiceFigures) => number, unit: string): Comparison[] => [
    compareWith(null, 'peer', 'DiCE random', pick(DICE.random), unit),
    compareWith(null, 'peer', 'DiCE genetic', pick(DICE.genetic), unit),
  ]
  const withOurs = (v: number | null, cs: Comparison[]): Comparison[] =>
    cs.map((c) => compareWith(v, c.kind, c.label, c.value, c.unit, c.better))
  const stats = {
    queries: s.queries,
    answers: s.answers,
    meanSecondsPerQuery: s.meanSeconds,
    sensitiveChanged: s.sensitiveChanged,
  }
  const out: Figure[] = [
    figure({
      ...common,
      name: name('secondsPerQuery'),
      value: s.medianSeconds,
      unit: 's/query',
      n: s.queries,
      stats,
      compare: withOurs(s.medianSeconds, [
        ...(guided
          ? [compareWith(null, 'target', 'issue', CF_TARGETS.secondsPerQuery, 's/query')]
          : []),
        ...dice((d) => d.secondsPerQuery, 's/query'),
      ]),
    }),
    figure({
      ...common,
      name: name('validShare'),
      value: s.validShare,
      unit: 'share of answers',
      n: s.answers,
      compare: guided
        ? [compareWith(s.validShare, 'target', 'issue', CF_TARGETS.validShare, 'share', 'equal')]
        : [],
    }),
    figure({
      ...common,
      name: name('answeredShare'),
      value: s.answeredShare,
      unit: 'share of queries',
      n: s.queries,
    }),
    figure({
      ...common,
      name: name('meanChanged'),
      value: s.meanChanged,
      unit: 'features',
      n: s.answers,
      compare: withOurs(s.meanChanged, [
        ...(guided
          ? [compareWith(null, 'target', 'issue', CF_TARGETS.meanChanged, 'features')]
          : []),
        ...dice((d) => d.meanChanged, 'features'),
      ]),
    }),
    figure({
      ...common,
      name: name('meanProximity'),
      value: s.meanProximity,
      unit: 'L1/MAD',
      n: s.answers,
      compare: withOurs(s.meanProximity, [
        ...(guided && randomProximity !== null
          ? [
              compareWith(
                null,
                'target',
                'random baseline, same queries',
                randomProximity,
                'L1/MAD',
              ),
            ]
          : []),
        ...dice((d) => d.proximity, 'L1/MAD'),
      ]),
      note: 'DiCE proximity is its own normalised L1; compare with it loosely',
    }),
  ]
  return out
}
