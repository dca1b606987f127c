/**
 * Counterfactual queries in Node: the guided search and the seeded random baseline on the same
 * negative rows with the same k, each answer re-scored by the model (validity is checked by the
 * bench, not taken from the search) and checked to leave the sensitive attributes alone.
 */
import { counterfactualConfig } from '../src/core/counterfactual/config.ts'
import { counterfactualRandom } from '../src/core/counterfactual/random.ts'
import { counterfactualSearch } from '../src/core/counterfactual/search.ts'
import type { CounterfactualSet } from '../src/core/counterfactual/types.ts'
import { encodeFeatureMatrix } from '../src/core/encode.ts'
import { matrix } from '../src/core/types.ts'
import { negativeRows } from './demo.ts'
import type { Ctx } from './nodeCtx.ts'
import type { CfQuery } from './counterfactuals.ts'
import { timeItems } from './measure.ts'
import { budgetDecide } from './stats.ts'

/** Queries per run (the 100 negative rows) and answers per query. */
export const CF_QUERIES = 100
/** Counterfactuals asked per query (the audit's default). */
export const CF_K = 4

/** The queries of both methods; `skipped` when the warm-up query's time exceeded the budget. */
export type CfRun = {
  rows: number[]
  guided: CfQuery[]
  random: CfQuery[]
  /** Seconds of the warm-up query (the estimate of one run). */
  warmupS: number | null
  skipped: boolean
}

/**
 * Runs the guided search on up to CF_QUERIES negative rows within `budgetS`, then the random
 * baseline on the rows the guided run reached within `randomBudgetS`.
 */
export async function cfRun(
  c: Ctx,
  predictions: ArrayLike<number>,
  rows: number[] | null,
  budgetS: number,
  randomBudgetS: number,
): Promise<CfRun> {
  const { schema, enc } = c.demo
  const M = schema.features.length
  const queryRows = rows ?? negativeRows(predictions, CF_QUERIES)
  const cfg = counterfactualConfig(schema, enc.values)
  const sensitive = schema.features.flatMap((f, j) =>
    schema.sensitive.includes(f.name) ? [j] : [],
  )
  const valuesOf = (r: number) => enc.values.data.subarray(r * M, (r + 1) * M)

  /** Re-scores the answers (outside the timed part) into CfQuery records. */
  const check = async (r: number, set: CounterfactualSet, seconds: number): Promise<CfQuery> => {
    const list = set.counterfactuals
    const orig = valuesOf(r)
    const vals = new Float64Array(list.length * M)
    list.forEach((a, i) => vals.set(a.values, i * M))
    const p = list.length
      ? await c.predict(encodeFeatureMatrix(schema, matrix(vals, list.length, M)))
      : []
    const above = set.desired === 'above'
    return {
      seconds,
      answers: list.map((a, i) => ({
        valid: above ? p[i]! >= set.threshold : p[i]! < set.threshold,
        nChanged: a.nChanged,
        proximity: a.proximity,
      })),
      sensitiveChanged: list.filter((a) => sensitive.some((j) => a.values[j] !== orig[j])).length,
    }
  }

  // Warm-up query (kernels, JIT) on a row outside the measured ones.
  const warm = negativeRows(predictions, 1, 0.5, 7).find((r) => !queryRows.includes(r))
  let warmupS: number | null = null
  if (warm !== undefined) {
    const t = performance.now()
    await counterfactualSearch(c.predict, cfg, valuesOf(warm), { k: CF_K, seed: 1 })
    warmupS = (performance.now() - t) / 1000
  }
  if (!budgetDecide(warmupS).run)
    return { rows: queryRows, guided: [], random: [], warmupS, skipped: true }

  const run = async (
    n: number,
    budget: number,
    search: (r: number, seed: number) => Promise<CounterfactualSet>,
  ): Promise<CfQuery[]> => {
    const out: CfQuery[] = []
    await timeItems(n, budget, async (i) => {
      const r = queryRows[i]!
      const t = performance.now()
      const set = await search(r, i + 1)
      const seconds = (performance.now() - t) / 1000
      out.push(await check(r, set, seconds))
      return seconds
    })
    return out
  }
  const data = { values: enc.values, predictions }
  const guided = await run(queryRows.length, budgetS, (r, seed) =>
    counterfactualSearch(c.predict, cfg, valuesOf(r), { k: CF_K, threshold: 0.5, seed, data }),
  )
  c.log(`  guided: ${guided.length} queries`)
  const random = await run(guided.length, randomBudgetS, (r, seed) =>
    counterfactualRandom(c.predict, cfg, valuesOf(r), { k: CF_K, threshold: 0.5, seed }),
  )
  c.log(`  random: ${random.length} queries`)
  return { rows: queryRows, guided, random, warmupS, skipped: false }
}
