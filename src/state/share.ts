/**
 * Live dashboard links. The URL hash (`#s=…`, lz-string compressed JSON) holds the whole view:
 * where the model, data and schema come from (URLs), class of interest, threshold, cohort,
 * selected rows, tab, chart options, explainer settings and backend preference. Opening the link
 * reloads the sources and recomputes — every sampled computation is seeded, so the recipient sees
 * the same numbers. Sources on another origin are only fetched after the user agrees.
 * View changes push history entries, so back/forward move through them.
 */
import { classRequest } from '../model/card.ts'
import { compressToEncodedURIComponent } from 'lz-string'
import { unpackRun } from '../core/unpack/run.ts'
import { originsForeign } from '../core/origins.ts'
import { unpackOffThread } from './unpack.ts'
import type { ExplainSettings } from '../core/explain.ts'
import type { BackendName } from '../workers/protocol.ts'
import type { CalibrationState } from './calibrationStore.ts'
import type { App } from './createApp.ts'
import { NOT_DATA } from './jobs.ts'
import type { MonitoringState } from './monitoringStore.ts'
import type { Tab } from './uiStore.ts'
import { type ViewDropped, viewStateValidate } from '../core/viewState.ts'
import { isRecord } from '../core/viewChecks.ts'
import { NO_SESSION, viewContext, viewStateApply } from './viewApply.ts'
import { DEMOS, type DemoName } from './demos.ts'

/** The built-in demo whose model `url` is (by path), or null. */
function demoOfUrl(url: string): DemoName | null {
  const path = new URL(url, location.href).pathname
  return (Object.keys(DEMOS) as DemoName[]).find((d) => path.endsWith(`/${DEMOS[d].model}`)) ?? null
}

/**
 * Version 1 of the link state, as this app writes it. A state read back (link, bundle, IndexedDB)
 * is untrusted: it is checked field by field (src/core/viewState.ts) and dropped fields are named.
 */
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

/**
 * A link's state as decoded: the whole parsed JSON (`raw`, applied field by field once the sources
 * are loaded) and its source fields, already checked (only http(s) URLs, a class index in bounds).
 */
export type LinkState = {
  raw: Record<string, unknown>
  src: ViewState['src']
  classIndex: number | null
  localFiles: boolean
  /** Source fields that were refused (reported when the view is applied). */
  dropped: ViewDropped[]
}

/**
 * Reads the JSON text of a link's state; null (never a throw) for anything that is not a v1
 * state. Source fields are checked here, before anything is fetched; the view fields are checked
 * when they are applied (they need the loaded schema).
 */
export function viewStateDecodeJson(json: string): LinkState | null {
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch {
    return null
  }
  if (!isRecord(raw) || raw.v !== 1) return null
  const { accepted: a, dropped } = viewStateValidate(raw, { ...NO_SESSION }, 'source')
  const src: ViewState['src'] = {}
  if (a['src.model'] !== undefined) src.model = a['src.model']
  if (a['src.data'] !== undefined) src.data = a['src.data']
  if (a['src.schema'] !== undefined) src.schema = a['src.schema']
  if (a['src.challenger'] !== undefined) src.challenger = a['src.challenger']
  return { raw, src, classIndex: a.classIndex ?? null, localFiles: a.localFiles ?? false, dropped }
}

/**
 * Parses a hash payload in this thread, within the caps of src/core/unpack/limits.ts; returns null
 * (and never throws) for anything that is not a v1 state or passes a cap. The page itself goes
 * through {@link Share.openHash}, which decompresses in a worker and names the cap.
 */
export function viewStateDecode(payload: string): LinkState | null {
  const r = unpackRun({ kind: 'link', payload })
  return r.ok && r.kind === 'link' ? viewStateDecodeJson(r.json) : null
}

/**
 * The link's sources on another origin than the page's, grouped by origin: each needs the user's
 * consent. (A model's weight shards must be on the model's own origin, so these are every origin
 * the load touches: src/core/origins.ts.)
 */
