/**
 * The fairness view's live numbers: a grouping of the rows in view (indexed once, in the stats
 * worker, by `fairnessIndex` and `fairnessTable`) asked at any threshold, with or without
 * per-group thresholds, in O(groups · log n) — so a threshold slider never recomputes anything
 * per row. Also the view's choice of groupings and of the bootstrap tasks, shared by the store
 * that launches the work and the view that reads it.
 */
import type { FairnessGroup, GroupRates } from '../fairness.ts'
import {
  type FairnessIndex,
  type GroupThresholds,
  fairnessIndexAt,
  thresholdsFromIndex,
} from './fairnessThresholds.ts'
import {
  type CodedColumn,
  type DisparitySummary,
  type FairnessTable,
  type FairnessTableRow,
  INTERSECTION_SEPARATOR,
  disparitySummary,
} from './fairnessView.ts'
import { dict } from '../dict.ts'

/** A grouping of the rows in view, indexed for the live threshold. */
export type Grouping = {
  /** The grouping's key (`groupingKey(attrs)`). */
  key: string
  attrs: string[]
  /** The attributes' columns (all table rows; the view's rows pick from them). */
  columns: CodedColumn[]
  index: FairnessIndex
  /** The group table at threshold 0.5; only its threshold-free columns are shown. */
  table: FairnessTable
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

/** Overall accuracy under per-group thresholds, under the single threshold, and the change. */
export type AccuracyEffect = {
  accuracy: number | null
  baselineAccuracy: number | null
  /** accuracy − baselineAccuracy (negative: what the per-group thresholds cost). */
  accuracyChange: number | null
}

/**
 * The key of a grouping: the attribute, or the attributes joined by " × ".
 * @example groupingKey(['sex', 'race']) // 'sex × race'
 */
export function groupingKey(attrs: readonly string[]): string {
  return attrs.join(INTERSECTION_SEPARATOR)
}

/**
 * The attributes in effect: the chosen ones that the data has, in `available` (schema) order, or
 * the first available attribute when none is chosen.
 * @returns [] when nothing is available.
 * @example fairnessEffectiveAttrs([], ['sex', 'race']) // ['sex']
 */
export function fairnessEffectiveAttrs(
  chosen: readonly string[],
  available: readonly string[],
): string[] {
  const picked = available.filter((a) => chosen.includes(a))
  return picked.length > 0 ? picked : available.slice(0, 1)
}

/**
 * The groupings the view needs: every available attribute alone, plus the intersection `attrs`
 * when it names more than one.
 * @example fairnessWantedGroupings(['sex', 'race'], ['sex', 'race']) // [['sex'], ['race'], ['sex', 'race']]
 */
export function fairnessWantedGroupings(
  available: readonly string[],
  attrs: readonly string[],
): string[][] {
  return [...available.map((a) => [a]), ...(attrs.length > 1 ? [[...attrs]] : [])]
}

/** What the fairness view groups by; see {@link fairnessPlan}. */
export type FairnessPlan = {
  /** Sensitive attributes the data has, in schema order. */
  available: string[]
  /** The attributes in effect (`fairnessEffectiveAttrs`). */
  attrs: string[]
  /** Their grouping key. */
  key: string
  /** The groupings to compute (`fairnessWantedGroupings`). */
  wanted: string[][]
}

/**
 * The fairness view's groupings: the schema's sensitive attributes that the data has (`hasColumn`),
 * the chosen ones in effect, their key, and every grouping to compute.
 * @example fairnessPlan(['sex', 'race'], (c) => c !== 'race', []).key // 'sex'
 */
export function fairnessPlan(
  sensitive: readonly string[],
  hasColumn: (name: string) => boolean,
  chosen: readonly string[],
): FairnessPlan {
  const available = sensitive.filter(hasColumn)
  const attrs = fairnessEffectiveAttrs(chosen, available)
  return {
    available,
    attrs,
    key: groupingKey(attrs),
    wanted: fairnessWantedGroupings(available, attrs),
  }
}

/** The computed groupings the view shows: one per attribute, the chosen one, and all of them. */
export type FairnessGroupings = { singles: Grouping[]; selected: Grouping; all: Grouping[] }

/**
 * Collects the groupings of `available` and of `attrs` from `lookup` (a finished grouping by key,
 * or null).
 * @returns null until every one of them is there.
 */
export function fairnessGroupingsReady(
  lookup: (key: string) => Grouping | null,
  available: readonly string[],
  attrs: readonly string[],
): FairnessGroupings | null {
  if (attrs.length === 0) return null
  const singles = available.map(lookup).filter((g): g is Grouping => g !== null)
  const selected = lookup(groupingKey(attrs))
  if (!selected || singles.length < available.length) return null
  return { singles, selected, all: attrs.length > 1 ? [...singles, selected] : singles }
}

/** One grouping to bootstrap (the stats worker's task, columns form). */
export type FairnessTask = {
  key: string
  columns: CodedColumn[]
  thresholds?: Record<string, number>
}

/** The bootstrap task key of grouping `key` under its own per-group thresholds. */
export function fairnessOwnTaskKey(key: string): string {
  return `${key} (per-group thresholds)`
}

/**
 * Bootstrap tasks: every grouping at the shared threshold, plus the chosen one (`selected`) under
 * its own per-group thresholds when it has any.
 */
export function fairnessBootstrapTasks(
  groupings: FairnessGroupings,
  perGroup: Readonly<Record<string, number>>,
): FairnessTask[] {
  const tasks: FairnessTask[] = groupings.all.map((g) => ({ key: g.key, columns: g.columns }))
  if (Object.keys(perGroup).length > 0)
    tasks.push({
      key: fairnessOwnTaskKey(groupings.selected.key),
      columns: groupings.selected.columns,
      thresholds: { ...perGroup },
    })
  return tasks
}

/**
 * Identifies a bootstrap's inputs: the rows in view (their version), the threshold and the tasks
 * (keys and per-group thresholds). Results are shown only while this matches.
 * @example fairnessBootstrapKey(3, 0.5, [{ key: 'sex', columns }]) // '3@0.5#sex:{}'
 */
export function fairnessBootstrapKey(
  viewVersion: number,
  threshold: number,
  tasks: readonly FairnessTask[],
): string {
  const t = tasks.map((k) => `${k.key}:${JSON.stringify(k.thresholds ?? {})}`).join('|')
  return `${viewVersion}@${threshold}#${t}`
}

/** The false negative rate fn / (tp + fn); null without positives. */
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
  const rows = dict<FairnessRowAt>()
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

/**
 * What per-group thresholds do to overall accuracy, compared with `threshold` for every group
 * (both from `fairnessIndexAt`).
 * @returns nulls for a grouping without rows.
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
