/**
 * The fairness view's state in a vanilla zustand store (so a sharing link can serialise it): the
 * attributes that group the rows (one, or several for an intersection), per-group thresholds set
 * by hand or by the equal-opportunity / demographic-parity helpers, and the seeded bootstrap
 * intervals computed in the stats worker once the threshold settles.
 *
 * The numbers come from src/core/views: a grouping is indexed once in the stats worker
 * (`fairnessIndex`, plus `fairnessTable` for the threshold-free columns: count, base rate, AUC,
 * ECE — O(n log n), seconds for a million rows on the page's thread), and every threshold move
 * only asks the index (`fairnessIndexAt`) here, so predictions are never recomputed and a slider
 * move costs O(groups · log n).
 */
import { createStore } from 'zustand/vanilla'
import type { FairnessGroup, GroupRates } from '../core/fairness.ts'
import { type Table, tableColumn } from '../core/table.ts'
import {
  type FairnessIndex,
  type GroupThresholds,
  fairnessIndexAt,
  thresholdsFromIndex,
} from '../core/views/fairnessThresholds.ts'
import {
  type CodedColumn,
  type DisparitySummary,
  type FairnessTable,
  type FairnessTableRow,
  INTERSECTION_SEPARATOR,
  disparitySummary,
} from '../core/views/fairnessView.ts'
import type { WorkerError } from '../workers/client.ts'
import type { BootstrapTask, BootstrapTaskResult } from '../workers/protocol.ts'
import { appStore } from './appStore.ts'
import { statsRequest } from './statsWorker.ts'

/** Replicates of the bootstrap intervals (the B = 1000). */
export const FAIRNESS_BOOTSTRAP_B = 1000
/** Seed of the bootstrap resampling (contracts §3 default seed). */
export const FAIRNESS_BOOTSTRAP_SEED = 1
/** The bootstrap starts this long after the last threshold / grouping change, ms. */
export const FAIRNESS_BOOTSTRAP_DEBOUNCE_MS = 300

/** Who set a grouping's per-group thresholds: a helper, or the user by hand. */
export type ThresholdCriterion = GroupThresholds['criterion'] | 'manual'

/** Per-group thresholds of one grouping and where they came from. */
export type GroupThresholdSetting = {
  /** Threshold per group value; groups not named use the shared threshold. */
  thresholds: Record<string, number>
  criterion: ThresholdCriterion
  /** The shared threshold when a helper chose them (null for manual edits). */
  at: number | null
}

/**
 * 'waiting': debouncing after a change; 'running': in the stats worker; 'done': results for
 * `requestKey`; 'error': the last request failed.
 */
export type BootstrapStatus = 'idle' | 'waiting' | 'running' | 'done' | 'error'

/** The bootstrap intervals and the progress of the request computing them. */
export type BootstrapState = {
  status: BootstrapStatus
  /** Progress of the running request: groupings done of total. */
  done: number
  total: number
  /** Identifies the inputs the results belong to (see `fairnessBootstrapKey`). */
  requestKey: string | null
  /** Results by task key of the last finished request. */
  results: Record<string, BootstrapTaskResult>
  /** Worker wall time of the last finished request, ms. */
  ms: number | null
  error: string | null
}

/** The fairness view's serialisable state. */
export type FairnessState = {
  /** Attributes grouping the rows, in schema order; empty = the first sensitive attribute. */
  attrs: string[]
  /** Per-group thresholds by grouping key ('sex', 'sex × race'). */
  groupThresholds: Record<string, GroupThresholdSetting>
  bootstrap: BootstrapState
}

const idleBootstrap: BootstrapState = {
  status: 'idle',
  done: 0,
  total: 0,
  requestKey: null,
  results: {},
  ms: null,
  error: null,
}

/** The fairness view's store (vanilla zustand; components bind with useStore). */
export const fairnessStore = createStore<FairnessState>()(() => ({
  attrs: [],
  groupThresholds: {},
  bootstrap: idleBootstrap,
}))

/** The key of a grouping: the attribute, or the attributes joined by " × ". */
export function groupingKey(attrs: readonly string[]): string {
  return attrs.join(INTERSECTION_SEPARATOR)
}

/**
 * The attributes in effect: the chosen ones that the data has, in schema order, or the first
 * available sensitive attribute when none is chosen.
 */
export function effectiveAttrs(chosen: readonly string[], available: readonly string[]): string[] {
  const picked = available.filter((a) => chosen.includes(a))
  return picked.length > 0 ? picked : available.slice(0, 1)
}

/** Groups the rows by `attrs` (one attribute, or their intersection). */
export function setFairnessAttrs(attrs: string[]): void {
  fairnessStore.setState({ attrs: [...attrs] })
}

