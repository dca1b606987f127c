/**
 * Page objects for the dashboard: `App` (open, load, tabs, metrics, readiness) and `Api`, a typed
 * wrapper of the e2e build's `window.__glassbox` (src/state/testApi.ts). They wait on state — the
 * readiness flag `data-ready`, the job bar, store values, worker messages — never on fixed sleeps.
 * Plain classes over a Playwright `Page`, so the e2e fixtures (e2e/fixtures.ts) and the bench's
 * browser scenarios (bench/responsiveness*.ts) drive the page the same way.
 */
import { expect, type Locator, type Page } from '@playwright/test'
import type { TestApi } from '../src/state/testApi.ts'
import { golden } from './paths.ts'

/** sha256 of the golden fixture's model (model.json + shard), as the model card shows it. */
export const GOLDEN_SHA = '3c4cbb658280f4afd9e66f1f2d499e668ed7ce04a1d007560c78101d5f052ce4'
/** The golden fixture as a user picks it: model.json, its shard, the CSV and the schema. */
export const GOLDEN_FILES = ['model.json', 'group1-shard1of1.bin', 'data.csv', 'schema.json'].map(
  (f) => golden(f),
)

/** The dashboard's tabs (data-testid `tab-<name>`). */
export type Tab =
  | 'Overview'
  | 'Explain'
  | 'Calibration'
  | 'Fairness'
  | 'Data'
  | 'Compression'
  | 'Monitoring'
  | 'Compare'

/** The file inputs of the load panel (data-testid `input-<name>`). */
export type FileInput = 'any' | 'model' | 'data' | 'schema'

/** Notice levels (data-testid `notice-<level>`). */
export type NoticeLevel = 'info' | 'warning' | 'error'

/** Job, readiness and load waits: a load or a probe on a busy software backend takes a while. */
const IDLE_MS = 60_000

/** The dashboard in one page. */
export class App {
  readonly api: Api

  constructor(readonly page: Page) {
    this.api = new Api(page)
  }

  /** The element with data-testid `id`. */
  el(id: string): Locator {
    return this.page.getByTestId(id)
  }

