/// <reference lib="webworker" />
// Thin entry: sets up the browser side of the model runtimes (tfjs: WebGPU backend, wasm file
// paths), gives the host its probe cache (IndexedDB) and device description, and hands every
// message to ModelHost (which Node tests drive directly). The debug commands (model/debug.ts)
// are registered only in the e2e build, or when the page's init asks for them (its test API is
// installed); elsewhere their module is never loaded. The pool's helper workers run this script.
import '../model/tfjs/browser.ts'
import { createStore, get, set } from 'idb-keyval'
import { deviceInfo } from './device.ts'
import { ModelHost } from './modelHost.ts'
import type { ModelReq, Res } from './protocol.ts'

const scope = self as unknown as DedicatedWorkerGlobalScope
// Probe results by device and model shape (probeCache.ts), in their own IndexedDB database.
const probes = createStore('glassbox-probe', 'probes')
const host = new ModelHost({
  backends: ['webgpu', 'webgl', 'wasm', 'cpu'],
  probeStore: { get: (k) => get(k, probes), set: (k, v) => set(k, v, probes) },
  deviceInfo,
})
const post = (res: Res, transfer?: Transferable[]) => scope.postMessage(res, transfer ?? [])
/** Settles once the debug commands are registered (when asked); messages wait for it, in order. */
let ready: Promise<unknown> = Promise.resolve()
scope.onmessage = (ev: MessageEvent<ModelReq>) => {
  const req = ev.data
  if (req.cmd === 'init' && (import.meta.env.MODE === 'e2e' || req.debug === true))
    ready = import('./model/debug.ts').then((m) => m.modelHostDebug(host))
  void ready.then(() => host.handle(req, post))
}