/** Adds or removes one attribute of the grouping (the last one cannot be removed). */
export function toggleFairnessAttr(attr: string, on: boolean, available: readonly string[]): void {
  const current = effectiveAttrs(fairnessStore.getState().attrs, available)
  const next = on ? [...current, attr] : current.filter((a) => a !== attr)
  if (next.length === 0) return
  setFairnessAttrs(available.filter((a) => next.includes(a)))
}

/** Sets (or, with NaN, clears) one group's own threshold in grouping `key`. */
export function setGroupThreshold(key: string, group: string, t: number): void {
  const prev = fairnessStore.getState().groupThresholds[key]
  const thresholds = { ...prev?.thresholds }
  if (Number.isNaN(t)) delete thresholds[group]
  else if (t >= 0 && t <= 1) thresholds[group] = t
  else return
  setGroupThresholdSetting(key, { thresholds, criterion: 'manual', at: null })
}

/** Applies a helper's per-group thresholds (from `thresholdsFromIndex`) to grouping `key`. */
export function applyGroupThresholds(key: string, helper: GroupThresholds): void {
  setGroupThresholdSetting(key, {
    thresholds: { ...helper.thresholds },
    criterion: helper.criterion,
    at: helper.threshold,
  })
}

/** Drops grouping `key`'s per-group thresholds: every group uses the shared threshold again. */
export function clearGroupThresholds(key: string): void {
  setGroupThresholdSetting(key, null)
}

function setGroupThresholdSetting(key: string, setting: GroupThresholdSetting | null): void {
  fairnessStore.setState((s) => {
    const next = { ...s.groupThresholds }
    if (setting && Object.keys(setting.thresholds).length > 0) next[key] = setting
    else delete next[key]
    return { groupThresholds: next }
  })
}

// ---------------------------------------------------------------------------------------------
// Derived numbers (all from src/core)

/** A grouping of the rows in view, indexed for the live threshold. */
export type Grouping = {
  key: string
  attrs: string[]
  /** The attributes' columns (all table rows; the view's rows pick from them). */
  columns: CodedColumn[]
  index: FairnessIndex
  /** The group table at threshold 0.5; only its threshold-free columns are shown. */
  table: FairnessTable
}

/** The rows a view shows: predictions and labels, and their table rows (null = all rows). */
export type RowsInView = { p: Float32Array; y: Uint8Array | null; index: Int32Array | null }

/** One grouping's computation in the stats worker. */
export type GroupingEntry = {
  status: 'running' | 'done' | 'error'
  grouping: Grouping | null
  error: string | null
  /** Progress of a running computation (steps done of total). */
  done: number
  total: number
}

/** Groupings of the rows in view `p`, by grouping key (cleared when the rows in view change). */
export type GroupingsState = { p: Float32Array | null; entries: Record<string, GroupingEntry> }

/** The groupings computed for the rows in view (not serialised: derived data). */
export const groupingsStore = createStore<GroupingsState>()(() => ({ p: null, entries: {} }))

const groupingControllers = new Map<string, AbortController>()

function setEntry(key: string, patch: Partial<GroupingEntry>): void {
  groupingsStore.setState((s) => ({
    entries: { ...s.entries, [key]: { ...s.entries[key]!, ...patch } },
  }))
}

/**
 * Makes sure every grouping of `attrSets` (one attribute, or several for an intersection) is
 * computed, or being computed, in the stats worker for the rows in `view`; results land in
 * `groupingsStore`. New rows in view cancel the computations for the old ones. Attribute sets
 * naming a column the table lacks are skipped.
 * @example ensureGroupings(view, table, [['sex'], ['race'], ['sex', 'race']])
 */
export function ensureGroupings(
  view: RowsInView,
  table: Table,
  attrSets: readonly (readonly string[])[],
): void {
  const { p, y, index: rows } = view
  if (!y) return
  if (groupingsStore.getState().p !== p) {
    for (const c of groupingControllers.values()) c.abort()
    groupingControllers.clear()
    groupingsStore.setState({ p, entries: {} })
  }
  for (const attrs of attrSets) {
    const key = groupingKey(attrs)
    if (groupingsStore.getState().entries[key]) continue
    const columns: CodedColumn[] = []
    for (const a of attrs) {
      const c = tableColumn(table, a)
      if (c) columns.push({ codes: c.codes, values: c.values })
    }
    if (columns.length !== attrs.length) continue
    const ctl = new AbortController()
    groupingControllers.set(key, ctl)
    groupingsStore.setState((s) => ({
      entries: {
        ...s.entries,
        [key]: { status: 'running', grouping: null, error: null, done: 0, total: 1 },
      },
    }))
    const current = () => !ctl.signal.aborted && groupingsStore.getState().p === p
    statsRequest(
      { cmd: 'grouping', p, y, rows, columns },
      {
        signal: ctl.signal,
        onProgress: (done, total) => {
          if (current()) setEntry(key, { done, total })
        },
      },
    )
      .then((r) => {
        if (!current()) return
        const grouping: Grouping = {
          key,
          attrs: [...attrs],
          columns,
          index: r.index,
          table: r.table,
        }
        setEntry(key, { status: 'done', grouping, done: 1, total: 1 })
      })
      .catch((e: WorkerError) => {
        if (!current() || e.kind === 'AbortError') return
        setEntry(key, { status: 'error', error: e.message })
      })
      .finally(() => {
        if (groupingControllers.get(key) === ctl) groupingControllers.delete(key)
      })
  }
}

