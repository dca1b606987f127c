/**
 * Live dashboard links. The URL hash (`#s=…`, lz-string compressed JSON) holds the whole view:
 * where the model, data and schema come from (URLs), class of interest, threshold, cohort,
 * selected rows, tab, chart options, explainer settings and backend preference. Opening the link
 * reloads the sources and recomputes — every sampled computation is seeded, so the recipient sees
 * the same numbers. Sources on another origin are only fetched after the user agrees.
 * View changes push history entries, so back/forward move through them.
 */
import { classRequest } from '../model/card.ts'
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string'
import { locksForSchema } from '../core/views/cfLocks.ts'
import type { ExplainSettings } from '../core/explain.ts'
import type { BackendName } from '../workers/protocol.ts'
import type { CalibrationState } from './calibrationStore.ts'
import type { App } from './createApp.ts'
import { NOT_DATA } from './jobs.ts'
import type { MonitoringState } from './monitoringStore.ts'
import { type Tab, Tabs } from './uiStore.ts'
import { dict } from '../core/dict.ts'
import { DEMOS, type DemoName } from './demos.ts'

/** The built-in demo whose model `url` is (by path), or null. */
function demoOfUrl(url: string): DemoName | null {
  const path = new URL(url, location.href).pathname
  return (Object.keys(DEMOS) as DemoName[]).find((d) => path.endsWith(`/${DEMOS[d].model}`)) ?? null
}

/** Version 1 of the link state. Unknown or malformed fields are ignored, never executed. */
export type ViewState = {
  v: 1
  /** Source URLs; absent when the part was a local file (it cannot travel in a link). */
  src: { model?: string; data?: string; schema?: string; challenger?: string }
  /** The class of interest the view was made with (null: before any model loaded). */
  classIndex: number | null
  threshold: number
  tab: Tab
  cohort: { text: string; restrict: boolean }
  explain: {
    row: number
    settings: ExplainSettings
    globalN: number
    dependenceFeature: number | null
    dependenceColor: number | null
  }
  dataRow: number | null
  calibration: Pick<CalibrationState, 'strategy' | 'nBins' | 'groupAttr'>
  fairness: { attrs: string[] }
  compression: { ids: string[]; calibrationRows: number; shapRows: number; tolerance: number }
  backend: BackendName | null
  monitoring?: Pick<MonitoringState, 'seed' | 'selectedFeature' | 'sort' | 'histMode'>
  /** The sources were local files (the recipient needs a session bundle). */
  localFiles: boolean
  /** The Compare tab's challenger was loaded from local files (it cannot travel in a link). */
  localChallenger?: boolean
  /** Every view showed the challenger (the scope bar's switch); `src.model` is the champion. */
  show?: 'challenger'
}

/** The current view of `app`, read from every store. */
export function viewStateCollect(app: App): ViewState {
  const { model: shownModel, data, schema, classLabel } = app.session.store.getState()
  const cmp = app.compare.store.getState()
  // While the challenger is shown, the session's model is the challenger's: name the champion.
  const model = cmp.shown === 'challenger' && cmp.champion ? cmp.champion : shownModel
  const ex = app.explain.store.getState()
  const cal = app.calibration.store.getState()
  const comp = app.compression.store.getState()
  const cohort = app.cohort.store.getState()
  const src: ViewState['src'] = {}
  if (model?.input.kind === 'url') src.model = model.input.url
  if (data?.input.kind === 'url') src.data = data.input.url
  if (schema?.url) src.schema = schema.url
  const challenger = cmp.challenger
  if (challenger?.input.kind === 'url') src.challenger = challenger.input.url
  const localFiles =
    model?.input.kind === 'files' ||
    data?.input.kind === 'file' ||
    (!!schema && !schema.url && !schema.inferred)
  const { seed, selectedFeature, sort, histMode } = app.monitoring.store.getState()
  return {
    v: 1,
    src,
    classIndex: classLabel,
    threshold: app.metrics.store.getState().threshold,
    tab: app.ui.store.getState().tab,
    // A row-set cohort (the Compare tab's disagreements) is no filter: it does not travel.
    cohort: { text: cohort.rowSet === null ? cohort.text : '', restrict: cohort.restrict },
    explain: {
      row: ex.row,
      settings: ex.settings,
      globalN: ex.globalN,
      dependenceFeature: ex.dependenceFeature,
      dependenceColor: ex.dependenceColor,
    },
    dataRow: app.dataRow.store.getState().row,
    calibration: { strategy: cal.strategy, nBins: cal.nBins, groupAttr: cal.groupAttr },
    fairness: { attrs: app.fairness.store.getState().attrs },
    compression: {
      ids: comp.ids,
      calibrationRows: comp.calibrationRows,
      shapRows: comp.shapRows,
      tolerance: comp.tolerance,
    },
    backend: app.backends.store.getState().activeBackend,
    monitoring: { seed, selectedFeature, sort, histMode },
    localFiles,
    ...(challenger?.input.kind === 'files' ? { localChallenger: true } : {}),
    ...(cmp.shown === 'challenger' ? { show: 'challenger' as const } : {}),
  }
}

