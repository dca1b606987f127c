/**
 * The page's one app: every store, built once over the real workers (src/state/workers.ts), plus
 * the sharing link and persistence. Importing this module creates the workers and stores but
 * subscribes nothing; `startApp` (called once by src/main.tsx) wires the stores and opens the
 * first session. Components import the stores from here; unit tests never do (they build their
 * own app with fake workers through `createApp`).
 */
import { type App, createApp } from './createApp.ts'
import { createPersist } from './persist.ts'
import { createShare } from './share.ts'
import { browserDeps } from './workers.ts'
import { demoNamed } from './load.ts'
import { wireApp } from './wiring.ts'

const deps = browserDeps(() => app.backends.maxWorkers())

/** The page's stores. */
export const app: App = createApp(deps)
/** The page's live links. */
export const share = createShare(app)
/** The page's persisted session. */
export const persist = createPersist(app)
/** The worker objects the test API drives directly. */
export const { modelWorker, modelPool } = deps

/**
 * Wires the stores (src/state/wiring.ts), starts the link and persistence services, then opens
 * the first session: a shared link (#s=…) wins; else the session persisted in IndexedDB; else
 * the built-in demo under `base` — unless ?demo=0 (an empty dashboard for one's own files).
 * `?demo=xgboost` (or `?demo=mlp`) opens that demo instead of the persisted session.
 */
export async function startApp(base: string): Promise<void> {
  wireApp(app, {
    viewChanged: () => {
      share.viewChanged()
      persist.viewChanged()
    },
    sessionLoaded: (s) => persist.sessionLoaded(s),
    challengerChanged: () => persist.challengerChanged(),
  })
  share.start()
  persist.start()
  if (await share.openHash(location.hash)) return
  const asked = new URLSearchParams(location.search).get('demo')
  if (asked === '0') return
  const demo = demoNamed(asked)
  if (demo) {
    await app.load.loadDemo(base, demo)
    return
  }
  if (await persist.restore()) return
  await app.load.loadDemo(base)
}