/** A row of the group table at the current threshold(s). */
export type FairnessRowAt = FairnessTableRow & {
  /** The threshold this group's rows are cut at. */
  threshold: number
}

/** The fairness view's numbers for one grouping at one threshold setting. */
export type FairnessAt = {
  rows: Record<string, FairnessRowAt>
  overall: FairnessTableRow
  summary: DisparitySummary
}

/** FairnessTableRow's false negative rate fn / (tp + fn), null without positives. */
const fnrOf = (r: GroupRates): number | null => (r.tp + r.fn === 0 ? null : r.fn / (r.tp + r.fn))

/**
 * Rates, disparities and the group table of `grouping` at `threshold` (groups named in
 * `perGroup` use their own threshold): `fairnessIndexAt` for the rates, `disparitySummary` for the
 * summary, and the grouping's `fairnessTable` for the threshold-free columns. Equal to
 * `fairnessTable(p, y, groups, threshold)` when `perGroup` is empty.
 * @example fairnessAt(grouping, 0.35).summary.demographicParityDifference
 */
export function fairnessAt(
  grouping: Grouping,
  threshold: number,
  perGroup: Readonly<Record<string, number>> = {},
): FairnessAt {
  const live = fairnessIndexAt(grouping.index, threshold, perGroup)
  const rows: Record<string, FairnessRowAt> = {}
  for (const name of grouping.index.names) {
    const g: FairnessGroup = live.groups[name]!
    const fixed = grouping.table.groups[name]!
    rows[name] = {
      ...g,
      baseRate: fixed.baseRate,
      auc: fixed.auc,
      ece: fixed.ece,
      fnr: fnrOf(g),
      threshold: Object.hasOwn(perGroup, name) ? perGroup[name]! : threshold,
    }
  }
  const o = grouping.table.overall
  const overall: FairnessTableRow = {
    ...live.overall,
    small: o.small,
    baseRate: o.baseRate,
    auc: o.auc,
    ece: o.ece,
    fnr: fnrOf(live.overall),
  }
  return { rows, overall, summary: disparitySummary(live) }
}

/** What each threshold helper would do at `threshold` (both computed on the index). */
export function fairnessHelpers(
  grouping: Grouping,
  threshold: number,
): Record<GroupThresholds['criterion'], GroupThresholds> {
  return {
    equalOpportunity: thresholdsFromIndex(grouping.index, 'equalOpportunity', { threshold }),
    demographicParity: thresholdsFromIndex(grouping.index, 'demographicParity', { threshold }),
  }
}

/** Overall accuracy under per-group thresholds, under the single threshold, and the change. */
export type AccuracyEffect = {
  accuracy: number | null
  baselineAccuracy: number | null
  /** accuracy − baselineAccuracy (negative: what the per-group thresholds cost). */
  accuracyChange: number | null
}

/**
 * What per-group thresholds do to overall accuracy, compared with `threshold` for every group
 * (both from `fairnessIndexAt`).
 * @example fairnessAccuracyEffect(grouping, 0.5, { Female: 0.31 }).accuracyChange
 */
export function fairnessAccuracyEffect(
  grouping: Grouping,
  threshold: number,
  perGroup: Readonly<Record<string, number>>,
): AccuracyEffect {
  const accuracy = fairnessIndexAt(grouping.index, threshold, perGroup).overall.accuracy
  const baselineAccuracy = fairnessIndexAt(grouping.index, threshold).overall.accuracy
  return {
    accuracy,
    baselineAccuracy,
    accuracyChange:
      accuracy === null || baselineAccuracy === null ? null : accuracy - baselineAccuracy,
  }
}

// ---------------------------------------------------------------------------------------------
// Bootstrap (stats worker)

const viewIds = new WeakMap<Float32Array, number>()
let nextViewId = 1

