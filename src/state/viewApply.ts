/**
 * Applies an untrusted view state (a link, a session bundle, the persisted view) to the app: it
 * is checked field by field first (src/core/viewState.ts), only the accepted fields reach the
 * stores, and one notice names every dropped field and why. Since the persisted view is collected
 * from the stores, a dropped field is never written back either.
 */
import { BackendNames } from '../model/card.ts'
import type { ExplainSettings } from '../core/explain.ts'
import {
  type ViewAccepted,
  type ViewContext,
  type ViewDropped,
  viewDroppedText,
  viewStateValidate,
} from '../core/viewState.ts'
import type { App } from './createApp.ts'
import { type Tab, Tabs } from './uiStore.ts'

/** What the loaded session lets a view name (schema, rows, tabs, backends). */
export function viewContext(app: App): ViewContext {
  const { schema, data } = app.session.store.getState()
  return {
    schema: schema?.schema ?? null,
    nRows: data?.table.nRows ?? 0,
    tabs: Tabs,
    backends: BackendNames,
  }
}

/** The context before any session is loaded: no schema, no rows (only source fields pass). */
export const NO_SESSION: ViewContext = {
  schema: null,
  nRows: 0,
  tabs: Tabs,
  backends: BackendNames,
}

/** The explain settings patched with the accepted ones (the background merged key by key). */
function settingsPatched(s: ExplainSettings, a: ViewAccepted): ExplainSettings {
  const out: ExplainSettings = { ...s, background: { ...s.background } }
  const k = a['explain.settings.background.k']
  const kind = a['explain.settings.background.kind']
  if (k !== undefined) out.background.k = k
  if (kind !== undefined) out.background.kind = kind
  if (a['explain.settings.budget'] !== undefined) out.budget = a['explain.settings.budget']
  if (a['explain.settings.seed'] !== undefined) out.seed = a['explain.settings.seed']
  if (a['explain.settings.shap'] !== undefined) out.shap = a['explain.settings.shap']
  if (a['explain.settings.igSteps'] !== undefined) out.igSteps = a['explain.settings.igSteps']
  if (a['explain.settings.igMethod'] !== undefined) out.igMethod = a['explain.settings.igMethod']
  if (a['explain.settings.igBaseline'] !== undefined)
    out.igBaseline = a['explain.settings.igBaseline']
  if (a['explain.settings.counterfactuals'] !== undefined)
    out.counterfactuals = a['explain.settings.counterfactuals']
  if (a['explain.settings.threshold'] !== undefined) out.threshold = a['explain.settings.threshold']
  if (a['explain.settings.counterfactualConstraints'] !== undefined)
    out.counterfactualConstraints = a['explain.settings.counterfactualConstraints']
  if (a['explain.settings.fastPath'] !== undefined) out.fastPath = a['explain.settings.fastPath']
  if (a['explain.settings.treeShap'] !== undefined) out.treeShap = a['explain.settings.treeShap']
  return out
}

/** Puts the accepted fields into the stores. */
function acceptedApply(app: App, a: ViewAccepted, tabFrom: Tab | undefined): void {
  if (a.threshold !== undefined) app.metrics.setThreshold(a.threshold)
  if (a['cohort.restrict'] !== undefined) app.cohort.setRestrict(a['cohort.restrict'])
  if (a['cohort.text'] !== undefined) app.cohort.setText(a['cohort.text'])
  const ex = app.explain.store.getState()
  // The settings object is replaced only when the state sets one of them (a new object would
  // mark the explanations computed with the old one as stale).
  const anySetting = Object.keys(a).some((k) => k.startsWith('explain.settings.'))
  app.explain.store.setState({
    ...(anySetting ? { settings: settingsPatched(ex.settings, a) } : {}),
    ...(a['explain.row'] !== undefined ? { row: a['explain.row'] } : {}),
    ...(a['explain.globalN'] !== undefined ? { globalN: a['explain.globalN'] } : {}),
    ...(a['explain.dependenceFeature'] !== undefined
      ? { dependenceFeature: a['explain.dependenceFeature'] }
      : {}),
    ...(a['explain.dependenceColor'] !== undefined
      ? { dependenceColor: a['explain.dependenceColor'] }
      : {}),
  })
  app.calibration.store.setState({
    ...(a['calibration.strategy'] !== undefined ? { strategy: a['calibration.strategy'] } : {}),
    ...(a['calibration.nBins'] !== undefined ? { nBins: a['calibration.nBins'] } : {}),
    ...(a['calibration.groupAttr'] !== undefined ? { groupAttr: a['calibration.groupAttr'] } : {}),
  })
  if (a['fairness.attrs'] !== undefined) app.fairness.setAttrs(a['fairness.attrs'])
  app.compression.store.setState({
    ...(a['compression.ids'] !== undefined ? { ids: a['compression.ids'] } : {}),
    ...(a['compression.calibrationRows'] !== undefined
      ? { calibrationRows: a['compression.calibrationRows'] }
      : {}),
    ...(a['compression.shapRows'] !== undefined ? { shapRows: a['compression.shapRows'] } : {}),
    ...(a['compression.tolerance'] !== undefined ? { tolerance: a['compression.tolerance'] } : {}),
  })
  const sort = app.monitoring.store.getState().sort
  const sortKey = a['monitoring.sort.key']
  const sortDir = a['monitoring.sort.dir']
  app.monitoring.store.setState({
    ...(a['monitoring.seed'] !== undefined ? { seed: a['monitoring.seed'] } : {}),
    ...(a['monitoring.selectedFeature'] !== undefined
      ? { selectedFeature: a['monitoring.selectedFeature'] }
      : {}),
    ...(sortKey !== undefined || sortDir !== undefined
      ? { sort: { key: sortKey ?? sort.key, dir: sortDir ?? sort.dir } }
      : {}),
    ...(a['monitoring.histMode'] !== undefined ? { histMode: a['monitoring.histMode'] } : {}),
  })
  const dataRow = a.dataRow
  if (dataRow !== undefined && dataRow !== null) app.dataRow.openRow(dataRow)
  const userPicked = tabFrom !== undefined && app.ui.store.getState().tab !== tabFrom
  const tab = a.tab
  if (!userPicked && tab !== undefined && (Tabs as readonly string[]).includes(tab))
    app.ui.setTab(tab as Tab)
}

/**
 * Applies the view part of an untrusted state `raw` to `app` (after its sources are loaded):
 * every field is checked against the loaded session; the accepted ones are applied and one
 * warning names the dropped ones (`what` names where the state came from, e.g. "This link").
 * `tabFrom` is the tab shown when the restore began: when the user has picked another since (the
 * load takes seconds), their choice stands and the state's tab is not applied.
 * `earlier` are fields already dropped when the state was decoded (its sources), named in the
 * same notice.
 * @returns the dropped fields (empty when everything was applied).
 */
export function viewStateApply(
  app: App,
  raw: unknown,
  tabFrom?: Tab,
  what = 'This view',
  earlier: readonly ViewDropped[] = [],
): ViewDropped[] {
  const v = viewStateValidate(raw, viewContext(app))
  acceptedApply(app, v.accepted, tabFrom)
  const seen = new Set(earlier.map((d) => d.field))
  const dropped = [...earlier, ...v.dropped.filter((d) => !seen.has(d.field))]
  const msg = viewDroppedText(what, dropped)
  if (msg) app.jobs.notify('warning', msg)
  return dropped
}