  /**
   * Opens the app at `/<query>` and, unless the query asks for no demo (`demo=0`), waits until
   * the demo is loaded, backends are measured and no job runs.
   */
  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}`, { waitUntil: 'commit' })
    if (!query.includes('demo=0')) await this.waitIdle()
  }

  /** Waits until the dashboard is ready (`data-ready`) and no job runs. */
  async waitIdle(timeout = IDLE_MS): Promise<void> {
    await expect(this.el('main')).toHaveAttribute('data-ready', 'true', { timeout })
    await expect(this.el('job')).toHaveCount(0, { timeout })
  }

  /** Gives `files` (absolute paths) to the file input `input` (the any-files picker by default). */
  async loadFiles(files: string[], input: FileInput = 'any'): Promise<void> {
    await this.el(`input-${input}`).setInputFiles(files)
  }

  /**
   * Loads the golden fixture (model, shard, CSV, schema) through the any-files picker and waits
   * until its model is the one loaded and the dashboard is idle again.
   */
  async loadGolden(): Promise<void> {
    await this.loadFiles(GOLDEN_FILES)
    await expect(this.el('model-sha')).toHaveText(GOLDEN_SHA)
    await this.waitIdle()
  }

  /**
   * The view state the app has persisted for a reload (idb-keyval's default store in IndexedDB,
   * key glassbox.session.view), or null while there is none. Never creates the database.
   */
  persistedView(): Promise<Record<string, unknown> | null> {
    return this.page.evaluate(async () => {
      if (!(await indexedDB.databases()).some((d) => d.name === 'keyval-store')) return null
      return new Promise<Record<string, unknown> | null>((resolve, reject) => {
        const open = indexedDB.open('keyval-store')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('keyval')) {
            db.close()
            resolve(null)
            return
          }
          const get = db.transaction('keyval').objectStore('keyval').get('glassbox.session.view')
          get.onerror = () => reject(get.error)
          get.onsuccess = () => {
            db.close()
            resolve((get.result as Record<string, unknown> | undefined) ?? null)
          }
        }
      })
    })
  }

  /** Clicks tab `tab` and waits until the dashboard shows it. */
  async openTab(tab: Tab): Promise<void> {
    await this.el(`tab-${tab}`).click()
    await expect(this.el('main')).toHaveAttribute('data-tab', tab)
  }

  /**
   * Opens the Compare tab, loads the built-in demo `demo` as the challenger and waits until the
   * comparison of the rows in scope is shown and no job runs.
   */
  async loadDemoChallenger(demo: 'mlp' | 'xgboost', format: string): Promise<void> {
    await this.openTab('Compare')
    await this.el(`challenger-demo-${demo}`).click()
    await expect(this.el('challenger-status')).toHaveAttribute('data-format', format)
    await this.waitCompared()
  }

  /** Waits until the Compare tab shows a finished comparison and no job runs. */
  async waitCompared(timeout = IDLE_MS): Promise<void> {
    await expect(this.el('compare-results')).toHaveAttribute('data-ready', 'true', { timeout })
    await expect(this.el('job')).toHaveCount(0, { timeout })
  }

  /** The full-precision number in `data-value` of element `id` (null when empty). */
  async dataValue(id: string): Promise<number | null> {
    const v = await this.el(id).getAttribute('data-value')
    return v === null || v === '' ? null : Number(v)
  }

  /** Opens the Explain tab and waits for its automatic first run (default row, then global SHAP). */
  async openExplain(): Promise<void> {
    await this.openTab('Explain')
    await expect(this.el('global-bar')).toBeVisible({ timeout: IDLE_MS })
    await this.waitIdle()
  }

  /**
   * Locks (`on` true) or unlocks feature `name` for counterfactuals in the Explain tab (the tab
   * must be open); applies to the next search.
   */
  async lockForCounterfactuals(name: string, on: boolean): Promise<void> {
    await this.el(`cf-lock-${name}`).setChecked(on)
  }

  /** Features changed by each counterfactual shown in the Explain tab, one list per answer. */
  async counterfactualChanges(): Promise<string[][]> {
    return this.el('cf-item').evaluateAll((items) =>
      items.map((li) =>
        [...li.querySelectorAll('[data-feature]')].map((s) => s.getAttribute('data-feature')!),
      ),
    )
  }

  /** The exact value behind a metric tile of the Overview (its data-value, full precision). */
  async metric(id: string): Promise<number> {
    return Number(await this.el(`metric-${id}`).getAttribute('data-value'))
  }

  /** Types `value` into the scope bar's threshold field (the one for every view) and commits it (Enter). */
  async setThreshold(value: number): Promise<void> {
    await this.fillNumber('threshold', value)
  }

  /** Types `value` into the number field `id` (a kit NumberField) and commits it with Enter. */
  async fillNumber(id: string, value: number | string): Promise<void> {
    const field = this.el(id)
    await field.fill(String(value))
    await field.press('Enter')
  }

  /** The last notice of `level`, or the last one containing `text`. */
  notice(level: NoticeLevel, text?: string): Locator {
    const all = this.el(`notice-${level}`)
    return (text === undefined ? all : all.filter({ hasText: text })).last()
  }

  /**
   * Records the progress messages every worker of the page posts (label and fraction done, in
   * order) from the next navigation on: call before `open`. A test waits on them to act in the
   * middle of a job (see `waitForWorkerProgress`).
   */
  async recordWorkerProgress(): Promise<void> {
    await this.page.addInitScript(() => {
      const w = window as unknown as { __workerProgress: { label: string; fraction: number }[] }
      w.__workerProgress = []
      const Base = window.Worker
      window.Worker = class extends Base {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options)
          this.addEventListener('message', (e: MessageEvent) => {
            const d = e.data as { kind?: unknown; label?: unknown; done?: unknown; total?: unknown }
            if (d?.kind === 'progress')
              w.__workerProgress.push({
                label: String(d.label),
                fraction: Number(d.done) / Math.max(1, Number(d.total)),
              })
          })
        }
      }
    })
  }

  /** Forgets the worker progress recorded so far. */
  async clearWorkerProgress(): Promise<void> {
    await this.page.evaluate(() => {
      ;(window as unknown as { __workerProgress: unknown[] }).__workerProgress = []
    })
  }

  /**
   * Waits until a worker has posted progress labelled `label`, with less than `below` of the job
   * done (default 1: any report before the last), since the last clear — the job is then
   * running and has work left.
   */
  async waitForWorkerProgress(label: string, below = 1, timeout = IDLE_MS): Promise<void> {
    await this.page.waitForFunction(
      ([l, b]) =>
        (
          window as unknown as { __workerProgress: { label: string; fraction: number }[] }
        ).__workerProgress.some((p) => p.label === l && p.fraction < b),
      [label, below] as const,
      { timeout },
    )
  }
}

/** A function of the test API and one JSON argument, run in the page. */
export type InPage<A, T> = (api: TestApi, arg: A) => T | Promise<T>

/**
 * Typed access to `window.__glassbox` (only the e2e build has it: `vite build --mode e2e`).
 * Functions given to `run` and `state` run in the page: they see only their arguments, not the
 * test's variables.
 */
export class Api {
  constructor(readonly page: Page) {}

  /** Calls test API method `name` with `args` (JSON values) and returns its answer. */
  call<K extends keyof TestApi>(
    name: K,
    ...args: Parameters<TestApi[K]>
  ): Promise<Awaited<ReturnType<TestApi[K]>>> {
    return this.page.evaluate(
      ([n, a]) => (window.__glassbox![n] as (...x: unknown[]) => unknown)(...a),
      [name, args] as const,
    ) as Promise<Awaited<ReturnType<TestApi[K]>>>
  }

  /** Runs `fn(api, arg)` in the page and returns its (JSON-serialisable) answer. */
  run<T, A = undefined>(fn: InPage<A, T>, arg?: A): Promise<T> {
    const a = arg === undefined ? 'undefined' : JSON.stringify(arg)
    return this.page.evaluate(`(${fn.toString()})(window.__glassbox, ${a})`) as Promise<T>
  }

  /** `select` applied in the page to the test API's state snapshot (pick only what you need). */
  state<T>(select: (s: ReturnType<TestApi['state']>) => T): Promise<T> {
    return this.page.evaluate(`(${select.toString()})(window.__glassbox.state())`) as Promise<T>
  }

  /** The current predictions (the model worker's, one per data row). */
  async predictions(): Promise<number[]> {
    const p = await this.call('predictions')
    if (!p) throw new Error('no predictions: nothing is loaded')
    return p
  }
}