/**
 * Identifies a bootstrap's inputs: the rows in view, the threshold and the tasks (their keys
 * and per-group thresholds). Results are shown only while this matches the view's key.
 */
export function fairnessBootstrapKey(
  p: Float32Array,
  threshold: number,
  tasks: readonly BootstrapTask[],
): string {
  let id = viewIds.get(p)
  if (id === undefined) {
    id = nextViewId++
    viewIds.set(p, id)
  }
  const t = tasks.map((k) => `${k.key}:${JSON.stringify(k.thresholds ?? {})}`).join('|')
  return `${id}@${threshold}#${t}`
}

let timer: ReturnType<typeof setTimeout> | null = null
let controller: AbortController | null = null
/** Key of the request waiting or running (null when none). */
let pendingKey: string | null = null

/** Cancels a scheduled or running bootstrap (the view unmounted or its inputs changed). */
export function cancelFairnessBootstrap(): void {
  if (timer !== null) clearTimeout(timer)
  timer = null
  controller?.abort()
  controller = null
  pendingKey = null
  const b = fairnessStore.getState().bootstrap
  if (b.status === 'waiting' || b.status === 'running') {
    fairnessStore.setState({
      bootstrap: { ...b, status: b.requestKey ? 'done' : 'idle', done: 0, total: 0 },
    })
  }
}

/**
 * Schedules the bootstrap of `tasks` at `threshold` for the rows (`p`, `y`), 300 ms after the
 * last call: a newer call supersedes a waiting or running one (the worker is told to stop). Does
 * nothing when the results for the same inputs are already there.
 */
export function scheduleFairnessBootstrap(
  p: Float32Array,
  y: Uint8Array,
  rows: Int32Array | null,
  threshold: number,
  tasks: BootstrapTask[],
): void {
  const requestKey = fairnessBootstrapKey(p, threshold, tasks)
  const b = fairnessStore.getState().bootstrap
  if (b.requestKey === requestKey && b.status === 'done') return
  if (pendingKey === requestKey && (b.status === 'waiting' || b.status === 'running')) return
  cancelFairnessBootstrap()
  fairnessStore.setState({
    bootstrap: {
      ...fairnessStore.getState().bootstrap,
      status: 'waiting',
      done: 0,
      total: tasks.length,
      error: null,
    },
  })
  pendingKey = requestKey
  timer = setTimeout(() => {
    timer = null
    void runBootstrap(p, y, rows, threshold, tasks, requestKey)
  }, FAIRNESS_BOOTSTRAP_DEBOUNCE_MS)
}

async function runBootstrap(
  p: Float32Array,
  y: Uint8Array,
  rows: Int32Array | null,
  threshold: number,
  tasks: BootstrapTask[],
  requestKey: string,
): Promise<void> {
  const ctl = new AbortController()
  controller = ctl
  const set = (patch: Partial<BootstrapState>) =>
    fairnessStore.setState((s) => ({ bootstrap: { ...s.bootstrap, ...patch } }))
  set({ status: 'running', done: 0, total: tasks.length })
  try {
    const r = await statsRequest(
      {
        cmd: 'bootstrap',
        p,
        y,
        rows,
        threshold,
        tasks,
        B: FAIRNESS_BOOTSTRAP_B,
        seed: FAIRNESS_BOOTSTRAP_SEED,
      },
      {
        signal: ctl.signal,
        onProgress: (done, total) => {
          if (!ctl.signal.aborted) set({ done, total })
        },
      },
    )
    if (ctl.signal.aborted) return
    const results = Object.fromEntries(r.results.map((t) => [t.key, t]))
    set({ status: 'done', requestKey, results, ms: r.ms, done: tasks.length, error: null })
  } catch (e) {
    const err = e as WorkerError
    if (err.kind === 'AbortError' || ctl.signal.aborted) return
    set({ status: 'error', error: err.message })
  } finally {
    if (controller === ctl) {
      controller = null
      pendingKey = null
    }
  }
}

/** Drops results that belong to another session when new data or a new model is loaded. */
export function resetFairnessBootstrap(): void {
  cancelFairnessBootstrap()
  fairnessStore.setState({ bootstrap: idleBootstrap })
}

/** Per-group thresholds and intervals belong to a dataset: new data or a new schema drops them. */
appStore.subscribe((s, prev) => {
  if (s.data !== prev.data || s.schema !== prev.schema) {
    fairnessStore.setState({ groupThresholds: {} })
    resetFairnessBootstrap()
  }
  if (s.data !== prev.data || s.predictions !== prev.predictions) {
    for (const c of groupingControllers.values()) c.abort()
    groupingControllers.clear()
    groupingsStore.setState({ p: null, entries: {} })
  }
})