/** The hash payload of a view state: its JSON, lz-string compressed for a URL. */
export function viewStateEncode(s: ViewState): string {
  return compressToEncodedURIComponent(JSON.stringify(s))
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const num = (v: unknown, lo: number, hi: number): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi ? v : null
const str = (v: unknown): string | null => (typeof v === 'string' && v.length < 10_000 ? v : null)

/** Parses a hash payload; returns null (and never throws) for anything that is not a v1 state. */
export function viewStateDecode(payload: string): ViewState | null {
  let raw: unknown
  try {
    raw = JSON.parse(decompressFromEncodedURIComponent(payload) ?? '')
  } catch {
    return null
  }
  if (!isObj(raw) || raw.v !== 1 || !isObj(raw.src)) return null
  return raw as unknown as ViewState
}

/** Sources whose origin differs from the page's: they need the user's consent. */
export function foreignSources(s: ViewState): string[] {
  return Object.values(s.src).filter((u): u is string => {
    try {
      return new URL(u, location.href).origin !== location.origin
    } catch {
      return true
    }
  })
}

/**
 * Applies the view part of a state to `app` (after its sources are loaded). Invalid fields are
 * skipped. `tabFrom` is the tab shown when the restore began: when the user has picked another
 * since (the load takes seconds), their choice stands and the state's tab is not applied.
 */
export function viewStateApply(app: App, s: ViewState, tabFrom?: Tab): void {
  const thr = num(s.threshold, 0, 1)
  if (thr !== null) app.metrics.setThreshold(thr)
  if (isObj(s.cohort)) {
    const text = str(s.cohort.text)
    if (typeof s.cohort.restrict === 'boolean') app.cohort.setRestrict(s.cohort.restrict)
    if (text !== null) app.cohort.setText(text)
  }
  const n = app.session.store.getState().data?.table.nRows ?? 0
  if (isObj(s.explain)) {
    const row = num(s.explain.row, 0, n - 1)
    const patch = dict<unknown>()
    if (row !== null) patch.row = row
    if (isObj(s.explain.settings)) {
      const settings: ExplainSettings = {
        ...app.explain.store.getState().settings,
        ...(s.explain.settings as Partial<ExplainSettings>),
      }
      // Counterfactual locks naming features this schema lacks fall back to the default.
      const schema = app.session.store.getState().schema?.schema
      patch.settings = schema ? locksForSchema(schema, settings) : settings
    }
    const g = num(s.explain.globalN, 1, 1_000_000)
    if (g !== null) patch.globalN = g
    for (const k of ['dependenceFeature', 'dependenceColor'] as const) {
      const v = s.explain[k]
      if (v === null || num(v, -1, 10_000) !== null) patch[k] = v
    }
    app.explain.store.setState(patch)
  }
  if (isObj(s.calibration)) {
    const c = s.calibration
    app.calibration.store.setState({
      ...(c.strategy === 'width' || c.strategy === 'mass' ? { strategy: c.strategy } : {}),
      ...(num(c.nBins, 2, 50) !== null ? { nBins: c.nBins as number } : {}),
      ...(c.groupAttr === null || typeof c.groupAttr === 'string'
        ? { groupAttr: c.groupAttr as string | null }
        : {}),
    })
  }
  if (isObj(s.fairness) && Array.isArray(s.fairness.attrs))
    app.fairness.setAttrs(s.fairness.attrs.filter((a): a is string => typeof a === 'string'))
  if (isObj(s.compression)) {
    const c = s.compression
    app.compression.store.setState({
      ...(Array.isArray(c.ids)
        ? { ids: c.ids.filter((x): x is never => typeof x === 'string') }
        : {}),
      ...(num(c.calibrationRows, 1, 1e7) !== null
        ? { calibrationRows: c.calibrationRows as number }
        : {}),
      ...(num(c.shapRows, 1, 1e6) !== null ? { shapRows: c.shapRows as number } : {}),
      ...(num(c.tolerance, 0, 1) !== null ? { tolerance: c.tolerance as number } : {}),
    })
  }
  if (isObj(s.monitoring)) {
    const m = s.monitoring
    app.monitoring.store.setState({
      ...(num(m.seed, 0, 2 ** 32) !== null ? { seed: m.seed } : {}),
      ...(m.selectedFeature === null || typeof m.selectedFeature === 'string'
        ? { selectedFeature: m.selectedFeature }
        : {}),
      ...(isObj(m.sort) &&
      typeof m.sort.key === 'string' &&
      (m.sort.dir === 'asc' || m.sort.dir === 'desc')
        ? { sort: m.sort }
        : {}),
      ...(typeof m.histMode === 'string' ? { histMode: m.histMode } : {}),
    })
  }
  const dataRow = s.dataRow === null ? null : num(s.dataRow, 0, n - 1)
  if (dataRow !== null) app.dataRow.openRow(dataRow)
  const userPicked = tabFrom !== undefined && app.ui.store.getState().tab !== tabFrom
  if (!userPicked && typeof s.tab === 'string' && (Tabs as readonly string[]).includes(s.tab))
    app.ui.setTab(s.tab)
}

/** Pending link whose foreign sources await the user's decision (rendered by ShareGate). */
export type PendingLink = { state: ViewState; foreign: string[] }

/** Live links over one app: the hash follows the view, and a link's hash opens its view. */
export type Share = {
  /** The link waiting for consent (`get`), with a subscription for ShareGate. */
  readonly pendingLink: {
    get: () => PendingLink | null
    subscribe: (f: () => void) => () => void
  }
  /** Opens the link in `hash` (`#s=…`): foreign sources wait for consent. False when none. */
  openHash(hash: string): boolean
  /** The user's answer to the consent prompt. */
  pendingDecide(accept: boolean): void
  /** Something in the view changed: the hash is rewritten within 400 ms (throttled). */
  viewChanged(): void
  /** Follows back/forward (popstate) to the states in the history. */
  start(): void
  /** Copies the current link to the clipboard; returns the link. */
  copyLink(): Promise<string>
}

/**
 * Live links for `app` in this page (location, history, clipboard).
 * @example const share = createShare(app); share.start(); share.openHash(location.hash)
 */
export function createShare(app: App): Share {
  const { notify } = app.jobs
  let pending: PendingLink | null = null
  const pendingListeners = new Set<() => void>()
  const setPending = (p: PendingLink | null) => {
    pending = p
    pendingListeners.forEach((f) => f())
  }
  let applying = false
  let lastHash = ''
  let timer: ReturnType<typeof setTimeout> | null = null

  /** Loads a link's sources (already consented) and applies its view. */
  async function openState(s: ViewState): Promise<boolean> {
    applying = true
    const tabFrom = app.ui.store.getState().tab
    try {
      const want = s.src
      const { model, data, schema } = app.session.store.getState()
      const same =
        (want.model ?? null) === (model?.input.kind === 'url' ? model.input.url : null) &&
        (want.data ?? null) === (data?.input.kind === 'url' ? data.input.url : null) &&
        (want.schema ?? null) === (schema?.url ?? null)
      if (!same && (want.model || want.data || want.schema)) {
        const ok = await app.load.loadBundle({
          ...(want.model ? { model: { kind: 'url', url: want.model } } : {}),
          ...(want.data ? { data: { kind: 'url', url: want.data } } : {}),
          ...(want.schema ? { schema: { kind: 'url', url: want.schema } } : {}),
          ...(typeof s.classIndex === 'number' &&
          Number.isInteger(s.classIndex) &&
          s.classIndex >= 0
            ? { cls: classRequest(s.classIndex) }
            : {}),
        })
        if (!ok) return false
      }
      if (s.localFiles && !(want.model && want.data)) {
        notify(
          'warning',
          'This link was made from local files, which cannot travel in a link: load the same files (or the session bundle) to see the shared view.',
        )
      }
      const b = app.backends.store.getState()
      if (
        s.backend &&
        s.backend !== b.activeBackend &&
        b.backends.some((x) => x.name === s.backend && x.available)
      ) {
        await app.backends.setBackend(s.backend)
      }
      viewStateApply(app, s, tabFrom)
      const ch = app.compare.store.getState().challenger
      const chUrl = typeof want.challenger === 'string' ? want.challenger : null
      if (chUrl && !(ch?.input.kind === 'url' && ch.input.url === chUrl)) {
        if (await app.compare.loadChallenger({ kind: 'url', url: chUrl }, demoOfUrl(chUrl)))
          if (s.show === 'challenger') await app.compare.show('challenger')
      } else if (s.localChallenger === true)
        notify(
          'warning',
          'This link compared with a challenger from local files, which cannot travel in a link: load the same challenger in the Compare tab.',
        )
      return true
    } finally {
      applying = false
      lastHash = location.hash
    }
  }

  function openHash(hash: string): boolean {
    const m = /^#s=(.+)$/.exec(hash)
    if (!m) return false
    const s = viewStateDecode(m[1]!)
    if (!s) {
      notify(
        'error',
        'This link could not be read (damaged or from another version); showing the dashboard without it.',
      )
      return false
    }
    const foreign = foreignSources(s)
    if (foreign.length) setPending({ state: s, foreign })
    else void openState(s)
    return true
  }

  const write = () => {
    timer = null
    if (applying || pending || !app.session.store.getState().ready) return
    const hash = `#s=${viewStateEncode(viewStateCollect(app))}`
    if (hash === location.hash) return
    history.pushState(null, '', hash)
    lastHash = hash
  }

  return {
    pendingLink: {
      get: () => pending,
      subscribe: (f) => {
        pendingListeners.add(f)
        return () => pendingListeners.delete(f)
      },
    },
    openHash,
    pendingDecide(accept) {
      const p = pending
      setPending(null)
      if (!p) return
      if (accept) void openState(p.state)
      else notify('info', 'The linked model and data were not loaded.')
    },
    // Throttle, not debounce: background jobs update stores continuously, and a view change must
    // still reach the history within 400 ms (identical hashes are not pushed twice).
    viewChanged() {
      if (!timer) timer = setTimeout(write, 400)
    },
    start() {
      window.addEventListener('popstate', () => {
        if (location.hash === lastHash) return
        openHash(location.hash)
      })
    },
    async copyLink() {
      const s = viewStateCollect(app)
      const link = `${location.origin}${location.pathname}#s=${viewStateEncode(s)}`
      try {
        await navigator.clipboard.writeText(link)
        notify(
          'info',
          s.localFiles
            ? 'Link copied. The model or data came from local files: recipients also need them — use Export session to send everything.'
            : 'Link copied: it reopens this view with the same numbers.',
          NOT_DATA,
        )
      } catch {
        notify('warning', `Copy this link by hand: ${link}`, NOT_DATA)
      }
      return link
    },
  }
}
