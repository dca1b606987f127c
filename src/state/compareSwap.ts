/**
 * The views' switch "show: champion | challenger" (issue 19): the model worker swaps the session
 * and the challenger (src/workers/model/challenger.ts `challengerSwap`), and the page commits the
 * model now shown as the session — so every view (Overview, Explain, Calibration, Fairness, Data,
 * Compression, Monitoring, the report) shows it, while the Compare tab keeps its roles. The source
 * of the champion is kept while the challenger is shown, for links and for a reload.
 */
import type { Backends } from './backends.ts'
import type { DemoName } from './demos.ts'
import type { Jobs } from './jobs.ts'
import type { MetricsStore } from './metrics.ts'
import { type StateDeps, errorMessage, isAbortError } from './ports.ts'
import type { Session } from './session.ts'
import type { ModelInput } from '../workers/protocol.ts'

/** Which model the views show. */
export type Shown = 'champion' | 'challenger'

/** Where the champion came from while the challenger is shown. */
export type ChampionSource = { input: ModelInput; demo: DemoName | null }

/** What a swap reads and tells. */
export type SwapContext = {
  jobs: Jobs
  session: Session
  metrics: MetricsStore
  backends: Backends
  /** The challenger's source (the model shown after a swap to it). */
  challenger(): ChampionSource | null
  shown(): Shown
  champion(): ChampionSource | null
  /** Records the outcome (the model shown, and the champion's source while it is hidden). */
  swapped(shown: Shown, champion: ChampionSource | null): void
}

/**
 * The swap action: one job; on success the session is the other model's (its predictions, class,
 * encoding, facts) with the same data, schema and class request.
 * @returns true when the views now show the other model; false (with a notice) otherwise.
 * @example const swap = compareSwap(deps, ctx); await swap()
 */
export function compareSwap(
  deps: Pick<StateDeps, 'model'>,
  ctx: SwapContext,
): { swap(): Promise<boolean>; readonly swapping: () => boolean } {
  let swapping = false
  async function swap(): Promise<boolean> {
    const before = ctx.session.store.getState()
    const challenger = ctx.challenger()
    if (!challenger || !before.ready || !before.model) return false
    const to: Shown = ctx.shown() === 'champion' ? 'challenger' : 'champion'
    const signal = ctx.jobs.startJob(
      to === 'challenger' ? 'Showing the challenger' : 'Showing the champion',
    )
    swapping = true
    try {
      // Not cancellable: the worker swaps at once, and the page must follow it.
      const r = await deps.model.request({ cmd: 'challengerSwap' })
      const free = await ctx.metrics.measure(r.predictions, r.labels)
      const champion = to === 'challenger' ? { input: before.model.input, demo: null } : null
      const input = to === 'challenger' ? challenger.input : ctx.champion()!.input
      ctx.session.commit({
        model: { info: r.model, input },
        data: before.data,
        schema: before.schema,
        inferChoices: before.inferChoices,
        cls: before.cls,
        classLabel: r.classLabel,
        column: r.column,
        encode: r.encode,
        labels: r.labels,
        predictions: r.predictions,
        modelFacts: {
          card: r.card,
          treeShap: r.treeShap,
          igUnavailable: r.igUnavailable,
          compressionUnavailable: r.compressionUnavailable,
        },
      })
      ctx.metrics.accept(free)
      ctx.backends.setLoaded(r.backend, null)
      ctx.swapped(to, champion)
      return true
    } catch (e) {
      if (!isAbortError(e)) ctx.jobs.notify('error', `Could not show the ${to}: ${errorMessage(e)}`)
      return false
    } finally {
      swapping = false
      ctx.jobs.endJob(signal)
    }
  }
  return { swap, swapping: () => swapping }
}
