/**
 * What the fairness view needs computed, and when: while the Fairness tab is shown, every
 * grouping of the rows in view is indexed once in the stats worker (`fairnessIndex` plus
 * `fairnessTable` for the threshold-free columns: O(n log n), seconds for a million rows on the
 * page's thread), and once they are all there the seeded bootstrap intervals are computed 300 ms
 * after the last threshold or grouping change. A threshold move only asks the indexes (on the
 * page, src/core/views/fairnessAt.ts), so predictions are never recomputed.
 */
import {
  type Grouping,
  fairnessBootstrapKey,
  fairnessBootstrapTasks,
  fairnessGroupingsReady,
  fairnessPlan,
  groupingKey,
} from '../core/views/fairnessAt.ts'
import type { CodedColumn } from '../core/views/fairnessView.ts'
import { type Table, tableColumn } from '../core/table.ts'
import type { BootstrapTaskResult } from '../workers/protocol.ts'
import type { CohortStore, RowsInView } from './cohortStore.ts'
import type { FairnessStore } from './fairnessStore.ts'
import {
  type QueryMap,
  type QueryState,
  type StoredQuery,
  createKeyedQuery,
  createQueryMap,
} from './keyedQuery.ts'
import type { MetricsStore } from './metrics.ts'
import type { StatsPort } from './ports.ts'
import type { Session } from './session.ts'
import type { Ui } from './uiStore.ts'

/** Replicates of the bootstrap intervals (the B = 1000). */
export const FAIRNESS_BOOTSTRAP_B = 1000
/** Seed of the bootstrap resampling (contracts §3 default seed). */
export const FAIRNESS_BOOTSTRAP_SEED = 1
/** The bootstrap starts this long after the last threshold / grouping change, ms. */
export const FAIRNESS_BOOTSTRAP_DEBOUNCE_MS = 300

/** A finished bootstrap: results by task key, and the worker's wall time in ms. */
export type BootstrapResults = { results: Record<string, BootstrapTaskResult>; ms: number }

/** The bootstrap's state (key: `fairnessBootstrapKey`). */
export type BootstrapState = QueryState<BootstrapResults>

/** One grouping's computation (key: `groupingQueryKey` of the rows in view). */
export type GroupingEntry = QueryState<Grouping>

/** The fairness computations and their trigger. */
export type FairnessQueries = {
  /** One query per grouping key ('sex', 'sex × race'). */
  readonly groupings: QueryMap<Grouping>
  readonly bootstrap: StoredQuery<BootstrapResults>
  /**
   * Starts what the shown Fairness tab needs for its current inputs; with the tab hidden, cancels
   * a waiting or running bootstrap (groupings already under way finish).
   */
  sync(): void
}

/** The key of a grouping's computation for the rows in view of version `viewVersion`. */
export function groupingQueryKey(viewVersion: number): string {
  return `rows v${viewVersion}`
}

/**
 * The grouping `key` finished for the rows in view of `viewVersion`, from the groupings' states.
 * @returns null while it is missing, running, failed or for other rows.
 */
export function groupingDone(
  entries: Readonly<Record<string, GroupingEntry>>,
  key: string,
  viewVersion: number,
): Grouping | null {
  const e = entries[key]
  return e?.status === 'done' && e.resultKey === groupingQueryKey(viewVersion) ? e.result : null
}

/** The stores the fairness view reads its inputs from. */
export type FairnessInputs = {
  session: Session
  cohort: CohortStore
  ui: Ui
  metrics: MetricsStore
  fairness: FairnessStore
}

/**
 * The fairness computations over the stats worker.
 * @example const q = createFairnessQueries(stats, inputs); q.sync()
 */
export function createFairnessQueries(
  stats: StatsPort,
  { session, cohort, ui, metrics, fairness }: FairnessInputs,
): FairnessQueries {
  const groupings = createQueryMap<Grouping>()
  const bootstrap = createKeyedQuery<BootstrapResults>()
  let groupingsFor: number | null = null

  const indexGrouping =
    (view: RowsInView & { y: Uint8Array }, attrs: string[], columns: CodedColumn[], key: string) =>
    async (signal: AbortSignal, progress: (done: number, total: number) => void) => {
      const r = await stats.request(
        { cmd: 'grouping', p: view.p, y: view.y, rows: view.index, columns },
        { signal, onProgress: progress },
      )
      return { key, attrs: [...attrs], columns, index: r.index, table: r.table }
    }

  function ensureGroupings(view: RowsInView & { y: Uint8Array }, table: Table, wanted: string[][]) {
    if (groupingsFor !== view.version) {
      groupingsFor = view.version
      groupings.reset()
    }
    const queryKey = groupingQueryKey(view.version)
    for (const attrs of wanted) {
      const key = groupingKey(attrs)
      const q = groupings.query(key)
      if (q.get().key === queryKey) continue
      const columns: CodedColumn[] = []
      for (const a of attrs) {
        const c = tableColumn(table, a)
        if (c) columns.push({ codes: c.codes, values: c.values })
      }
      if (columns.length === attrs.length)
        q.run(queryKey, indexGrouping(view, attrs, columns, key), { total: 1 })
    }
  }

  return {
    groupings,
    bootstrap,
    sync() {
      const s = session.store.getState()
      if (ui.store.getState().tab !== 'Fairness' || !s.ready) {
        bootstrap.abort()
        return
      }
      const view = cohort.store.getState().view
      const table = s.data?.table
      if (!view || !view.y || !table || view.p.length === 0) return
      const y = view.y
      const { attrs: chosen, groupThresholds } = fairness.store.getState()
      const plan = fairnessPlan(
        s.schema?.schema.sensitive ?? [],
        (a) => table.columns.some((c) => c.name === a),
        chosen,
      )
      ensureGroupings({ ...view, y }, table, plan.wanted)
      const entries = groupings.store.getState()
      const ready = fairnessGroupingsReady(
        (k) => groupingDone(entries, k, view.version),
        plan.available,
        plan.attrs,
      )
      if (!ready) return
      const threshold = metrics.store.getState().threshold
      const tasks = fairnessBootstrapTasks(ready, groupThresholds[plan.key]?.thresholds ?? {})
      const key = fairnessBootstrapKey(view.version, threshold, tasks)
      if (bootstrap.get().key === key) return
      bootstrap.run(
        key,
        async (signal, progress) => {
          const r = await stats.request(
            {
              cmd: 'bootstrap',
              p: view.p,
              y,
              rows: view.index,
              threshold,
              tasks,
              B: FAIRNESS_BOOTSTRAP_B,
              seed: FAIRNESS_BOOTSTRAP_SEED,
            },
            { signal, onProgress: progress },
          )
          return { results: Object.fromEntries(r.results.map((t) => [t.key, t])), ms: r.ms }
        },
        { debounceMs: FAIRNESS_BOOTSTRAP_DEBOUNCE_MS, total: tasks.length },
      )
    },
  }
}
