/**
 * The challenger and the Compare tab (issue 19). "Compare with…" opens a second model (files, a
 * URL or a built-in demo) in the model worker beside the champion, on the same data and schema
 * (src/workers/model/challenger.ts): a job with progress and cancel, whose failure names the
 * problem and leaves the champion (and any earlier challenger) as they were. The comparison runs
 * there too, on the rows in view (the scope bar's cohort) at the scope's threshold, as a keyed
 * query: the statistics when the tab is shown, the agreement of explanations (SHAP of both models
 * on a seeded sample) when asked. A new champion session re-opens the challenger on it.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import type { ModelCard, ModelInfo } from '../model/card.ts'
import type { CompareResult, ModelInput } from '../workers/protocol.ts'
import type { Backends } from './backends.ts'
import type { CohortStore } from './cohortStore.ts'
import { type ChampionSource, type Shown, compareSwap } from './compareSwap.ts'
import { DEMOS, type DemoName } from './demos.ts'
import type { ExplainStore } from './explainStore.ts'
import type { Jobs } from './jobs.ts'
import { type StoredQuery, createKeyedQuery } from './keyedQuery.ts'
import type { MetricsStore } from './metrics.ts'
import { type StateDeps, errorMessage, isAbortError } from './ports.ts'
import type { Session } from './session.ts'
import type { Ui } from './uiStore.ts'

/** Rows whose SHAP values are compared (the CLI's sample size, report/compare.ts). */
export const COMPARE_EXPLAIN_ROWS = 50
/** k of the top-k overlap of the two explanations. */
export const COMPARE_TOP_K = 5
/** Paired bootstrap replicates (contracts §8). */
export const COMPARE_BOOTSTRAP_B = 1000

/** The challenger as loaded: where it came from, its card and its predictions of every row. */
export type Challenger = {
  input: ModelInput
  /** The built-in demo it is, if any (the link then names it). */
  demo: DemoName | null
  info: ModelInfo
  card: ModelCard
  predictions: Float32Array
  igUnavailable: string | null
  /** Changes with every load of a challenger (keys the comparisons). */
  version: number
}

/** The challenger and the comparison's settings. */
export type CompareState = {
  challenger: Challenger | null
  /** Which model every other view shows (the session's). */
  shown: Shown
  /** Where the champion came from while the challenger is shown; null otherwise. */
  champion: ChampionSource | null
  /** Seed of the paired bootstrap and of the explained sample. */
  seed: number
}

/** The compare store, its queries and actions. */
export type CompareStore = {
  readonly store: StoreApi<CompareState>
  /** The statistics (no explanations) of the rows in view. */
  readonly stats: StoredQuery<CompareResult>
  /** The same with the agreement of explanations (started by `explain`). */
  readonly explanations: StoredQuery<CompareResult>
  /** Opens a challenger; false (with an error notice) when it cannot be compared. */
  loadChallenger(input: ModelInput, demo?: DemoName | null): Promise<boolean>
  /** Opens a built-in demo (its model) as the challenger. */
  loadDemoChallenger(base: string, demo: DemoName): Promise<boolean>
  /** Forgets the challenger. */
  clearChallenger(): Promise<void>
  /** Computes the statistics when the tab is shown and they are missing for its inputs. */
  sync(): void
  /** Computes the agreement of explanations for the rows in view. */
  explain(): void
  /** Opens the disagreeing rows of the current comparison in the Data view as the cohort. */
  openDisagreements(): void
  /**
   * The champion's session was replaced: the challenger is re-opened on it. While the challenger
   * was shown, the model reloaded is the challenger: it becomes the champion, and the former
   * champion is re-opened as its challenger.
   */
  sessionChanged(): void
  /** Shows the other model in every view (the Compare tab keeps its roles). */
  show(which: Shown): Promise<boolean>
  /**
   * True while the switch swaps the models: the session then holds the model about to be shown
   * before `shown` says so (persistence saves no sources meanwhile).
   */
  swapping(): boolean
}

/** The stores the comparison reads. */
export type CompareInputs = {
  jobs: Jobs
  session: Session
  metrics: MetricsStore
  cohort: CohortStore
  ui: Ui
  explain: ExplainStore
  backends: Backends
}

/**
 * Identifies the inputs of a comparison: challenger, rows in view, threshold, seed, and whether
 * explanations are compared.
 */
export function compareRequestKey(
  challenger: number,
  view: number,
  threshold: number,
  seed: number,
  explain: boolean,
): string {
  return JSON.stringify([challenger, view, threshold, seed, explain])
}

/**
 * The compare store.
 * @example const compare = createCompare(deps, inputs); await compare.loadDemoChallenger(base, 'xgboost')
 */
