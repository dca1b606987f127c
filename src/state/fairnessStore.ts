/**
 * The fairness view's choices, serialised by sharing links: the attributes that group the rows
 * (one, or several for an intersection) and per-group thresholds set by hand or by the
 * equal-opportunity / demographic-parity helpers. What is computed from them lives in
 * src/state/fairnessQueries.ts; the numbers themselves in src/core/views/fairnessAt.ts.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'
import { fairnessEffectiveAttrs } from '../core/views/fairnessAt.ts'
import type { GroupThresholds } from '../core/views/fairnessThresholds.ts'

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

/** The fairness view's serialisable state. */
export type FairnessState = {
  /** Attributes grouping the rows, in schema order; empty = the first sensitive attribute. */
  attrs: string[]
  /** Per-group thresholds by grouping key ('sex', 'sex × race'). */
  groupThresholds: Record<string, GroupThresholdSetting>
}

/** The fairness store and its actions. */
export type FairnessStore = {
  readonly store: StoreApi<FairnessState>
  /** Groups the rows by `attrs` (one attribute, or their intersection). */
  setAttrs(attrs: string[]): void
  /** Adds or removes one attribute of the grouping (the last one cannot be removed). */
  toggleAttr(attr: string, on: boolean, available: readonly string[]): void
  /** Sets (or, with NaN, clears) one group's own threshold in grouping `key`; others ignored. */
  setGroupThreshold(key: string, group: string, t: number): void
  /** Applies a helper's per-group thresholds (from `thresholdsFromIndex`) to grouping `key`. */
  applyGroupThresholds(key: string, helper: GroupThresholds): void
  /** Drops grouping `key`'s per-group thresholds: every group uses the shared threshold again. */
  clearGroupThresholds(key: string): void
  /** Per-group thresholds belong to a dataset: new data or a new schema drops them all. */
  clearAllGroupThresholds(): void
}

/**
 * The fairness store.
 * @example const fairness = createFairness(); fairness.setAttrs(['sex', 'race'])
 */
export function createFairness(): FairnessStore {
  const store = createStore<FairnessState>()(() => ({ attrs: [], groupThresholds: {} }))
  const setSetting = (key: string, setting: GroupThresholdSetting | null) =>
    store.setState((s) => {
      const next = { ...s.groupThresholds }
      if (setting && Object.keys(setting.thresholds).length > 0) next[key] = setting
      else delete next[key]
      return { groupThresholds: next }
    })
  const setAttrs = (attrs: string[]) => store.setState({ attrs: [...attrs] })
  return {
    store,
    setAttrs,
    toggleAttr(attr, on, available) {
      const current = fairnessEffectiveAttrs(store.getState().attrs, available)
      const next = on ? [...current, attr] : current.filter((a) => a !== attr)
      if (next.length === 0) return
      setAttrs(available.filter((a) => next.includes(a)))
    },
    setGroupThreshold(key, group, t) {
      const thresholds = { ...store.getState().groupThresholds[key]?.thresholds }
      if (Number.isNaN(t)) delete thresholds[group]
      else if (t >= 0 && t <= 1) thresholds[group] = t
      else return
      setSetting(key, { thresholds, criterion: 'manual', at: null })
    },
    applyGroupThresholds(key, helper) {
      setSetting(key, {
        thresholds: { ...helper.thresholds },
        criterion: helper.criterion,
        at: helper.threshold,
      })
    },
    clearGroupThresholds: (key) => setSetting(key, null),
    clearAllGroupThresholds: () => store.setState({ groupThresholds: {} }),
  }
}