export function foreignOrigins(s: Pick<LinkState, 'src'>): { origin: string; urls: string[] }[] {
  return originsForeign(Object.values(s.src), location.href)
}

export { viewStateApply }

/** Pending link whose foreign sources await the user's decision (rendered by ShareGate). */
export type PendingLink = { state: LinkState; foreign: { origin: string; urls: string[] }[] }

/** Live links over one app: the hash follows the view, and a link's hash opens its view. */
export type Share = {
  /** The link waiting for consent (`get`), with a subscription for ShareGate. */
  readonly pendingLink: {
    get: () => PendingLink | null
    subscribe: (f: () => void) => () => void
  }
  /**
   * Opens the link in `hash` (`#s=…`): decompressed in a worker within caps, then foreign sources
   * wait for consent. Resolves false when there is no link or it was refused (with a notice).
   */
  openHash(hash: string): Promise<boolean>
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
  async function openState(s: LinkState): Promise<boolean> {
    applying = true
    const tabFrom = app.ui.store.getState().tab
    try {
      // Relative sources are the page's: resolved here, not against a worker's script URL.
      const abs = (u: string | null | undefined) => (u ? new URL(u, location.href).href : null)
      const want = {
        model: abs(s.src.model),
        data: abs(s.src.data),
        schema: abs(s.src.schema),
        challenger: abs(s.src.challenger),
      }
      const { model, data, schema } = app.session.store.getState()
      const same =
        want.model === abs(model?.input.kind === 'url' ? model.input.url : null) &&
        want.data === abs(data?.input.kind === 'url' ? data.input.url : null) &&
        want.schema === abs(schema?.url)
      if (!same && (want.model || want.data || want.schema)) {
        const ok = await app.load.loadBundle({
          // Linked sources: a redirect is refused, not followed (src/core/origins.ts).
          ...(want.model ? { model: { kind: 'url', url: want.model, linked: true } } : {}),
          ...(want.data ? { data: { kind: 'url', url: want.data, linked: true } } : {}),
          ...(want.schema ? { schema: { kind: 'url', url: want.schema, linked: true } } : {}),
          ...(s.classIndex !== null ? { cls: classRequest(s.classIndex) } : {}),
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
      const view = viewStateValidate(s.raw, viewContext(app)).accepted
      const backend = view.backend
      if (
        backend &&
        backend !== b.activeBackend &&
        b.backends.some((x) => x.name === backend && x.available)
      ) {
        await app.backends.setBackend(backend as BackendName)
      }
      viewStateApply(app, s.raw, tabFrom, 'This link', s.dropped)
      const ch = app.compare.store.getState().challenger
      const chUrl = typeof want.challenger === 'string' ? want.challenger : null
      if (chUrl && !(ch?.input.kind === 'url' && ch.input.url === chUrl)) {
        if (
          await app.compare.loadChallenger(
            { kind: 'url', url: chUrl, linked: true },
            demoOfUrl(chUrl),
          )
        )
          if (view.show === 'challenger') await app.compare.show('challenger')
      } else if (view.localChallenger === true)
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

  async function openHash(hash: string): Promise<boolean> {
    const m = /^#s=(.+)$/.exec(hash)
    if (!m) return false
    // Decompressed off this thread, within caps: a hostile link cannot freeze the page.
    const r = await unpackOffThread({ kind: 'link', payload: m[1]! })
    const s = r.ok && r.kind === 'link' ? viewStateDecodeJson(r.json) : null
    if (!s) {
      notify(
        'error',
        r.ok
          ? 'This link could not be read (damaged or from another version); showing the dashboard without it.'
          : `This link was not opened: ${r.message}. Showing the dashboard without it.`,
      )
      return false
    }
    const foreign = foreignOrigins(s)
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
        void openHash(location.hash)
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