export function createCompare(
  deps: Pick<StateDeps, 'model'>,
  { jobs, session, metrics, cohort, ui, explain, backends }: CompareInputs,
): CompareStore {
  const store = createStore<CompareState>()(() => ({
    challenger: null,
    shown: 'champion' as Shown,
    champion: null,
    seed: 1,
  }))
  const stats = createKeyedQuery<CompareResult>()
  const explanations = createKeyedQuery<CompareResult>()
  const { notify, startJob, endJob, progress } = jobs
  let versions = 0

  /** Opens `input` as the challenger (a job when `signal` is given); throws on failure. */
  async function open(input: ModelInput, demo: DemoName | null, signal?: AbortSignal) {
    const r = await deps.model.request(
      { cmd: 'challengerLoad', model: input, cls: session.store.getState().cls },
      signal ? { signal, onProgress: progress(signal) } : {},
    )
    stats.reset()
    explanations.reset()
    store.setState({
      challenger: {
        input,
        demo,
        info: r.model,
        card: r.card,
        predictions: r.predictions,
        igUnavailable: r.igUnavailable,
        version: ++versions,
      },
    })
  }

  const swapper = compareSwap(deps, {
    jobs,
    session,
    metrics,
    backends,
    challenger: () => store.getState().challenger,
    shown: () => store.getState().shown,
    champion: () => store.getState().champion,
    swapped: (shown, champion) => store.setState({ shown, champion }),
  })
  /** Shows the champion again (before loading or dropping a challenger). */
  const showChampion = async () => store.getState().shown === 'champion' || (await swapper.swap())

  async function loadChallenger(input: ModelInput, demo: DemoName | null = null) {
    if (!(await showChampion())) return false
    if (!session.store.getState().ready) {
      notify('error', 'Load a model and data before loading a challenger to compare with.')
      return false
    }
    const signal = startJob('Loading the challenger')
    try {
      await open(input, demo, signal)
      return true
    } catch (e) {
      const kept = store.getState().challenger
      if (isAbortError(e)) notify('info', 'Loading the challenger cancelled.')
      else
        notify(
          'error',
          `Challenger not loaded: ${errorMessage(e)} — the champion${kept ? ` and the challenger ${kept.info.name}` : ''} stay loaded.`,
        )
      return false
    } finally {
      endJob(signal)
    }
  }

  /** The comparison task for the rows in view (explanations when `withShap`). */
  function task(withShap: boolean) {
    const view = cohort.store.getState().view!
    const threshold = metrics.store.getState().threshold
    const { seed } = store.getState()
    const settings = explain.store.getState().settings
    return {
      key: compareRequestKey(
        store.getState().challenger!.version,
        view.version,
        threshold,
        seed,
        withShap,
      ),
      run: (signal: AbortSignal, onProgress: (done: number, total: number) => void) =>
        deps.model.request(
          {
            cmd: 'compare',
            rows: view.index,
            threshold,
            seed,
            B: COMPARE_BOOTSTRAP_B,
            explain: withShap ? { rows: COMPARE_EXPLAIN_ROWS, k: COMPARE_TOP_K, settings } : null,
          },
          { signal, onProgress: (d, t) => onProgress(d, t) },
        ),
    }
  }

  const ready = () =>
    store.getState().challenger !== null &&
    session.store.getState().ready &&
    cohort.store.getState().view !== null

  return {
    store,
    stats,
    explanations,
    loadChallenger,
    loadDemoChallenger(base, demo) {
      const url = new URL(`${base}${DEMOS[demo].model}`, location.href).href
      return loadChallenger({ kind: 'url', url }, demo)
    },
    async clearChallenger() {
      if (!(await showChampion())) return
      store.setState({ challenger: null })
      stats.reset()
      explanations.reset()
      await deps.model.request({ cmd: 'challengerClear' }).catch(() => {})
    },
    sync() {
      if (ui.store.getState().tab !== 'Compare' || !ready()) return
      const t = task(false)
      if (stats.get().key !== t.key) stats.run(t.key, t.run)
    },
    explain() {
      if (!ready()) return
      const t = task(true)
      explanations.run(t.key, t.run)
    },
    openDisagreements() {
      const r = stats.get().result
      if (!r) return
      const name = store.getState().challenger?.info.name ?? 'the challenger'
      cohort.setRows(
        r.disagreementRows,
        `rows where the champion and ${name} decide differently at ${r.threshold}`,
      )
      ui.setTab('Data')
    },
    async show(which) {
      if (store.getState().shown === which) return true
      return swapper.swap()
    },
    swapping: () => swapper.swapping(),
    sessionChanged() {
      if (swapper.swapping()) return
      const { shown, champion } = store.getState()
      // The challenger was shown and is reloaded: it is the champion now.
      const loaded = store.getState().challenger
      const ch = shown === 'challenger' ? champion : loaded
      const name = shown === 'challenger' ? 'the former champion' : (loaded?.info.name ?? '')
      if (shown === 'challenger') store.setState({ shown: 'champion', champion: null })
      if (!ch) return
      // In the background (the worker queues it after the load's probe): no job is superseded.
      stats.reset()
      explanations.reset()
      open(ch.input, ch.demo).catch((e: unknown) => {
        store.setState({ challenger: null })
        notify('warning', `The challenger ${name} does not fit the new session: ${errorMessage(e)}`)
      })
    },
  }
}
